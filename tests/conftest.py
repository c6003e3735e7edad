"""Shared fixtures and helpers of the test suite. Test modules import nothing from each other or from here:
they ask for these by name, and the helpers come as fixtures that return the function.

- ``con``: a fresh in-memory mobtrace database; ``write_csv``: a tiny generic-CSV writer;
  ``generic_columns``: its columns; ``repost``: one generic-format repost row.
- ``event``, ``database``, ``edge_weights``: hand-made events inserted straight into ``interactions``
  (the coordination tests), and the resulting ``coaction_edges`` weights.
- ``report_wave``: a database with one hand-made mass-reporting wave (the mass-reporting and engine tests).
- ``hostile``, ``build_files``, ``analyse``, ``hostile_con``: a small hand-made data set with hostile
  text (the report, evidence, transparency and fusion tests); see ``build_files``.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pandas as pd
import pytest

from mobtrace.analysis.campaigns import fuse_campaigns
from mobtrace.analysis.coordination.clusters import account_clusters
from mobtrace.analysis.coordination.coaction import coaction_edges
from mobtrace.analysis.coordination.signal import coordination_signal
from mobtrace.analysis.ingest import connect, ingest_paths
from mobtrace.analysis.provenance import record_parameters
from mobtrace.analysis.signals import create_signals_table

# --- generic CSV input ---------------------------------------------------------------------------

GENERIC_COLUMNS = [
    "platform", "event_id", "account_id", "account_handle", "action", "timestamp",
    "target_account_id", "target_post_id", "text", "urls", "hashtags", "mentions",
]


@pytest.fixture
def con():
    connection = connect(":memory:")
    yield connection
    connection.close()


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write rows (dicts with generic column names) to a CSV file under tmp_path."""

    def write(rows: list[dict[str, object]], name: str = "input.csv", columns: list[str] | None = None) -> Path:
        path = tmp_path / name
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns or GENERIC_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        return path

    return write


@pytest.fixture(scope="session")
def generic_columns() -> list[str]:
    """The generic format's columns, in the order ``write_csv`` writes them."""
    return list(GENERIC_COLUMNS)


def _repost(event_id: str, account: str, post: str, ts: float, platform: str = "x", author: str = "author") -> dict[str, object]:
    """A generic-format repost row; ``ts`` in Unix seconds (fractions allowed)."""
    return {"platform": platform, "event_id": event_id, "account_id": account, "action": "repost",
            "timestamp": f"{ts:.6f}", "target_post_id": post, "target_account_id": author}


@pytest.fixture(scope="session")
def repost() -> Callable[..., dict[str, object]]:
    """``repost(event_id, account, post, ts, platform="x", author="author")``: a generic-format repost row;
    ``ts`` in Unix seconds (fractions allowed)."""
    return _repost


# --- hand-made events straight into interactions (coordination tests) ----------------------------

T0 = datetime(2025, 3, 1)
INTERACTION_COLUMNS = ("platform", "event_id", "account_id", "account_handle", "action", "ts", "target_account_id",
                       "target_post_id", "text", "urls", "hashtags", "mentions", "conversation_id", "lang", "source_file",
                       "source_line")


def _event(account: str, seconds: float, action: str = "post", platform: str = "x", **fields) -> dict:
    """One interactions row, ``seconds`` after T0 (microsecond precision)."""
    row = {"platform": platform, "account_id": account, "action": action,
           "ts": T0 + timedelta(microseconds=round(seconds * 1_000_000)),
           "urls": [], "hashtags": [], "mentions": []}
    row.update(fields)
    return row


def _database(rows: list[dict]) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory mobtrace database holding the rows (event ids and source lines numbered)."""
    con = connect(":memory:")
    frame = pd.DataFrame([{**{c: None for c in INTERACTION_COLUMNS}, "event_id": f"e{i}", "source_file": "fixture",
                           "source_line": i + 1, **row} for i, row in enumerate(rows)], columns=list(INTERACTION_COLUMNS))
    for column in ("urls", "hashtags", "mentions"):
        frame[column] = frame[column].map(lambda v: list(v) if v is not None else [])
    con.register("_rows", frame)
    con.execute("""INSERT INTO interactions SELECT platform, event_id, account_id, account_handle, action,
                   CAST(ts AS TIMESTAMP), target_account_id, target_post_id, text, CAST(urls AS VARCHAR[]),
                   CAST(hashtags AS VARCHAR[]), CAST(mentions AS VARCHAR[]), conversation_id, lang, source_file,
                   source_line FROM _rows""")
    con.unregister("_rows")
    return con


def _edge_weights(con: duckdb.DuckDBPyConnection, behaviour: str | None = None) -> dict:
    """{(a_account, b_account): weight} of coaction_edges (optionally one behaviour)."""
    where = "" if behaviour is None else f"WHERE behaviour = '{behaviour}'"
    return {(a, b): w for a, b, w in con.sql(f"SELECT a_account, b_account, weight FROM coaction_edges {where}").fetchall()}


@pytest.fixture(scope="session")
def event() -> Callable[..., dict]:
    """``event(account, seconds, action="post", platform="x", **columns)``: one interactions row,
    ``seconds`` after 2025-03-01 00:00 (microsecond precision)."""
    return _event


@pytest.fixture(scope="session")
def database() -> Callable[[list[dict]], duckdb.DuckDBPyConnection]:
    """``database(rows)``: a fresh in-memory mobtrace database holding the ``event`` rows (event ids
    and source lines numbered); the caller closes it or lets it go."""
    return _database


REPORT_WAVE_T = 19 * 86_400 + 12 * 3600  # 2025-03-20 12:00:00, seconds after the event fixture's 2025-03-01


def _wave_report(account: str, seconds: float, reason: str, post: str | None = None) -> dict:
    return _event(account, seconds, "report", target_account_id="vic", target_post_id=post, text=reason)


def _report_wave(extra_rows: tuple[dict, ...] = ()) -> duckdb.DuckDBPyConnection:
    """A fresh database with one mass-reporting wave against 'vic' (x, handle victim_h) by 22 reporters, each
    built to show one feature on one side of its boundary (F1-F8 below), the ``extra_rows`` after them, the
    reporters' accounts, other detectors' flags and the co_report ties."""
    T, start = REPORT_WAVE_T, datetime(2025, 3, 20, 12)
    rows = [
        _event("vic", 0, "post", event_id="p2", text="an old post of hers"),
        _event("vic", T + 590, "post", event_id="p1", text="a post of hers, 10 s before a report of it"),
        # F1: r01 replied to her and she mentioned r01 before the wave; r02 mentioned her handle (other case);
        # r03 replied only after the wave
        _event("r01", T - 10 * 86_400, "reply", target_account_id="vic", target_post_id="p2", text="hi"),
        _event("vic", T - 9 * 86_400, "post", mentions=["r01"], text="thanks @r01"),
        _event("r02", T - 8 * 86_400, "post", mentions=["Victim_H"], text="look at @Victim_H"),
        _event("r03", T + 5 * 86_400, "reply", target_account_id="vic", target_post_id="p2", text="sorry"),
        # F3: r08 reported five accounts it never dealt with otherwise, and a sixth it liked; r09 four
        *[_event("r08", T - 5 * 86_400 + n, "report", target_account_id=f"a{n}", text="spam") for n in range(1, 6)],
        _event("r08", T - 5 * 86_400 + 10, "report", target_account_id="b1", text="spam"),
        _event("r08", T - 6 * 86_400, "like", target_account_id="b1", target_post_id="bp"),
        *[_event("r09", T - 5 * 86_400 + n, "report", target_account_id=f"a{n}", text="spam") for n in range(1, 5)],
        # F6: cluster-9's ring1 and ring2 reposted a post that mentions her; cluster-8's loner alone did
        _event("ringboss", T - 4 * 86_400, "post", event_id="rb1", mentions=["victim_h"], text="get @victim_h"),
        _event("ring1", T - 4 * 86_400 + 5, "repost", target_account_id="ringboss", target_post_id="rb1"),
        _event("ring2", T - 4 * 86_400 + 7, "repost", target_account_id="ringboss", target_post_id="rb1"),
        _event("loner", T - 4 * 86_400 + 9, "repost", target_account_id="ringboss", target_post_id="rb1"),
        # F7: a call to report an hour before; r17 liked it before reporting, r18 follows its author, r19 liked it too late
        _event("caller", T - 3600, "post", event_id="call1", mentions=["victim_h"], text="Everyone report @victim_h now"),
        _event("r17", T - 3000, "like", target_account_id="caller", target_post_id="call1"),
        _event("r18", T - 18 * 86_400, "follow", target_account_id="caller"),
        _event("r19", T + 7200, "like", target_account_id="caller", target_post_id="call1"),
        # F8: r20 and r21 reported a8 and a9 together, and nobody else did; r17 and r18 reported d1 together and
        # nobody else, and c1 with five others
        *[_event(a, T - 2 * 86_400 + 3600 * k + n, "report", target_account_id=t, text="spam")
          for k, (t, accounts) in enumerate([("a8", ["r20", "r21"]), ("a9", ["r20", "r21"]), ("d1", ["r17", "r18"]),
                                             ("c1", ["r17", "r18", "o1", "o2", "o3", "o4", "o5"])]) for n, a in enumerate(accounts)],
    ]
    harassment = ["Harassment", "targeted harassment", "harassment!!", "harassment/bullying"]
    reasons = {f"r{n:02d}": harassment[n % 4] for n in range(1, 19)} | {"r19": "other", "r20": "spam", "r21": "spam", "r22": "spam"}
    for n in range(1, 23):
        account = f"r{n:02d}"
        if account in ("r10", "r11", "r12", "r13"):
            continue
        rows.append(_wave_report(account, T + 60 * n, reasons[account]))
    rows += [  # F5: reports of her post p1 10 and 11 s after it; a second report 10 and 11 s after the first
        _wave_report("r10", T + 600, reasons["r10"], "p1"), _wave_report("r11", T + 601, reasons["r11"], "p1"),
        _wave_report("r12", T + 700, reasons["r12"]), _wave_report("r12", T + 710, reasons["r12"], "p2"),
        _wave_report("r13", T + 800, reasons["r13"]), _wave_report("r13", T + 811, reasons["r13"], "p2"),
    ]
    con = _database([*rows, *extra_rows])
    created = {f"r{n:02d}": datetime(2016, 1, 1) for n in range(1, 23)}
    created.update({"r04": start + timedelta(seconds=240) - timedelta(days=5),  # its report: T + 240 s
                    "r05": start + timedelta(seconds=300) - timedelta(days=90),
                    "r06": start + timedelta(seconds=360) - timedelta(days=91)})
    del created["r07"]
    con.executemany("INSERT INTO accounts (platform, account_id, handle, created_at) VALUES ('x', ?, ?, ?)",
                    [("vic", "victim_h", datetime(2012, 1, 1)), ("r07", "r07", None), *[(a, a, c) for a, c in created.items()]])
    create_signals_table(con)
    con.executemany("INSERT INTO account_signals VALUES ('coordination', 'x', ?, ?, 0.9, 'tied', NULL, NULL, 1)",
                    [("ring1", "cluster-9"), ("ring2", "cluster-9"), ("r14", "cluster-9"), ("r15", "cluster-9"),
                     ("loner", "cluster-8"), ("r16", "cluster-8")])
    # F8: significant co_report ties between r20 and r21, r17 and r18, and r22 and an account outside the wave,
    # with the targets each pair matched on (as coaction_edges and coaction_pairs hold them)
    con.execute("""CREATE TABLE coaction_edges AS SELECT * FROM (VALUES
                   ('co_report', 'x', 'r20', 'x', 'r21', TRUE), ('co_report', 'x', 'r17', 'x', 'r18', TRUE),
                   ('co_report', 'x', 'outsider', 'x', 'r22', TRUE), ('co_repost', 'x', 'r14', 'x', 'r15', TRUE))
                   AS t(behaviour, a_platform, a_account, b_platform, b_account, significant)""")
    con.execute("""CREATE TABLE coaction_pairs AS
                   SELECT 'co_report' AS behaviour, 'x:report:@' || o AS object_id, 'x' AS a_platform, a AS a_account, 'x' AS b_platform,
                          b AS b_account FROM (VALUES ('r20', 'r21', 'a8'), ('r20', 'r21', 'a9'), ('r20', 'r21', 'vic'),
                   ('r17', 'r18', 'd1'), ('r17', 'r18', 'c1'), ('r17', 'r18', 'vic'), ('outsider', 'r22', 'a8')) AS t(a, b, o)""")
    return con


@pytest.fixture(scope="session")
def report_wave() -> Callable[..., duckdb.DuckDBPyConnection]:
    """``report_wave(extra_rows=())``: a fresh database holding the mass-reporting wave of test_mass_reporting.py
    (the features' boundaries) and test_engine.py (the same step on Spark)."""
    return _report_wave


@pytest.fixture(scope="session")
def edge_weights() -> Callable[..., dict]:
    """``edge_weights(con, behaviour=None)``: {(a_account, b_account): weight} of coaction_edges."""
    return _edge_weights


# --- the hostile data set (report, evidence, transparency and fusion tests) ----------------------
#
# Planted:
# - an x repost ring (6 accounts, numeric ids) boosting posts that mention the victim @jane_doe;
# - a bluesky repost ring (4 accounts, at:// ids) boosting posts that mention @Jane_Doe there: the same victim
#   by handle, so the two rings fuse into one cross-platform campaign (unless linking is switched off);
# - an x mass-report ring (4 accounts) in April that reposts and reports another account, @other_target;
# - organic accounts, reports, and one unreadable row that is quarantined.
# Hostile text sits in posts, a handle, a display name and the quarantined row.

SCRIPT_POST = "<script>window.__pwned = 1; document.title = 'pwned';</script> attack on @jane_doe"
IMG_POST = '<img src=x onerror="window.__pwned = 2"> look at @jane_doe'
CLOSE_POST = "</script><script>window.__pwned = 3</script> @jane_doe again"
FORMULA_POST = '=HYPERLINK("http://evil.example","click") @jane_doe'
HOSTILE_HANDLE = "</script><script>window.__pwned=4</script>"
HOSTILE_DISPLAY = "<b onmouseover=\"window.__pwned=5\">Eve</b>"
HOSTILE_QUARANTINE = "<script>window.__pwned=6</script>"
HOSTILE_TEXTS = [SCRIPT_POST, IMG_POST, CLOSE_POST, HOSTILE_HANDLE, HOSTILE_DISPLAY]

EVENT_COLUMNS = ["platform", "event_id", "account_id", "account_handle", "action", "timestamp", "target_account_id",
                 "target_post_id", "text", "urls", "hashtags", "mentions"]
ACCOUNT_COLUMNS = ["platform", "account_id", "handle", "display_name", "created_at", "followers", "following"]
START = datetime(2025, 3, 1, 10, 0, 0)

X_RING = ["2001", "2002", "2003", "2004", "2005", "2006"]
BSKY_RING = [f"did:plc:ring{i}" for i in range(1, 5)]
REPORT_RING = ["3001", "3002", "3003", "3004"]
X_VICTIM, BSKY_VICTIM, OTHER_TARGET = "1001", "did:plc:janedoe", "1002"
ORGANIC = [str(5000 + i) for i in range(12)]
# Co-repost flags the accounts that repost together; the rings' posters only post, and are flagged as the
# originators of what their ring amplifies (nobody else engages with their posts).
FLAGGED_X, FLAGGED_BSKY = X_RING, BSKY_RING


def _iso(ts: datetime) -> str:
    return ts.isoformat(timespec="milliseconds") + "Z"


def _build_files(folder: Path) -> list[Path]:
    """Write interactions.csv, accounts.csv and broken.csv into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    events: list[dict] = []
    counter = iter(range(10**6))

    def event(platform, account, handle, action, ts, target_account="", target_post="", text="", mentions=(), urls=(), event_id=None):
        eid = event_id or (str(9_000_000 + next(counter)) if platform == "x" else f"at://{account}/app.bsky.feed.post/r{next(counter)}")
        events.append({
            "platform": platform, "event_id": eid, "account_id": account, "account_handle": handle, "action": action,
            "timestamp": _iso(ts), "target_account_id": target_account, "target_post_id": target_post, "text": text,
            "urls": json.dumps(list(urls)), "hashtags": "[]", "mentions": json.dumps(list(mentions)),
        })
        return eid

    x_handles = {a: f"ring_x{a}" for a in X_RING}
    x_handles["2003"] = HOSTILE_HANDLE
    texts = [SCRIPT_POST, IMG_POST, CLOSE_POST, FORMULA_POST, "she deserves everything coming, @jane_doe"]
    for n, text in enumerate(texts):
        t0 = START + timedelta(hours=5 * n)
        post = event("x", "2001", x_handles["2001"], "post", t0, text=text, mentions=["jane_doe"], urls=["https://smear.example/story"])
        for lag, member in enumerate(X_RING[1:], start=1):
            event("x", member, x_handles[member], "repost", t0 + timedelta(seconds=2 * lag + n % 3), "2001", post)
        event("x", "2002", x_handles["2002"], "reply", t0 + timedelta(minutes=3), X_VICTIM, "", text="@jane_doe leave the internet", mentions=["jane_doe"])

    for n in range(4):
        t0 = START + timedelta(days=1, hours=3 * n)
        post = event("bluesky", BSKY_RING[0], "ringsky1.bsky.social", "post", t0, text=f"everyone look at @Jane_Doe number {n}",
                     mentions=["Jane_Doe"])
        for lag, member in enumerate(BSKY_RING[1:], start=1):
            event("bluesky", member, f"ringsky{lag + 1}.bsky.social", "repost", t0 + timedelta(seconds=3 * lag), BSKY_RING[0], post)

    for n in range(3):
        t0 = START + timedelta(days=35, hours=2 * n)
        post = event("x", ORGANIC[0], "organic_0", "post", t0, text=f"ordinary post {n} about @other_target", mentions=["other_target"])
        for lag, member in enumerate(REPORT_RING):
            event("x", member, f"reporter_{member}", "repost", t0 + timedelta(seconds=5 + 4 * lag), ORGANIC[0], post)
    for lag, member in enumerate(REPORT_RING):
        event("x", member, f"reporter_{member}", "report", START + timedelta(days=35, hours=7, seconds=30 * lag), OTHER_TARGET,
              text="harassment")

    for i, account in enumerate(ORGANIC):
        for n in range(3):
            ts = START + timedelta(days=(i * 3 + n) % 40, hours=i, minutes=7 * n)
            event("x", account, f"organic_{i}", "post", ts, text=f"organic post {i}-{n}: the weather is nice today")
        event("x", account, f"organic_{i}", "report", START + timedelta(days=i * 3, hours=2), ORGANIC[(i + 1) % len(ORGANIC)], text="spam")
    event("x", ORGANIC[1], "organic_1", "reply", START + timedelta(hours=30), X_VICTIM, text="@jane_doe hang in there", mentions=["jane_doe"])

    events.sort(key=lambda e: (e["timestamp"], e["event_id"]))
    interactions = folder / "interactions.csv"
    with open(interactions, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, EVENT_COLUMNS)
        writer.writeheader()
        writer.writerows(events)

    accounts = [
        {"platform": "x", "account_id": X_VICTIM, "handle": "jane_doe", "display_name": "Jane Doe", "created_at": "2012-05-01T00:00:00Z"},
        {"platform": "bluesky", "account_id": BSKY_VICTIM, "handle": "Jane_Doe", "display_name": "Jane", "created_at": "2023-06-01T00:00:00Z"},
        {"platform": "x", "account_id": OTHER_TARGET, "handle": "other_target", "display_name": "Other", "created_at": "2015-01-01T00:00:00Z"},
    ]
    for n, member in enumerate(X_RING):
        accounts.append({"platform": "x", "account_id": member, "handle": x_handles[member],
                         "display_name": HOSTILE_DISPLAY if member == "2004" else f"Ring {member}",
                         "created_at": _iso(datetime(2025, 2, 20) + timedelta(hours=n))})
    for n, member in enumerate(BSKY_RING, start=1):
        accounts.append({"platform": "bluesky", "account_id": member, "handle": f"ringsky{n}.bsky.social", "display_name": f"Sky {n}",
                         "created_at": _iso(datetime(2025, 2, 25) + timedelta(hours=n))})
    for member in REPORT_RING:
        accounts.append({"platform": "x", "account_id": member, "handle": f"reporter_{member}", "display_name": "", "created_at": ""})
    for i, account in enumerate(ORGANIC):
        accounts.append({"platform": "x", "account_id": account, "handle": f"organic_{i}", "display_name": f"Organic {i}",
                         "created_at": _iso(datetime(2010 + i, 1, 1))})
    accounts_path = folder / "accounts.csv"
    with open(accounts_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ACCOUNT_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows([{**{c: "" for c in ACCOUNT_COLUMNS}, **row} for row in accounts])

    broken = folder / "broken.csv"
    with open(broken, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["platform", "event_id", "account_id", "action", "timestamp", "text"])
        writer.writerow(["x", "8000001", ORGANIC[2], "post", HOSTILE_QUARANTINE, "fine text"])
        writer.writerow(["x", "8000002", ORGANIC[2], "post", _iso(START), "a readable row"])
    return [interactions, accounts_path, broken]


def _analyse(database: Path | str, files: list[Path],
             link_rules: tuple[str, ...] = ("shared_target", "shared_content", "shared_handle")) -> duckdb.DuckDBPyConnection:
    """Ingest and run the detectors and fusion as the pipeline's assets do (without Dagster)."""
    con = connect(database)
    ingest_paths(con, files)
    record_parameters(con, "ingest", {"paths": [str(f) for f in files], "format": "auto"})
    edges = {"window_seconds": 60, "min_weight": 3, "behaviours": ["co_repost"], "evidence_per_edge": 20}
    record_parameters(con, "coaction_edges", edges)
    coaction_edges(con, 60, 3, ("co_repost",), 20)
    record_parameters(con, "account_clusters", {"seed": 42, "resolution": 1.0, "min_cluster_size": 3})
    account_clusters(con, seed=42, resolution=1.0, min_cluster_size=3)
    coordination_signal(con)
    fusion = {"min_target_share": 0.3, "max_targets": 5, "link_rules": list(link_rules), "min_shared_content": 2,
              "min_text_chars": 20, "min_handle_chars": 4}
    record_parameters(con, "campaigns", fusion)
    fuse_campaigns(con, min_target_share=0.3, max_targets=5, link_rules=link_rules)
    return con


@pytest.fixture(scope="session")
def hostile() -> SimpleNamespace:
    """What the hostile data set plants, by name: the hostile texts (SCRIPT_POST, IMG_POST, CLOSE_POST,
    FORMULA_POST, HOSTILE_HANDLE, HOSTILE_DISPLAY, HOSTILE_QUARANTINE, HOSTILE_TEXTS), the rings (X_RING,
    BSKY_RING, REPORT_RING, FLAGGED_X, FLAGGED_BSKY), the targets (X_VICTIM, BSKY_VICTIM, OTHER_TARGET)
    and ORGANIC."""
    return SimpleNamespace(
        SCRIPT_POST=SCRIPT_POST, IMG_POST=IMG_POST, CLOSE_POST=CLOSE_POST, FORMULA_POST=FORMULA_POST,
        HOSTILE_HANDLE=HOSTILE_HANDLE, HOSTILE_DISPLAY=HOSTILE_DISPLAY, HOSTILE_QUARANTINE=HOSTILE_QUARANTINE,
        HOSTILE_TEXTS=list(HOSTILE_TEXTS), X_RING=list(X_RING), BSKY_RING=list(BSKY_RING), REPORT_RING=list(REPORT_RING),
        FLAGGED_X=list(FLAGGED_X), FLAGGED_BSKY=list(FLAGGED_BSKY), X_VICTIM=X_VICTIM, BSKY_VICTIM=BSKY_VICTIM,
        OTHER_TARGET=OTHER_TARGET, ORGANIC=list(ORGANIC),
    )


@pytest.fixture(scope="session")
def build_files() -> Callable[[Path], list[Path]]:
    """``build_files(folder)``: write the hostile data set's interactions.csv, accounts.csv and broken.csv
    into ``folder``; return their paths."""
    return _build_files


@pytest.fixture(scope="session")
def analyse() -> Callable[..., duckdb.DuckDBPyConnection]:
    """``analyse(database, files, link_rules=(...))``: ingest the files into the database and run the
    detectors and campaign fusion as the pipeline's assets do (without Dagster); return the connection."""
    return _analyse


@pytest.fixture(scope="module")
def hostile_con(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """The hostile data set, ingested and analysed (one database per test module)."""
    folder = tmp_path_factory.mktemp("hostile")
    con = _analyse(folder / "mobtrace.duckdb", _build_files(folder / "data"))
    yield con
    con.close()


# --- one generated platform and one whole-pipeline run per test session ---------------------------------

GENERATED_SEED, GENERATED_SCALE = 11, 20_000


@dataclass(frozen=True)
class PipelineRun:
    """The shared end-to-end run: the generated files, the run's options and its Dagster result."""

    folder: Path
    options: object
    result: object

    def ground_truth(self, campaign_type: str, role: str = "member") -> set[str]:
        with open(self.folder / "ground_truth.csv", newline="") as handle:
            return {row["account_id"] for row in csv.DictReader(handle) if row["campaign_type"] == campaign_type and row["role"] == role}

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection to the run's database (close it, or use it in a ``with`` block)."""
        return duckdb.connect(str(self.options.database), read_only=True)


@pytest.fixture(scope="session")
def generated_set(tmp_path_factory) -> Path:
    """A generated platform (seed 11, scale 20,000) with every kind of planted campaign and its ground truth."""
    from mobtrace.data.generator import generate

    folder = tmp_path_factory.mktemp("generated")
    generate(seed=GENERATED_SEED, scale=GENERATED_SCALE, out_dir=folder, fmt="csv")
    return folder


@pytest.fixture(scope="session")
def pipeline_run(generated_set, tmp_path_factory) -> PipelineRun:
    """Every discovered asset and check materialised once on ``generated_set`` (tmp DuckDB, default
    parameters). Detector tests read its database instead of running the pipeline again."""
    import dagster as dg

    from mobtrace.assets import discover
    from mobtrace.assets.resources import resources
    from mobtrace.pipelines.run import RunOptions, run_config

    work = tmp_path_factory.mktemp("run")
    options = RunOptions(inputs=[str(generated_set / "interactions.csv"), str(generated_set / "accounts.csv")],
                         out_dir=work / "reports", database=work / "mobtrace.duckdb")
    assets, checks = discover()
    result = dg.materialize([*assets, *checks], resources=resources(options.database, options.out_dir),
                            run_config=run_config(options, assets))
    return PipelineRun(generated_set, options, result)


# --- the hostile data set with bidi, formula and over-long handles (issue 18: safe outputs) ---------------
#
# The x ring of the hostile set, renamed: 2002's handle is a spreadsheet formula; 2003's ends in a
# right-to-left override (U+202E), and it is the strongest tie named in 2002's and 2004's evidence
# sentences ("strongest tie: @evil<U+202E>, 5 shared posts, median gap 2.0 s."); 2005's spoofs a file name
# (natasha<U+202E>gnp.exe<U+202C> shows as "natashaexe.png"); 2004's is 3,000 characters long; and 2006's
# account id starts with "@", which a spreadsheet reads as a formula.

BIDI_HANDLES = {
    "2002": '=HYPERLINK("http://evil.example","x")',
    "2003": "evil\u202e",
    "2004": "l" * 3000,
    "2005": "natasha\u202egnp.exe\u202c",
}
FORMULA_ID = "@2006"


@pytest.fixture(scope="session")
def bidi_hostile() -> SimpleNamespace:
    """What ``bidi_con`` plants: HANDLES (x account id -> handle), FORMULA_ID (2006's new id), and who names
    whom: RLO_NAMED_BY, the accounts whose evidence sentence names 2003's handle."""
    return SimpleNamespace(HANDLES=dict(BIDI_HANDLES), FORMULA_ID=FORMULA_ID, RLO_NAMED_BY=["2002", "2004"])


@pytest.fixture(scope="module")
def bidi_con(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """The hostile data set with the handles and the id of ``bidi_hostile``, ingested and analysed."""
    folder = tmp_path_factory.mktemp("bidi")
    files = _build_files(folder / "data")
    for path in files[:2]:  # interactions.csv, accounts.csv
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            columns, rows = reader.fieldnames, list(reader)
        for row in rows:
            account = row["account_id"]
            if account in BIDI_HANDLES:
                row["handle" if "handle" in row else "account_handle"] = BIDI_HANDLES[account]
            for column in ("account_id", "target_account_id"):
                if row.get(column) == "2006":
                    row[column] = FORMULA_ID
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows(rows)
    con = _analyse(folder / "mobtrace.duckdb", files)
    yield con
    con.close()


@pytest.fixture(scope="module")
def spark_engine():
    """A Spark engine in local mode for small data (one per test module: its JVM is shared, getOrCreate); the
    module's tests are skipped without a Java runtime."""
    if shutil.which("java") is None:
        pytest.skip("no Java runtime: Spark needs Java 17+ (Debian: default-jre-headless; .ci/run installs it)")
    from mobtrace.analysis.engine import engine
    from mobtrace.analysis.engine.spark import SMALL_DATA

    eng = engine("spark", master="local[2]", materialise="driver", shuffle_partitions=1, conf=SMALL_DATA)
    yield eng
    eng.close()
