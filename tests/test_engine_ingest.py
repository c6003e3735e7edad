"""Parquet inputs of the column-mapping formats ingested on Spark (``ingest/on_spark.py``) store exactly what the
DuckDB path stores: ``interactions``, ``accounts``, ``quarantine`` and ``sources`` (but its wall clock).

Hand-made Parquet files per format with good rows, bad rows (unreadable and out-of-range timestamps, missing
and blank values, unknown actions, malformed lists, duplicates) and boundary values (1995-01-01 and 2100-01-01,
1e11 seconds, '24:00:00', offsets, a year BC in a reason, '12.5' followers, JSON numbers in a list, Unicode), and
columns of other types (floats, a decimal, dates, naive and tz-aware times, lists of text and of floats).
One Spark session for the module; skipped without Java like tests/test_engine.py.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mobtrace.analysis.engine.settings import EngineSettings
from mobtrace.analysis.ingest import connect, ingest_paths
from mobtrace.analysis.ingest.on_spark import column_mapping
from mobtrace.analysis.ingest.registry import get_adapter

WALL_CLOCK = {"sources": "ingested_at"}
TABLES = ("interactions", "accounts", "quarantine", "sources")

EVENTS = [  # (event_id, account_id, account_handle, action, timestamp, urls, hashtags, text, account_followers)
    ("e1", "a1", "@alice", "post", "2024-01-02T03:04:05Z", '["https://a.example/x"]', "#tag1 #tag2", "Καλημέρα 🌍", "10"),
    ("e2", "a2", "bob", "REPOST", "1700000000", None, None, None, "12.5"),
    ("e3", "a3", None, "reply", "1700000000123", "[1, 2.50, \"x\"]", None, "", None),
    ("e4", "a1", None, "post", "2024-01-02 05:04:05+02:00", None, "[]", None, "1_000"),
    ("e5", "a2", None, "quote", "2024-01-01 24:00:00", None, None, None, None),
    ("e6", "a3", None, "post", "2024-01-02 03:04:05.123456", None, None, "naïve", None),
    ("e7", "a4", None, "post", "soon", None, None, None, None),
    ("e8", None, None, "post", "1700000000", None, None, None, None),
    ("e9", " \u00a0", None, "post", "1700000000", None, None, None, None),
    ("e10", "a5", None, "retweet", "1700000000", None, None, None, None),
    ("e11", "a5", None, "post", "1900-01-01", None, None, None, None),
    ("e12", "a5", None, "post", "-99999999999", None, None, None, None),
    ("e13", "a5", None, "post", "1700000000", '["a",', None, None, None),
    ("e1", "a6", None, "post", "1700000001", None, None, None, None),
    ("e14", "a6", None, "post", "1700000002", None, None, None, "many"),
    (None, "a7", None, "like", "1700000003", None, None, "no id", None),
    ("e15", "a7", None, "post", "1995-01-01 00:00:00", None, None, None, None),
    ("e16", "a7", None, "post", "2100-01-01", None, None, None, None),
    ("e17", "a7", None, "post", "100000000000", None, None, None, None),
    ("e18", "a7", None, "post", "99999999999", None, None, None, None),
    ("e19", "a8", None, "post", " 1700000004 ", None, None, None, None),
    ("e20", "a8", None, "post", "1.5e9", None, None, None, None),
    ("e21", "a8", None, "post", "2024-03-10 02:30:00 America/New_York", None, None, None, None),
    ("e22", "a8", None, None, "1700000005", None, None, None, None),
]


def _events_file(path, events=EVENTS, drop=()):
    names = ("event_id", "account_id", "account_handle", "action", "timestamp", "urls", "hashtags", "text", "account_followers")
    columns = {name: [row[i] for row in events] for i, name in enumerate(names) if name not in drop}
    columns["platform"] = [None if i % 5 == 4 else "x" for i in range(len(events))]
    columns["seq"] = list(range(len(events)))  # an integer column the mapping does not read
    pq.write_table(pa.table(columns), path, row_group_size=7)  # several row groups: row numbers cross them


def _accounts_file(path):
    pq.write_table(pa.table({
        "account_id": ["a1", "a9", "", "a10", "a1"],
        "handle": ["@alice_new", "nine", "blank", "ten", None],
        "followers": pa.array([100, None, 3, 5, 7], pa.int64()),
        "created_at": ["2010-05-06", "sometime", "2011-01-01", "2012-01-01 10:00:00+05:00", None],
    }), path)


def _reports_file(path):
    pq.write_table(pa.table({
        "reporter_id": ["r1", "r2", "r3", "r4", "  "],
        "reported_account_id": ["a1", None, "a2", "a3", "a1"],
        "reported_post_id": ["e1", None, None, "e3", "e1"],
        "reason": ["spam", "abuse", "ΟΔΟΣ", None, "x"],
        "timestamp": pa.array([1700000100, 1700000200, None, 1700000300, 1700000400], pa.int64()),
        "report_id": ["R1", None, "R3", "R1", "R5"],
    }), path)


def _coortweet_file(path):
    pq.write_table(pa.table({
        "object_id": ["o1", "o1", None, "o2", "o2"],
        "account_id": ["a1", "a2", "a3", "ä4", "a5"],
        "content_id": ["c1", "c2", "c3", "c4", None],
        "timestamp_share": ["1700000000.0", "1700000010", "1700000020", "x", "1700000030"],
    }), path)


@pytest.fixture(scope="module")
def ingest_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parquet")
    files = {name: folder / f"{name}.parquet" for name in ("events", "accounts", "reports", "coortweet", "no_action", "typed",
                                                            "nanos")}
    _events_file(files["events"])
    _accounts_file(files["accounts"])
    _reports_file(files["reports"])
    _coortweet_file(files["coortweet"])
    _events_file(files["no_action"], EVENTS[:4], drop=("action",))
    _typed_file(files["typed"])
    pq.write_table(pa.table({"account_id": ["n1"], "action": ["post"],
                             "timestamp": pa.array([1700000000123456789], pa.timestamp("ns"))}), files["nanos"])
    files["corrupt"] = _corrupt_file(folder / "corrupt.parquet")
    return files


def _typed_file(path):
    """Columns of other types than text: their text is DuckDB's (floats, a BC date, tz-aware and naive times, lists)."""
    import datetime as dt

    utc = dt.timezone.utc
    pq.write_table(pa.table({
        "account_id": ["t1", "t2", "t3", "t4"],
        "action": ["post", "post", "repost", "post"],
        "timestamp": pa.array([dt.datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=utc), dt.datetime(2024, 1, 2, tzinfo=utc),
                               None, dt.datetime(1990, 1, 1, tzinfo=utc)], pa.timestamp("us", tz="UTC")),
        "account_created_at": pa.array([dt.datetime(2020, 1, 1, 0, 0, 0, 5), None, dt.datetime(2021, 6, 1), None],
                                       pa.timestamp("ms")),
        "account_followers": pa.array([1.5, 2.5, 1e20, float("nan")], pa.float64()),
        "account_following": pa.array([3.0, -0.5, None, 7.25], pa.float32()),
        "conversation_id": pa.array([dt.date(2024, 1, 2), None, dt.date(1, 1, 1), dt.date(9999, 12, 31)], pa.date32()),
        "lang": pa.array(["1.10", "0.00", None, "-3.50"], pa.string()).cast(pa.decimal128(5, 2)),
        "urls": pa.array([["https://a.example/x", None], [], None, ["u"]], pa.list_(pa.string())),
        "hashtags": pa.array([["#x", "#ΟΔΟΣ"], None, ["y"], []], pa.list_(pa.string())),
        "mentions": pa.array([[1.5, 2.0], None, [], [None]], pa.list_(pa.float64())),
    }), path)


def _corrupt_file(path):
    """A page overwritten mid-file (footer intact): Spark cannot read it and the DuckDB path quarantines it."""
    pq.write_table(pa.table({"account_id": [f"c{i}" for i in range(300)], "action": ["post"] * 300,
                             "timestamp": [str(1700000000 + i) for i in range(300)]}), path, compression="NONE")
    data = bytearray(path.read_bytes())
    data[len(data) // 2:len(data) // 2 + 200] = b"\xff" * 200
    path.write_bytes(bytes(data))
    return path


def _ingest(files, **engine):
    con = connect(":memory:")
    summaries = ingest_paths(con, [files[name] for name in ("events", "accounts", "reports", "coortweet", "typed", "nanos",
                                                             "corrupt")], **engine)
    summaries += ingest_paths(con, [files["no_action"]], "generic", **engine)
    return con, summaries


@pytest.fixture(scope="module")
def ingested_on_both(ingest_files, spark_engine):
    duck = _ingest(ingest_files)
    spark_engine.profile = {}
    spark = _ingest(ingest_files, execution=EngineSettings(engine="spark"), spark=spark_engine)
    profile, spark_engine.profile = spark_engine.profile, None
    return duck, spark, profile


def _rows(con, table):
    excluded = f" EXCLUDE ({WALL_CLOCK[table]})" if table in WALL_CLOCK else ""
    return con.execute(f"SELECT *{excluded} FROM {table} ORDER BY ALL").fetchall()


def _types(con, table):
    return con.execute(f"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '{table}' "
                       "ORDER BY ordinal_position").fetchall()


@pytest.mark.parametrize("table", TABLES)
def test_parquet_ingested_on_spark_stores_what_duckdb_stores(ingested_on_both, table):
    (duck, _), (spark, _), _ = ingested_on_both
    assert _rows(spark, table) == _rows(duck, table)
    assert _types(spark, table) == _types(duck, table)


def test_the_mappings_ran_on_spark_and_quarantined_rows_are_accounted_for(ingested_on_both, ingest_files):
    (duck, summaries), _, profile = ingested_on_both
    for sql in ("ingest/generic.sql", "ingest/generic_accounts.sql", "ingest/reports.sql", "ingest/coortweet.sql"):
        assert sql in profile, f"{sql} did not run on Spark"
    for summary in summaries:
        assert summary.rows_read == summary.ingested + summary.quarantined
    by_file = {s.source_file: s for s in summaries}
    for name in ("events", "accounts", "reports", "coortweet", "no_action", "typed", "corrupt"):
        summary = by_file[str(ingest_files[name])]
        assert summary.quarantined > 0 and summary.rows_read == summary.ingested + summary.quarantined, name
    assert by_file[str(ingest_files["no_action"])].ingested == 0
    assert by_file[str(ingest_files["corrupt"])].problem.startswith("unreadable Parquet from row 1 on")
    reasons = dict(duck.execute("SELECT source_line, reason FROM quarantine WHERE source_file = ?",
                                [str(ingest_files["events"])]).fetchall())
    # the rows' own lines (1-based, across row groups of 7), and the reasons that needed DuckDB's parsers
    assert reasons[7].startswith('unreadable timestamp "soon"')
    assert reasons[11] == "timestamp 1900-01-01 00:00:00 is outside 1995-2099: check seconds versus milliseconds"
    assert "(BC)" in reasons[12]
    assert reasons[14] == "duplicate of event e1 earlier in this file"
    assert 15 in reasons and 16 not in reasons and 18 in reasons and 19 in reasons and 24 in reasons
    assert duck.execute("SELECT followers FROM accounts WHERE account_id = 'a2' AND platform = 'x'").fetchall() == [(13,)]  # '12.5'


def test_which_parquet_files_spark_maps(ingest_files):
    assert column_mapping(get_adapter("generic"), ingest_files["events"]) is not None
    assert column_mapping(get_adapter("reports"), ingest_files["reports"]) is not None
    assert column_mapping(get_adapter("generic"), ingest_files["typed"]) is not None
    # a nanosecond timestamp (Spark reads microseconds): the file stays on DuckDB
    assert column_mapping(get_adapter("generic"), ingest_files["nanos"]) is None
    assert column_mapping(get_adapter("io-archive"), ingest_files["events"]) is None
