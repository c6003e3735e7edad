"""The coordination detector: accounts that act on the same objects at nearly the same time, again and again.

Definition
----------
Two accounts *co-act* when they do the same thing to the same object (repost one post, share one link,
use one hashtag, post one text, ...) within a window of each other (inclusive; fixed, default 60 s, or
estimated per object). Their *edge* weighs the number of distinct objects they co-acted on; an edge is kept
at ``min_weight`` or more and is *significant* when it beats a null model that keeps each account's
activity but breaks coordination (``coaction.py``, ``significance.py``). The significant edges of every
behaviour form one multiplex graph, grouped into clusters by seeded Louvain (``clusters.py``). Every member
of a kept cluster carries the ``coordination`` signal, with the share of its actions a tied account matched
as score and one evidence sentence naming the numbers (``signal.py``).

Parameters
----------
``CoactionParams`` (step ``coaction_edges``) and ``ClusterParams`` (step ``account_clusters``) in
``params.py``: each parameter's default and meaning are written there once.

Known false positives
---------------------
Fan communities, newsrooms and people reacting to the same breaking post co-act genuinely; hyperactive
organic accounts can reach a small weight on viral posts by chance (the null model removes most of them).
A cluster that only reposts one audience's authors at a person's pace, with accounts created over years, is
an organic following and is not flagged (``signal.py``).
Co-action is evidence of synchrony, not proof of a coordinating hand.

Example
-------
>>> from mobtrace.analysis.ingest import connect
>>> con = connect(":memory:")
>>> _ = con.execute(\"\"\"INSERT INTO interactions (platform, event_id, account_id, action, ts, target_post_id,
...     source_file, source_line)
...     SELECT 'x', 'r' || a || p, 'acct' || a, 'repost', TIMESTAMP '2025-01-01' + INTERVAL (p * 3600 + a) SECOND,
...            'post' || p, 'f', a * 10 + p
...     FROM range(3) AS t1(a), range(4) AS t2(p)\"\"\")
>>> build_coaction_edges(con, CoactionParams(behaviours=("co_repost",), alpha=None))
3
>>> build_account_clusters(con, ClusterParams())
(1, 3)
>>> con.sql("SELECT evidence FROM account_signals ORDER BY account_id LIMIT 1").fetchall()[0][0][:58]
'4 of its 4 reposts (100%) came within 60 s of the same act'
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from mobtrace.analysis.coordination.clusters import account_clusters
from mobtrace.analysis.coordination.coaction import coaction_edges
from mobtrace.analysis.coordination.params import ClusterParams, CoactionParams
from mobtrace.analysis.coordination.signal import coordination_signal
from mobtrace.analysis.engine.settings import EngineSettings

# Stored tables the co-action behaviours read besides ``interactions`` (sent to Spark with it).
_BEHAVIOUR_INPUTS = {"co_mention": ("accounts",)}


def build_coaction_edges(con: duckdb.DuckDBPyConnection, params: CoactionParams = CoactionParams(),
                         progress: Callable[[str], None] | None = None, *, execution: EngineSettings = EngineSettings(),
                         spark=None) -> int:
    """Step ``coaction_edges``: the co-action tables (see ``coaction.py``); returns the edge count. With
    ``execution.engine == "spark"`` the step runs on Spark (``spark``, a ``SparkEngine``, or one made for
    ``execution.spark_master``) and its tables are loaded back into ``con`` (``mobtrace.analysis.engine.bridge``).
    The engine is an execution setting, not a parameter: the same tables either way."""
    arguments = dict(window_seconds=params.window_seconds, min_weight=params.min_weight, behaviours=params.behaviours,
                     evidence_per_edge=params.evidence_per_edge, window="auto" if params.auto_window else None,
                     alpha=params.alpha if params.null_model else None, seed=params.seed, progress=progress)
    if execution.engine == "duckdb":
        return coaction_edges(con, **arguments)
    from mobtrace.analysis.coordination.coaction import OUTPUT_TABLES, resolve_behaviours
    from mobtrace.analysis.engine import SPARK_BEHAVIOURS
    from mobtrace.analysis.engine.bridge import run_on_spark

    behaviours = resolve_behaviours(params.behaviours)
    missing = sorted(set(behaviours) - set(SPARK_BEHAVIOURS))
    if missing:
        raise ValueError(f"the Spark engine computes {', '.join(SPARK_BEHAVIOURS)} so far, not "
                         f"{', '.join(missing)}: choose those behaviours, or --engine duckdb")
    return run_on_spark(con, coaction_edges, inputs=spark_inputs(behaviours), outputs=OUTPUT_TABLES, spark=spark,
                        master=execution.spark_master, shared_dir=execution.spark_dir or None, **arguments)


def spark_inputs(behaviours: tuple[str, ...]) -> tuple[str, ...]:
    """The stored tables the co-action step reads for ``behaviours``: what goes to Spark."""
    return tuple(dict.fromkeys(("interactions", *(t for b in behaviours for t in _BEHAVIOUR_INPUTS.get(b, ())))))


def build_account_clusters(con: duckdb.DuckDBPyConnection, params: ClusterParams = ClusterParams(), *,
                           execution: EngineSettings = EngineSettings(), spark=None) -> tuple[int, int]:
    """Step ``account_clusters``: clusters, their statistics and the ``coordination`` rows of
    ``account_signals``; returns (clusters, flagged accounts). Clustering runs here, on the driver (NetworkX); with
    ``execution.engine == "spark"`` the signal's statements run on Spark (``signal.coordination_signal``)."""
    clusters = account_clusters(con, seed=params.seed, resolution=params.resolution, min_cluster_size=params.min_cluster_size,
                                strong_pair_p=params.strong_pair_p)
    return clusters, coordination_signal(con, params, execution=execution, spark=spark)
