"""Generic-format ingest: parsing, quarantine with file/line/reason, accounting, idempotency."""

from __future__ import annotations

import gzip
import json
from datetime import datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mobtrace.analysis.ingest import ingest_paths
from mobtrace.analysis.ingest.checks import accounting_mismatches, duplicate_events, schema_differences


def _quarantine(con) -> list[tuple[int, str]]:
    return con.sql("SELECT source_line, reason FROM quarantine ORDER BY source_line").fetchall()


def test_timestamps_in_every_accepted_form_become_utc(con, write_csv):
    path = write_csv([
        {"event_id": "iso_z", "account_id": "a", "action": "post", "timestamp": "2025-03-01T12:00:00.123Z"},
        {"event_id": "iso_offset", "account_id": "a", "action": "post", "timestamp": "2025-03-01T14:00:00.123+02:00"},
        {"event_id": "iso_naive", "account_id": "a", "action": "post", "timestamp": "2025-03-01 12:00:00.123"},
        {"event_id": "seconds", "account_id": "a", "action": "post", "timestamp": "1740830400.123"},
        {"event_id": "millis", "account_id": "a", "action": "post", "timestamp": "1740830400123"},
    ])
    ingest_paths(con, [path])
    times = dict(con.sql("SELECT event_id, ts FROM interactions").fetchall())
    assert set(times.values()) == {datetime(2025, 3, 1, 12, 0, 0, 123000)}
    assert len(times) == 5


def test_lists_accept_json_arrays_and_spaces_and_drop_sigils(con, write_csv):
    path = write_csv([
        {"event_id": "1", "account_id": "a", "action": "post", "timestamp": "1740830400",
         "urls": '["https://a.example/x", "https://b.example"]', "hashtags": "#one two", "mentions": '["@victim"]'},
    ])
    ingest_paths(con, [path])
    assert con.sql("SELECT urls, hashtags, mentions FROM interactions").fetchall() == [
        (["https://a.example/x", "https://b.example"], ["one", "two"], ["victim"])
    ]


BAD_ROWS = [
    ({"event_id": "1", "account_id": "", "action": "post", "timestamp": "1740830400"}, "missing account_id"),
    ({"event_id": "2", "account_id": "a", "action": "shout", "timestamp": "1740830400"}, 'unknown action "shout"'),
    ({"event_id": "3", "account_id": "a", "action": "post", "timestamp": "yesterday"}, 'unreadable timestamp "yesterday"'),
    ({"event_id": "4", "account_id": "a", "action": "post", "timestamp": "17"}, "outside 1995-2099"),
    ({"event_id": "5", "account_id": "a", "action": "post", "timestamp": "1740830400", "urls": "[broken"}, "urls is not a valid JSON array"),
    ({"event_id": "6", "account_id": "a", "action": "post", "timestamp": ""}, "missing or unreadable timestamp"),
    ({"event_id": "7", "account_id": "a", "action": "post", "timestamp": "99999999999999999"}, "unreadable timestamp \"99999999999999999\""),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS, ids=[reason for _, reason in BAD_ROWS])
def test_malformed_row_is_quarantined_with_line_and_reason(con, write_csv, row, reason):
    good = {"event_id": "ok", "account_id": "a", "action": "post", "timestamp": "1740830400"}
    path = write_csv([good, row])
    (summary,) = ingest_paths(con, [path])
    assert (summary.rows_read, summary.ingested, summary.quarantined) == (2, 1, 1)
    ((line, stored_reason),) = _quarantine(con)
    assert line == 3  # header is line 1, the good row line 2
    assert reason in stored_reason
    assert con.sql("SELECT source_file FROM quarantine").fetchall() == [(str(path),)]


def test_structurally_broken_records_keep_their_physical_line(con, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(
        b"account_id,action,timestamp,text\n"
        b'a,post,1740830400,"two\nlines"\n'      # lines 2-3, fine
        b"b,post,1740830400,x,extra\n"            # line 4: too many fields
        b"c,post,1740830400,\xff\xfe\n"            # line 5: not UTF-8
        b"\n"                                      # blank line: not a record
        b"d,post,1740830400,fine\n"               # line 7
    )
    (summary,) = ingest_paths(con, [path])
    assert (summary.rows_read, summary.ingested, summary.quarantined) == (4, 2, 2)
    assert [line for line, _ in _quarantine(con)] == [4, 5]
    assert "5 fields but the header has 4" in _quarantine(con)[0][1]
    assert "not valid UTF-8" in _quarantine(con)[1][1]
    assert con.sql("SELECT source_line FROM interactions ORDER BY source_line").fetchall() == [(2,), (7,)]


def test_reingesting_the_same_file_adds_nothing(con, write_csv):
    path = write_csv([{"event_id": str(n), "account_id": "a", "action": "post", "timestamp": 1740830400 + n} for n in range(5)]
                     + [{"event_id": "bad", "account_id": "a", "action": "??", "timestamp": "1"}])
    first = ingest_paths(con, [path])
    counts = con.sql("SELECT (SELECT count(*) FROM interactions), (SELECT count(*) FROM quarantine), (SELECT count(*) FROM sources)").fetchall()
    second = ingest_paths(con, [path])
    assert second[0].skipped and not first[0].skipped
    assert con.sql("SELECT (SELECT count(*) FROM interactions), (SELECT count(*) FROM quarantine), (SELECT count(*) FROM sources)").fetchall() == counts


def test_the_same_event_in_another_file_is_quarantined_as_duplicate(con, write_csv):
    row = {"platform": "x", "event_id": "42", "account_id": "a", "action": "post", "timestamp": "1740830400"}
    first = write_csv([row], name="one.csv")
    second = write_csv([row, {**row, "event_id": "43"}], name="two.csv")
    ingest_paths(con, [first, second])
    assert con.sql("SELECT count(*) FROM interactions").fetchall() == [(2,)]
    ((line, reason),) = _quarantine(con)
    assert line == 2 and f"already ingested from {first}:2" in reason
    assert accounting_mismatches(con) == []


def test_rows_without_event_id_get_a_stable_content_id(con, write_csv):
    rows = [{"account_id": "a", "action": "like", "timestamp": "1740830400", "target_post_id": "p"}]
    ingest_paths(con, [write_csv(rows, name="a.csv")])
    ingest_paths(con, [write_csv(rows + [{"account_id": "b", "action": "like", "timestamp": "1740830400"}], name="b.csv")])
    assert con.sql("SELECT count(*) FROM interactions").fetchall() == [(2,)]
    assert con.sql("SELECT count(*) FROM quarantine WHERE reason LIKE '%already ingested%'").fetchall() == [(1,)]


def test_ndjson_gzip_and_parquet_read_the_same_rows(con, tmp_path):
    records = [
        {"platform": "x", "event_id": "1", "account_id": "a", "action": "post", "timestamp": 1740830400, "hashtags": ["Tag"]},
        {"platform": "x", "event_id": "2", "account_id": "b", "action": "repost", "timestamp": "2025-03-01T12:00:30Z", "target_post_id": "1"},
    ]
    ndjson = tmp_path / "events.ndjson.gz"
    with gzip.open(ndjson, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(records[0]) + "\n\n{not json\n" + json.dumps(records[1]) + "\n")
    (summary,) = ingest_paths(con, [ndjson])
    assert (summary.format, summary.rows_read, summary.ingested, summary.quarantined) == ("generic", 3, 2, 1)
    assert _quarantine(con)[0][0] == 3
    from_ndjson = con.sql("SELECT event_id, account_id, action, ts, target_post_id, hashtags FROM interactions ORDER BY event_id").fetchall()

    parquet = tmp_path / "events.parquet"
    pq.write_table(pa.table({
        "platform": ["y", "y"], "event_id": ["1", "2"], "account_id": ["a", "b"], "action": ["post", "repost"],
        "timestamp": ["1740830400", "2025-03-01T12:00:30Z"], "target_post_id": [None, "1"], "hashtags": [["Tag"], []],
    }), parquet)
    (summary,) = ingest_paths(con, [parquet])
    assert (summary.rows_read, summary.ingested, summary.quarantined) == (2, 2, 0)
    from_parquet = con.sql("SELECT event_id, account_id, action, ts, target_post_id, hashtags FROM interactions WHERE platform = 'y' ORDER BY event_id").fetchall()
    assert from_parquet == from_ndjson


def test_accounts_file_fills_accounts_and_later_files_keep_known_values(con, write_csv):
    accounts = write_csv(
        [{"platform": "x", "account_id": "a", "handle": "@alice", "created_at": "2024-01-02", "followers": "12", "following": "3"},
         {"platform": "x", "account_id": "b", "handle": "bob", "followers": "many"}],
        name="accounts.csv", columns=["platform", "account_id", "handle", "created_at", "followers", "following"],
    )
    events = write_csv([{"platform": "x", "event_id": "1", "account_id": "a", "action": "post", "timestamp": "1740830400"}])
    summaries = ingest_paths(con, [accounts, events])
    assert [(s.rows_read, s.ingested, s.quarantined) for s in summaries] == [(2, 1, 1), (1, 1, 0)]
    assert con.sql("SELECT account_id, handle, created_at, followers FROM accounts").fetchall() == [
        ("a", "alice", datetime(2024, 1, 2), 12)
    ]
    assert "followers \"many\" is not a whole number" in _quarantine(con)[0][1]
    assert accounting_mismatches(con) == []


def test_quarantine_keeps_the_raw_record_whichever_step_rejected_it(con, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(
        "event_id,account_id,action,timestamp\n"
        "1,a,post,1740830400\n"
        "2,a,post,1740830400,surplus\n"  # the reader: too many fields
        "3,a,post,\"not a time\"\n"  # the mapping: unreadable timestamp
        "4,,post,1740830400\n"  # finalize.sql: no account
        "1,b,post,1740830401\n"  # finalize.sql: duplicate id
    )
    ingest_paths(con, [path])
    raws = con.sql("SELECT source_line, raw FROM quarantine ORDER BY source_line").fetchall()
    assert raws == [(3, "2,a,post,1740830400,surplus"), (4, "3,a,post,not a time"), (5, "4,,post,1740830400"), (6, "1,b,post,1740830401")]


def test_unrecognised_file_is_one_quarantined_row_not_a_crash(con, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("colour,shape\nred,round\n")
    (summary,) = ingest_paths(con, [path])
    assert (summary.rows_read, summary.ingested, summary.quarantined) == (1, 0, 1)
    assert "format not recognised" in _quarantine(con)[0][1]


def test_checks_pass_on_clean_tables_and_fail_on_tampered_ones(con, write_csv):
    ingest_paths(con, [write_csv([{"event_id": "1", "account_id": "a", "action": "post", "timestamp": "1740830400"},
                                  {"event_id": "2", "account_id": "", "action": "post", "timestamp": "1740830400"}])])
    assert accounting_mismatches(con) == [] and schema_differences(con, "interactions") == []
    assert duplicate_events(con) == []
    con.execute("INSERT INTO interactions SELECT * FROM interactions")
    assert duplicate_events(con) == ["generic event 1 is stored 2 times"]
    con.execute("DELETE FROM interactions WHERE rowid = (SELECT max(rowid) FROM interactions)")
    con.execute("DELETE FROM quarantine")
    assert len(accounting_mismatches(con)) == 1
    con.execute("ALTER TABLE interactions ADD COLUMN extra INTEGER")
    assert schema_differences(con, "interactions") == ["expected None, found ('extra', 'INTEGER')"]


def test_unreadable_parquet_is_one_quarantined_row(con, tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1")  # the magic bytes and nothing else (found by fuzzing)
    (summary,) = ingest_paths(con, [path], fmt="generic")
    assert (summary.rows_read, summary.ingested, summary.quarantined) == (1, 0, 1)
    assert "unreadable Parquet from row 1 on" in _quarantine(con)[0][1]


def test_truncated_gzip_is_accounted_for_not_a_crash(con, tmp_path):
    rows = "".join(f"x,{n},a,post,{1740830400 + n}\n" for n in range(20_000))
    whole = gzip.compress(("platform,event_id,account_id,action,timestamp\n" + rows).encode())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])  # a download that stopped half-way
    (summary,) = ingest_paths(con, [path])
    assert summary.rows_read == summary.ingested + summary.quarantined
    assert summary.quarantined == 1 and summary.ingested < 20_000  # batches read before the break are kept
    assert "cannot be read past record" in _quarantine(con)[0][1]
    assert accounting_mismatches(con) == []
