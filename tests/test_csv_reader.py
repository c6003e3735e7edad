"""The fast CSV reader (Arrow parses, numpy numbers lines) against the csv-module reference.

``readers.csv_batches`` must yield exactly what ``readers._csv_batches_reference`` yields: the same
batches, and in them the same ``source_line`` (first physical line of the record, header = line 1),
``raw``, ``reject_reason`` and fields, for any input. Hypothesis draws CSV text with quotes, embedded
\\r / \\n / \\r\\n, blank lines, wrong field counts, BOMs, invalid UTF-8 and cut-off files, and runs the
fast reader with small parse blocks and cursor chunks so that block boundaries, restarts and the
csv-module fallback are all exercised on small inputs.
"""

from __future__ import annotations

import csv
import gc
import gzip
import io
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobtrace.analysis.ingest import connect, readers
from mobtrace.analysis.ingest.core import MEMORY_LIMIT_ENV
from mobtrace.analysis.ingest.readers import _csv_batches_reference, csv_batches
from mobtrace.analysis.ingest.tabular import text_batches

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FIELDS = ["", "a", "hello world", "x,y", 'say "hi"', "two\nlines", "cr\ronly", "crlf\r\nin", "é€🌍", "\ufeffbom",
          " ", "\t", "1700000000", '"', "\n", "\r\n", "a\tb"]
TOKENS = [b"a", b"1", b",", b",", b'"', b'"', b'""', b"\n", b"\n", b"\r", b"\r\n", b"\n\n", b"\t", b" ", b"\x00",
          b"\xff", b"\xe2\x82", b"\xac", b"\xc3\xa9", b"\xef\xbb\xbf"]


def _records(tables: list[pa.Table]) -> list[tuple]:
    rows = pa.concat_tables(tables).to_pylist() if tables else []
    return [(row.pop("source_line"), row.pop("reject_reason"), row.pop("raw"), row) for row in rows]


def _assert_same(path: Path, batch_rows: int) -> None:
    fast = list(csv_batches(path, batch_rows))
    reference = list(_csv_batches_reference(path, batch_rows))
    assert _records(fast) == _records(reference)
    assert [table.num_rows for table in fast] == [table.num_rows for table in reference]
    assert all(a.schema == b.schema and a.equals(b) for a, b in zip(fast, reference))


@pytest.fixture
def small_blocks(monkeypatch):
    """Let a test choose the Arrow parse block and the line cursor's chunk (bytes)."""

    def set_sizes(block: int, chunk: int) -> None:
        monkeypatch.setattr(readers, "BLOCK_BYTES", block)
        monkeypatch.setattr(readers._LineCursor, "CHUNK", chunk)

    return set_sizes


@pytest.fixture
def segments(monkeypatch):
    """Counts of stretches read by Arrow (complete or not) and by the csv module."""
    counts = {"arrow": 0, "arrow_incomplete": 0, "csv": 0}
    tables, reference = readers._ArrowSegment.tables, readers._reference_segment

    def counted_tables(self):
        yield from tables(self)
        counts["arrow" if self.complete else "arrow_incomplete"] += 1

    def counted_reference(*args):
        counts["csv"] += 1
        yield from reference(*args)

    monkeypatch.setattr(readers._ArrowSegment, "tables", counted_tables)
    monkeypatch.setattr(readers, "_reference_segment", counted_reference)
    return counts


@st.composite
def csv_files(draw) -> bytes:
    """CSV as writers make it (csv.writer: any quoting, any line ending), then damaged a little."""
    width = draw(st.integers(1, 5))
    delimiter = draw(st.sampled_from([",", ",", "\t"]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])),
                        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
    writer.writerow(draw(st.lists(st.sampled_from(["id", "Name", "", "raw", "id", "x y", "ÄÖ"]), min_size=width, max_size=width)))
    for _ in range(draw(st.integers(0, 40))):
        count = draw(st.sampled_from([width] * 6 + [0, 1, width + 1]))
        writer.writerow(draw(st.lists(st.sampled_from(FIELDS) | st.text(max_size=8), min_size=count, max_size=count)))
        if draw(st.integers(0, 15)) == 0:
            out.write(draw(st.sampled_from(["\n", "\r\n", "\r"])))  # a blank line
    data = bytearray(out.getvalue().encode("utf-8", "surrogatepass"))
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 3]))):
        position = draw(st.integers(0, len(data)))
        data[position:position] = draw(st.sampled_from([b"\xff", b"\xe2\x82", b"\xef\xbb\xbf", b'"', b"\r", b"\n", b"\xc3"]))
    if draw(st.booleans()):
        data[0:0] = readers.UTF8_BOM
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@st.composite
def token_soup(draw) -> bytes:
    """Bytes with nothing but CSV structure and encoding trouble in them, after a header line."""
    header = b",".join(draw(st.lists(st.sampled_from([b"a", b"B", b"", b"raw", b'"q"', b"x\xff"]), min_size=1, max_size=4)))
    ending = draw(st.sampled_from([b"\n", b"\r\n", b"\r"]))
    body = b"".join(draw(st.lists(st.sampled_from(TOKENS), max_size=150)))
    return draw(st.sampled_from([b"", readers.UTF8_BOM])) + header + ending + body


sizes = st.tuples(st.sampled_from([16, 64, 1 << 10, 1 << 20]), st.sampled_from([1, 7, 64, 1 << 20]))


@PROPERTY
@given(data=csv_files(), sizes=sizes, batch_rows=st.sampled_from([1, 3, 100]))
def test_fast_reader_matches_the_reference_on_written_csv(tmp_path, small_blocks, data, sizes, batch_rows):
    small_blocks(*sizes)
    path = tmp_path / "input.csv"
    path.write_bytes(data)
    _assert_same(path, batch_rows)


@PROPERTY
@given(data=token_soup(), sizes=sizes, batch_rows=st.sampled_from([1, 3, 100]))
def test_fast_reader_matches_the_reference_on_token_soup(tmp_path, small_blocks, data, sizes, batch_rows):
    small_blocks(*sizes)
    path = tmp_path / "input.csv"
    path.write_bytes(data)
    _assert_same(path, batch_rows)


def _write(tmp_path: Path, data: bytes, name: str = "input.csv") -> Path:
    path = tmp_path / name
    if name.endswith(".gz"):
        with gzip.open(path, "wb") as handle:
            handle.write(data)
    else:
        path.write_bytes(data)
    return path


def test_line_numbers_count_every_kind_of_line_break_and_blank_line(tmp_path, segments):
    data = (b"id,text\r\n"
            b'1,"a\r\nb"\r\n'          # lines 2-3
            b"\r\n"                    # 4: blank
            b'2,"c\rd\ne"\n'           # lines 5-7: \r and \n inside quotes each end a line
            b"3,plain\r"               # 8: a bare \r ends the record
            b",\n"                     # 9: two empty fields: a record, not a blank line
            b"\n\n"                    # 10-11: blank
            b'4,"x\n\n"\n'             # 12-14
            b"5,last")                 # 15, no final line break
    path = _write(tmp_path, data)
    rows = pa.concat_tables(list(csv_batches(path))).to_pylist()
    assert [(row["source_line"], row["id"], row["text"]) for row in rows] == [
        (2, "1", "a\r\nb"), (5, "2", "c\rd\ne"), (8, "3", "plain"), (9, "", ""), (12, "4", "x\n\n"), (15, "5", "last")]
    _assert_same(path, 2)
    assert segments == {"arrow": 2, "arrow_incomplete": 0, "csv": 0}  # the fast path did it all


def test_invalid_utf8_and_wrong_widths_are_rejected_by_the_fast_path(tmp_path, segments):
    data = (b"id,text\n"
            b"1,caf\xe9\n"              # latin-1: not UTF-8
            b"2,ok,extra\n"             # too many fields
            b"3,\xff,extra\n"           # both: UTF-8 is named first
            b'4,"\xe2"\x82\xac"\n'      # bytes split by a quote: invalid as read, though Arrow's value would be valid
            b"5,\xc3\xa9t\xc3\xa9\n")   # valid UTF-8
    path = _write(tmp_path, data)
    rows = pa.concat_tables(list(csv_batches(path))).to_pylist()
    assert [(row["source_line"], row["raw"], row["reject_reason"] and row["reject_reason"].split(":")[0]) for row in rows] == [
        (2, "1,caf?", "record is not valid UTF-8"),
        (3, "2,ok,extra", "record has 3 fields but the header has 2"),
        (4, "3,?,extra", "record is not valid UTF-8"),
        (5, '4,???"', "record is not valid UTF-8"),
        (6, "5,été", None),
    ]
    _assert_same(path, 100)
    assert segments["csv"] == 0


@pytest.mark.parametrize(("data", "why"), [
    (b"id,text\n1," + b"x" * 300 + b"\n2,y\n", "a record longer than Arrow's parse block"),
    (b"id,text\n\xef\xbb\xbf1,a\n2,b\n", "a BOM that starts the data, which Arrow would drop"),
    (b'id,text\n1,a\n2,b,"open\n', "an unterminated quote in a record of the wrong width (Arrow loses its last line break)"),
])
def test_the_csv_module_reads_what_arrow_cannot_reproduce(tmp_path, small_blocks, segments, data, why):
    small_blocks(64, 16)
    path = _write(tmp_path, data)
    _assert_same(path, 100)
    assert segments["csv"] >= 1, why


def test_a_long_record_falls_back_for_one_stretch_then_arrow_goes_on(tmp_path, small_blocks, segments):
    small_blocks(256, 64)
    lines = [b"id,text"] + [b"%d,row %d" % (n, n) for n in range(200)]
    lines[50] = b'49,"' + b"long\n" * 100 + b'"'
    path = _write(tmp_path, b"\n".join(lines) + b"\n")
    _assert_same(path, 7)
    assert segments["csv"] >= 1 and segments["arrow"] == 1  # Arrow finished the file after the csv module's stretch


def test_a_file_in_another_encoding_is_read_by_the_csv_module(tmp_path, small_blocks, segments, monkeypatch):
    small_blocks(1 << 10, 64)
    monkeypatch.setattr(readers, "MAX_INVALID_BYTES", 16)
    rows = ["id,text"] + [f"{n},Привет мир {n}" for n in range(300)]
    path = _write(tmp_path, "\n".join(rows).encode("cp1251"))
    _assert_same(path, 50)
    assert segments["csv"] >= 1
    assert all(row["reject_reason"].startswith("record is not valid UTF-8") for row in pa.concat_tables(list(csv_batches(path))).to_pylist())


def test_quoted_crlf_across_an_arrow_block_boundary_keeps_its_newline(tmp_path, small_blocks):
    # Arrow drops a \n that starts a block when the previous block ended in \r, even inside quotes.
    small_blocks(32, 7)
    for length in range(40):
        _assert_same(_write(tmp_path, b'id,text\n1,"' + b"a" * length + b'\r\ny"\n2,b\n'), 100)


@pytest.mark.parametrize("name", ["input.csv", "input.csv.gz"])
def test_gzip_tabs_and_header_quirks(tmp_path, name):
    data = ("\ufeffID\tName\t\tname\tRaw\n"  # BOM, upper case, an empty and a duplicate name, a reserved one
            "1\talice\tx\ty\tz\n"
            "2\t\"tab\tinside\"\t\t\t\n"
            "3\tshort\n").encode()
    path = _write(tmp_path, data, name)
    rows = pa.concat_tables(list(csv_batches(path))).to_pylist()
    assert list(rows[0]) == ["source_line", "raw", "reject_reason", "id", "name"]
    assert [(row["source_line"], row["id"], row["name"]) for row in rows] == [(2, "1", "alice"), (3, "2", "tab\tinside"), (4, None, None)]
    assert rows[2]["raw"] == "3,short"  # raw joins the fields with commas, whatever the delimiter
    _assert_same(path, 100)


@pytest.mark.parametrize("data", [b"", b"id,text", b"id,text\n", b"\nid,text\n1,a\n", b"\xef\xbb\xbf", b"id\n\n\n1\n\n", b'id\n""\n\n'])
def test_degenerate_files(tmp_path, data):
    _assert_same(_write(tmp_path, data), 100)


def test_batches_have_the_reference_size_across_parse_blocks(tmp_path, small_blocks):
    small_blocks(1 << 10, 1 << 20)
    path = _write(tmp_path, b"a,b\n" + b"".join(b"%d,x\n" % n for n in range(1000)))
    assert [table.num_rows for table in csv_batches(path, 300)] == [300, 300, 300, 100]


def test_registered_batches_are_released_inside_a_transaction(tmp_path):
    """DuckDB keeps what is registered alive until the transaction ends (a whole file): the batches
    must not stay in memory with it."""
    path = _write(tmp_path, b"a,b\n" + b"".join(b"%d,%s\n" % (n, b"x" * 200) for n in range(20_000)))
    con = duckdb.connect()
    con.execute("BEGIN")
    before = pa.total_allocated_bytes()
    for _ in text_batches(con, path, ["a", "b"]):
        con.sql("SELECT count(*) FROM raw_batch").fetchall()
    gc.collect()
    assert pa.total_allocated_bytes() - before < 1_000_000
    con.execute("COMMIT")


def _memory_settings(con) -> tuple[str, str]:
    return con.sql("SELECT current_setting('memory_limit'), current_setting('temp_directory')").fetchall()[0]


def test_memory_limit_and_spill_directory(tmp_path, monkeypatch):
    def shown(size: str) -> str:  # how DuckDB reports a size it was given
        probe = duckdb.connect()
        probe.execute(f"SET memory_limit = '{size}'")
        return _memory_settings(probe)[0]

    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    limit, spill = _memory_settings(connect(tmp_path / "db" / "mobtrace.duckdb"))
    assert limit == shown("4GB") and spill == str(tmp_path / "db" / "mobtrace.duckdb.tmp")
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "512MB")
    limit, spill = _memory_settings(connect(":memory:"))
    assert limit == shown("512MB") and Path(spill).name.startswith("mobtrace-duckdb-") and Path(spill).is_absolute()
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "lots")
    with pytest.raises(ValueError, match=MEMORY_LIMIT_ENV):
        connect(":memory:")


@st.composite
def cnt_files(draw) -> bytes:
    """coordination-network-toolkit CSV: eight fields by position, with or without a header, sometimes
    starting with a blank line or a record that spans lines, then damaged a little."""
    out = io.StringIO()
    out.write(draw(st.sampled_from(["", "", "", "\n", "\r\n"])))  # blank lines before the first row
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])))
    first = draw(st.sampled_from(["canonical", "other", "record", "none"]))
    if first == "canonical":
        writer.writerow(["message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls"])
    elif first == "other":
        writer.writerow(draw(st.lists(st.sampled_from(["id", "Name", "", "two\nlines"]), min_size=1, max_size=9)))
    for _ in range(draw(st.integers(0, 30))):
        count = draw(st.sampled_from([8] * 6 + [0, 1, 9]))
        writer.writerow(draw(st.lists(st.sampled_from(FIELDS) | st.text(max_size=8), min_size=count, max_size=count)))
        if draw(st.integers(0, 15)) == 0:
            out.write(draw(st.sampled_from(["\n", "\r\n", "\r"])))
    data = bytearray(out.getvalue().encode("utf-8", "surrogatepass"))
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 3]))):
        position = draw(st.integers(0, len(data)))
        data[position:position] = draw(st.sampled_from([b"\xff", b"\xef\xbb\xbf", b'"', b"\r", b"\n", b"\t\t\t\t\t\t\t\t"]))
    if draw(st.booleans()):
        data[0:0] = readers.UTF8_BOM
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@PROPERTY
@given(data=cnt_files() | csv_files() | token_soup(), sizes=sizes, batch_rows=st.sampled_from([1, 3, 100]),
       role=st.sampled_from([None, "header", "record", "other-header"]))
def test_cnt_positional_reader_matches_its_reference(tmp_path, small_blocks, data, sizes, batch_rows, role):
    from mobtrace.analysis.ingest.cnt import _positional_batches_reference, first_row_role, positional_batches

    small_blocks(*sizes)
    path = tmp_path / "input.csv"
    path.write_bytes(data)
    role = role or first_row_role(path)
    fast = list(positional_batches(path, role, batch_rows))
    reference = list(_positional_batches_reference(path, role, batch_rows))
    assert _records(fast) == _records(reference)
    assert [table.num_rows for table in fast] == [table.num_rows for table in reference]
    assert all(a.schema == b.schema and a.equals(b) for a, b in zip(fast, reference))


def test_read_ahead_keeps_order_raises_in_place_and_closes_early():
    closed = []

    def source(fail_after: int | None):
        try:
            for number in range(5):
                if number == fail_after:
                    raise EOFError("cut off")
                yield number
        finally:
            closed.append(True)

    assert list(readers.read_ahead(source(None))) == [0, 1, 2, 3, 4]
    got = []
    with pytest.raises(EOFError, match="cut off"):
        for item in readers.read_ahead(source(2)):
            got.append(item)
    assert got == [0, 1]
    early = readers.read_ahead(source(None))
    assert next(early) == 0
    early.close()
    assert closed == [True, True, True]
