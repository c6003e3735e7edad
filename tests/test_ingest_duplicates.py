"""A duplicate's reason does not depend on where a batch ends (issue #19).

A row whose event an earlier row of the same file already has is 'duplicate of event X earlier in this file',
whether the two rows fall in one batch or not; 'was already ingested from FILE:LINE' is for events of earlier
ingests. Checked on the fast path (DuckDB reads the file and serves it whole, or, for the comparison, in
batches of 2 records) and on the slow path (the csv module's reader, in batches of 2 records).
"""

from __future__ import annotations

import functools

import pytest

from mobtrace.analysis.ingest import connect, csv_engine, ingest_paths, tabular
from mobtrace.analysis.ingest.readers import csv_batches

HEADER = "platform,event_id,account_id,action,timestamp\n"
EARLIER = HEADER + "x,9,z,post,1700000000\n"
# lines 2..7; with batches of 2 records: [2, 3], [4, 5], [6, 7]
FILE = HEADER + (
    "x,1,a,post,1700000001\n"   # 2
    "x,9,b,post,1700000002\n"   # 3: ingested before, from earlier.csv:2
    "x,1,c,post,1700000003\n"   # 4: duplicate of line 2, in the next batch
    "x,2,d,post,1700000004\n"   # 5
    "x,9,e,post,1700000005\n"   # 6: line 3 had it (quarantined, but it passed the row checks)
    "x,2,f,post,1700000006\n"   # 7: duplicate of line 5, in the next batch
)
EXPECTED_QUARANTINE = [
    (3, "event 9 was already ingested from {earlier}:2"),
    (4, "duplicate of event 1 earlier in this file"),
    (6, "duplicate of event 9 earlier in this file"),
    (7, "duplicate of event 2 earlier in this file"),
]


def _ingest(tmp_path) -> tuple[list, list, str]:
    earlier, path = tmp_path / "earlier.csv", tmp_path / "file.csv"
    earlier.write_text(EARLIER)
    path.write_text(FILE)
    con = connect(":memory:")
    ingest_paths(con, [earlier, path])
    quarantine = con.execute("SELECT source_line, reason FROM quarantine WHERE source_file = $1 ORDER BY source_line",
                             [str(path)]).fetchall()
    stored = con.execute("SELECT event_id, account_id, source_line FROM interactions WHERE source_file = $1 ORDER BY source_line",
                         [str(path)]).fetchall()
    return quarantine, stored, str(earlier)


def _assert_batch_independent(tmp_path) -> None:
    quarantine, stored, earlier = _ingest(tmp_path)
    assert quarantine == [(line, reason.format(earlier=earlier)) for line, reason in EXPECTED_QUARANTINE]
    assert stored == [("1", "a", 2), ("2", "d", 5)]


def test_fast_path_whole_file(tmp_path):
    before = csv_engine.STATS["duckdb"]
    _assert_batch_independent(tmp_path)
    assert csv_engine.STATS["duckdb"] == before + 2  # both files read by DuckDB


def test_fast_path_in_batches_of_two(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_engine, "raw_batches", functools.partial(csv_engine.raw_batches, batch_rows=2))
    _assert_batch_independent(tmp_path)


@pytest.mark.parametrize("batch_rows", [2, 3])
def test_slow_path_in_small_batches(tmp_path, monkeypatch, batch_rows):
    monkeypatch.setattr(csv_engine, "prepare", lambda *args, **kwargs: None)
    monkeypatch.setattr(tabular, "csv_batches", functools.partial(csv_batches, batch_rows=batch_rows))
    slow_reads = []
    monkeypatch.setattr(tabular, "read_ahead", lambda batches: (slow_reads.append(table.num_rows) or table for table in batches))
    _assert_batch_independent(tmp_path)
    assert slow_reads == [1] + [batch_rows] * (6 // batch_rows)  # earlier.csv, then file.csv in batches of batch_rows
