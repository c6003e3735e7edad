"""The coordination signal: members of coordinated clusters, each with its evidence sentence.

Definition
----------
Every account in a kept Louvain cluster (see ``clusters.py``) is flagged with signal
``coordination``. Its score is the share of its co-action-eligible actions (e.g. reposts) that another
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

Parameters: ``ClusterParams.originator_*``; the window is the one ``coaction_edges`` used for co_repost.

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

from mobtrace.analysis.coordination.params import ClusterParams
from mobtrace.analysis.signals import create_signals_table
from mobtrace.analysis.sql import first_row, run_script

HERE = Path(__file__).parent


def coordination_signal(con: duckdb.DuckDBPyConnection, params: ClusterParams = ClusterParams()) -> int:
    create_signals_table(con)
    run_script(con, HERE / "signal.sql")
    run_script(con, HERE / "originators.sql", min_share=params.originator_min_share, min_posts=params.originator_min_posts,
               max_organic=params.originator_max_organic)
    return first_row(con, "SELECT count(*) FROM account_signals WHERE signal = 'coordination'")[0]
