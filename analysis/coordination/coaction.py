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
window_seconds : float or "auto", default 60
    Largest time gap that still counts as acting together (see ``window``).
min_weight : int, default 3
    Fewest distinct shared objects for an edge to be kept.
behaviours : tuple of str, default ("all",)
    Which behaviours to compute (``"all"``: every one); each is one SQL file in ``behaviours/`` selecting
    ``object_id, platform, account_id, event_id, ts`` from ``interactions``.
evidence_per_edge : int, default 20
    Matched pairs kept per *kept* edge in ``coaction_evidence`` (closest in time first); kept edges are the
    significant ones when the null model runs, else all. Every other edge keeps its single closest pair, so
    each edge shows what it rests on. ``coaction_pairs`` lists every pair of the kept edges.
window : float or "auto", optional
    Overrides ``window_seconds``. ``"auto"`` estimates a window per object in the spirit of CooRnet: the
    time by which the fastest ``window_quantile`` (default 10%) of the object's actions after its first had
    happened, clamped to ``window_bounds`` (default 5 s to 300 s), for each object of two or more accounts;
    those with fewer than 10 actions get their behaviour's median estimate.
alpha : float or None, default 0.01
    Significance level (false discovery rate) of the null model in ``significance.py``; fills
    ``expected_weight, p_value, q_value, significant``. ``None`` skips the test (those stay NULL).
seed : int, default 0
    Seed of everything random (the significance sample, near-duplicate hashing).
near_threshold : float, default 0.8
    Jaccard threshold of ``co_text_near``; ``min_text_chars`` (default 10) is the shortest text object.

Behaviours
----------
co_repost, co_link, co_domain, co_hashtag, co_hashtag_seq, co_reply, co_mention, co_text, co_text_near
(``behaviours="all"`` runs them all); each file's header comment defines its object. Objects that are not
platform-specific (URLs, domains, hashtags, texts) pair accounts across platforms.

How it scales
-------------
Behaviours are computed one at a time, each from its own actions to its edges, significance and evidence,
so memory is bounded by the largest behaviour, and a behaviour's results are the same whatever else runs.
Its working tables are dropped when it is done, an input several behaviours read (split URLs, hashtags,
normalised texts) lives only from the first of them to the last, and the outputs are written to the
database once, after the last behaviour.
Only objects that two or more accounts acted on get ids and take part (found by grouping on a hash of the
object: most texts and links are posted once). Then actions with no other account's action on their object
within the window, then accounts left with partners on fewer than ``min_weight`` distinct objects, then
objects left with fewer than two accounts are pruned (exactly: they cannot be part of an edge;
``prune.sql``). Edge weights are then counted from one row per (object, account, window bucket) holding the
account's first and last action there, which decides "some pair within the window" exactly without listing
pairs; on behaviours with very popular objects a prefix filter pairs each account's objects only up to its
``min_weight - 1`` costliest, then completes the pairs found with look-ups (``candidates.sql``, where the
argument that this is exact is written out). Only for the edges that pass ``min_weight`` are the matched
action pairs listed (``pairs.sql``), and written out with names only for the kept edges (``evidence.sql``).

Outputs (DuckDB tables)
-----------------------
``coaction_edges`` (behaviour, a_platform, a_account, b_platform, b_account, weight, matched_pairs,
median_dt_s, share_within_10s, first_ts, last_ts, expected_weight, p_value, q_value, significant),
``coaction_evidence`` (the matched event pairs behind each edge, capped: behaviour, the two accounts,
object_id — post id, URL, domain, hashtag, text — and both event ids and times, dt_s), ``coaction_pairs``
(the same, uncapped, for the kept edges), ``coaction_accounts`` (per account: actions, how many were matched by a
partner, and the range of the windows they were matched within) and ``coaction_windows_used`` (per behaviour: whether
windows were estimated per object, and their range and median). ``coaction_edges`` holds every edge that reached ``min_weight``; ``significant`` says which of
them beat the null model, and ``multiplex.coordination_graph`` keeps only those.

Known false positives
---------------------
Very popular objects: when thousands of accounts repost a viral post within minutes, many unrelated
pairs fall inside the window. One shared viral post gives weight 1, so ``min_weight`` filters most of
them, but hyperactive organic accounts that repost many viral posts can reach a small weight by chance.
Fan communities and news followers who react to the same breaking post also co-act genuinely.
Co-action is evidence of synchrony, not proof of a coordinating hand.

Example
-------
>>> from mobtrace.analysis.ingest import connect
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

from collections.abc import Callable
from pathlib import Path

import duckdb

from mobtrace.analysis.coordination.params import BEHAVIOUR_DIR, CoactionParams, available_behaviours
from mobtrace.analysis.sql import first_row, run_script, statements

HERE = Path(__file__).parent
DEFAULTS = CoactionParams()

DEFAULT_WINDOW_QUANTILE = 0.1
DEFAULT_WINDOW_BOUNDS = (5.0, 300.0)
AUTO_WINDOW_MIN_ACTIONS = 10
# The key objects are grouped and joined by (actions.sql, ids.sql): any function of the object id will do, and
# distinct objects with one key are told apart by their ids.
OBJECT_KEY = "hash(a.object_id)"
# Behaviours whose objects generate at most this many compact-row pairs are paired without the prefix filter.
MAX_FULL_PAIRING_COST = 50_000_000
# Inputs that behaviours read besides ``interactions`` (text normalisation needs NFKC in Python), each with
# its readers and tables. Each is prepared right before the first behaviour that reads it and dropped once
# the last one has loaded its actions, so memory holds only what the behaviour being run needs.
_INPUTS = {
    "urls": ({"co_link", "co_domain"}, ("coaction_url_events", "coaction_url_parts")),
    "hashtags": ({"co_hashtag", "co_hashtag_seq"}, ("coaction_hashtag_events",)),
    "texts": ({"co_text", "co_text_near"}, ("coaction_texts",)),
    "near-duplicates": ({"co_text_near"}, ("coaction_text_near",)),  # read from the texts, so after them
}

# A behaviour's working tables: those of the pairing, done with once its pairs are listed, and the rest, done
# with once its output tables are written (dropped then, so that the next behaviour has the memory).
_PAIRING_TABLES = ("coaction_compact", "coaction_costs", "coaction_runs", "coaction_reach", "coaction_prefix_pairs",
                   "coaction_suffix_matches", "coaction_live")
_WORKING_TABLES = ("coaction_behaviours", "coaction_actions", "coaction_objects", "coaction_acts",
                   "coaction_windows", "coaction_pair_ids", "coaction_edge_nodes", "coaction_candidates",
                   "coaction_kept", "coaction_kept_pairs", "significance_spans", "significance_classes",
                   "significance_expected", "significance_scores")



def prepare_input(con: duckdb.DuckDBPyConnection, name: str, *, min_text_chars: int = 10,
                  near_threshold: float = 0.8, seed: int = 0) -> None:
    """Build one of the ``_INPUTS`` (split URLs, normalised hashtags, normalised texts, near-duplicate
    clusters of those texts)."""
    if name == "urls":
        run_script(con, HERE / "urls.sql")
    elif name == "hashtags":
        run_script(con, HERE / "hashtags.sql")
    elif name == "texts":
        from mobtrace.analysis.coordination.text import prepare_texts

        prepare_texts(con, min_chars=min_text_chars)
    else:
        from mobtrace.analysis.coordination.neardup import prepare_near_duplicates

        prepare_near_duplicates(con, threshold=near_threshold, seed=seed)


def load_actions(con: duckdb.DuckDBPyConnection, behaviour: str) -> None:
    """Fill the temp table ``coaction_actions`` with the actions of one (prepared) behaviour."""
    create, insert = statements(HERE / "actions.sql")
    (select,) = statements(BEHAVIOUR_DIR / f"{behaviour}.sql")
    con.execute(create)
    con.execute(insert.replace("{object_key}", OBJECT_KEY).replace("{behaviour}", select))


def resolve_behaviours(behaviours: tuple[str, ...] | list[str] | str) -> tuple[str, ...]:
    """A tuple of behaviour names; ``"all"`` means every defined behaviour."""
    if behaviours in ("all", ("all",), ["all"]):
        return tuple(available_behaviours())
    if isinstance(behaviours, str):
        return (behaviours,)
    return tuple(dict.fromkeys(behaviours))


def coaction_edges(
    con: duckdb.DuckDBPyConnection,
    window_seconds: float | str = DEFAULTS.window_seconds,
    min_weight: int = DEFAULTS.min_weight,
    behaviours: tuple[str, ...] | str = DEFAULTS.behaviours,
    evidence_per_edge: int = DEFAULTS.evidence_per_edge,
    *,
    window: float | str | None = None,
    window_quantile: float = DEFAULT_WINDOW_QUANTILE,
    window_bounds: tuple[float, float] = DEFAULT_WINDOW_BOUNDS,
    alpha: float | None = DEFAULTS.alpha,
    seed: int = DEFAULTS.seed,
    min_text_chars: int = 10,
    near_threshold: float = 0.8,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Build the output tables (``OUTPUT_TABLES``: ``coaction_edges``, ``coaction_evidence``, ...);
    return the edge count. ``progress``, if given, is called with the name of each input of ``_INPUTS`` once
    it is prepared ("urls", "hashtags", "texts", "near-duplicates"), and with each behaviour's name once the
    output tables hold its results (and only its: before they are appended to those of the behaviours
    before it, and while its working tables, such as ``coaction_windows``, are still there)."""
    window = window_seconds if window is None else window
    auto = window == "auto"
    if not auto and (isinstance(window, str) or window < 0):
        raise ValueError('window must be zero or positive seconds, or "auto"')
    if min_weight < 1:
        raise ValueError("min_weight must be at least 1")
    if auto and not (0 < window_quantile <= 1 and 0 <= window_bounds[0] <= window_bounds[1]):
        raise ValueError("window_quantile must be in (0, 1] and window_bounds a (low, high) pair")
    behaviours = tuple(sorted(resolve_behaviours(behaviours)))  # the order the output tables are sorted in
    unknown = set(behaviours) - set(available_behaviours())
    if unknown:
        raise ValueError(f"unknown behaviour(s) {sorted(unknown)}: use some of {available_behaviours()}")
    report = progress or (lambda step: None)
    run_script(con, HERE / "macros.sql")
    run_script(con, HERE / "nodes.sql")
    windows = dict(auto=auto, window_us=0 if auto else round(window * 1_000_000), quantile=window_quantile,
                   min_us=round(window_bounds[0] * 1_000_000), max_us=round(window_bounds[1] * 1_000_000),
                   min_actions=AUTO_WINDOW_MIN_ACTIONS)
    # One behaviour at a time: memory is bounded by the largest behaviour rather than by all of them, and an
    # edge's figures (its significance included) do not depend on which other behaviours ran with it.
    try:
        for done, behaviour in enumerate(behaviours):
            for name, (readers, _) in _INPUTS.items():
                if behaviour in readers and not readers & set(behaviours[:done]):
                    prepare_input(con, name, min_text_chars=min_text_chars, near_threshold=near_threshold, seed=seed)
                    report(name)
            load_actions(con, behaviour)
            for readers, tables in _INPUTS.values():
                if behaviour in readers and not readers & set(behaviours[done + 1:]):
                    _drop(con, tables)
            _behaviour_edges(con, behaviour, windows, min_weight, evidence_per_edge, alpha, seed)
            report(behaviour)
            _drop(con, _WORKING_TABLES)
            _collect_outputs(con, done=done, last=done == len(behaviours) - 1)
    finally:  # and after a failure, no half-built temp output may shadow the stored one
        parts = [f"_part{i}" for i in range(len(behaviours))]
        _drop(con, ("coaction_nodes", *(f"temp.{table}{end}" for table in OUTPUT_TABLES for end in ("", *parts))))
    return first_row(con, "SELECT count(*) FROM coaction_edges")[0]


def _behaviour_edges(con, behaviour: str, windows: dict, min_weight: int, evidence_per_edge: int,
                     alpha: float | None, seed: int) -> None:
    """The output tables for one behaviour (its actions loaded), replacing those of the previous one."""
    _number_behaviour(con, behaviour)
    run_script(con, HERE / "ids.sql")
    run_script(con, HERE / "windows.sql", **windows)
    run_script(con, HERE / "prune.sql", min_weight=min_weight)
    run_script(con, HERE / "candidates.sql", min_weight=min_weight, max_full_cost=MAX_FULL_PAIRING_COST)
    run_script(con, HERE / "pairs.sql")
    _drop(con, _PAIRING_TABLES)
    run_script(con, HERE / "scores.sql")
    if alpha is not None:
        from mobtrace.analysis.coordination.significance import edge_significance

        edge_significance(con, alpha=alpha, seed=seed)
    run_script(con, HERE / "edges.sql", auto=windows["auto"])
    write_evidence(con, evidence_per_edge)


OUTPUT_TABLES = ("coaction_edges", "coaction_evidence", "coaction_pairs", "coaction_accounts", "coaction_windows_used")


def _collect_outputs(con: duckdb.DuckDBPyConnection, *, done: int, last: bool) -> None:
    """Keep behaviour number ``done``'s output tables aside (temp ``*_part<done>``), and after the last write
    every behaviour's to the database, once, in behaviour order (a UNION ALL keeps its parts' order while
    insertion order is preserved). Each behaviour's own are temp tables that shadow the stored ones while it
    runs (the temp catalog comes first in DuckDB's search path). Appending each behaviour to a growing table
    instead copied every row twice (1.4 of 18.6 CPU-s at 1M interactions, all eight exact behaviours)."""
    for table in OUTPUT_TABLES:
        con.execute(f"ALTER TABLE temp.{table} RENAME TO {table}_part{done}")
        if last:
            parts = " UNION ALL ".join(f"SELECT * FROM temp.{table}_part{i}" for i in range(done + 1))
            con.execute(f"CREATE OR REPLACE TABLE {table} AS {parts}")
            _drop(con, tuple(f"temp.{table}_part{i}" for i in range(done + 1)))


def write_evidence(con: duckdb.DuckDBPyConnection, evidence_per_edge: int = 20) -> int:
    """Fill ``coaction_pairs`` and ``coaction_evidence`` for the kept edges (significant ones when the null
    model ran, else all); return the number of pairs. Reads the working tables of ``coaction_edges``."""
    run_script(con, HERE / "evidence.sql", evidence_per_edge=evidence_per_edge)
    return first_row(con, "SELECT count(*) FROM coaction_pairs")[0]


def _drop(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> None:
    for table in tables:
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _number_behaviour(con: duckdb.DuckDBPyConnection, behaviour: str) -> None:
    """``coaction_behaviours``: the one behaviour being run, as beh_id 0 (ids.sql joins it to every action)."""
    con.execute("CREATE OR REPLACE TEMP TABLE coaction_behaviours (beh_id SMALLINT, behaviour VARCHAR)")
    con.execute("INSERT INTO coaction_behaviours VALUES (0, ?)", [behaviour])
