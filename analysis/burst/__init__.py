"""The burst detector: when a target is suddenly swarmed (a pile-on), by whom, and who called them in.

Definition
----------
A *target* is an account, or a thread or post whose author the export does not name, on any platform.
Its *inbound series* counts, per bin (``bin_minutes``, default an hour), the replies, quotes, mentions,
comments and reports addressed to it (``inbound.sql``). Targets are *discovered* (at least
``min_target_events`` inbound events) or *named* by the user (``--targets FILE``, ``targets.py``): named
targets are always analysed and shown, even when quiet.

Two burst detectors read every series (``series.py``):

1. Kleinberg's batched burst automaton (``kleinberg.py``), solved exactly by Viterbi, on the target's share
   of the platform's inbound events per bin (states with rates ``p_0 * s**i``, ``gamma * ln(n)`` per level up);
2. a baseline-relative detector (``baseline.py``): the count per bin against a robust rolling baseline (the
   median of daily totals, shrunk toward a platform-wide prior for a target with no history, times the
   hour-of-day rhythm) as a Poisson or negative-binomial upper-tail probability.

An *episode* is a merged burst interval: baseline burst bins, and the busy bins at Kleinberg's top state
around them, merged over gaps of ``merge_gap_bins``; from its first to its last inbound event. For each one
(``participants.sql``, ``coaction.sql``, ``features.py``): start, peak and end; events and distinct
participants; the share of participants with no organic contact with the target before it; the share of
accounts created at most ``new_account_days`` before it; the share already in coordinated clusters (the
``coordination`` rows of the clusters step); the share of its texts that another participant duplicated or
templated (MinHash over 5-character shingles, similarity ``template_similarity``); the share of
participants that co-acted inside it (a hashtag made for the episode, a post reposted together, a shared
template, a shared call to action); and how sharply arrivals are synchronised (the seconds holding the
middle 80% of first arrivals, against the target's organic replies).

An episode is *concerted* when it has at least ``min_participants`` participants, at least
``min_stranger_share`` of them had no organic contact with the target before, and at least one feature
departs clearly from organic activity: new accounts, clustered accounts or duplicated texts reaching their
floor (``min_new_share`` 0.25, ``min_clustered_share`` 0.2, ``min_duplication`` 0.3) *and*
``departure_ratio`` (2) times the larger of the platform's level and the target's own organic level; or
co-action reaching ``min_coaction`` (0.2; only items concentrated in the episode count, so organic activity
has none). Synchrony is reported, not used: viral cascades are sharp too.

Flags (``signal.sql``): in a concerted episode, every participant with no organic prior contact carries
``burst``, grouped by episode, with its evidence (contact made inside an earlier episode of the target counts
only when that episode was not concerted: someone who replied to her viral post yesterday knows of her, a
member of yesterday's wave of the same pile-on does not); so do the organisers of its *calls to action* (a post on
another platform linking to the target's profile or post at most ``cta_lead_minutes`` before the episode
starts, ``calls.py``) and the accounts that amplified them. Those that co-acted inside the episode also
carry ``coordination`` with the episode as group, unless the clusters step flagged them already. A burst
alone flags nobody; an episode that is not concerted (a viral post, onlookers asking what happened,
friends rallying round) is reported and flags nobody. Concerted episodes called in by the same call to
action (or by calls of the same account) are joined into one campaign by the link rule
``link_call_to_action.sql``, which campaign fusion finds beside this package and states in the reasons.

Parameters
----------
``BurstParams`` (step ``burst``) in ``params.py``: each parameter's default and meaning are written there.
The engine (``execution``, not a parameter): with ``--engine spark`` the SQL files run on Spark and the Python
stages (series statistics, templated texts, links) on the driver, with the same tables (``onspark.py``).

Known false positives
---------------------
Onlookers who reply inside a concerted pile-on without earlier contact are flagged with it (their evidence
says they carry no co-action of their own: read it). A genuine protest campaign with a shared hashtag, or a
fandom's coordinated "support" replies to a stranger, is concerted by this definition. New accounts reach
their floor when a platform is young or had a sign-up wave (the platform level guards against part of
this). A call to action's author may have linked the target in good faith (a news post shortly before a
pile-on): read the text. The detector cannot see private coordination, only its traces.

Example
-------
>>> from datetime import datetime, timedelta
>>> from mobtrace.analysis.ingest import connect
>>> con = connect(":memory:")
>>> rows = [("x", f"o{d}", f"friend{d % 3}", "reply", datetime(2025, 3, 1 + d, 12), "jane") for d in range(9)]
>>> rows += [("x", f"m{i}", f"mob{i}", "reply", datetime(2025, 3, 9, 15) + timedelta(seconds=20 * i), "jane")
...          for i in range(30)]
>>> _ = con.executemany(\"\"\"INSERT INTO interactions (platform, event_id, account_id, action, ts, target_account_id,
...     hashtags, source_file, source_line) VALUES (?, ?, ?, ?, ?, ?, ['shamejane'], 'f', 1)\"\"\", rows[9:])
>>> _ = con.executemany(\"\"\"INSERT INTO interactions (platform, event_id, account_id, action, ts, target_account_id,
...     source_file, source_line) VALUES (?, ?, ?, ?, ?, ?, 'f', 1)\"\"\", rows[:9])
>>> build_bursts(con, BurstParams())
(1, 1, 30)
>>> con.sql("SELECT verdict FROM burst_episodes").fetchall()[0][0][:67]
'Concerted: 100% of 30 participants had no earlier contact with the '
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from mobtrace.analysis.burst.calls import calls_to_action, register_link_targets
from mobtrace.analysis.burst.features import episode_features
from mobtrace.analysis.burst.params import BurstParams
from mobtrace.analysis.burst.series import detect_episodes
from mobtrace.analysis.burst.targets import read_targets, resolve_named_targets
from mobtrace.analysis.engine.settings import EngineSettings
from mobtrace.analysis.signals import create_signals_table
from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent

__all__ = ["BurstParams", "build_bursts"]


def build_bursts(con: duckdb.DuckDBPyConnection, params: BurstParams = BurstParams(),
                 progress: Callable[[str], None] | None = None, *, execution: EngineSettings = EngineSettings(),
                 spark=None) -> tuple[int, int, int]:
    """Step ``burst``: the inbound series, episodes, their features, calls to action and the ``burst`` (and
    episode ``coordination``) rows of ``account_signals``; returns (episodes, concerted episodes, accounts
    flagged ``burst``). ``progress`` is told the name of each stage as it ends. With ``execution.engine ==
    "spark"`` the SQL files run on Spark (``spark``, a ``SparkEngine``, or one made for ``execution.spark_master``)
    and the Python stages on the driver (``onspark.py``); the same tables either way."""
    create_signals_table(con)
    if execution.engine == "duckdb":
        _run_stages(con, params, progress)
    else:
        _run_stages_on_spark(con, params, progress, execution, spark)
    return tuple(con.execute(
        """SELECT (SELECT count(*) FROM burst_episodes), (SELECT count(*) FROM burst_episodes WHERE concerted),
                  (SELECT count(*) FROM account_signals WHERE signal = 'burst')"""
    ).fetchall()[0])


def _scripts(params: BurstParams) -> dict[str, dict]:
    """The SQL files of the step, with their parameters."""
    return {"inbound.sql": {"bin_seconds": params.bin_minutes * 60}, "bins.sql": {"bin_seconds": params.bin_minutes * 60},
            "participants.sql": {"new_account_days": params.new_account_days}, "coaction.sql": {"lead_minutes": params.cta_lead_minutes},
            "calls.sql": {"lead_minutes": params.cta_lead_minutes, "new_account_days": params.new_account_days},
            "signal.sql": {"bin_minutes": params.bin_minutes}, "targets.sql": {}}


def _run_stages(con, params: BurstParams, progress) -> None:
    scripts = _scripts(params)
    stages = [
        ("inbound series", lambda: run_script(con, HERE / "inbound.sql", **scripts["inbound.sql"])),
        ("named targets", lambda: resolve_named_targets(con, *read_targets(params.targets_file))),
        ("bins", lambda: run_script(con, HERE / "bins.sql", **scripts["bins.sql"])),
        ("episodes", lambda: detect_episodes(con, params)),
        ("participants", lambda: run_script(con, HERE / "participants.sql", **scripts["participants.sql"])),
        ("co-action", lambda: run_script(con, HERE / "coaction.sql", **scripts["coaction.sql"])),
        ("features", lambda: episode_features(con, params)),
        ("calls to action", lambda: calls_to_action(con, params)),
        ("signal", lambda: run_script(con, HERE / "signal.sql", **scripts["signal.sql"])),
        ("targets", lambda: run_script(con, HERE / "targets.sql")),
    ]
    for name, stage in stages:
        stage()
        if progress:
            progress(name)


def _run_stages_on_spark(con, params: BurstParams, progress, execution: EngineSettings, spark) -> None:
    """The same stages, the SQL files on Spark (consecutive ones as one Spark stage), the Python ones here."""
    from mobtrace.analysis.burst.onspark import run_scripts_on_spark

    if spark is None:
        from mobtrace.analysis.engine.spark import SparkEngine

        spark = SparkEngine(execution.spark_master)
    scripts = _scripts(params)
    stages = [  # (stage names, the SQL files run together on Spark, or a Python stage)
        (["inbound series"], ["inbound.sql"]),
        (["named targets"], lambda: resolve_named_targets(con, *read_targets(params.targets_file))),
        (["bins"], ["bins.sql"]),
        (["episodes"], lambda: detect_episodes(con, params)),
        (["participants", "co-action"], ["participants.sql", "coaction.sql"]),
        (["features"], lambda: episode_features(con, params)),
        ([], lambda: register_link_targets(con)),
        (["calls to action", "signal", "targets"], ["calls.sql", "signal.sql", "targets.sql"]),
    ]
    try:
        for names, stage in stages:
            if callable(stage):
                stage()
            else:
                run_scripts_on_spark(con, [(name, scripts[name]) for name in stage], execution=execution, spark=spark)
            for name in names:
                if progress:
                    progress(name)
    finally:
        con.unregister("burst_link_targets")
