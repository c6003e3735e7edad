"""NDJSON files as Arrow tables of lines, split and numbered in bulk, for DuckDB's JSON functions to parse.

``line_tables`` yields exactly what ``readers.line_batches`` yields (the same ``source_line, raw,
reject_reason`` rows in the same batches) without a Python step per line: the file is read in chunks of
whole lines, the line breaks are found with numpy, the lines become one Arrow string array per chunk
(no copy of the text), and Arrow checks that a whole chunk is UTF-8 at once. Only the rare lines that
need a closer look go through Python, one by one: lines that may be blank (their first byte is white
space), a first line that starts with a byte order mark, and lines that are not UTF-8 (found by halving
the chunk until the culprits are isolated). Whether a line is JSON is for the adapter's SQL to say
(``json_valid``), over the whole batch at once.

Memory: one chunk of the file (``CHUNK_BYTES``, or one line when a line is longer) plus the batch being
assembled, which is ``batch_rows`` records as with ``line_batches``.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "x.ndjson"
>>> _ = path.write_bytes(b'{"a": 1}\\r\\n\\n  \\n{"b": \\xff}\\n[2]')
>>> [table.to_pylist() for table in line_tables(path)]  # doctest: +NORMALIZE_WHITESPACE
[[{'source_line': 1, 'raw': '{"a": 1}', 'reject_reason': None},
  {'source_line': 4, 'raw': '{"b": \\ufffd}\\n', 'reject_reason': 'line is not valid UTF-8: re-export the file as UTF-8'},
  {'source_line': 5, 'raw': '[2]', 'reject_reason': None}]]
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mobtrace.analysis.ingest.readers import BATCH_ROWS, _printable, _Rebatcher, open_binary

CHUNK_BYTES = 16 << 20  # text read at a time; a longer line is read whole
NOT_UTF8 = "line is not valid UTF-8: re-export the file as UTF-8"
BOM = b"\xef\xbb\xbf"
_SPACE = np.zeros(256, bool)
_SPACE[list(b" \t\n\r\x0b\x0c")] = True  # what bytes.strip() removes: a line of only these is blank
_CHECK_ONE_BY_ONE = 16  # below this many lines, a part that is not UTF-8 is searched line by line


def line_tables(path: Path, batch_rows: int = BATCH_ROWS, chunk_bytes: int = CHUNK_BYTES) -> Iterator[pa.Table]:
    """The file's non-blank lines as ``source_line, raw, reject_reason`` tables of ``batch_rows`` rows (the
    last one shorter), as ``readers.line_batches`` yields them."""
    batches = _Rebatcher(batch_rows)
    first_line = 1
    with open_binary(path) as handle:
        for chunk in _whole_lines(handle, chunk_bytes):
            table, lines = _chunk_table(chunk, first_line)
            first_line += lines
            yield from batches.add(table)
    yield from batches.flush()


def _whole_lines(handle, chunk_bytes: int) -> Iterator[bytes]:
    """The file's bytes in pieces that end at a line break (the last piece: at the end of the file)."""
    rest = b""
    while True:
        block = handle.read(chunk_bytes)
        if not block:
            if rest:
                yield rest
            return
        data = rest + block if rest else block
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            rest = data  # a line longer than a chunk: read on
            continue
        rest = data[cut:]
        yield data[:cut] if cut < len(data) else data


def _chunk_table(chunk: bytes, first_line: int) -> tuple[pa.Table, int]:
    """The records of a piece of whole lines whose first line is number ``first_line``, and its line count."""
    text = np.frombuffer(chunk, np.uint8)
    ends = np.flatnonzero(text == 10) + 1  # each line with its line break
    if not len(ends) or ends[-1] != len(text):
        ends = np.append(ends, len(text))
    count = len(ends)
    offsets = np.concatenate(([0], ends)).astype(np.int64)
    lines = pa.LargeBinaryArray.from_buffers(pa.large_binary(), count, [None, pa.py_buffer(offsets), pa.py_buffer(chunk)])
    # Lines to read one by one: maybe blank (they start with white space), a first line with a byte order
    # mark (Python's utf-8-sig drops it), and lines that are not UTF-8.
    closer = set(np.flatnonzero(_SPACE[text[offsets[:-1]]]).tolist())
    if first_line == 1 and chunk.startswith(BOM):
        closer.add(0)
    closer.update(_not_utf8(lines, 0, count))
    raw = pc.ascii_rtrim(lines.view(pa.large_string()), characters="\r\n")
    numbers = np.arange(first_line, first_line + count, dtype=np.int64)
    if not closer:
        return _table(numbers, raw, pa.nulls(count, pa.large_string())), count
    keep = np.ones(count, bool)
    raw_at = np.arange(count)
    reason_at = np.zeros(count, np.int64)
    extra_raw: list[str] = []
    extra_reason: list[str | None] = [None]
    for position in sorted(closer):
        data = chunk[offsets[position]:offsets[position + 1]]
        record = _line_record(first_line + position, data)
        if record is None:
            keep[position] = False
            continue
        raw_at[position] = count + len(extra_raw)
        extra_raw.append(record[0])
        if record[1] is not None:
            reason_at[position] = len(extra_reason)
            extra_reason.append(record[1])
    raws = pa.concat_arrays([raw, _strings(extra_raw)])
    reasons = _strings(extra_reason)
    return _table(numbers[keep], raws.take(_int64s(raw_at[keep])), reasons.take(_int64s(reason_at[keep]))), count


# Arrow arrays are built from buffers: pa.array and pa.table on Python or numpy values import pandas when it
# is installed, which costs half a second of CPU on the first call.
def _table(numbers: np.ndarray, raw: pa.Array, reasons: pa.Array) -> pa.Table:
    return pa.Table.from_arrays([_int64s(numbers), raw, reasons], names=["source_line", "raw", "reject_reason"])


def _int64s(values: np.ndarray) -> pa.Array:
    values = np.ascontiguousarray(values, np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def _strings(texts: list[str | None]) -> pa.Array:
    data = [b"" if text is None else text.encode("utf-8") for text in texts]
    offsets = np.zeros(len(data) + 1, np.int64)
    np.cumsum([len(part) for part in data], out=offsets[1:])
    valid = np.packbits(np.array([text is not None for text in texts], bool), bitorder="little")
    buffers = [pa.py_buffer(valid), pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
    return pa.Array.from_buffers(pa.large_string(), len(data), buffers)


def _line_record(number: int, data: bytes) -> tuple[str, str | None] | None:
    """``(raw, reject_reason)`` of one line as ``readers.line_batches`` reads it; None for a blank line."""
    if not data.strip():
        return None
    try:
        return data.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n"), None
    except UnicodeDecodeError:
        return _printable(data.decode("utf-8", "replace")), NOT_UTF8


def _not_utf8(lines: pa.LargeBinaryArray, start: int, stop: int) -> list[int]:
    """Positions in ``start:stop`` of the lines that are not UTF-8: Arrow checks the whole range, and a range
    that fails is halved until the lines at fault are found."""
    try:
        lines.slice(start, stop - start).cast(pa.large_string())
        return []
    except pa.ArrowInvalid:
        pass
    if stop - start <= _CHECK_ONE_BY_ONE:
        return [position for position in range(start, stop) if not _is_utf8(lines[position].as_py())]
    middle = (start + stop) // 2
    return _not_utf8(lines, start, middle) + _not_utf8(lines, middle, stop)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
