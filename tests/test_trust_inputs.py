"""Issue 18, inputs: a file whose rows land nowhere is an error that names the cause, and can be retried.

Events without an ``action`` column are not taken for an accounts file; a format named with ``--format``
quarantines every row of a file that lacks its required column; an unrecognised, empty or column-less
file says why and is read again when given again (the same bytes under another format are another
ingest); a truncated ``.gz`` keeps what came before the break; a folder is read recursively in name
order; format detection does not depend on the first line's length.
"""

from __future__ import annotations

import gzip
import json

import duckdb

from mobtrace.analysis.ingest import connect, ingest_paths
from mobtrace.analysis.ingest.checks import accounting_mismatches

T0 = 1_740_830_400
EVENTS_WITHOUT_ACTION = "platform,event_id,account_id,timestamp,text\nx,1,a,1740830400,hello\nx,2,b,1740830401,there\n"


def _reasons(con) -> list[str]:
    return [reason for (reason,) in con.sql("SELECT reason FROM quarantine ORDER BY source_file, source_line").fetchall()]


def test_events_without_action_are_not_an_accounts_file(con, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(EVENTS_WITHOUT_ACTION)
    (summary,) = ingest_paths(con, [path])
    assert (summary.ingested, summary.quarantined) == (0, 1) and summary.landed_nothing
    assert "the closest is generic, which also needs the column action" in summary.problem
    assert con.sql("SELECT count(*) FROM accounts").fetchall() == [(0,)]


def test_a_named_events_format_quarantines_every_row_naming_the_missing_column(con, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(EVENTS_WITHOUT_ACTION)
    (summary,) = ingest_paths(con, [path], fmt="generic")
    assert (summary.rows_read, summary.ingested, summary.quarantined) == (2, 0, 2)
    assert _reasons(con) == ["the file has no action column, which the generic format needs: add it, or pass the --format the file is in"] * 2
    assert con.sql("SELECT count(*) FROM accounts").fetchall() == [(0,)]
    reports = tmp_path / "reports.csv"
    reports.write_text("reporter_id,reported_account_id,reason\nr1,t1,spam\n")
    (summary,) = ingest_paths(con, [reports], fmt="reports")
    assert summary.quarantined == 1 and "the file has no timestamp column, which the reports format needs" in _reasons(con)[-1]
    assert accounting_mismatches(con) == []


def test_an_accounts_file_is_still_one(con, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("platform,account_id,handle,followers\nx,a,alice,10\n")
    (summary,) = ingest_paths(con, [path])
    assert (summary.format, summary.ingested) == ("generic", 1)
    assert con.sql("SELECT handle FROM accounts").fetchall() == [("alice",)]


def test_a_file_that_landed_nothing_is_retried_with_the_suggested_format(con, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("account_id,action,when\na,post,1740830400\n")  # `timestamp` is called `when`
    (first,) = ingest_paths(con, [path])
    (again,) = ingest_paths(con, [path])
    assert not again.skipped and again.ingested == 0  # not "already ingested": nothing was
    assert first.landed_nothing and "needs the column timestamp" in first.problem
    assert con.sql("SELECT count(*) FROM quarantine").fetchall() == [(1,)]  # the retry replaced the first attempt
    path.write_text("account_id,action,timestamp\na,post,1740830400\n")
    (fixed,) = ingest_paths(con, [path])
    assert (fixed.ingested, fixed.skipped) == (1, False)
    (repeat,) = ingest_paths(con, [path])
    assert repeat.skipped  # landed once: the same bytes are not read again
    assert accounting_mismatches(con) == []


def test_the_same_bytes_under_another_format_are_another_ingest(con, tmp_path):
    path = tmp_path / "shares.csv"
    path.write_text(f"object_id,account_id,content_id,timestamp_share\np1,a,c1,{T0}\n")
    (as_coortweet,) = ingest_paths(con, [path])
    assert as_coortweet.format == "coortweet" and as_coortweet.ingested == 1
    (as_generic,) = ingest_paths(con, [path], fmt="generic")  # lacks action and timestamp for generic
    assert not as_generic.skipped and as_generic.format == "generic" and as_generic.quarantined == 1
    assert sorted(con.sql("SELECT format, ingested FROM sources").fetchall()) == [("coortweet", 1), ("generic", 0)]
    assert ingest_paths(con, [path])[0].skipped  # auto finds coortweet again: recorded with the hash


def test_an_empty_file_says_so(con, tmp_path):
    for name, data in (("empty.csv", b""), ("blank.jsonl", b"\n \r\n"), ("empty.csv.gz", gzip.compress(b""))):
        (tmp_path / name).write_bytes(data)
        (summary,) = ingest_paths(con, [tmp_path / name])
        reason = con.sql("SELECT reason FROM quarantine ORDER BY rowid DESC LIMIT 1").fetchall()[0][0]
        assert reason.endswith("the file is empty: export it again, or leave it out"), name
        assert summary.landed_nothing and summary.problem.endswith("the file is empty: export it again, or leave it out"), name


def test_a_csv_missing_a_column_names_the_closest_format_and_the_column(con, tmp_path):
    path = tmp_path / "shares.csv"
    path.write_text(f"object_id,account_id,timestamp_share\np1,a,{T0}\n")
    unrelated = tmp_path / "other.csv"
    unrelated.write_text("colour,size\nred,3\n")
    ingest_paths(con, [path, unrelated])
    other, shares = _reasons(con)  # by file name
    assert "the closest is coortweet, which also needs the column content_id; add it, or pass --format" in shares
    assert "format not recognised; pass --format with one of" in other


def test_a_truncated_gzip_keeps_every_record_before_the_break(con, tmp_path):
    lines = "".join(f"x,{n},a{n % 7},post,{T0 + n}\n" for n in range(30_000))
    whole = gzip.compress(("platform,event_id,account_id,action,timestamp\n" + lines).encode(), mtime=0)
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    readable = 0
    with gzip.open(path, "rb") as handle:
        try:
            while chunk := handle.read1(1 << 16):
                readable += chunk.count(b"\n")
        except EOFError:
            pass
    (summary,) = ingest_paths(con, [path])
    assert summary.ingested == readable - 1 > 10_000  # every complete record before the break (the header is a line)
    assert summary.quarantined == 1 and summary.rows_read == summary.ingested + 1
    (reason,) = _reasons(con)
    assert reason.startswith(f"the file cannot be read past record {readable - 1} (EOFError")
    assert accounting_mismatches(con) == []


def test_a_truncated_gzip_ndjson_keeps_its_lines(con, tmp_path):
    lines = "".join(json.dumps({"account_id": f"a{n}", "action": "post", "timestamp": T0 + n}) + "\n" for n in range(5_000))
    whole = gzip.compress(lines.encode(), mtime=0)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    (summary,) = ingest_paths(con, [path])
    assert summary.ingested > 1_000 and summary.quarantined == 1


def test_a_folder_is_read_recursively_in_name_order(con, tmp_path):
    folder = tmp_path / "exports"
    (folder / "b_later").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    (folder / "a.csv").write_text(f"account_id,action,timestamp\na,post,{T0}\n")
    (folder / "b_later" / "c.jsonl").write_text(json.dumps({"account_id": "c", "action": "post", "timestamp": T0 + 2}) + "\n")
    (folder / "b.csv.gz").write_bytes(gzip.compress(f"account_id,action,timestamp\nb,post,{T0 + 1}\n".encode()))
    (folder / ".hidden" / "x.csv").write_text("account_id,action,timestamp\nz,post,1\n")
    (folder / "~lock.csv").write_text("partial")
    (folder / "notes.md").write_text("# not an export")
    summaries = ingest_paths(con, [folder])
    assert [s.ingested for s in summaries] == [1, 1, 1]
    assert con.sql("SELECT account_id FROM interactions ORDER BY ts").fetchall() == [("a",), ("b",), ("c",)]
    from mobtrace.analysis.ingest.run import expand_inputs

    assert [p.relative_to(folder).as_posix() for p in expand_inputs([folder])] == ["a.csv", "b.csv.gz", "b_later/c.jsonl"]


def test_detection_does_not_depend_on_the_first_lines_length(con, tmp_path):
    long_text = "y" * 1_000_000  # sixteen times the bytes read to recognise a format
    generic = tmp_path / "generic.jsonl"
    generic.write_text("".join(json.dumps({"text": long_text if n == 0 else "short", "account_id": f"a{n}", "action": "post",
                                           "timestamp": T0 + n}) + "\n" for n in range(2)))
    reddit = tmp_path / "reddit.jsonl"
    comment = {"body": long_text, "author": "someone", "created_utc": T0, "subreddit": "x", "id": "c1", "parent_id": "t3_p1",
               "link_id": "t3_p1", "permalink": "/r/x/comments/p1/_/c1/"}
    reddit.write_text(json.dumps(comment) + "\n")
    mastodon = tmp_path / "statuses.json"
    mastodon.write_text(json.dumps([{"id": "1", "created_at": "2025-03-01T10:00:00.000Z", "content": long_text, "visibility": "public",
                                     "reblog": None, "account": {"id": "9", "acct": "eve"}}]))
    summaries = ingest_paths(con, [generic, reddit, mastodon])
    assert [(s.format, s.ingested) for s in summaries] == [("generic", 2), ("reddit", 1), ("mastodon", 1)]


def test_a_database_from_before_the_format_key_is_migrated(tmp_path):
    database = tmp_path / "old.duckdb"
    with duckdb.connect(str(database)) as old:
        old.execute("""CREATE TABLE sources (sha256 VARCHAR PRIMARY KEY, source_file VARCHAR NOT NULL, format VARCHAR NOT NULL,
                       rows_read BIGINT NOT NULL, ingested BIGINT NOT NULL, quarantined BIGINT NOT NULL, events BIGINT NOT NULL,
                       bytes BIGINT NOT NULL, ingested_at TIMESTAMP NOT NULL)""")
        old.execute("CREATE TABLE quarantine (source_file VARCHAR NOT NULL, source_line BIGINT NOT NULL, format VARCHAR NOT NULL, "
                    "raw VARCHAR, reason VARCHAR NOT NULL)")
        old.execute("INSERT INTO sources VALUES ('abc', 'old.csv', 'generic', 1, 1, 0, 1, 10, now()::TIMESTAMP)")
    con = connect(database)
    try:
        keys = con.sql("SELECT constraint_column_names FROM duckdb_constraints() WHERE table_name = 'sources' "
                       "AND constraint_type = 'PRIMARY KEY'").fetchall()
        assert keys == [(["sha256", "format"],)]
        assert con.sql("SELECT sha256, source_file FROM sources").fetchall() == [("abc", "old.csv")]
        assert "sha256" in [name for (name,) in con.sql("SELECT column_name FROM information_schema.columns WHERE table_name = 'quarantine'").fetchall()]
        con.execute("INSERT INTO sources VALUES ('abc', 'old.csv', 'reports', 1, 1, 0, 1, 10, now()::TIMESTAMP)")  # same bytes, other format
    finally:
        con.close()
