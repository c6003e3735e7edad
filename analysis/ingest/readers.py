"""Streaming record readers shared by the adapters.

They read a file in bounded memory and hand Arrow batches to DuckDB, where each adapter's SQL does the
field mapping. Every record keeps its 1-based line number and its raw text, so that a record that
cannot be used goes to quarantine with where it came from. Records that are broken at this level
(wrong field count, invalid UTF-8, an over-long field) come out with ``reject_reason`` already set.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import queue
import re
import threading
import zlib
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

# Records per batch. Each batch costs a fixed round of SQL statements: IO-archive ingest ran 31% faster at
# 250,000 than at 100,000 (median of 3 A/B runs), and no faster at 500,000. About 70 MB of Arrow per batch.
BATCH_ROWS = 250_000
RAW_CHARS = 10_000  # raw text kept per quarantined record
MAX_FIELD_CHARS = 10_000_000

csv.field_size_limit(MAX_FIELD_CHARS)
T = TypeVar("T")


def open_binary(path: Path) -> io.BufferedIOBase:
    """Open a file for reading, decompressing ``.gz`` transparently. A ``.gz`` file that breaks off (a
    truncated download) or is corrupt reads as if it ended there: what came before is read as usual, and
    ``broken_read(path)`` says why it ended, so the ingest can quarantine the rest with that reason."""
    path = Path(path)
    if path.suffix == ".gz":
        return io.BufferedReader(_GzipUntilBroken(path), buffer_size=1 << 16)
    return open(path, "rb")


_broken_reads: dict[str, str] = {}  # file -> why its decompression stopped early


def broken_read(path: Path) -> str | None:
    """Why reading a ``.gz`` file stopped before its end (None when it did not), since ``forget_broken_read``."""
    return _broken_reads.get(str(Path(path).resolve()))


def forget_broken_read(path: Path) -> None:
    _broken_reads.pop(str(Path(path).resolve()), None)


class _GzipUntilBroken(io.RawIOBase):
    """The decompressed bytes of a gzip file up to the last line break before the first error, which ends
    the stream and is kept: the partial line cut by the error is part of what cannot be read, not a record."""

    def __init__(self, path: Path):
        super().__init__()
        self._key = str(Path(path).resolve())
        self._gzip = gzip.open(path, "rb")
        self._ready = b""  # bytes up to a line break, to hand out
        self._carry = b""  # bytes after the last line break, held until the next one (or the end) comes
        self._ended = False

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._ready and not self._ended:
            try:
                chunk = self._gzip.read1(1 << 16)  # one decompression step: nothing read is lost to an error
            except (EOFError, OSError, zlib.error) as error:
                _broken_reads[self._key] = f"{type(error).__name__}: {error}"
                self._ended, self._carry = True, b""
                break
            if not chunk:
                self._ended, self._ready, self._carry = True, self._carry, b""
                break
            data = self._carry + chunk
            cut = max(data.rfind(b"\n"), data.rfind(b"\r")) + 1
            self._ready, self._carry = data[:cut], data[cut:]
        size = min(len(buffer), len(self._ready))
        buffer[:size] = self._ready[:size]
        self._ready = self._ready[size:]
        return size

    def tell(self) -> int:
        return self._gzip.tell() - len(self._ready) - len(self._carry)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset, whence = self.tell() + offset, io.SEEK_SET
        self._ready = self._carry = b""
        self._ended = False
        try:
            return self._gzip.seek(offset, whence)
        except (EOFError, OSError, zlib.error) as error:
            _broken_reads[self._key] = f"{type(error).__name__}: {error}"
            self._ended = True
            return self._gzip.tell()

    def close(self) -> None:
        if not self.closed:
            self._gzip.close()
        super().close()


def read_head(path: Path, size: int = 65_536) -> bytes:
    """First bytes of a (possibly gzipped) file, for format sniffing."""
    try:
        with open_binary(path) as handle:
            return handle.read(size)
    except (OSError, EOFError):
        return b""


HEAD_SPACE = b"\xef\xbb\xbf \t\r\n"
SKELETON_DEPTH = 4  # levels of a first record kept for sniffing (twarc2 pages need data[0].author_id)
SKELETON_TEXT = 1_000  # characters kept of each string of it


def first_record_streamed(path: Path, head: bytes) -> dict | None:
    """The first JSON record of a file whose first line does not fit in the sniffed ``head``: streamed from
    the file, keeping its keys to ``SKELETON_DEPTH`` levels, the first item of each list and the start of
    each string, so that recognising a format never depends on how long the first record is.

    For a JSON array, its first element; for objects, only a first line cut off by the end of the head (an
    NDJSON record): None when the head holds the first line whole (then it was read from the head, or is
    not a record on its own, as in a pretty-printed document) or the file is not JSON there."""
    body = head.lstrip(HEAD_SPACE)
    if body[:1] not in (b"{", b"[") or (body[:1] == b"{" and b"\n" in body):
        return None
    stat = Path(path).stat()
    return _first_record_skeleton(str(path), stat.st_size, stat.st_mtime_ns, body.startswith(b"["))


@functools.lru_cache(maxsize=16)
def _first_record_skeleton(path: str, _size: int, _mtime: int, in_array: bool) -> dict | None:
    import ijson

    try:
        with open_binary(Path(path)) as handle:
            record = _skeleton(ijson.parse(handle, multiple_values=True, use_float=True), in_array)
    except (ijson.JSONError, ValueError, UnicodeDecodeError, OSError, RecursionError):
        return None
    return record if isinstance(record, dict) else None


def _skeleton(events: Iterable[tuple[str, str, object]], in_array: bool) -> object:
    """The first value of a stream of ijson events (of an array: its first item), cut as
    ``first_record_streamed`` says; the rest of the stream is not read."""
    stack: list[dict | list] = []
    keys: list[str | None] = []
    skipping = 0  # nesting depth inside a container left out
    outer = 1 if in_array else 0  # the document's own array is not part of the record
    for _prefix, event, value in events:
        if outer and event == "start_array" and not stack and not skipping:
            outer = 0
            continue
        if event in ("start_map", "start_array"):
            if skipping:
                skipping += 1
                continue
            container: dict | list = {} if event == "start_map" else []
            if stack and not _adds(stack[-1]):
                skipping = 1  # a list's second item onwards
                continue
            if len(stack) >= SKELETON_DEPTH:
                _put(stack, keys, container)  # present, but empty
                skipping = 1
                continue
            if stack:
                _put(stack, keys, container)
            stack.append(container)
            keys.append(None)
        elif event in ("end_map", "end_array"):
            if skipping:
                skipping -= 1
                continue
            if not stack:
                return None  # an empty array: no record
            done = stack.pop()
            keys.pop()
            if not stack:
                return done
        elif event == "map_key":
            if not skipping:
                keys[-1] = value
        elif not skipping:
            if not stack:
                return value
            if stack and _adds(stack[-1]):
                _put(stack, keys, value[:SKELETON_TEXT] if isinstance(value, str) else value)
    return None


def _adds(container: dict | list) -> bool:
    return isinstance(container, dict) or not container


def _put(stack: list, keys: list, value: object) -> None:
    if isinstance(stack[-1], dict):
        stack[-1][keys[-1]] = value
    else:
        stack[-1].append(value)


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


def csv_batches(
    path: Path, batch_rows: int = BATCH_ROWS, *, names: Sequence[str] | None = None, delimiter: str | None = None
) -> Iterator[pa.Table]:
    """Stream a CSV file as Arrow tables of string columns.

    Columns: ``source_line`` (the record's first line; the header is line 1), ``raw``, ``reject_reason``
    and one string column per header name (lower-cased). Records whose field count differs from the
    header's, that are not valid UTF-8 or that the csv module cannot read are kept with a reason.
    ``names`` reads the columns by position instead: they take these names, a record must have that many
    fields, and the first line is skipped whatever it holds. ``delimiter`` is used instead of the one
    guessed from the first line (a tab when it has more tabs than commas, else a comma).

    The header is the file's first physical line. The records are parsed by Arrow's C++ CSV reader and
    numbered by counting the line breaks inside each record; the rare inputs it cannot reproduce
    exactly (a record longer than a parse block, a BOM at the start of the data, an unterminated quote in
    a record of the wrong width, a block that is mostly not UTF-8, ...) are read by the csv module from
    the last line known to be right, for one block, after which Arrow takes over again. The result is the same, record for record and
    batch for batch, as ``_csv_batches_reference``; tests/test_csv_reader.py checks it.
    """
    with _text(path) as handle:
        header_line = handle.readline()
    delimiter, header = _layout(header_line, names, delimiter)
    if not header:  # a blank first line: every record is quarantined; not worth a fast path
        yield from _csv_batches_reference(path, batch_rows, names=names, delimiter=delimiter)
        return
    batches = _Rebatcher(batch_rows)
    cursor = _LineCursor(path)
    try:
        if not cursor.advance_to(2):
            return
        restarts = stalled = 0
        while not cursor.at_end():
            if restarts > MAX_FAST_RESTARTS:
                span = None  # too many surprises: the csv module reads the rest
            elif cursor.starts_with(UTF8_BOM):
                span = 1  # Arrow would drop a BOM that starts its input: the csv module reads this record
            else:
                segment = _ArrowSegment(path, cursor, delimiter, header)
                try:
                    for table in segment.tables():
                        yield from batches.add(table)
                finally:
                    segment.close()
                if segment.complete:
                    break
                restarts += 1
                stalled = 0 if segment.accepted_rows else stalled + 1
                span = BLOCK_BYTES << min(stalled, 8)  # past the block Arrow could not read
                cursor.close()
                cursor = segment.resume_cursor()
            for table in _record_tables(_reference_segment(cursor, delimiter, header, span), header, batch_rows):
                yield from batches.add(table)
    finally:
        cursor.close()
    yield from batches.flush()


def _csv_batches_reference(
    path: Path, batch_rows: int = BATCH_ROWS, *, names: Sequence[str] | None = None, delimiter: str | None = None
) -> Iterator[pa.Table]:
    """The csv-module reader that defines what ``csv_batches`` yields (kept as its test oracle and as the
    path for files whose first line is blank). Record by record in Python: about 50,000 rows/s.

    Columns: ``source_line`` (the record's first line; the header is line 1), ``raw``, ``reject_reason``
    and one string column per header name (lower-cased). Records whose field count differs from the
    header's, that are not valid UTF-8 or that the csv module cannot read are kept with a reason.
    ``names`` and ``delimiter`` as for ``csv_batches``.
    """
    with _text(path) as handle:
        header_line = handle.readline()
        delimiter, header = _layout(header_line, names, delimiter)
        # the header is line 1
        yield from _record_tables(csv_records(handle, delimiter, header, first_line=2), header, batch_rows)


def csv_records(
    lines: Iterable[str], delimiter: str, header: list[str], first_line: int
) -> Iterator[tuple[int, str, str | None, list[str]]]:
    """The records the csv module reads from ``lines`` as ``(source_line, raw, reject_reason, fields)``, numbered
    from ``first_line`` (the physical line of the first of ``lines``). Blank lines are not records; one the
    csv module cannot read is kept with a reason, as is one that fails ``_check_record``."""
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        line = reader.line_num + first_line  # the record's first physical line
        try:
            fields, error = next(reader), None
        except StopIteration:
            return
        except csv.Error as exc:
            fields, error = [], f"unreadable CSV record ({exc}): check quoting and field sizes"
        if fields or error is not None:
            yield (line, *_check_record(fields, header, error))


def _record_tables(
    records: Iterable[tuple[int, str, str | None, list[str]]], header: list[str], batch_rows: int
) -> Iterator[pa.Table]:
    """Records gathered into tables of ``batch_rows`` (the last one smaller)."""
    batch = []
    for record in records:
        batch.append(record)
        if len(batch) >= batch_rows:
            yield _csv_table(batch, header)
            batch = []
    if batch:
        yield _csv_table(batch, header)


def _layout(header_line: str, names: Sequence[str] | None, delimiter: str | None) -> tuple[str, list[str]]:
    """The delimiter and the column names: given, or read from the header line."""
    delimiter = delimiter or _delimiter(header_line)
    if names is not None:
        return delimiter, list(names)
    return delimiter, [_column_name(name) for name in next(csv.reader([header_line], delimiter=delimiter), [])]


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


# --- The fast path: Arrow parses, numpy numbers --------------------------------------------------------
#
# Arrow's CSV parser splits records as the csv module does with its default dialect (a quote opens a
# quoted section only at the start of a field, "" inside one is a quote, characters after a closing quote
# are kept, \r\n, \r and \n all end a record, an unterminated quote runs to the end of the file). It does
# not say on which line a record starts, so that is worked out from the line breaks inside the records
# before it (a physical line ends at \r\n, \r or \n, as the csv module reads lines through _text).
# Blank lines are not records, but Arrow hands one back as a row of empty fields, like a line of bare
# delimiters: rows whose fields are all empty are checked against the file itself (a _LineCursor).
# Records of the wrong width reach Arrow's invalid-row handler, with their text and number.
# Invalid UTF-8 is found in the bytes before Arrow sees them (a fast Arrow cast per block); such bytes are
# replaced by '?' for Arrow (same length, so the CSV structure is unchanged) and the records holding them
# are read again from the file with the csv module, which gives their raw text and reason.

BLOCK_BYTES = 4 << 20  # Arrow parse block; a longer record makes Arrow fail and the csv module read it
MAX_FAST_RESTARTS = 64  # after that many stretches read by the csv module, it reads the rest
MAX_PENDING_INVALID = 200_000  # records of the wrong width parsed but not yet placed
MAX_INVALID_BYTES = 4_096  # per block; more (a file in another encoding) is the csv module's to read
UTF8_BOM = b"\xef\xbb\xbf"
_BREAK = re.compile(rb"\r\n|\r|\n")
_CR, _LF = 13, 10
_SENTINEL = "\x00end-of-record\x00"


class _NotExact(Exception):
    """The fast path cannot reproduce the reference here: the csv module reads this stretch."""


class _LineCursor:
    """A forward-only position at the start of a physical line of a (possibly gzipped) file.

    Lines end at \\r\\n, \\r or \\n, as the csv module sees them through ``_text``. One chunk is held in
    memory. Moving past a chunk counts its line breaks with ``bytes.count``; moving within one looks the
    line up in an index of the chunk's line ends (numpy), built once per chunk.
    """

    CHUNK = 1 << 20

    def __init__(self, path: Path, offset: int = 0, line: int = 1):
        self._handle = open_binary(path)
        if offset:
            self._handle.seek(offset)
        self._buffer = b""
        self._pos = 0
        self._base = offset  # file offset of _buffer[0]
        self._eof = False
        self._ends: np.ndarray | None = None  # see _break_ends
        self.line = line

    @property
    def offset(self) -> int:
        return self._base + self._pos

    def close(self) -> None:
        self._handle.close()

    def _fill(self) -> bool:
        chunk = self._handle.read(self.CHUNK)
        if not chunk:
            self._eof = True
            self._ends = None  # a final \r now ends a line
            return False
        self._base += self._pos
        self._buffer = self._buffer[self._pos:] + chunk
        self._pos = 0
        self._ends = None
        return True

    def _scan_end(self) -> int:
        """End of the buffered bytes whose line breaks are known: a final \\r may be followed by \\n."""
        end = len(self._buffer)
        if not self._eof and end > self._pos and self._buffer[end - 1] == _CR:
            end -= 1
        return end

    def _count_breaks(self, end: int) -> int:
        buffer, pos = self._buffer, self._pos
        breaks = buffer.count(b"\n", pos, end)
        crs = buffer.count(b"\r", pos, end)
        return breaks + crs - buffer.count(b"\r\n", pos, end) if crs else breaks

    def _break_ends(self) -> np.ndarray:
        """Where each line in the buffer ends (just after its break), up to the scan end; kept until the
        buffer changes, so that many nearby moves cost a search each."""
        if self._ends is None:
            end = self._scan_end()
            view = np.frombuffer(self._buffer, np.uint8, end) if end else np.zeros(0, np.uint8)
            ends = np.flatnonzero(view == _LF) + 1
            crs = np.flatnonzero(view == _CR)
            if len(crs):
                following = np.minimum(crs + 1, end - 1)
                alone = (crs + 1 >= end) | (view[following] != _LF)  # a \r\n ends at its \n
                ends = np.union1d(ends, crs[alone] + 1)
            self._ends = ends
        return self._ends

    def advance_to(self, line: int) -> bool:
        """Move to the start of ``line``; False when the file has fewer lines."""
        if line - self.line <= 4:  # a few lines on (blank-line checks): cheaper without the index
            while self.line < line:
                match = _BREAK.search(self._buffer, self._pos, self._scan_end())
                if match is None:
                    break
                self._pos = match.end()
                self.line += 1
        while self.line < line:
            end = self._scan_end()
            breaks = self._count_breaks(end) if self._ends is None else None
            if breaks is not None and self.line + breaks < line:
                self.line += breaks  # not in this chunk: no need to index it
            else:
                ends = self._break_ends()
                first = int(np.searchsorted(ends, self._pos, side="right"))
                wanted = first + line - self.line
                if wanted <= len(ends):
                    self._pos = int(ends[wanted - 1])
                    self.line = line
                    return True
                self.line += len(ends) - first
            self._pos = end
            if not self._fill() and self._pos >= len(self._buffer):
                return False
        return True

    def line_of(self, offset: int) -> int:
        """The number of the line holding the byte at file ``offset`` (not a line break; at or after
        the current position), moving to the start of that line."""
        while offset - self._base >= self._scan_end():
            self.line += self._count_breaks(self._scan_end())
            self._pos = self._scan_end()
            if not self._fill():
                if offset - self._base >= len(self._buffer):
                    raise _NotExact("an offset past the end of the file")
                break
        ends = self._break_ends()
        first = int(np.searchsorted(ends, self._pos, side="right"))
        last = int(np.searchsorted(ends, offset - self._base, side="right"))  # lines ended before offset
        if last > first:
            self.line += last - first
            self._pos = int(ends[last - 1])
        return self.line

    def at_end(self) -> bool:
        return self._pos >= len(self._buffer) and not self._fill()

    def starts_with(self, prefix: bytes) -> bool:
        while len(self._buffer) - self._pos < len(prefix) and self._fill():
            pass
        return self._buffer.startswith(prefix, self._pos)

    def line_is_blank(self) -> bool:
        """Whether the line starting here is empty."""
        if self.at_end():
            raise _NotExact("a row past the end of the file")
        return self._buffer[self._pos] in (_CR, _LF)

    def next_line(self) -> bytes | None:
        """The bytes of the line starting here, with its line break; None at the end of the file."""
        while True:
            match = _BREAK.search(self._buffer, self._pos, self._scan_end())
            if match or self._eof:
                stop = match.end() if match else len(self._buffer)
                if stop == self._pos:
                    return None
                data = self._buffer[self._pos:stop]
                self._pos = stop
                self.line += 1
                return data
            self._fill()

    def lines(self) -> Iterator[str]:
        """The lines from here on, decoded as ``_text`` decodes them (after the first line)."""
        while (data := self.next_line()) is not None:
            yield data.decode("utf-8", "surrogateescape")

    def stream(self) -> _CheckedStream:
        """The rest of the file, for Arrow. The stream takes over the file: the cursor is spent."""
        stream = _CheckedStream(self._handle, self._buffer[self._pos:], self.offset)
        self._buffer, self._pos = b"", 0
        return stream


class _CheckedStream(io.RawIOBase):
    """The rest of a file with invalid UTF-8 bytes replaced by '?', and their file offsets recorded."""

    def __init__(self, handle: io.BufferedIOBase, head: bytes, offset: int):
        super().__init__()
        self._handle = handle
        self._head = head
        self._checked = offset  # file offset of the first byte not yet checked
        self._carry = b""  # the start of a multi-byte character cut off at the end of a read
        self._ready = b""
        self._done = False
        self.bad_offsets: list[np.ndarray] = []  # file offsets of invalid bytes, one array per block
        self.too_many_invalid = False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._handle.close()
        super().close()

    def read(self, size: int | None = -1) -> bytes:
        # Whole blocks: Arrow takes a short read for a block, and a record must end in the next block.
        wanted = float("inf") if size is None or size < 0 else size
        while len(self._ready) < wanted and not self._done:
            self._load()
        size = len(self._ready) if size is None or size < 0 else size
        if 1 < size < len(self._ready) + (not self._done) and self._ready[size - 1] == _CR:
            size -= 1  # Arrow drops a \n that starts a block after one ending in \r, even inside quotes
        data, self._ready = self._ready[:size], self._ready[size:]
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _load(self) -> None:
        if self._head:
            data, self._head = self._head, b""
        else:
            data = self._handle.read(BLOCK_BYTES)
        if not data:
            self._done = True
        data = self._carry + data
        cut = _incomplete_tail(data) if data and not self._done else 0
        if cut:
            data, self._carry = data[:-cut], data[-cut:]
        else:
            self._carry = b""
        if data and not _is_valid_utf8_bytes(data):
            clean = data.decode("utf-8", "surrogateescape").encode("utf-8", "replace")
            bad = np.flatnonzero(np.frombuffer(clean, np.uint8) != np.frombuffer(data, np.uint8))
            self.too_many_invalid |= len(bad) > MAX_INVALID_BYTES
            self.bad_offsets.append(bad + self._checked)
            data = clean
        self._checked += len(data)
        self._ready += data


def _incomplete_tail(data: bytes) -> int:
    """How many bytes at the end of ``data`` start a multi-byte UTF-8 character that is not complete."""
    for back in range(1, min(3, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return 0
        if byte >= 0xC0:
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return back if needed > back else 0
    return 0


def _is_valid_utf8_bytes(data: bytes) -> bool:
    offsets = pa.py_buffer(np.array([0, len(data)], np.int32))
    try:
        pa.Array.from_buffers(pa.binary(), 1, [None, offsets, pa.py_buffer(data)]).cast(pa.string())
    except pa.ArrowInvalid:
        return False
    return True


def _arrow_reader(stream: _CheckedStream, width: int, delimiter: str, on_invalid) -> pcsv.CSVStreamingReader:
    names = [f"f{i}" for i in range(width)]
    return pcsv.open_csv(
        stream,
        read_options=pcsv.ReadOptions(use_threads=False, block_size=BLOCK_BYTES, column_names=names),
        parse_options=pcsv.ParseOptions(
            delimiter=delimiter, quote_char='"', double_quote=True, escape_char=False, newlines_in_values=True,
            ignore_empty_lines=False, invalid_row_handler=on_invalid,
        ),
        convert_options=pcsv.ConvertOptions(
            column_types={name: pa.binary() for name in names}, strings_can_be_null=False, quoted_strings_can_be_null=False,
        ),
    )


class _ArrowSegment:
    """Records from a line on, parsed by Arrow, until the end of the file or the first thing it cannot
    reproduce exactly (then ``complete`` stays False and ``resume_cursor`` is where to go on)."""

    def __init__(self, path: Path, cursor: _LineCursor, delimiter: str, header: list[str]):
        self.path = path
        self.delimiter = delimiter
        self.header = header
        self.width = len(header)
        self.start_offset, self.start_line = cursor.offset, cursor.line
        self.next_index = 1  # Arrow's number of the next row (records of the wrong width included)
        self.next_line = self.start_line  # line after the last row accepted
        self.accepted_rows = 0
        self.complete = False
        self.invalid: dict[int, tuple[int, str]] = {}
        self.overflow = False
        self.stream = cursor.stream()
        self._bad_lines: deque[int] = deque()  # lines holding invalid UTF-8, not yet matched to a row
        self._bad_seen = 0  # how many of stream.bad_offsets have been mapped to lines
        self._offset_probe: _LineCursor | None = None
        self._record_probe: _LineCursor | None = None
        names: dict[str, None] = {"source_line": None, "raw": None, "reject_reason": None}
        self.keep: list[tuple[int, str]] = []
        for index, name in enumerate(header):
            if name and name not in names:
                names[name] = None
                self.keep.append((index, name))
        self.names = list(names)

    def close(self) -> None:
        self.stream.close()
        for probe in (self._offset_probe, self._record_probe):
            if probe is not None:
                probe.close()

    def resume_cursor(self) -> _LineCursor:
        """A cursor at the line after the last row accepted."""
        cursor = _LineCursor(self.path, self.start_offset, self.start_line)
        cursor.advance_to(self.next_line)
        return cursor

    def _on_invalid(self, row) -> str:
        if row.number is None or row.number < self.next_index or len(self.invalid) >= MAX_PENDING_INVALID:
            self.overflow = True
            return "error"
        self.invalid[row.number] = (row.actual_columns, row.text)
        return "skip"

    def tables(self) -> Iterator[pa.Table]:
        try:
            reader = _arrow_reader(self.stream, self.width, self.delimiter, self._on_invalid)
        except Exception:  # whatever Arrow cannot read (or a read error) is the csv module's to meet
            return
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                batch = None
            except Exception:
                return
            try:
                table = self._table(batch)
            except _NotExact:
                return
            if table.num_rows:
                yield table
            if batch is None:
                self.complete = True
                return

    def _probe(self, attribute: str) -> _LineCursor:
        probe = getattr(self, attribute)
        if probe is None:
            probe = _LineCursor(self.path, self.start_offset, self.start_line)
            setattr(self, attribute, probe)
        return probe

    def _table(self, batch: pa.RecordBatch | None) -> pa.Table:
        """The rows of one Arrow batch, with the records of the wrong width that belong among them."""
        if self.overflow:
            raise _NotExact("too many records of the wrong width")
        if self.stream.too_many_invalid:
            raise _NotExact("mostly invalid UTF-8")
        width, header = self.width, self.header
        count = 0 if batch is None else batch.num_rows
        # Records of the wrong width numbered among (or right after) this batch's rows.
        placed: list[int] = []
        wrong: list[tuple[int, str]] = []
        for rank, number in enumerate(sorted(self.invalid)):
            position = number - self.next_index
            if position - rank > (count if batch is not None else 0):
                break
            placed.append(position)
            wrong.append(self.invalid.pop(number))
        if batch is None and self.invalid:
            raise _NotExact("records of the wrong width after the last row")
        total = count + len(placed)
        valid = np.ones(total, bool)
        valid[placed] = False
        valid_at = np.flatnonzero(valid)
        spans = np.ones(total, np.int64)
        lengths = np.zeros(count, np.int64)
        raw = None
        if count:
            columns = batch.columns
            raw = columns[0] if width == 1 else pc.binary_join_element_wise(*columns, b",")
            offsets, data = _offsets_and_data(raw)
            lengths = np.diff(offsets).astype(np.int64)
            if lengths.max() > MAX_FIELD_CHARS:
                raise _NotExact("a field may be longer than the csv module's limit")
            spans[valid_at] += _line_breaks(offsets, data)
        extra_raw: dict[int, str] = {}
        extra_reason: dict[int, str] = {}
        for position, (fields_count, text) in zip(placed, wrong):
            fields = _split_record(text, self.delimiter)
            if fields is None or len(fields) != fields_count or not fields or len(fields) == width:
                raise _NotExact("a record of the wrong width that Arrow and the csv module read differently")
            extra_raw[position], extra_reason[position], _ = _check_record(fields, header, None)
            spans[position] += text.count("\n") + text.count("\r") - text.count("\r\n")
        lines = self.next_line + np.cumsum(spans) - spans
        end_line = self.next_line + int(spans.sum())

        drop = np.zeros(total, bool)
        checks: list[tuple[int, int, bool]] = []  # (line, position, is a possible blank line)
        for position in valid_at[(lengths == width - 1) & (spans[valid_at] == 1)]:
            checks.append((int(lines[position]), int(position), True))
        for position in self._rows_with_invalid_utf8(lines, end_line):
            checks.append((int(lines[position]), position, False))
        if checks:
            probe = self._probe("_record_probe")
            for line, position, blank in sorted(checks):
                if not probe.advance_to(line):
                    raise _NotExact("a row past the end of the file")
                if blank:
                    drop[position] = probe.line_is_blank()
                    continue
                text = [probe.next_line() for _ in range(int(spans[position]))]
                if None in text:
                    raise _NotExact("a record past the end of the file")
                try:
                    lines_text = [part.decode("utf-8", "surrogateescape") for part in text]
                    records = list(csv.reader(lines_text, delimiter=self.delimiter))
                except csv.Error as exc:
                    raise _NotExact("a record the csv module cannot read") from exc
                if len(records) != 1 or not records[0]:
                    raise _NotExact("lines that are not one record")
                extra_raw[position], reason, _ = _check_record(records[0], header, None)
                if reason is None:
                    raise _NotExact("invalid UTF-8 not found again")
                extra_reason[position] = reason

        table = self._assemble(batch, raw, lengths, valid_at, total, lines, drop, extra_raw, extra_reason)
        self.next_index += total
        self.next_line = end_line
        self.accepted_rows += table.num_rows
        return table

    def _rows_with_invalid_utf8(self, lines: np.ndarray, end_line: int) -> list[int]:
        """Positions of this batch's rows that hold bytes that are not UTF-8."""
        offsets = self.stream.bad_offsets  # appended to by Arrow's reading thread
        known = len(offsets)
        if self._bad_seen < known:
            probe = self._probe("_offset_probe")
            for index in range(self._bad_seen, known):
                for offset in offsets[index].tolist():
                    line = probe.line_of(offset)
                    if not self._bad_lines or self._bad_lines[-1] != line:
                        self._bad_lines.append(line)
                offsets[index] = None  # mapped: let go of it
            self._bad_seen = known
        positions: list[int] = []
        while self._bad_lines and self._bad_lines[0] < end_line:
            line = self._bad_lines.popleft()
            position = int(np.searchsorted(lines, line, side="right")) - 1
            if position < 0:
                raise _NotExact("invalid UTF-8 before the batch")
            if not positions or positions[-1] != position:
                positions.append(position)
        return positions

    def _assemble(self, batch, raw, lengths, valid_at, total, lines, drop, extra_raw, extra_reason) -> pa.Table:
        count = len(valid_at)
        raw_text = raw.view(pa.string()) if count else pa.array([], pa.string())
        if count and lengths.max() > RAW_CHARS:
            raw_text = pc.utf8_slice_codeunits(raw_text, 0, RAW_CHARS)
        if not total:
            empty = [pa.array([], pa.int64())] + [pa.array([], pa.string())] * (len(self.names) - 1)
            return pa.Table.from_arrays(empty, names=self.names)
        if not extra_raw and not drop.any():
            columns = [batch.column(index).view(pa.string()) for index, _ in self.keep]
            arrays = [pa.array(lines), raw_text, pa.nulls(count, pa.string()), *columns]
            return pa.Table.from_arrays(arrays, names=self.names)
        keep = ~drop
        value_at = np.full(total, count, np.int64)  # where each row's fields are: `count` is a null
        value_at[valid_at] = np.arange(count)
        rejected = np.fromiter(extra_raw, np.int64, len(extra_raw))
        value_at[rejected] = count
        raw_at = value_at.copy()
        raw_at[rejected] = count + np.arange(len(rejected))
        reason_at = np.zeros(total, np.int64)
        reason_at[rejected] = 1 + np.arange(len(rejected))
        values_at = pa.array(value_at[keep])
        raws = pa.concat_arrays([raw_text, pa.array(list(extra_raw.values()), pa.string())])
        reasons = pa.array([None, *(extra_reason[position] for position in extra_raw)], pa.string())
        columns = []
        for index, _ in self.keep:
            column = batch.column(index) if count else pa.array([], pa.binary())
            columns.append(pa.concat_arrays([column, pa.nulls(1, pa.binary())]).take(values_at).view(pa.string()))
        arrays = [pa.array(lines[keep]), raws.take(pa.array(raw_at[keep])), reasons.take(pa.array(reason_at[keep])), *columns]
        return pa.Table.from_arrays(arrays, names=self.names)


def _offsets_and_data(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    buffers = array.buffers()
    offsets = np.frombuffer(buffers[1], np.int32, len(array) + 1, array.offset * 4)
    data = np.frombuffer(buffers[2], np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
    return offsets, data


def _line_breaks(offsets: np.ndarray, data: np.ndarray) -> np.ndarray:
    """Line breaks inside each value (\\r\\n, \\r or \\n, as the csv module counts lines)."""
    rows = len(offsets) - 1
    start, stop = int(offsets[0]), int(offsets[-1])
    region = data[start:stop]
    bounds = offsets - start
    control = np.flatnonzero(region <= _CR)
    if not len(control):
        return np.zeros(rows, np.int64)
    kinds = region[control]
    breaks = control[(kinds == _LF) | (kinds == _CR)]
    if not len(breaks):
        return np.zeros(rows, np.int64)
    row_of = np.searchsorted(bounds, breaks, side="right") - 1
    counts = np.bincount(row_of, minlength=rows)
    crs = kinds[(kinds == _LF) | (kinds == _CR)] == _CR
    if crs.any():
        # \r\n inside one value is one break
        cr_at, cr_row = breaks[crs], row_of[crs]
        following = cr_at + 1
        paired = following < len(region)
        paired[paired] = region[following[paired]] == _LF
        paired &= following < bounds[cr_row + 1]
        counts -= np.bincount(cr_row[paired], minlength=rows)
    return counts


def _split_record(text: str, delimiter: str) -> list[str] | None:
    """The fields of one record's text as the csv module reads them; None unless it is one closed record."""
    try:
        rows = list(csv.reader(io.StringIO(text + "\n" + _SENTINEL, newline=""), delimiter=delimiter))
    except csv.Error:
        return None
    return rows[0] if len(rows) == 2 and rows[1] == [_SENTINEL] else None


def _reference_segment(
    cursor: _LineCursor, delimiter: str, header: list[str], span: int | None
) -> Iterator[tuple[int, str, str | None, list[str]]]:
    """Records read by the csv module from the cursor's line, until ``span`` bytes are behind (at a record's
    end) or the file ends: what ``_csv_batches_reference`` reads there."""
    start = cursor.offset
    for record in csv_records(cursor.lines(), delimiter, header, cursor.line):
        yield record
        if span is not None and cursor.offset - start >= span:
            return


class _Rebatcher:
    """Tables cut into batches of exactly ``rows`` rows (the last one shorter), as the reference yields."""

    def __init__(self, rows: int):
        self.rows = rows
        self.parts: list[pa.Table] = []
        self.count = 0

    def add(self, table: pa.Table) -> Iterator[pa.Table]:
        if table.num_rows:
            self.parts.append(table)
            self.count += table.num_rows
        while self.count >= self.rows:
            whole = pa.concat_tables(self.parts)
            yield whole.slice(0, self.rows)
            rest = whole.slice(self.rows)
            self.parts = [rest] if rest.num_rows else []
            self.count = rest.num_rows

    def flush(self) -> Iterator[pa.Table]:
        if self.count:
            yield pa.concat_tables(self.parts)
            self.parts, self.count = [], 0


class _Failure:
    """An exception raised in read_ahead's worker, on its way to the caller."""

    def __init__(self, error: BaseException):
        self.error = error


_END = object()


def read_ahead(batches: Iterator[T]) -> Iterator[T]:
    """The items of ``batches``, each next one read by a worker thread while the caller works on the
    current one: Arrow's parser and DuckDB both release the GIL, so on two cores reading overlaps the SQL.

    At most one item waits (memory: one batch more). An exception raised while reading is raised here in
    its place in the sequence, after the items before it. Closing this generator early stops the worker
    once it has read the item at hand, and closes ``batches`` (its files) in the worker.
    """
    ready: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in batches:
                if not put(item):
                    return
            put(_END)
        except BaseException as error:  # handed to the caller, who raises it
            put(_Failure(error))
        finally:
            close = getattr(batches, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=work, name="mobtrace-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item = ready.get()
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        worker.join()


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
