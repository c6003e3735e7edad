"""CSV records read by DuckDB's own ``read_csv``, numbered by physical line as the csv module numbers them.

``prepare`` reads a CSV/TSV file (optionally gzipped) into a temporary table with DuckDB's parser, its
rejected lines stored (``store_rejects``); ``raw_batches`` then points the ``raw_batch`` view at one batch
of it after another, with the columns ``tabular.text_batches`` gives every adapter: ``source_line``,
``raw``, ``reject_reason`` and the requested columns as text. The records, their numbers, raw text and
reasons are the same as ``readers.csv_batches`` yields (the csv module's reading of the file). The adapters
map DuckDB's read as one batch; duplicate reasons do not depend on where batches end (stage.sql's
``file_events``).

Line numbers. DuckDB gives none for good rows, and for rejected ones the number of records and blank
lines before them (line breaks inside quoted fields not counted). A record's physical line is worked out
in SQL as 2 (the line after the header) + the records before it + the line breaks inside their fields
(counted per row while reading) + the extra lines of rejected records before it. A file with blank lines
between records would be numbered wrong, so every read is checked against the file's bytes: its number
of physical lines, and of bytes that are neither quotes nor line breaks, must be exactly those of the
header, the rejected records (read again) and the good rows' fields, delimiters and terminators. (The
second check finds values DuckDB reads differently from the csv module, such as spaces around a quoted
field, which DuckDB drops.)

Rejected lines. DuckDB names the error (``TOO MANY COLUMNS``, ``MISSING COLUMNS``, ``INVALID ENCODING``);
the csv module reads each such record again from its line (a forward cursor over the file, one pass), which
gives its raw text, its span and the one-sentence reason the rest of mobtrace uses ("record has 3 fields
but the header has 2: ...", "record is not valid UTF-8: ..."). The csv module must agree that the record
is broken.

The slow path. When DuckDB cannot say what the csv module would read, ``prepare`` returns None and the
adapter reads the file with ``readers.csv_batches`` as before: the read fails (mixed line endings, an
unterminated quote, a quote inside an unquoted value that DuckDB's strict mode refuses, a broken gzip
stream), an error other than the three above (``UNQUOTED VALUE``, ``LINE SIZE OVER MAXIMUM``), blank
lines between records, a header or rejected record the csv module reads differently, a one-column
layout (a blank line would be a row), more than ``MAX_REJECTS`` rejected records, or a line of more than
``MAX_COLUMNS`` delimiters (DuckDB's rejects store takes time quadratic in a rejected record's fields, and
cannot be interrupted meanwhile: one 150 KB line of 150,000 fields took over a minute). ``STATS`` counts
the files read each way (``STATS["duckdb"]``, ``STATS["slow:<why>"]``) and the records read again by
the csv module (``STATS["rejects_read_again"]``); each slow read is also logged at DEBUG level.
run.py calls the adapters' ``prepare`` (which calls ``prepare`` here) before it opens the ingest transaction,
since a read DuckDB refuses would abort it; the rows then wait in temporary tables, which DuckDB spills to
disk beyond its ``memory_limit``, so a file of any size is read in bounded memory.

Example
-------
>>> import tempfile, pathlib
>>> from mobtrace.analysis.ingest import connect
>>> from mobtrace.analysis.sql import run_script
>>> path = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
>>> _ = path.write_bytes(b'id,text\\n1,"two\\nlines"\\n2,a,b\\n3,c\\n')
>>> con = connect(":memory:")
>>> run_script(con, pathlib.Path(__file__).parent / "stage.sql")  # the staging tables batch_raw looks at
>>> prepared = prepare(con, path)
>>> query = "SELECT source_line, reject_reason, id, text FROM raw_batch ORDER BY source_line"
>>> for _ in raw_batches(con, prepared, ["id", "text"]):
...     for row in con.sql(query).fetchall():
...         print(row)
(2, None, '1', 'two\\nlines')
(4, 'record has 3 fields but the header has 2: check delimiters and quoting', None, None)
(5, None, '3', 'c')
"""

from __future__ import annotations

import bisect
import csv
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
import zlib
from collections import Counter
from contextlib import suppress
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from mobtrace.analysis.ingest.readers import (
    BATCH_ROWS, MAX_FIELD_CHARS, RAW_CHARS, UTF8_BOM, _check_record, _LineCursor, _layout, _text, open_binary, read_head,
)

log = logging.getLogger(__name__)
STATS: Counter[str] = Counter()  # files read by DuckDB / by the slow path (by why), records read again
MAX_COLUMNS = 2_000  # more than any export layout has; a wider header is damage, read the slow way
# DuckDB's default buffer is 16 x max_line_size: 152 MiB per buffer with lines of up to 10M characters, which
# failed a 3M-row read at memory_limit = 256MB (the slow path then read the file, beyond the budget)
BUFFER_BYTES = 2 * MAX_FIELD_CHARS
MAX_REJECTS = 10_000  # rejected records read again by the csv module (held in memory, up to 10,000 characters each);
# more (a file in another encoding) is the slow path's, which streams them
KNOWN_ERRORS = ("TOO MANY COLUMNS", "MISSING COLUMNS", "INVALID ENCODING")
RESERVED = ("source_line", "raw", "reject_reason")
ROWS, REJECTS, OFFSETS, BREAKS = "mt_csv_rows", "mt_csv_rejects", "mt_csv_offsets", "mt_csv_breaks"
LEADING, LINE_STARTS = "mt_csv_leading", "mt_csv_line_starts"
ERRORS, SCANS = "mt_csv_reject_errors", "mt_csv_reject_scans"
_CHUNK = 1 << 24
_LF, _CR, _QUOTE = 10, 13, 34
_SPECIAL = b'"\r\n'


class _Slow(Exception):
    """DuckDB's reading cannot be shown to be the csv module's: the slow path reads the file."""


@dataclass
class Prepared:
    """A file read into ``mt_csv_rows`` (good rows, in file order) and ``mt_csv_rejects``."""

    path: Path
    delimiter: str
    header: list[str]
    good_rows: int
    reject_indexes: list[int] = field(default_factory=list)  # record index (0-based, after the header) of each reject

    @property
    def records(self) -> int:
        return self.good_rows + len(self.reject_indexes)

    def column(self, name: str) -> int | None:
        """Position of the column a name reads (the first one of that name), as csv_batches keeps it."""
        for index, column in enumerate(self.header):
            if column == name and name and name not in RESERVED:
                return index
        return None


_prepared: dict[tuple[int, str], Prepared] = {}


def prepare(con: duckdb.DuckDBPyConnection, path: Path, *, names: Sequence[str] | None = None,
            delimiter: str | None = None) -> Prepared | None:
    """Read a CSV file with DuckDB (outside a transaction: a read that fails must not abort one).

    ``names`` and ``delimiter`` as for ``readers.csv_batches``. None (after counting why in STATS) when the
    slow path must read the file; else the prepared read, which ``raw_batches`` finds by connection and path."""
    release(con, path)
    try:
        prepared = _prepare(con, Path(path), names, delimiter)
    except (_Slow, OSError, EOFError, zlib.error, UnicodeError) as why:
        _drop(con)
        why = why if isinstance(why, _Slow) else f"{type(why).__name__} while checking it"
        STATS[f"slow:{why}"] += 1
        log.debug("%s: read by the csv module (%s)", path, why)
        return None
    STATS["duckdb"] += 1
    _prepared[(id(con), str(path))] = prepared
    return prepared


def prepared_read(con: duckdb.DuckDBPyConnection, path: Path) -> Prepared | None:
    return _prepared.get((id(con), str(path)))


def release(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Forget a prepared read and drop its tables."""
    if _prepared.pop((id(con), str(path)), None) is not None:
        _drop(con)


def _drop(con: duckdb.DuckDBPyConnection) -> None:
    for table in (ROWS, REJECTS, OFFSETS, LINE_STARTS, BREAKS, ERRORS, SCANS):
        try:
            con.execute(f"DROP TABLE IF EXISTS {table}")
        except duckdb.Error:  # an aborted transaction: its temporary tables go with the connection
            return


def _prepare(con, path: Path, names: Sequence[str] | None, delimiter: str | None) -> Prepared:
    if b"\x00" in read_head(path):
        # UTF-16/32 text: DuckDB's rejects store takes minutes on its long runs of empty fields, and none of it is UTF-8
        raise _Slow("NUL bytes in the first bytes (UTF-16 or UTF-32 text?)")
    with _text(path) as handle:
        header_line = handle.readline()
    delimiter, header = _layout(header_line, names, delimiter)
    if len(header) < 2:
        raise _Slow("one column or a blank first line")
    if header_line.count('"') % 2:
        raise _Slow("a header with a line break inside quotes")
    if len(header) > MAX_COLUMNS:  # DuckDB plans one column each: a damaged header of 150,000 takes minutes
        raise _Slow(f"a header of {len(header):,} columns")
    width = len(header)
    if _has_wide_line(path, delimiter):
        raise _Slow(f"a line of more than {MAX_COLUMNS:,} delimiters")
    _drop(con)
    stop = threading.Event()
    with ThreadPoolExecutor(1, thread_name_prefix="mobtrace-csv-count") as pool:
        counts = pool.submit(_file_counts, path, stop)  # beside DuckDB's read, which lets go of the GIL
        try:
            return _read(con, path, header_line, delimiter, header, counts)
        finally:
            stop.set()


def _read(con, path: Path, header_line: str, delimiter: str, header: list[str], counts) -> Prepared:
    width = len(header)
    columns = ", ".join(f"'f{i}': 'VARCHAR'" for i in range(width))
    fields = ", ".join(f"f{i}" for i in range(width))
    lf, cr = "chr(10)", "chr(13)"
    con.execute(f"""CREATE OR REPLACE TEMP MACRO mt_line_breaks(s) AS
        (strlen(s) - strlen(replace(s, {lf}, ''))) + (strlen(s) - strlen(replace(s, {cr}, '')))
        - (strlen(s) - strlen(replace(s, {cr} || {lf}, ''))) // 2""")
    try:
        con.execute(
            f"""CREATE TEMP TABLE {ROWS} AS
            SELECT {fields}, strlen(mt_all) AS mt_len,
                   CASE WHEN contains(mt_all, '"') OR contains(mt_all, {lf}) OR contains(mt_all, {cr})
                        THEN strlen(mt_all) - strlen(translate(mt_all, '"' || {cr} || {lf}, '')) ELSE 0 END AS mt_special,
                   CASE WHEN contains(mt_all, {lf}) OR contains(mt_all, {cr}) THEN mt_line_breaks(concat_ws(',', {fields}))
                   ELSE 0 END AS mt_breaks
            FROM (SELECT {fields}, concat({fields}) AS mt_all FROM read_csv($path, columns = {{{columns}}}, header = false,
                  skip = 1, auto_detect = false, delim = $delimiter, quote = '"', escape = '"', comment = '', strict_mode = true,
                  encoding = 'utf-8', compression = $compression, max_line_size = {MAX_FIELD_CHARS}, buffer_size = {BUFFER_BYTES},
                  store_rejects = true, rejects_table = '{ERRORS}', rejects_scan = '{SCANS}', rejects_limit = {MAX_REJECTS + 1}))""",
            {"path": str(path), "delimiter": delimiter, "compression": "gzip" if path.suffix == ".gz" else "none"},
        )
    except duckdb.Error as error:
        raise _Slow(f"DuckDB cannot read it: {str(error).splitlines()[0][:120]}") from None
    known = ", ".join(f"'{kind}'" for kind in KNOWN_ERRORS)
    unknown, rejected = con.execute(f"SELECT min(error_type) FILTER (WHERE error_type NOT IN ({known})), count(DISTINCT line) "
                                    f"FROM {ERRORS}").fetchall()[0]
    if unknown is not None:
        raise _Slow(f"DuckDB error {unknown}")
    if rejected > MAX_REJECTS:
        raise _Slow("too many rejected records")
    errors = con.execute(f"SELECT DISTINCT line FROM {ERRORS} ORDER BY line").fetchall()
    good, breaks, content, longest = con.execute(
        f"SELECT count(*), coalesce(sum(mt_breaks), 0), coalesce(sum(mt_len - mt_special), 0), coalesce(max(mt_len), 0) FROM {ROWS}"
    ).fetchall()[0]
    if longest >= MAX_FIELD_CHARS:
        raise _Slow("a record longer than the csv module's field limit")
    # Line breaks in the good rows before each position: pos = rowid + 1 of a row with breaks, lines = the sum up to it.
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {BREAKS} AS
        SELECT rowid + 1 AS pos, CAST(sum(mt_breaks) OVER (ORDER BY rowid) AS BIGINT) AS lines FROM {ROWS} WHERE mt_breaks > 0""")
    reject_indexes = [line - 2 for (line,) in errors]  # DuckDB counts records (and blank lines) from the header's 1
    rejects = _read_rejects(con, path, delimiter, header, reject_indexes)
    _check_against_file(path, header_line, width, good, breaks, content, rejects, counts.result())
    _write_rejects(con, rejects)
    _write_offsets(con, rejects)
    return Prepared(path, delimiter, header, good, reject_indexes)


@dataclass
class _Reject:
    index: int  # record index (0-based, after the header)
    good_before: int  # good rows before it
    line: int
    span: int  # physical lines
    raw: str
    reason: str
    plain: int  # bytes of its lines that are neither quotes nor line breaks


def _read_rejects(con, path: Path, delimiter: str, header: list[str], indexes: list[int]) -> list[_Reject]:
    """Each rejected record read again by the csv module from its physical line."""
    if not indexes:
        return []
    # Line breaks in the good rows before each reject: one aggregate over the rows with breaks.
    befores = [index - rank for rank, index in enumerate(indexes)]
    con.execute("CREATE OR REPLACE TEMP TABLE mt_csv_reject_at AS SELECT DISTINCT unnest($1::BIGINT[]) AS good_before", [befores])
    sums = dict(con.execute(
        f"""SELECT a.good_before, coalesce(b.lines, 0) FROM mt_csv_reject_at a
            ASOF LEFT JOIN {BREAKS} b ON a.good_before >= b.pos""").fetchall())
    con.execute("DROP TABLE mt_csv_reject_at")
    rejects: list[_Reject] = []
    cursor = _LineCursor(path)
    extra = 0  # lines of the rejects before beyond their first
    try:
        for rank, index in enumerate(indexes):
            good_before = index - rank
            line = 2 + index + int(sums[good_before]) + extra
            if not cursor.advance_to(line):
                raise _Slow("a rejected record past the end of the file")
            rows: list[bytes] = []

            def lines() -> Iterator[str]:
                while (data := cursor.next_line()) is not None:
                    rows.append(data)
                    yield data.decode("utf-8", "surrogateescape")

            reader = csv.reader(lines(), delimiter=delimiter)
            try:
                fields = next(reader)
            except (StopIteration, csv.Error):
                raise _Slow("a rejected record the csv module cannot read") from None
            raw, reason, _ = _check_record(fields, header, None)
            if not fields or reason is None:
                raise _Slow("a rejected record the csv module reads as good")
            span = reader.line_num
            STATS["rejects_read_again"] += 1
            rejects.append(_Reject(index, good_before, line, span, raw, reason, sum(map(_plain, rows))))
            extra += span - 1
    finally:
        cursor.close()
    return rejects


def _check_against_file(path: Path, header_line: str, width: int, good: int, breaks: int, content: int,
                        rejects: list[_Reject], counts: tuple[int, int, int]) -> None:
    """The read accounts for every physical line and every byte that is neither a quote nor a line break
    (``counts``: what ``_file_counts`` found in the file)."""
    lines, plain, trailing_blank = counts
    header_bytes = header_line.encode("utf-8", "surrogateescape")
    with open_binary(path) as handle:
        if handle.read(3) == UTF8_BOM:  # _text dropped it
            header_bytes = UTF8_BOM + header_bytes
    expected_lines = 1 + good + breaks + sum(reject.span for reject in rejects) + trailing_blank
    if lines != expected_lines:
        raise _Slow("blank lines between records, or lines DuckDB reads differently")
    expected_plain = (_plain(header_bytes) + sum(reject.plain for reject in rejects)
                      + content + (width - 1) * good)
    if plain != expected_plain:
        raise _Slow("values DuckDB reads differently from the csv module")


def _plain(data: bytes) -> int:
    return len(data) - sum(data.count(byte) for byte in (b'"', b"\r", b"\n"))


def _has_wide_line(path: Path, delimiter: str) -> bool:
    """Whether a physical line holds more than ``MAX_COLUMNS`` delimiters. Such a line is longer than
    ``MAX_COLUMNS`` bytes: delimiters are only counted line by line in the chunks that have a line that long."""
    if len(delimiter) != 1 or ord(delimiter) > 127:
        return False
    mark = ord(delimiter)
    carried_bytes = carried = 0  # of the line the chunks so far ended in: its bytes and delimiters
    with open_binary(path) as handle:
        while chunk := handle.read(_CHUNK):
            view = np.frombuffer(chunk, np.uint8)
            breaks = view == _LF
            if b"\r" in chunk:  # rare apart from CRLF files: the extra comparison only then
                breaks |= view == _CR
            ends = np.append(np.flatnonzero(breaks), len(view))
            lengths = np.diff(ends, prepend=-1)
            lengths[0] += carried_bytes
            carried_bytes = int(lengths[-1]) - (len(ends) > 1)
            if lengths.max() <= MAX_COLUMNS:  # no line here is long enough: carry the open line's count on
                if len(ends) > 1:
                    carried = 0
                carried += int(np.count_nonzero(view[ends[-2] + 1 if len(ends) > 1 else 0:] == mark))
                continue
            per_line = np.diff(np.searchsorted(np.flatnonzero(view == mark), ends), prepend=0)
            per_line[0] += carried
            if per_line.max() > MAX_COLUMNS:
                return True
            carried = int(per_line[-1])
    return False


def _file_counts(path: Path, stop: threading.Event | None = None) -> tuple[int, int, int]:
    """Physical lines (as the csv module counts them), bytes that are not quotes or line breaks, and blank
    lines at the end of the file. numpy counts (twice as fast as ``bytes.count``, and it lets go of the GIL,
    so this runs beside DuckDB's read)."""
    breaks = plain = 0
    last = b""
    tail = b""  # the file's last bytes, for the blank lines at its end
    with open_binary(path) as handle:
        while chunk := handle.read(_CHUNK):
            if stop is not None and stop.is_set():
                return -1, -1, -1
            view = np.frombuffer(chunk, np.uint8)
            lf, cr, quotes = (int(np.count_nonzero(view == byte)) for byte in (_LF, _CR, _QUOTE))
            crlf = 0
            if cr:
                crlf = chunk.count(b"\r\n") + (last == b"\r" and chunk[:1] == b"\n")
            elif last == b"\r" and chunk[:1] == b"\n":
                crlf = 1
            breaks += lf + cr - crlf
            plain += len(chunk) - lf - cr - quotes
            last = chunk[-1:]
            tail = (tail + chunk[-4096:])[-4096:]
    lines = breaks + (1 if last and last not in b"\r\n" else 0)
    run = tail[len(tail.rstrip(b"\r\n")):]
    run_breaks = run.count(b"\n") + run.count(b"\r") - run.count(b"\r\n")
    trailing_blank = max(run_breaks - 1, 0)  # the first break ends the last line that is not blank
    return lines, plain, trailing_blank


def _write_rejects(con, rejects: list[_Reject]) -> None:
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {REJECTS} AS
        SELECT unnest($1::BIGINT[]) AS record_index, unnest($2::BIGINT[]) AS source_line, unnest($3::VARCHAR[]) AS raw,
               unnest($4::VARCHAR[]) AS reject_reason""",
                [[reject.index for reject in rejects], [reject.line for reject in rejects],
                 [reject.raw for reject in rejects], [reject.reason for reject in rejects]])


def _write_offsets(con, rejects: list[_Reject]) -> None:
    """``mt_csv_offsets(pos, lines)``: a good row's line is 2 + its rowid + the ``lines`` of the last
    entry at or before its rowid: the line breaks in the good rows before it and the spans of the rejects.
    ``mt_csv_line_starts(first_line, lines)``: the same entries by the line of their first row, to find the
    row of a line. (Lists as parameters, not an Arrow table: building one imports pandas, 0.4 s.)"""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {OFFSETS} AS
        SELECT pos, CAST(sum(sum(delta)) OVER (ORDER BY pos) AS BIGINT) AS lines
        FROM (SELECT rowid + 1 AS pos, mt_breaks AS delta FROM {ROWS} WHERE mt_breaks > 0
              UNION ALL SELECT unnest($1::BIGINT[]), unnest($2::BIGINT[]))
        GROUP BY pos""", [[reject.good_before for reject in rejects], [reject.span for reject in rejects]])
    con.execute(f"CREATE OR REPLACE TEMP TABLE {LINE_STARTS} AS SELECT 2 + pos + lines AS first_line, lines FROM {OFFSETS}")


def raw_batches(con: duckdb.DuckDBPyConnection, prepared: Prepared, columns: Sequence[str], reason: str | None = None,
                leading: pa.Table | None = None, batch_rows: int | None = None) -> Iterator[None]:
    """Point ``raw_batch`` (and ``batch_raw``) at the whole prepared read, or at each batch of ``batch_rows``
    records in turn (the slow path's batches, for comparing the two); yield while it is.

    ``leading``: records (a table shaped like ``raw_batch``) that come before the file's, as CNT's first
    row. ``reason``: set on every record not already rejected (a required column is missing)."""
    lead = 0 if leading is None else leading.num_rows
    total = lead + prepared.records
    batch_rows = batch_rows or max(total, 1)
    indexes = prepared.reject_indexes
    width = len(prepared.header)
    every = ", ".join(f"coalesce(r.f{i}, '')" for i in range(width))
    wanted = []
    for name in columns:
        index = prepared.column(name)
        wanted.append(f"coalesce(r.f{index}, '') AS {_name(name)}" if index is not None else f"CAST(NULL AS VARCHAR) AS {_name(name)}")
    nulls = "".join(f"CAST(NULL AS VARCHAR) AS {_name(name)}, " for name in columns)
    given = _literal(reason)
    if leading is not None:
        con.register(LEADING, leading.select(["source_line", "raw", "reject_reason", *columns]))
    try:
        for start in range(0, total, batch_rows):
            first, last = max(start - lead, 0), start + batch_rows - lead  # file records [first, last)
            good_first = first - bisect.bisect_left(indexes, first)
            good_last = max(last, 0) - bisect.bisect_left(indexes, max(last, 0))
            line = _line_sql(con, good_first, good_last)
            good = f"""
                SELECT {line} AS source_line, CAST(NULL AS VARCHAR) AS raw, CAST({given} AS VARCHAR) AS reject_reason,
                       {"".join(f"{value}, " for value in wanted)}
                FROM {ROWS} AS r {f"ASOF LEFT JOIN {OFFSETS} AS o ON r.rowid >= o.pos" if "o.lines" in line else ""}
                WHERE r.rowid >= {good_first} AND r.rowid < {good_last}"""
            others = [f"SELECT NULL::BIGINT AS source_line, NULL::VARCHAR AS raw, NULL::VARCHAR AS reject_reason, "
                      f"{nulls.removesuffix(', ')} WHERE false"]  # the rejects and leading records
            if indexes and bisect.bisect_left(indexes, last) > bisect.bisect_left(indexes, first):
                others.append(f"""
                SELECT source_line, raw, reject_reason, {nulls.removesuffix(', ')} FROM {REJECTS}
                WHERE record_index >= {first} AND record_index < {last}""")
            if start == 0 and lead:
                others.append(f"""SELECT source_line, raw, coalesce(reject_reason, CAST({given} AS VARCHAR)),
                                  {", ".join(_name(name) for name in columns)} FROM {LEADING}""")
            con.execute(f"CREATE OR REPLACE TEMP VIEW mt_csv_others AS {' UNION ALL '.join(others)}")
            con.execute(f"CREATE OR REPLACE TEMP VIEW raw_batch AS {good} UNION ALL SELECT * FROM mt_csv_others")
            # Raw text (the fields joined by commas, as csv_batches gives it) only for the rows finalize.sql
            # quarantines: a good row's is rebuilt from its fields, found by rowid from its line (the line
            # minus 2 and the lines before its row, mt_csv_line_starts); building it for every row costs.
            con.execute(f"""CREATE OR REPLACE TEMP VIEW batch_raw AS
                WITH wanted AS (SELECT source_line FROM stage_events WHERE reject_reason IS NOT NULL AND raw IS NULL
                                UNION ALL SELECT source_line FROM stage_accounts WHERE reject_reason IS NOT NULL AND raw IS NULL),
                rows_wanted AS (
                    SELECT w.source_line, w.source_line - 2 - coalesce(s.lines, 0) AS mt_rowid
                    FROM (SELECT source_line FROM wanted WHERE source_line NOT IN (SELECT source_line FROM mt_csv_others)) AS w
                    ASOF LEFT JOIN {LINE_STARTS} AS s ON w.source_line >= s.first_line)
                SELECT w.source_line, left(concat_ws(',', {every}), {RAW_CHARS}) AS raw
                FROM {ROWS} AS r JOIN rows_wanted AS w ON r.rowid = w.mt_rowid
                WHERE r.rowid IN (SELECT mt_rowid FROM rows_wanted)
                UNION ALL SELECT source_line, raw FROM mt_csv_others WHERE source_line IN (SELECT source_line FROM wanted)""")
            yield
    finally:
        # Views, not registered tables: the next file's reader may register ``raw_batch`` itself.
        with suppress(duckdb.Error):  # an aborted transaction undoes them anyway
            con.execute("DROP VIEW IF EXISTS batch_raw; DROP VIEW IF EXISTS raw_batch; DROP VIEW IF EXISTS mt_csv_others")
        if leading is not None:
            with suppress(duckdb.Error):
                con.unregister(LEADING)


def _line_sql(con, good_first: int, good_last: int) -> str:
    """The SQL of a good row's line in rowids [good_first, good_last): a constant plus the rowid when no
    line break or rejected record falls among them (no join needed), else through ``mt_csv_offsets``."""
    inside = con.execute(f"SELECT count(*) FROM {OFFSETS} WHERE pos > {good_first} AND pos < {good_last}").fetchall()[0][0]
    if inside:
        return "CAST(2 + r.rowid + coalesce(o.lines, 0) AS BIGINT)"
    before = con.execute(f"SELECT max_by(lines, pos) FROM {OFFSETS} WHERE pos <= {good_first}").fetchall()[0][0] or 0
    return f"CAST(2 + {int(before)} + r.rowid AS BIGINT)"


def _name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str | None) -> str:
    return "NULL" if text is None else "'" + text.replace("'", "''") + "'"
