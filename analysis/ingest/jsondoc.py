"""JSON record streams shared by the JSON export adapters (twarc2, reddit, bluesky, mastodon, telegram).

Exports come as NDJSON (one record a line) or as one JSON array of records. Both are read in bounded
memory and handed to DuckDB as Arrow tables ``source_line, raw, reject_reason`` registered as
``raw_lines``, where each adapter's SQL does the field mapping:

- NDJSON goes through ``jsonlines.line_tables`` (lines split and numbered in bulk, no Python step per
  line): ``source_line`` is the physical line, and each adapter's SQL has DuckDB check and parse the lines
  (``json_valid``, then ``json_transform`` with an explicit structure).
- A JSON array is streamed with ijson: ``source_line`` is the record's 1-based position in the array
  (the parser reports no line numbers), and ``raw`` is the record re-serialised as compact JSON.
  If the document breaks off or is malformed, the records before the fault are kept and the rest of
  the file becomes one quarantined row, so the user sees where it broke.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import ijson
import pyarrow as pa

from mobtrace.analysis.ingest.jsonlines import line_tables
from mobtrace.analysis.ingest.readers import _printable, first_record_streamed, open_binary, read_ahead, read_head
from mobtrace.analysis.ingest.tabular import registered
from mobtrace.analysis.sql import run_script

BOM_AND_SPACE = b"\xef\xbb\xbf \t\r\n"
# NDJSON lines per batch are chosen so a batch holds about this much text, and at most BATCH_LINES lines. Each batch
# plans the mapping SQL (25 ms for reddit.sql, 51 ms for bluesky.sql) and runs finalize.sql's ten statements: at 32 MB and
# 100,000 lines (3 batches per 300,000 Reddit records, 4 Bluesky ones) the ingest took 13-17% more CPU than at 64 MB and
# 250,000 lines (2 batches each); the peak RSS grew by about 20 MB (bench_adapters.py --memory-limit 256MB).
BATCH_BYTES = 64 << 20
BATCH_LINES = 250_000
ARRAY_BATCH_ROWS = 20_000


def head_kind(head: bytes) -> str:
    """'array' when the document starts with '[', 'object' with '{', else 'other'."""
    start = head.lstrip(BOM_AND_SPACE)[:1]
    return {b"[": "array", b"{": "object"}.get(start, "other")


def first_record(head: bytes, path: Path | None = None) -> dict | None:
    """The first JSON record of a file from its first bytes, when it is complete within them; else, given
    the file's ``path``, streamed from the file (``readers.first_record_streamed``: its keys and the start of
    its values), so that a first record of any length is recognised.

    Works for NDJSON (the first line) and for arrays (the first element); None when the record is not an
    object or the bytes are not JSON.
    """
    body = head.lstrip(BOM_AND_SPACE)
    try:
        if body.startswith(b"["):
            record = next(ijson.items(io.BytesIO(body), "item", use_float=True), None)
        else:
            record = json.loads(body.split(b"\n", 1)[0])
    except (ValueError, ijson.JSONError, UnicodeDecodeError, RecursionError):
        record = first_record_streamed(path, head) if path is not None else None
    return record if isinstance(record, dict) else None


def head_text(head: bytes) -> str:
    return head.decode("utf-8", "replace")


def lines_per_batch(path: Path, target_bytes: int = BATCH_BYTES, sample_lines: int = 200) -> int:
    """How many NDJSON lines make a batch of about ``target_bytes``, from the first lines' length.

    A twarc2 page line can be megabytes and a Reddit comment a kilobyte: a fixed line count would
    either exhaust memory or make batches so small that per-batch overhead dominates.
    """
    total = count = 0
    with open_binary(path) as handle:
        while count < sample_lines and total < target_bytes:
            line = handle.readline(target_bytes)
            if not line:
                break
            total += len(line)
            count += 1
    average = max(total / max(count, 1), 1.0)
    return max(1, min(BATCH_LINES, math.floor(target_bytes / average)))


def record_batches(path: Path) -> Iterator[pa.Table]:
    """The file's records as ``source_line, raw, reject_reason`` tables (NDJSON or a JSON array)."""
    if head_kind(read_head(path, 4096)) == "array":
        yield from array_batches(path, "item")
    else:
        yield from line_tables(path, lines_per_batch(path))


def array_batches(path: Path, prefix: str, batch_rows: int = ARRAY_BATCH_ROWS) -> Iterator[pa.Table]:
    """Stream the objects under ijson ``prefix`` (``item`` for a top-level array), numbered from 1."""
    batch = RecordBatcher(batch_rows)
    ordinal = 0
    with open_binary(path) as handle:
        try:
            for record in ijson.items(handle, prefix, use_float=True):
                ordinal += 1
                yield from batch.add(ordinal, to_json(record))
        except (ijson.JSONError, ValueError, UnicodeDecodeError, OSError, EOFError, RecursionError) as error:
            yield from batch.add(ordinal + 1, None, broken_document_reason(error, ordinal))
    yield from batch.flush()


def broken_document_reason(error: BaseException, records_before: int) -> str:
    detail = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
    return (
        f"the JSON document is malformed or cut off after record {records_before} ({detail}): "
        "the rest of the file was not read; re-export it or repair the file"
    )


# One encoder for every record: json.dumps with these options would build a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)


def to_json(value: object) -> str:
    return _ENCODER.encode(value)


class RecordBatcher:
    """Collects ``(source_line, raw, reject_reason)`` records and emits Arrow tables of ``batch_rows``."""

    def __init__(self, batch_rows: int = ARRAY_BATCH_ROWS, extra: Iterable[str] = ()):
        self.batch_rows = batch_rows
        self.extra = tuple(extra)
        self._rows: list[tuple] = []

    def add(self, source_line: int, raw: str | None, reason: str | None = None, *extra: object) -> Iterator[pa.Table]:
        padding = (None,) * (len(self.extra) - len(extra))
        self._rows.append((source_line, raw, reason, *extra[: len(self.extra)], *padding))
        if len(self._rows) >= self.batch_rows:
            yield from self.flush()

    def flush(self) -> Iterator[pa.Table]:
        if not self._rows:
            return
        columns = list(zip(*self._rows))
        try:
            raws, reasons = pa.array(columns[1], pa.string()), columns[2]
        except UnicodeEncodeError:  # a record with lone surrogates: find it (Arrow encodes the rest only once)
            checked = [(raw, reason) if raw is None else _checked_raw(raw, reason) for raw, reason in zip(columns[1], columns[2])]
            raws, reasons = pa.array([raw for raw, _ in checked], pa.string()), [reason for _, reason in checked]
        data = {
            "source_line": pa.array(columns[0], pa.int64()),
            "raw": raws,
            "reject_reason": pa.array(reasons, pa.string()),
        }
        for name, values in zip(self.extra, columns[3:]):
            data[name] = pa.array([None if v is None else str(v) for v in values], pa.string())
        self._rows = []
        yield pa.table(data)


def _checked_raw(raw: str, reason: str | None) -> tuple[str, str | None]:
    # Lone surrogates (from \udXXX escapes) cannot be stored as UTF-8: keep the record, quarantined.
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        return _printable(raw), reason or "record holds invalid Unicode (lone surrogate escapes): repair the text"
    return raw, reason


SCAN_PARTS = 8  # record batches per registered table: DuckDB scans each in one thread, so one would use one core


def stage_tables(
    con: duckdb.DuckDBPyConnection, tables: Iterable[pa.Table], sql: Path, raw_by_line: bool = True, **params: object
) -> Iterator[None]:
    """Register each table as ``raw_lines``, run the adapter's mapping SQL, and yield once per batch (while the
    table is still registered). The next table is read in a worker thread meanwhile (``readers.read_ahead``):
    DuckDB releases the GIL while it maps.

    With ``raw_by_line`` (one staged row per record, whose raw text is its ``raw_lines`` row), ``batch_raw``
    (stage.sql) points at ``raw_lines`` and the adapter's SQL stages no ``raw``: finalize.sql takes a
    quarantined row's text from there. Copying every record's text into ``stage_events`` cost 15% of a
    Bluesky batch's mapping. twarc2 stages several tweets per line, each with its own text, and passes False.
    """
    for table in read_ahead(iter(tables)):
        rows = max(1, -(-table.num_rows // SCAN_PARTS))
        table = pa.Table.from_batches(table.to_batches(max_chunksize=rows), schema=table.schema)
        with registered(con, "raw_lines", table):
            if raw_by_line:
                con.execute("CREATE OR REPLACE TEMP VIEW batch_raw AS SELECT source_line, raw FROM raw_lines")
            run_script(con, sql, **params)
            yield
