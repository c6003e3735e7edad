"""Co-action networks: accounts that act on the same object at nearly the same time.

Definition
----------
For a behaviour (e.g. ``co_repost``: reposting the same original post) each event is an *action* of an
account on an *object*. Two actions are a *matched pair* when they are by different accounts, on the
same object, and ``|t_a - t_b| <= window`` (inclusive, compared to the microsecond). The *weight* of
the edge between two accounts is the number of distinct objects on which they have at least one
matched pair; edges with ``weight >= min_weight`` are kept.

Parameters
----------
window_seconds : float, default 60
    Largest time gap that still counts as acting together.
min_weight : int, default 3
    Fewest distinct shared objects for an edge to be kept.
behaviours : tuple of str, default ("co_repost",)
    Which behaviours to compute; each is one SQL file in ``behaviours/`` selecting
    ``object_id, platform, account_id, event_id, ts`` from ``interactions``.
evidence_per_edge : int, default 20
    Matched pairs kept per edge as evidence (closest in time first).

Outputs (DuckDB tables)
-----------------------
``coaction_edges`` (behaviour, a_platform, a_account, b_platform, b_account, weight, matched_pairs,
median_dt_s, share_within_10s, first_ts, last_ts), ``coaction_evidence`` (the matched event pairs behind
each edge) and ``coaction_accounts`` (per account: actions, and how many were matched by a partner).

Known false positives
---------------------
Very popular objects: when thousands of accounts repost a viral post within minutes, many unrelated
pairs fall inside the window. One shared viral post gives weight 1, so ``min_weight`` filters most of
them, but hyperactive organic accounts that repost many viral posts can reach a small weight by chance.
Fan communities and news followers who react to the same breaking post also co-act genuinely.
Co-action is evidence of synchrony, not proof of a coordinating hand.

Example
-------
>>> from analysis.ingest import connect
>>> con = connect(":memory:")
>>> _ = con.execute(\"\"\"INSERT INTO interactions (platform, event_id, account_id, action, ts, target_post_id,
...     source_file, source_line) VALUES
...     ('x', 'r1', 'a', 'repost', TIMESTAMP '2025-01-01 00:00:00', 'p1', 'f', 1),
...     ('x', 'r2', 'b', 'repost', TIMESTAMP '2025-01-01 00:01:00', 'p1', 'f', 2)\"\"\")
>>> coaction_edges(con, window_seconds=60, min_weight=1)
1
>>> con.sql("SELECT a_account, b_account, weight FROM coaction_edges").fetchall()
[('a', 'b', 1)]
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analysis.sql import first_row, run_script, statements

HERE = Path(__file__).parent
BEHAVIOUR_DIR = HERE / "behaviours"


def available_behaviours() -> list[str]:
    """Names of the behaviours that have a definition in ``behaviours/``."""
    return sorted(path.stem for path in BEHAVIOUR_DIR.glob("*.sql"))


def load_actions(con: duckdb.DuckDBPyConnection, behaviours: tuple[str, ...]) -> None:
    """Fill the temp table ``coaction_actions`` with every action of the chosen behaviours."""
    unknown = set(behaviours) - set(available_behaviours())
    if unknown:
        raise ValueError(f"unknown behaviour(s) {sorted(unknown)}: use some of {available_behaviours()}")
    run_script(con, HERE / "actions.sql")
    for name in behaviours:
        (select,) = statements(BEHAVIOUR_DIR / f"{name}.sql")
        con.execute(f"INSERT INTO coaction_actions SELECT '{name}' AS behaviour, * FROM ({select})")


def coaction_edges(
    con: duckdb.DuckDBPyConnection,
    window_seconds: float = 60,
    min_weight: int = 3,
    behaviours: tuple[str, ...] = ("co_repost",),
    evidence_per_edge: int = 20,
) -> int:
    """Build ``coaction_edges``, ``coaction_evidence`` and ``coaction_accounts``; return the edge count."""
    if window_seconds < 0:
        raise ValueError("window_seconds must be zero or positive")
    if min_weight < 1:
        raise ValueError("min_weight must be at least 1")
    load_actions(con, behaviours)
    window_us = round(window_seconds * 1_000_000)
    run_script(con, HERE / "pairs.sql", window_us=window_us, bucket_us=max(window_us, 1))
    run_script(con, HERE / "edges.sql", min_weight=min_weight, evidence_per_edge=evidence_per_edge)
    con.execute("DROP TABLE coaction_pairs")
    return first_row(con, "SELECT count(*) FROM coaction_edges")[0]
