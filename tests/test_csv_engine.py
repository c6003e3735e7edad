"""CSV read by DuckDB (analysis/ingest/csv_engine.py) against the csv-module reference.

Whatever the input, the records DuckDB's path gives (``source_line``, raw text, reason, fields, and how
they fall into batches) must be those of ``readers._csv_batches_reference``, or the file must go to the
slow path. Hypothesis draws CSV with quotes, embedded line breaks of every kind, blank lines, wrong field
counts, BOMs, invalid UTF-8, spaces around quotes and cut-off files; fixed cases show which inputs DuckDB
reads itself and which the slow path takes.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mobtrace.analysis.ingest import connect, csv_engine, ingest_paths
from mobtrace.analysis.ingest.cnt import COLUMNS as CNT_COLUMNS
from mobtrace.analysis.ingest.cnt import _positional_batches_reference, first_row_role, first_row_table
from mobtrace.analysis.ingest.readers import UTF8_BOM, _csv_batches_reference, csv_header
from mobtrace.analysis.sql import run_script

STAGE = Path(csv_engine.__file__).parent / "stage.sql"

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FIELDS = ["", "a", "hello world", "x,y", 'say "hi"', "two\nlines", "cr\ronly", "crlf\r\nin", "é€🌍", "\ufeffbom",
          " ", "\t", "1700000000", '"', "\n", "\r\n", "a\tb", ' "q" ', "#c"]
TOKENS = [b"a", b"1", b",", b",", b'"', b'"', b'""', b"\n", b"\n", b"\r", b"\r\n", b"\n\n", b"\t", b" ", b"\x00",
          b"\xff", b"\xe2\x82", b"\xac", b"\xc3\xa9", b"\xef\xbb\xbf"]


def _reference_records(tables: list[pa.Table], columns: list[str]) -> list[list[tuple]]:
    return [[(row["source_line"], row["raw"], row["reject_reason"], *(row.get(name) for name in columns))
             for row in table.to_pylist()] for table in tables]


def _duckdb_records(con, prepared, columns: list[str], batch_rows: int, leading=None) -> list[list[tuple]]:
    run_script(con, STAGE)  # the staging tables batch_raw looks at
    names = "".join(', "' + name.replace('"', '""') + '"' for name in columns)
    batches = []
    for _ in csv_engine.raw_batches(con, prepared, columns, leading=leading, batch_rows=batch_rows):
        # batch_raw gives the raw text of the rows finalize.sql quarantines: have it give every row's
        con.execute("DELETE FROM stage_events; INSERT INTO stage_events (source_line, reject_reason) SELECT source_line, 'x' FROM raw_batch")
        batches.append(con.sql(f"SELECT source_line, coalesce(r.raw, b.raw), reject_reason{names} FROM raw_batch AS r "
                               "LEFT JOIN batch_raw AS b USING (source_line) ORDER BY source_line").fetchall())
    return batches


def _check(path: Path, batch_rows: int) -> str:
    """Compare DuckDB's reading with the reference; 'duckdb' or 'slow' for the path taken."""
    con = connect(":memory:")
    try:
        prepared = csv_engine.prepare(con, path)
        if prepared is None:
            return "slow"
        columns = list(dict.fromkeys(name for name in csv_header(path) if name and name not in csv_engine.RESERVED))
        assert _duckdb_records(con, prepared, columns, batch_rows) == _reference_records(
            list(_csv_batches_reference(path, batch_rows)), columns)
        return "duckdb"
    finally:
        csv_engine.release(con, path)
        con.close()


@st.composite
def csv_files(draw) -> bytes:
    """CSV as writers make it (csv.writer: any quoting, any line ending), then damaged a little."""
    width = draw(st.integers(2, 5))
    delimiter = draw(st.sampled_from([",", ",", "\t"]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])),
                        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
    writer.writerow(draw(st.lists(st.sampled_from(["id", "Name", "", "raw", "id", "x y", "ÄÖ"]), min_size=width, max_size=width)))
    for _ in range(draw(st.integers(0, 40))):
        count = draw(st.sampled_from([width] * 6 + [0, 1, width + 1]))
        writer.writerow(draw(st.lists(st.sampled_from(FIELDS) | st.text(max_size=8), min_size=count, max_size=count)))
        if draw(st.integers(0, 25)) == 0:
            out.write(draw(st.sampled_from(["\n", "\r\n", "\r"])))  # a blank line
    data = bytearray(out.getvalue().encode("utf-8", "surrogatepass"))
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 3]))):
        position = draw(st.integers(0, len(data)))
        data[position:position] = draw(st.sampled_from([b"\xff", b"\xe2\x82", b"\xef\xbb\xbf", b'"', b"\r", b"\n", b"\xc3", b" "]))
    if draw(st.booleans()):
        data[0:0] = UTF8_BOM
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@st.composite
def token_soup(draw) -> bytes:
    header = b",".join(draw(st.lists(st.sampled_from([b"a", b"B", b"", b"raw", b'"q"', b"x\xff"]), min_size=2, max_size=4)))
    ending = draw(st.sampled_from([b"\n", b"\r\n", b"\r"]))
    body = b"".join(draw(st.lists(st.sampled_from(TOKENS), max_size=150)))
    return draw(st.sampled_from([b"", UTF8_BOM])) + header + ending + body


@PROPERTY
@given(data=csv_files() | token_soup(), batch_rows=st.sampled_from([1, 3, 100]), gzipped=st.booleans())
def test_duckdb_reads_what_the_csv_module_reads_or_leaves_it_to_the_slow_path(tmp_path, data, batch_rows, gzipped):
    path = tmp_path / ("input.csv.gz" if gzipped else "input.csv")
    path.write_bytes(gzip.compress(data) if gzipped else data)
    event(_check(path, batch_rows))


@PROPERTY
@given(data=csv_files() | token_soup(), batch_rows=st.sampled_from([1, 3, 100]))
def test_cnt_positional_records_match_their_reference(tmp_path, data, batch_rows):
    path = tmp_path / "input.csv"
    path.write_bytes(data)
    role = first_row_role(path)
    con = connect(":memory:")
    try:
        if first_row_table(path, "other-header") is None:  # not a first line on its own: the adapter reads it the old way
            return
        prepared = csv_engine.prepare(con, path, names=CNT_COLUMNS, delimiter=",")
        if prepared is None:
            return
        got = _duckdb_records(con, prepared, list(CNT_COLUMNS), batch_rows, leading=first_row_table(path, role))
        assert got == _reference_records(list(_positional_batches_reference(path, role, batch_rows)), list(CNT_COLUMNS))
    finally:
        csv_engine.release(con, path)
        con.close()


def _write(tmp_path: Path, data: bytes, name: str = "input.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


@pytest.mark.parametrize("name", ["input.csv", "input.csv.gz"])
def test_line_breaks_in_fields_rejects_and_a_bom_are_read_by_duckdb(tmp_path, name):
    data = (b"\xef\xbb\xbfid,text\r\n"
            b'1,"a\r\nb"\r\n'          # lines 2-3
            b'2,"c\rd\ne"\r\n'         # lines 4-6: \r and \n inside quotes each end a line
            b"3,too,many\r\n"          # 7: rejected
            b'4,"x\r\n\r\ny",z\r\n'    # 8-10: rejected, three lines
            b"5,caf\xe9\r\n"           # 11: not UTF-8
            b"6, spaced\r\n"           # 12
            b"7,last\r\n\r\n")         # 13, then a blank line at the end
    path = _write(tmp_path, data, name)
    assert _check(path, 2) == "duckdb"
    con = connect(":memory:")
    prepared = csv_engine.prepare(con, path)
    rows = _duckdb_records(con, prepared, ["id", "text"], 100)[0]
    assert [(line, reason and reason.split(":")[0], text) for line, _, reason, _, text in rows] == [
        (2, None, "a\r\nb"), (4, None, "c\rd\ne"), (7, "record has 3 fields but the header has 2", None),
        (8, "record has 3 fields but the header has 2", None), (11, "record is not valid UTF-8", None),
        (12, None, " spaced"), (13, None, "last")]


@pytest.mark.parametrize(("data", "why"), [
    (b"id,text\n1,a\n\n2,b\n", "blank lines between records"),
    (b'id,text\n1, "a"\n2,b\n', "values DuckDB reads differently"),  # DuckDB drops the space, the csv module keeps it
    (b'id,text\n1,"a"b\n2,b\n', "UNQUOTED VALUE"),
    (b'id,text\n1,"open\n2,b\n', "UNQUOTED VALUE"),
    (b"id,text\n1,a\r2,b\n", "DuckDB cannot read it"),  # line endings mixed
    (b"id\n1\n\n2\n", "one column"),
    (b'id,"te\nxt"\n1,a\n', "a header with a line break"),
    # damage a fuzz test found: DuckDB took minutes on each (a column per header field; rejects of UTF-16 comma runs)
    (b"id,text" + b"," * 150_000 + b"\n1,a\n", "a header of 150,002 columns"),
    ("id,text\n1,a\n".encode("utf-16") + b",\x00" * 150_000, "NUL bytes"),
    # and one DuckDB took 66 s on: a record of 150,000 fields, a value among them (its rejects store is quadratic)
    (b"id,text\n1,a\n2" + b"," * 75_000 + b"\x04" + b"," * 75_000 + b"\n3,c\n", "a line of more than 2,000 delimiters"),
])
def test_what_duckdb_cannot_say_goes_to_the_slow_path(tmp_path, data, why):
    before = sum(count for key, count in csv_engine.STATS.items() if key.startswith("slow:") and why in key)
    path = _write(tmp_path, data)
    assert _check(path, 100) == "slow"
    assert sum(count for key, count in csv_engine.STATS.items() if key.startswith("slow:") and why in key) == before + 1


@pytest.mark.parametrize(("delimiters", "reader"), [(2_000, "duckdb"), (2_001, "slow")])
def test_a_line_of_more_than_2000_delimiters_is_left_to_the_slow_path(tmp_path, delimiters, reader):
    # either way the wide record is quarantined with the csv module's reason and its neighbours are ingested
    rows = ["account_id,action,timestamp"] + [f"a{n},post,{1_700_000_000 + n}" for n in range(5)]
    rows[3] = "wide" + ",x" * delimiters
    path = _write(tmp_path, ("\n".join(rows) + "\n").encode())
    before = csv_engine.STATS.copy()
    con = connect(":memory:")
    (summary,) = ingest_paths(con, [path], "generic")
    key = "duckdb" if reader == "duckdb" else "slow:a line of more than 2,000 delimiters"
    assert csv_engine.STATS[key] == before[key] + 1
    assert (summary.rows_read, summary.ingested, summary.quarantined) == (5, 4, 1)
    assert con.sql("SELECT source_line, reason FROM quarantine").fetchall() == [
        (4, f"record has {delimiters + 1} fields but the header has 3: check delimiters and quoting")]


@pytest.mark.parametrize("chunk", [7, 100, 2_001, 1 << 24])
def test_wide_lines_are_found_across_chunk_ends(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(csv_engine, "_CHUNK", chunk)
    narrow = _write(tmp_path, b"a,b\n" + b"x," * 2_000 + b"\r\n" + b"," * 1_999 + b"\r" + b"y" * 5_000 + b"\n,")
    assert not csv_engine._has_wide_line(narrow, ",")
    for wide in (b"," * 2_001, b"x" * 3_000 + b"," * 2_001 + b"\r\na", b"a,b\n" + b"x" * 3_000 + b"," * 1_000 + b"y" * 999 + b"," * 1_001):
        assert csv_engine._has_wide_line(_write(tmp_path, wide, "wide.csv"), ",")
        assert not csv_engine._has_wide_line(_write(tmp_path, wide, "wide.csv"), "\t")  # commas are text then


def test_an_ingest_through_duckdb_stores_the_reference_rows_and_counts(tmp_path):
    rows = ["account_id,action,timestamp,text"] + [f"a{n},post,{1_700_000_000 + n},\"line\nbreak {n}\"" for n in range(50)]
    rows[10] = "bad,row"
    path = _write(tmp_path, ("\n".join(rows) + "\n").encode())
    con = connect(":memory:")
    before = csv_engine.STATS["duckdb"]
    (summary,) = ingest_paths(con, [path])
    assert csv_engine.STATS["duckdb"] == before + 1
    assert (summary.rows_read, summary.ingested, summary.quarantined) == (50, 49, 1)
    assert con.sql("SELECT source_line, raw FROM quarantine").fetchall() == [(20, "bad,row")]
    assert con.sql("SELECT min(source_line), max(source_line) FROM interactions").fetchall() == [(2, 99)]
    assert con.sql("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'mt_csv%'").fetchall() == [(0,)]
