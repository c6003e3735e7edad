"""Tabular files (CSV/TSV, NDJSON, Parquet; CSV and NDJSON optionally gzipped) as text batches.

``text_batches`` registers a relation ``raw_batch`` on the connection for each batch: the requested
columns as text (a column the file lacks is NULL; NDJSON arrays and Parquet lists become JSON text),
plus ``source_line``, ``raw`` and ``reject_reason``. Adapters for CSV-like exports then need only a
mapping SQL file from ``raw_batch`` to the staging tables. A CSV file that ``prepare_csv`` had DuckDB
read before the ingest transaction is served from DuckDB's tables (``csv_engine``); otherwise, and when
DuckDB cannot say what the csv module would read, ``readers.csv_batches`` reads it.
"""

from __future__ import annotations

import json
from contextlib import contextmanager, suppress
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from mobtrace.analysis.ingest import csv_engine
from mobtrace.analysis.ingest.readers import (
    BATCH_ROWS, csv_batches, csv_header, first_record_streamed, read_ahead, read_head,
)

PARQUET_MAGIC = b"PAR1"


def tabular_kind(path: Path, head: bytes) -> str:
    """'parquet', 'ndjson' or 'csv', from the file's first bytes."""
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "ndjson"
    return "csv"


def column_names(path: Path, head: bytes | None = None) -> list[str]:
    """Lower-cased column names: CSV header, keys of the first NDJSON object, or Parquet schema."""
    head = read_head(path) if head is None else head
    kind = tabular_kind(path, head)
    if kind == "parquet":
        try:
            return [name.lower() for name in pq.read_schema(path).names]
        except (OSError, pa.ArrowException):
            return []
    if kind == "ndjson":
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
        try:
            record = json.loads(first)
        except ValueError:
            record = first_record_streamed(path, head)  # a first line longer than the head
        return [str(key).lower() for key in record] if isinstance(record, dict) else []
    return csv_header(path)


def text_batches(
    con: duckdb.DuckDBPyConnection, path: Path, columns: Sequence[str], required: Iterable[str] = (), fmt: str = ""
) -> Iterator[None]:
    """Register ``raw_batch`` for each batch of the file; yield while it is registered.

    When the file lacks a ``required`` column, every record is still read and counted but carries the
    reason naming the missing column(s), so the whole file is quarantined, not taken for something else."""
    kind = tabular_kind(path, read_head(path))
    batches = {"csv": _csv_batches, "ndjson": _ndjson_batches, "parquet": _parquet_batches}[kind]
    reason = missing_columns_reason(required, column_names(path), fmt)
    prepared = csv_engine.prepared_read(con, path) if kind == "csv" else None
    if prepared is not None:
        yield from csv_engine.raw_batches(con, prepared, list(columns), reason)
        return
    yield from batches(con, path, list(columns), reason)


def missing_columns_reason(required: Iterable[str], present: Iterable[str], fmt: str = "") -> str | None:
    """The reason every record of a file carries when it lacks ``required`` columns (None when it has them)."""
    missing = sorted(set(required) - set(present))
    if not missing:
        return None
    return (f"the file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}, which the "
            f"{fmt or 'chosen'} format needs: add {'them' if len(missing) > 1 else 'it'}, or pass the --format the file is in")


def prepare_csv(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Have DuckDB read a CSV file before its ingest transaction (see ``csv_engine.prepare``), so that
    ``text_batches`` serves its batches from DuckDB; other kinds of file are read as before."""
    if tabular_kind(path, read_head(path)) == "csv":
        csv_engine.prepare(con, path)


def _csv_batches(con, path: Path, columns: list[str], reason: str | None = None) -> Iterator[None]:
    """CSV batches, each next one parsed in a worker thread while the SQL maps the current one."""
    for table in read_ahead(csv_batches(path)):
        for name in columns:
            if name not in table.column_names:
                table = table.append_column(name, pa.nulls(table.num_rows, pa.string()))
        yield from _registered(con, table.select(["source_line", "raw", "reject_reason", *columns]), reason)


def _ndjson_batches(con, path: Path, columns: list[str], reason: str | None = None) -> Iterator[None]:
    """NDJSON lines (``jsonlines.line_tables``), each parsed once by DuckDB into the requested columns as
    JSON text (json_transform), then a string's or a number's value as text, an array's or object's JSON."""
    from mobtrace.analysis.ingest.jsonlines import line_tables

    structure = json.dumps({name: "JSON" for name in columns})
    fields = ",\n".join(
        f"CASE WHEN starts_with(r.\"{name}\", '[') OR starts_with(r.\"{name}\", '{{') THEN CAST(r.\"{name}\" AS VARCHAR)"
        f" ELSE r.\"{name}\" ->> '$' END AS \"{name}\""
        for name in columns
    )
    # json_valid guards the parse (json_transform raises on a broken line); valid JSON is an object exactly
    # when its first non-blank character is "{".
    projection = f"""
        SELECT source_line, raw,
               CASE WHEN reject_reason IS NOT NULL THEN reject_reason
                    WHEN r IS NULL THEN 'line is not a JSON object: each line must hold one complete {{...}} record'
               END AS reject_reason,
               {fields}
        FROM (SELECT *, CASE WHEN json_valid(raw) AND regexp_matches(raw, '^[ \\t\\n\\r]*\\{{')
                             THEN json_transform(raw, '{structure}') END AS r FROM raw_lines)
    """
    for table in line_tables(path):
        with registered(con, "raw_lines", table):
            projected = con.sql(projection).to_arrow_table()
        yield from _registered(con, projected, reason)


def _parquet_batches(con, path: Path, columns: list[str], reason: str | None = None) -> Iterator[None]:
    """Parquet in record batches; a file (or the rest of one) pyarrow cannot read is one rejected row."""
    offset = 0
    try:
        parquet = pq.ParquetFile(path)
        present = {name.lower(): name for name in parquet.schema_arrow.names}
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
            with registered(con, "raw_parquet", pa.Table.from_batches([batch])):
                sql = _parquet_projection(parquet.schema_arrow, present, columns)
                table = con.sql(sql, params=[offset]).to_arrow_table()
            offset += batch.num_rows
            yield from _registered(con, table, reason)
    except (OSError, pa.ArrowException) as error:
        reason = f"unreadable Parquet from row {offset + 1} on ({error}): re-export the file"
        yield from _registered(con, _rejected_row(offset + 1, reason, columns))


def _rejected_row(line: int, reason: str, columns: list[str]) -> pa.Table:
    data = {"source_line": pa.array([line], pa.int64()), "raw": pa.array([None], pa.string()), "reject_reason": pa.array([reason])}
    return pa.table({**data, **{name: pa.nulls(1, pa.string()) for name in columns}})


def _parquet_projection(schema: pa.Schema, present: dict[str, str], columns: list[str]) -> str:
    def as_text(name: str) -> str:
        if name not in present:
            return f'CAST(NULL AS VARCHAR) AS "{name}"'
        original = present[name]
        kind = schema.field(original).type
        nested = pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_struct(kind)
        value = f'CAST(to_json(p."{original}") AS VARCHAR)' if nested else f'CAST(p."{original}" AS VARCHAR)'
        return f'{value} AS "{name}"'

    fields = ",\n".join(as_text(name) for name in columns)
    return f"""
        SELECT CAST($1 + row_number() OVER () AS BIGINT) AS source_line,
               CAST(to_json(p) AS VARCHAR) AS raw, CAST(NULL AS VARCHAR) AS reject_reason,
               {fields}
        FROM raw_parquet AS p
    """


def _registered(con, table: pa.Table, reason: str | None = None) -> Iterator[None]:
    """``table`` registered as ``raw_batch``; with a ``reason``, every record not already rejected carries it."""
    if reason is not None:
        column = table.column_names.index("reject_reason")
        table = table.set_column(column, "reject_reason", pc.coalesce(table["reject_reason"], pa.scalar(reason, pa.string())))
    with registered_batch(con, table):
        yield


@contextmanager
def registered_batch(con: duckdb.DuckDBPyConnection, table: pa.Table) -> Iterator[None]:
    """``table`` as ``raw_batch``, and the ``batch_raw`` view (stage.sql) pointed at its raw text."""
    with registered(con, "raw_batch", table):
        con.execute("CREATE OR REPLACE TEMP VIEW batch_raw AS SELECT source_line, raw FROM raw_batch")
        yield


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[None]:
    """``table`` visible to SQL as ``name`` for the block, and let go of afterwards (see ``_ArrowView``).
    A failure inside is not masked by the unregister, which an aborted transaction refuses."""
    view = _ArrowView(table)
    con.register(name, view)
    try:
        yield
    except BaseException:
        with suppress(duckdb.Error):
            con.unregister(name)
        raise
    else:
        con.unregister(name)
    finally:
        view.release()


class _ArrowView:
    """An Arrow table as DuckDB scans it (through the Arrow C stream interface, as often as a query
    needs), which lets go of the table when released.

    DuckDB keeps a registered object alive until the transaction ends, and ``run.ingest_file`` reads a
    whole file in one transaction: registering the batches' tables themselves kept every batch of the
    file in memory (about 60 MB per 100,000 IO-archive rows, outside DuckDB's memory_limit).
    """

    def __init__(self, table: pa.Table):
        self._table: pa.Table | None = table

    def __arrow_c_stream__(self, requested_schema=None):
        if self._table is None:
            raise RuntimeError("this batch is no longer registered")
        return self._table.__arrow_c_stream__(requested_schema)

    def release(self) -> None:
        self._table = None
