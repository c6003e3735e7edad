"""The bulk NDJSON line reader (analysis/ingest/jsonlines.py) against the line-by-line reader it replaces.

``line_tables`` must yield what ``readers.line_batches`` yields, row for row and batch for batch: the same
physical line numbers, the same raw text (line breaks and a first-line byte order mark dropped), the same
blank lines skipped and the same lines quarantined as not UTF-8, whatever the chunk size cuts through.
"""

from __future__ import annotations

import gzip

import pytest

from mobtrace.analysis.ingest.jsonlines import NOT_UTF8, line_tables
from mobtrace.analysis.ingest.readers import broken_read, forget_broken_read, line_batches

GOOD = b'{"a": 1}'
CASES = {
    "plain": GOOD + b"\n" + GOOD + b"\n",
    "no final line break": GOOD + b"\n" + GOOD,
    "crlf and stray cr": GOOD + b"\r\n" + GOOD + b"\r\r\n" + b'{"b":\r2}\n' + GOOD + b"\r",
    "blank lines": b"\n" + GOOD + b"\n \n\t\r\n\x0b\x0c\n" + b"  " + GOOD + b"\n\n\n",
    "bom": b"\xef\xbb\xbf" + GOOD + b"\n\xef\xbb\xbf" + GOOD + b"\n",
    "bom alone on line 1": b"\xef\xbb\xbf\n" + GOOD,
    "bom then blank": b"\xef\xbb\xbf  \n" + GOOD,
    "not utf-8 on line 1 with bom": b"\xef\xbb\xbf{\"a\": \"\xff\"}\n" + GOOD,
    "not utf-8": GOOD + b"\n{\"a\": \"\xc3(\"}\r\n" + GOOD + b"\n\xed\xa0\x80\n\xc0\xaf\n\xf4\x90\x80\x80\n\xe2\x82\n",
    "valid multibyte": "{\"a\": \"Крым 🌍 שקרן\"}\n".encode() * 3 + "\u2028\n".encode(),
    "nul and control bytes": GOOD + b"\x00\n\x1c\x1d\n",
    "only blank": b"\n \n",
    "long line": b'{"pad": "' + b"x" * 5000 + b'"}\n' + GOOD,
}
# Many lines not UTF-8 among good ones: the halving search meets parts of every size.
CASES["many bad lines"] = b"".join((GOOD if i % 7 else b"\xff" + GOOD) + b"\n" for i in range(300))


def rows(batches) -> list[list[dict]]:
    return [table.to_pylist() for table in batches]


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("chunk_bytes", [1, 16, 1 << 20])
def test_same_rows_and_batches_as_the_line_reader(tmp_path, name, chunk_bytes):
    path = tmp_path / "lines.ndjson"
    path.write_bytes(CASES[name])
    for batch_rows in (2, 250_000):
        assert rows(line_tables(path, batch_rows, chunk_bytes)) == rows(line_batches(path, batch_rows))


def test_lines_that_are_not_utf8_keep_their_number_and_reason(tmp_path):
    path = tmp_path / "lines.ndjson"
    path.write_bytes(CASES["not utf-8"])
    got = [(row["source_line"], row["reject_reason"]) for table in line_tables(path, chunk_bytes=8) for row in table.to_pylist()]
    assert got == [(1, None), (2, NOT_UTF8), (3, None), (4, NOT_UTF8), (5, NOT_UTF8), (6, NOT_UTF8), (7, NOT_UTF8)]


def test_gzip_cut_off_keeps_the_lines_before_the_break(tmp_path):
    whole = gzip.compress(b"".join(b'{"n": %d, "pad": "%s"}\n' % (i, b"y" * (i % 50)) for i in range(3000)))
    path = tmp_path / "cut.ndjson.gz"
    path.write_bytes(whole[: len(whole) // 2])
    forget_broken_read(path)
    expected = rows(line_batches(path, 1000))
    assert broken_read(path)  # the reference saw the break
    forget_broken_read(path)
    assert rows(line_tables(path, 1000, chunk_bytes=4096)) == expected
    assert broken_read(path)
    assert 0 < sum(len(batch) for batch in expected) < 3000
