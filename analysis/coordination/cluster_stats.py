"""Statistics that describe each coordination cluster, for triage and for the report.

Definition
----------
From ``account_clusters(platform, account_id, cluster_id)`` (the seeded Louvain partition written by
``clusters.py``), ``coordination_graph``, ``coaction_pairs`` and ``accounts``, one row per cluster in table
``cluster_stats``:

* ``size``, ``platforms``; ``edges`` inside the cluster and ``density`` = edges / (size * (size - 1) / 2);
* ``total_weight`` and the ``behaviours`` behind the internal edges; ``first_ts`` / ``last_ts``;
* ``co_actions`` (matched action pairs on internal edges, of their kept behaviours), their ``median_dt_s``
  and ``share_within_10s`` — scripted networks act within seconds, organic crowds within minutes;
* account age: ``accounts_with_created_at``, ``created_first`` / ``created_last``, ``created_spread_days``
  and ``created_iqr_days`` — accounts registered in one batch have a spread of days, not years.

Known false positives
---------------------
None of these is proof alone: a fan community can be dense and fast around a live event, and accounts can
be old and bought. Clusters of two accounts have density 1 by definition. Account age is only as good as
the export (NULL where the platform does not say).

Example
-------
>>> from mobtrace.analysis.ingest import connect
>>> con = connect(":memory:")
>>> _ = con.execute("CREATE TABLE account_clusters AS SELECT 'x' AS platform, * FROM (VALUES ('a', 0), ('b', 0), ('c', 1)) t(account_id, cluster_id)")
>>> _ = con.execute(\"\"\"CREATE TABLE coordination_graph AS SELECT 'x' AS a_platform, 'a' AS a_account, 'x' AS b_platform,
...     'b' AS b_account, 3.0 AS weight, ['co_repost'] AS behaviours, TIMESTAMP '2025-01-01' AS first_ts,
...     TIMESTAMP '2025-01-02' AS last_ts\"\"\")
>>> _ = con.execute(\"\"\"CREATE TABLE coaction_pairs AS SELECT 'co_repost' AS behaviour, 'x' AS a_platform, 'a' AS a_account,
...     'x' AS b_platform, 'b' AS b_account, dt AS dt_s FROM (VALUES (2.0::DOUBLE), (4.0), (30.0)) t(dt)\"\"\")
>>> cluster_stats(con)
2
>>> con.sql("SELECT cluster_id, size, edges, density, median_dt_s, share_within_10s FROM cluster_stats").fetchall()
[(0, 2, 1, 1.0, 4.0, 0.6666666666666666), (1, 1, 0, None, None, None)]
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from mobtrace.analysis.sql import first_row, run_script

HERE = Path(__file__).parent


def cluster_stats(con: duckdb.DuckDBPyConnection) -> int:
    """Build ``cluster_stats``; return the number of clusters."""
    run_script(con, HERE / "cluster_stats.sql")
    return first_row(con, "SELECT count(*) FROM cluster_stats")[0]
