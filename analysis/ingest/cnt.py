"""coordination-network-toolkit's CSV input (PyPI ``coordination-network-toolkit`` 1.5.2,
``preprocess_csv_files``), optionally gzipped.

Eight comma-separated columns read by *position*: ``message_id, user_id, username, repost_id,
reply_id, message, timestamp, urls``. The toolkit's docstring asks for a header row and its code
skips the first row whatever it holds, so files in the wild have the canonical header, another
header, or none (people who write the rows straight from a data frame).

Field mapping (mapping SQL: cnt.sql), platform ``x`` (the toolkit is used on Twitter data; a file
from elsewhere should be loaded with the generic format instead):

- ``event_id`` = ``message_id``; ``account_id`` = ``user_id``; ``account_handle`` = ``username``;
- ``action``: a non-empty ``repost_id`` -> repost of that message; else a non-empty ``reply_id`` ->
  reply to that message; else post. ``target_post_id`` = that id; ``target_account_id`` is unknown;
- ``text`` = ``message``; ``ts`` = ``timestamp`` (the toolkit accepts seconds from any origin; mobtrace
  needs Unix seconds, so a relative clock is quarantined as out of range); ``urls`` = ``urls`` split on
  spaces.

Header handling: the first row is taken as a header, as the toolkit does, unless it looks like a
record (its 7th field is a number), in which case it is ingested as line 1 instead of being dropped.
A header other than the canonical one is reported as one quarantined row, so that a first message
with a broken timestamp cannot vanish unseen.
Auto-detection accepts the canonical header, or a headerless file whose first two rows have eight
fields, non-empty ids and a Unix-seconds timestamp.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from mobtrace.analysis.ingest import csv_engine
from mobtrace.analysis.ingest.tabular import registered_batch
from mobtrace.analysis.ingest.readers import (
    BATCH_ROWS, _check_record, _csv_table, _Rebatcher, _record_tables, _text, csv_batches, csv_records, read_ahead,
)
from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent
DEFAULT_PLATFORM = "x"
COLUMNS = ("message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls")
PLAUSIBLE_UNIX_SECONDS = (788_918_400.0, 4_102_444_800.0)  # 1995 .. 2100, as finalize.sql checks


def first_rows(path: Path, count: int = 2) -> list[list[str]]:
    rows: list[list[str]] = []
    try:
        with _text(path) as handle:
            for fields in csv.reader(handle):
                if fields:
                    rows.append(fields)
                if len(rows) >= count:
                    break
    except (csv.Error, OSError, EOFError, UnicodeError):
        pass
    return rows


def is_canonical_header(fields: list[str]) -> bool:
    return [name.strip().lower() for name in fields] == list(COLUMNS)


def looks_like_record(fields: list[str], strict: bool = False) -> bool:
    """An eight-field row whose timestamp is a number (strict: Unix seconds, and ids filled in)."""
    if len(fields) != len(COLUMNS):
        return False
    try:
        seconds = float(fields[6])
    except ValueError:
        return False
    if not strict:
        return True
    low, high = PLAUSIBLE_UNIX_SECONDS
    return low <= seconds < high and bool(fields[0].strip()) and bool(fields[1].strip())


def first_row_role(path: Path) -> str:
    """'header' (the canonical names), 'record' (looks like a message) or 'other-header'."""
    rows = first_rows(path, 1)
    if not rows or is_canonical_header(rows[0]):
        return "header"
    return "record" if looks_like_record(rows[0]) else "other-header"


OTHER_HEADER_REASON = (
    "first row taken as the header, as coordination-network-toolkit does, but it is not "
    "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls: if it is a message, its timestamp is unreadable"
)


def positional_batches(path: Path, first_row: str, batch_rows: int = BATCH_ROWS) -> Iterator[pa.Table]:
    """Records as Arrow tables named after COLUMNS by position (the reader checks mirror csv_batches).

    ``first_row`` is the role of the first row (see first_row_role): a canonical header is skipped, a
    record is read, and any other header is reported as one quarantined row so nothing vanishes unseen.

    When the first row is the file's first line, that row is read here and the rest by the fast
    ``readers.csv_batches``; otherwise (blank lines or a multi-line record first, an unreadable first
    row) the csv module reads the whole file (``_positional_batches_reference``). Either way the
    batches are the same, record for record and batch for batch (tests/test_csv_reader.py checks it).
    """
    first = _first_line_record(path)
    if first is None:
        yield from _positional_batches_reference(path, first_row, batch_rows)
        return
    header = list(COLUMNS)
    batches = _Rebatcher(batch_rows)
    if first_row == "record":
        yield from batches.add(_csv_table([(1, *_check_record(first, header, None))], header))
    elif first_row == "other-header":
        raw, _, _ = _check_record(first, header, None)
        yield from batches.add(_csv_table([(1, raw, OTHER_HEADER_REASON, [])], header))
    for table in csv_batches(path, batch_rows, names=header, delimiter=","):
        yield from batches.add(table)
    yield from batches.flush()


def first_row_table(path: Path, first_row: str) -> pa.Table | None:
    """The first line as ``positional_batches`` reads it when it is not a canonical header: a record, or
    the one quarantined row of another header (None for a canonical header or an unreadable first line)."""
    first = _first_line_record(path)
    header = list(COLUMNS)
    if first is None or first_row == "header":
        return None
    if first_row == "record":
        return _csv_table([(1, *_check_record(first, header, None))], header)
    raw, _, _ = _check_record(first, header, None)
    return _csv_table([(1, raw, OTHER_HEADER_REASON, [])], header)


def _first_line_record(path: Path) -> list[str] | None:
    """The fields of the file's first line when it holds the first record, whole; else None."""
    try:
        with _text(path) as handle:
            reader = csv.reader(handle)
            fields = next(reader, None)
            return fields if fields and reader.line_num == 1 else None
    except (csv.Error, OSError, EOFError, UnicodeError):
        return None


def _positional_batches_reference(path: Path, first_row: str, batch_rows: int = BATCH_ROWS) -> Iterator[pa.Table]:
    """``positional_batches`` read by the csv module alone, record by record: the definition of what it
    yields, and its path for files whose first record is not simply their first line."""
    header = list(COLUMNS)
    with _text(path) as handle:
        records = csv_records(handle, ",", header, first_line=1)
        first = next(records, None)
        if first is not None and first_row == "other-header":
            first = (first[0], first[1], OTHER_HEADER_REASON, [])
        elif first_row == "header":
            first = None
        yield from _record_tables(itertools.chain([first] if first else [], records), header, batch_rows)


class CntAdapter:
    name = "cnt"
    description = "coordination-network-toolkit CSV (message_id, user_id, username, repost_id, reply_id, message, timestamp, urls)"
    checks_rows = True  # its mapping applies the row checks (mt_row_problem): finalize.sql skips them

    def sniff(self, path: Path, head: bytes) -> bool:
        rows = first_rows(path)
        if rows and is_canonical_header(rows[0]):
            return True
        return len(rows) == 2 and all(looks_like_record(row, strict=True) for row in rows)

    def prepare(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        """Have DuckDB read the records after the first line, before the ingest transaction (run.py calls
        it); files whose first record is not simply their first line are read by ``positional_batches``."""
        if _first_line_record(path) is not None:
            csv_engine.prepare(con, path, names=COLUMNS, delimiter=",")

    def stage(self, con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[None]:
        run_script(con, HERE / "platform_macros.sql")
        prepared = csv_engine.prepared_read(con, path)
        if prepared is not None:
            first = first_row_table(path, first_row_role(path))
            for _ in csv_engine.raw_batches(con, prepared, COLUMNS, leading=first):
                run_script(con, HERE / "cnt.sql", platform=DEFAULT_PLATFORM)
                yield
            return
        for table in read_ahead(positional_batches(path, first_row_role(path))):
            with registered_batch(con, table):
                run_script(con, HERE / "cnt.sql", platform=DEFAULT_PLATFORM)
                yield
