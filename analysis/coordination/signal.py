"""The coordination signal: members of coordinated clusters, each with its evidence sentence.

Definition
----------
Every account in a kept Louvain cluster (see ``clusters.py``) that is not an organic following (below) is
flagged with signal ``coordination``. Its score is the share of its co-action-eligible actions (e.g. reposts) that another
account it has a kept edge with matched within the window; its evidence sentence names that share, the
cluster, the window its actions were matched within (the fixed window, or the range of the per-object
windows when they were estimated), and its strongest tie inside the cluster (partner, shared objects, median
gap). The flag's period (``first_ts``, ``last_ts``) is that of its ties inside the cluster.

A cluster's *originator* is flagged too (``originators.sql``): an account outside every kept cluster whose
posts the cluster amplifies and almost nobody else does. The author of every attack post a repost ring
pushes never co-reposts, so co-action alone cannot see it. It qualifies when at least
``originator_min_share`` of the reposts of its posts came from one cluster within the co_repost window of the
post (on at least ``originator_min_posts`` posts), and at most ``originator_max_organic`` (default none) of
the accounts that engaged with its posts are outside coordinated clusters. Its group is the cluster's, so it joins the
cluster's campaign; its evidence names the share, the counts, the window and its organic audience.

Originator or beneficiary: a paid pool's client is amplified by a cluster too, but people outside the pool
also read, like and share its posts (in the generated platforms 2 to 41 outside accounts, 2 of 32 engagers
for the smallest, against none for a ring's author: so by default an originator has no outside audience at all). Such an account has an audience of its own: it is a beneficiary of the pool (see the
paid-amplification detector), not a member, and is not flagged here.

*Organic followings* are kept as clusters but not flagged (``following_authors.sql``, ``followings.sql``, table
``coordination_followings`` with a reason for every cluster that only co-reposted). Fans reposting a celebrity
and her bandmates, and a newsroom's staff reposting its outlet's accounts, co-act for real and the null model
keeps their ties; what tells them from a ring is whom they push and how. A cluster is a following when

- all its ties are co_repost (any other co-action, replies, mentions, texts, links or hashtags, keeps the flag),
- every post it co-reposted has a known author outside the cluster (a ring pushes its own members' posts),
- those authors share one audience (``analysis/audiences.py``: related to the author it reposted most),
- that audience, the accounts outside the cluster that engage with them, is at least the cluster's size (a
  ring's originator has none: the ring is its whole audience),
- less than ``following_max_fast`` of its co-reposts came within 10 s of each other (in the generated
  platforms fans reach 0.2 to 0.3, rings 0.6 and paid pools 0.7), and its times are to the second (minute
  stamps cannot show a pace, so such a cluster stays flagged),
- and the middle half of its accounts were created over at least ``following_min_created_days`` (a batch of
  accounts registered together is bought or made), where the export dates them.

Known false negative: a troll network that reposts nothing but one official and the official's circle, with
aged accounts and a person's pace, looks exactly like a fan club and is not flagged by this signal; its
timing, its other behaviours (replies, mentions, hashtags against targets) or a pile-on usually give it away.

Parameters: ``ClusterParams.originator_*`` and ``ClusterParams.following_*``; the window is the one
``coaction_edges`` used for co_repost.

Known false positives: those of the co-action edges and of Louvain (see ``coaction.py`` and
``clusters.py``); a high share over very few actions is weak evidence, so read the counts too.

Example
-------
Run after ``coaction_edges`` and ``account_clusters``:
``coordination_signal(con)`` fills ``account_signals`` rows with
``signal = 'coordination'`` and returns how many accounts it flagged.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from mobtrace.analysis.audiences import relate_authors
from mobtrace.analysis.coordination.cluster_stats import cluster_stats
from mobtrace.analysis.coordination.params import ClusterParams
from mobtrace.analysis.engine.settings import EngineSettings
from mobtrace.analysis.signals import SPARK_ROWS, create_signals_table, replace_signal_rows, signal_rows_on_spark
from mobtrace.analysis.sql import first_row, run_script

HERE = Path(__file__).parent


# What signal.sql and originators.sql read (sent to Spark) and write besides account_signals (loaded back).
SPARK_INPUTS = ("account_clusters", "interactions", "time_resolution", "coaction_accounts", "coaction_edges",
                "coaction_windows_used", "coordination_followings", "accounts")
SPARK_OUTPUTS = ("behaviour_labels", "coordination_originators")


def coordination_signal(con: duckdb.DuckDBPyConnection, params: ClusterParams = ClusterParams(), *,
                        execution: EngineSettings = EngineSettings(), spark=None) -> int:
    """The ``coordination`` rows of ``account_signals`` for the kept clusters (after ``account_clusters``), with
    ``cluster_stats`` and ``coordination_followings`` on the way; returns how many accounts it flagged. With
    ``execution.engine == "spark"`` the signal's statements (``signal.sql``, ``originators.sql``) run on Spark
    (``spark``, a ``SparkEngine``, or one made for ``execution.spark_master``) and their rows are loaded back;
    ``cluster_stats`` and the followings stay on DuckDB (analysis/engine/NOTES.md). The same rows either way."""
    create_signals_table(con)
    cluster_stats(con)
    followings(con, params)
    if execution.engine == "duckdb":
        signal_rows(con, params)
    else:
        from mobtrace.analysis.engine.bridge import run_on_spark

        run_on_spark(con, signal_rows_on_spark, inputs=SPARK_INPUTS, outputs=(*SPARK_OUTPUTS, SPARK_ROWS), spark=spark,
                     master=execution.spark_master, shared_dir=execution.spark_dir or None, signal="coordination",
                     rows=lambda eng: signal_rows(eng, params))
        replace_signal_rows(con, "coordination", SPARK_ROWS)
    return first_row(con, "SELECT count(*) FROM account_signals WHERE signal = 'coordination'")[0]


def signal_rows(con, params: ClusterParams = ClusterParams()) -> None:
    """The statements after clustering that write the ``coordination`` rows (members, then originators)."""
    run_script(con, HERE / "signal.sql")
    run_script(con, HERE / "originators.sql", min_share=params.originator_min_share, min_posts=params.originator_min_posts,
               max_organic=params.originator_max_organic)


def followings(con: duckdb.DuckDBPyConnection, params: ClusterParams = ClusterParams()) -> int:
    """Write ``coordination_followings`` (one row per cluster that only co-reposted); returns how many clusters
    are organic followings."""
    run_script(con, HERE / "following_authors.sql")
    relate_authors(con)
    run_script(con, HERE / "followings.sql", max_fast=params.following_max_fast, min_created_days=params.following_min_created_days)
    return first_row(con, "SELECT count(*) FROM coordination_followings WHERE is_following")[0]
