"""Streaming record readers shared by the adapters.

They read a file in bounded memory and hand Arrow batches to DuckDB, where each adapter's SQL does the
field mapping. Every record keeps its 1-based line number and its raw text, so that a record that
cannot be used goes to quarantine with where it came from. Records that are broken at this level
(wrong field count, invalid UTF-8, an over-long field) come out with ``reject_reason`` already set.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

BATCH_ROWS = 100_000
RAW_CHARS = 10_000  # raw text kept per quarantined record
MAX_FIELD_CHARS = 10_000_000

csv.field_size_limit(MAX_FIELD_CHARS)


def open_binary(path: Path) -> io.BufferedIOBase:
    """Open a file for reading, decompressing ``.gz`` transparently."""
    path = Path(path)
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    return open(path, "rb")


def read_head(path: Path, size: int = 65_536) -> bytes:
    """First bytes of a (possibly gzipped) file, for format sniffing."""
    try:
        with open_binary(path) as handle:
            return handle.read(size)
    except (OSError, EOFError):
        return b""


def _text(path: Path) -> io.TextIOWrapper:
    # surrogateescape keeps undecodable bytes visible so the record can be quarantined, not the file.
    return io.TextIOWrapper(open_binary(path), encoding="utf-8-sig", errors="surrogateescape", newline="")


def _is_valid_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(text: str) -> str:
    """Raw text safe to store: undecodable bytes shown as U+FFFD, length capped."""
    return text[:RAW_CHARS].encode("utf-8", "replace").decode("utf-8")


def csv_header(path: Path) -> list[str]:
    """Normalised column names of a CSV file (lower-case, stripped)."""
    with _text(path) as handle:
        first = handle.readline()
    delimiter = _delimiter(first)
    row = next(csv.reader([first], delimiter=delimiter), [])
    return [_column_name(name) for name in row]


def _column_name(name: str) -> str:
    # Undecodable bytes in a header name would make Arrow raise: show them as U+FFFD instead, so
    # the file's rows are still read (and quarantined for the column they then lack).
    return _printable(name.strip().lower())


def _delimiter(header_line: str) -> str:
    return "\t" if header_line.count("\t") > header_line.count(",") else ","


def csv_batches(path: Path, batch_rows: int = BATCH_ROWS) -> Iterator[pa.Table]:
    """Stream a CSV file as Arrow tables of string columns.

    Columns: ``source_line`` (the record's first line; the header is line 1), ``raw``, ``reject_reason``
    and one string column per header name (lower-cased). Records whose field count differs from the
    header's, that are not valid UTF-8 or that the csv module cannot read are kept with a reason.
    """
    with _text(path) as handle:
        header_line = handle.readline()
        delimiter = _delimiter(header_line)
        header = [_column_name(name) for name in next(csv.reader([header_line], delimiter=delimiter), [])]
        reader = csv.reader(handle, delimiter=delimiter)
        batch: list[tuple[int, str, str | None, list[str]]] = []
        while True:
            line = reader.line_num + 2  # the record's first physical line; the header is line 1
            try:
                fields = next(reader)
                error = None
            except StopIteration:
                break
            except csv.Error as exc:
                fields, error = [], f"unreadable CSV record ({exc}): check quoting and field sizes"
            if not fields and error is None:
                continue  # a blank line is not a record
            batch.append((line, *_check_record(fields, header, error)))
            if len(batch) >= batch_rows:
                yield _csv_table(batch, header)
                batch = []
        if batch:
            yield _csv_table(batch, header)


def _check_record(fields: list[str], header: list[str], error: str | None) -> tuple[str, str | None, list[str]]:
    raw = ",".join(fields)
    if error is None and not _is_valid_utf8(raw):
        error = "record is not valid UTF-8: re-export the file as UTF-8"
    if error is None and len(fields) != len(header):
        error = f"record has {len(fields)} fields but the header has {len(header)}: check delimiters and quoting"
    return _printable(raw), error, fields if error is None else []


def _csv_table(batch: list[tuple[int, str, str | None, list[str]]], header: list[str]) -> pa.Table:
    width = len(header)
    rows = [fields if fields else [None] * width for _, _, _, fields in batch]
    columns = list(zip(*rows)) if rows else [()] * width
    data = {
        "source_line": pa.array([line for line, _, _, _ in batch], pa.int64()),
        "raw": pa.array([raw for _, raw, _, _ in batch], pa.string()),
        "reject_reason": pa.array([reason for _, _, reason, _ in batch], pa.string()),
    }
    for name, values in zip(header, columns):
        if name and name not in data:
            data[name] = pa.array(values, pa.string())
    return pa.table(data)


def line_batches(path: Path, batch_rows: int = BATCH_ROWS) -> Iterator[pa.Table]:
    """Stream a line-oriented file (NDJSON) as Arrow tables ``source_line, raw, reject_reason``.

    Blank lines are skipped (they are not records); lines that are not valid UTF-8 keep a reason.
    """
    lines: list[int] = []
    raws: list[str | None] = []
    reasons: list[str | None] = []
    with open_binary(path) as handle:
        for number, data in enumerate(handle, start=1):
            if not data.strip():
                continue
            lines.append(number)
            try:
                raws.append(data.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n"))
                reasons.append(None)
            except UnicodeDecodeError:
                raws.append(_printable(data.decode("utf-8", "replace")))
                reasons.append("line is not valid UTF-8: re-export the file as UTF-8")
            if len(lines) >= batch_rows:
                yield _line_table(lines, raws, reasons)
                lines, raws, reasons = [], [], []
    if lines:
        yield _line_table(lines, raws, reasons)


def _line_table(lines: list[int], raws: list[str | None], reasons: list[str | None]) -> pa.Table:
    return pa.table(
        {
            "source_line": pa.array(lines, pa.int64()),
            "raw": pa.array(raws, pa.string()),
            "reject_reason": pa.array(reasons, pa.string()),
        }
    )
