"""Parquet inputs of the column-mapping formats, read and mapped on Spark (``--engine spark``; issue #16).

For a Parquet file of ``generic`` (events or accounts), ``reports`` or ``coortweet``, Spark's Parquet reader reads
the file, the row numbers are Spark's ``_metadata.row_index`` + 1 (the order of the rows in the file, which is
what the DuckDB path numbers: the reader's batches in file order), the columns become text as
``tabular._parquet_projection`` makes them, and the adapter's own mapping SQL with the row checks (``macros.sql``,
``stage.sql``'s macro and tables, e.g. ``generic.sql``) runs on Spark, rendered (``engine.render``): no second
copy. Only the staged rows (``stage_events`` / ``stage_accounts``, each with its ``source_line`` and its reason if
it is rejected) come back to DuckDB as Parquet; ``finalize.sql`` (duplicates in the file and in the database),
the quarantine, ``merge_accounts.sql`` and ``sources`` (SHA-256, counts) run there as for every file, so the
stored rows are the DuckDB path's. The ``raw`` text of a quarantined row (``to_json`` of the record) is made on the
driver after ``finalize.sql``, for the quarantined rows alone, by the same DuckDB expression the DuckDB path uses.

Which files stay on DuckDB, and why:
- other formats: their mappings keep state across batches (``ira538``), write their own table (``notices``),
  read by position (``cnt``), or use constructs without a Spark rendering yet (``io-archive``: Python-literal
  lists sliced with ``x[2:-2]``); the JSON adapters read documents, not columns;
- CSV and NDJSON files (see NOTES.md: the quarantine's ``source_line`` is a physical line there, which Spark's
  readers do not give);
- a Parquet file with a column the format reads whose text Spark cannot give as DuckDB does: text, integers and
  booleans are cast by Spark (the same text); floats, decimals, dates and timestamps (to the microsecond), and
  lists and structs of those (their JSON), are written by DuckDB on the executors (``duckdb_parsers``); other
  types (nanosecond timestamps, maps, intervals, ...) keep the file on DuckDB, as does a schema pyarrow cannot read;
- a file whose bytes Spark cannot read (a corrupt page or footer): the DuckDB path quarantines from the unreadable
  row on. Any other failure on Spark is raised.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from mobtrace.analysis.engine.settings import EngineSettings
from mobtrace.analysis.ingest.columns_adapter import ColumnsAdapter
from mobtrace.analysis.ingest.generic import (ACCOUNT_COLUMNS, DEFAULT_PLATFORM, EVENT_COLUMNS, REQUIRED_EVENT_COLUMNS,
                                              GenericAdapter, is_accounts_file)
from mobtrace.analysis.ingest.readers import read_head
from mobtrace.analysis.ingest.tabular import column_names, missing_columns_reason, registered, tabular_kind
from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent
SPARK_FORMATS = ("generic", "reports", "coortweet")
STAGED_TABLES = ("stage_events", "stage_accounts")
# Column types whose text is the same in both engines (Spark's CAST AS STRING, DuckDB's CAST AS VARCHAR of Arrow's)
_ARROW_TEXT_SAME = (pa.types.is_string, pa.types.is_large_string, pa.types.is_int8, pa.types.is_int16,
                    pa.types.is_int32, pa.types.is_int64, pa.types.is_boolean)
# Column types whose text DuckDB writes on the executors (duckdb_parsers: mt_duckdb_text, or the JSON of a list or
# struct), which Spark hands over as the same Arrow type: floats, decimals, dates, timestamps to the microsecond
_ARROW_TEXT_BY_DUCKDB = (pa.types.is_floating, pa.types.is_decimal128, pa.types.is_date32,
                         lambda t: pa.types.is_timestamp(t) and t.unit in ("s", "ms", "us"))
_ARROW_NESTED = (pa.types.is_list, pa.types.is_large_list, pa.types.is_struct)


def _text_kind(kind: pa.DataType) -> str | None:
    """How a column of this Arrow type becomes text on Spark: 'cast' (Spark's own), 'duckdb', 'json', or None
    (the file stays on DuckDB: nanosecond timestamps, maps, lists of those, ...)."""
    if any(test(kind) for test in _ARROW_TEXT_SAME):
        return "cast"
    if any(test(kind) for test in _ARROW_TEXT_BY_DUCKDB):
        return "duckdb"
    if any(test(kind) for test in _ARROW_NESTED) and all(_text_kind(kind.field(i).type) in ("cast", "duckdb")
                                                          for i in range(kind.num_fields)):
        return "json"
    return None


@dataclass(frozen=True)
class ColumnMapping:
    """What an adapter reads from a file and how it maps it: the file's columns as text into ``raw_batch``, then ``sql``."""

    columns: tuple[str, ...]
    required: frozenset[str]
    sql: Path
    params: dict[str, object] = field(default_factory=dict)
    table: str = "stage_events"  # the staging table the mapping fills


def column_mapping(adapter, path: Path) -> ColumnMapping | None:
    """The mapping Spark runs for this file, or None when the file stays on DuckDB (see the module docstring)."""
    if getattr(adapter, "name", None) not in SPARK_FORMATS or tabular_kind(path, read_head(path)) != "parquet":
        return None
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException):
        return None
    if isinstance(adapter, GenericAdapter):
        if is_accounts_file(column_names(path)):
            mapping = ColumnMapping(ACCOUNT_COLUMNS, frozenset(), HERE / "generic_accounts.sql", {"platform": DEFAULT_PLATFORM},
                                    "stage_accounts")
        else:
            mapping = ColumnMapping(EVENT_COLUMNS, frozenset(REQUIRED_EVENT_COLUMNS), HERE / "generic.sql", {"platform": DEFAULT_PLATFORM})
    elif isinstance(adapter, ColumnsAdapter) and type(adapter) is ColumnsAdapter:
        mapping = ColumnMapping(adapter.columns, adapter.required, adapter.mapping_sql, dict(adapter.params))
    else:
        return None
    read = {name.lower(): schema.field(name).type for name in schema.names}
    if any(name in read and _text_kind(read[name]) is None for name in mapping.columns):
        return None
    return mapping


@contextmanager
def staged_on_spark(adapter, path: Path, execution: EngineSettings | None, spark: Callable[[], object]) -> Iterator[object]:
    """The adapter to ingest ``path`` with: with the Spark engine and a file Spark maps (``column_mapping``), one
    that loads the rows Spark staged (Spark runs here, before the ingest transaction); else ``adapter`` itself.
    ``spark`` gives the ``SparkEngine`` (made once per run by the caller)."""
    mapping = column_mapping(adapter, path) if execution is not None and execution.engine == "spark" else None
    if mapping is None:
        yield adapter
        return
    with tempfile.TemporaryDirectory(prefix="mobtrace-ingest-", dir=execution.spark_dir or None) as folder:
        engine = spark()
        try:
            stage_on_spark(engine, path, mapping, adapter.name, Path(folder))
        except Exception as error:  # noqa: BLE001
            if not _unreadable_file(error):
                raise
            yield adapter  # the DuckDB path quarantines the rows from the first it cannot read on
            return
        yield SparkStaged(adapter.name, getattr(adapter, "checks_rows", False), Path(folder))


def _unreadable_file(error: Exception) -> bool:
    """Spark failed reading the file's bytes (a corrupt page), not rendering or running the SQL (which must fail loudly)."""
    return "FAILED_READ_FILE" in str(error) or "CANNOT_READ_FILE_FOOTER" in str(error)


def stage_on_spark(engine, path: Path, mapping: ColumnMapping, fmt: str, folder: Path) -> None:
    """Spark reads the Parquet file into ``raw_batch`` and runs the mapping; the staged table goes to ``folder``."""
    from pyspark.sql import functions as F

    empty = _staging_tables(engine)
    frame = engine.spark.read.parquet(str(path))
    present = {name.lower(): name for name in frame.columns}
    kinds = {field.name.lower(): _text_kind(field.type) for field in pq.read_schema(path)}
    reason = missing_columns_reason(mapping.required, column_names(path), fmt)

    def text(name: str):
        if name not in present:
            return F.lit(None).cast("string")
        column = F.col(f"`{present[name]}`")
        if kinds[name] == "cast":
            return column.cast("string")
        return F.call_function("mt_duckdb_json_text" if kinds[name] == "json" else "mt_duckdb_text", column)

    raw_batch = frame.select((F.col("_metadata.row_index") + 1).alias("source_line"), F.lit(None).cast("string").alias("raw"),
                             F.lit(reason).cast("string").alias("reject_reason"),
                             *[text(name).alias(name) for name in mapping.columns])
    engine.register_frame("raw_batch", raw_batch)
    try:
        run_script(engine, mapping.sql, **mapping.params)
        engine.write_parquet(mapping.table, folder / mapping.table)
    finally:
        engine.drop_table("raw_batch")
        for table, rows in empty.items():
            engine.register_frame(table, rows)


def _staging_tables(engine) -> dict[str, object]:
    """The macros and the empty staging tables on ``engine`` (made once per engine: ``stage.sql`` is 30 statements),
    as DataFrames to reset the tables to after a file."""
    made = getattr(engine, "_mobtrace_staging", None)
    if made is None or not set(STAGED_TABLES) <= engine.tables():  # not yet, or the engine was closed since
        run_script(engine, HERE / "macros.sql")
        run_script(engine, HERE / "platform_macros.sql")
        run_script(engine, HERE / "stage.sql")
        made = {table: engine.spark.table(table) for table in STAGED_TABLES}
        engine._mobtrace_staging = made
    return made


@dataclass(frozen=True)
class SparkStaged:
    """An adapter whose one batch is the rows Spark staged (``stage_on_spark``), read back from Parquet."""

    name: str
    checks_rows: bool
    folder: Path

    def stage(self, con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[None]:
        for table in STAGED_TABLES:
            files = sorted((self.folder / table).glob("*.parquet"))
            if files:
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet($files) ORDER BY source_line",
                            {"files": [str(f) for f in files]})
        yield
        # finalize.sql has quarantined this file's rejected rows (the mapping's, and the duplicates it finds) without
        # their raw text (batch_raw is empty): it is filled in now, for those rows alone
        lines = [line for (line,) in con.execute(
            "SELECT source_line FROM quarantine WHERE source_file = $file AND format = $format AND raw IS NULL ORDER BY 1",
            {"file": str(path), "format": self.name}).fetchall()]
        for raw in _raw_texts(con, path, lines):
            with registered(con, "raw_found", raw):
                con.execute("UPDATE quarantine AS q SET raw = left(r.raw, 10000) FROM raw_found AS r "
                            "WHERE q.source_file = $file AND q.format = $format AND q.raw IS NULL AND q.source_line = r.source_line",
                            {"file": str(path), "format": self.name})


def _raw_texts(con: duckdb.DuckDBPyConnection, path: Path, lines: list[int]) -> Iterator[pa.Table]:
    """(source_line, raw) of the rows ``lines`` (1-based, ascending): the record's JSON text as the DuckDB path writes it
    (``to_json`` of the row read by pyarrow, ``tabular._parquet_projection``), batch by batch of the file."""
    wanted = iter(lines)
    line = next(wanted, None)
    offset = 0
    for batch in pq.ParquetFile(path).iter_batches():
        if line is None:
            return
        rows = []
        while line is not None and line <= offset + batch.num_rows:
            rows.append(line)
            line = next(wanted, None)
        if rows:
            taken = pa.Table.from_batches([batch]).take([row - offset - 1 for row in rows])
            with registered(con, "raw_parquet", taken):
                texts = con.sql("SELECT CAST(to_json(p) AS VARCHAR) AS raw FROM raw_parquet AS p").to_arrow_table()
            yield pa.table({"source_line": pa.array(rows, pa.int64()), "raw": texts.column("raw")})
        offset += batch.num_rows
