"""Coordinated account clusters: Louvain communities of the thresholded co-action graph.

Definition
----------
Accounts are nodes; the edges are the multiplex ``coordination_graph`` (see ``multiplex.py``): pairs
with a significant co-action edge in at least one behaviour, weighted by their co-actions beyond chance. Communities are python-louvain's ``best_partition`` (modularity
maximisation) with a fixed ``seed``, so the same graph always gives the same clusters. Clusters smaller
than ``min_cluster_size`` are dropped. Cluster ids are numbered 1, 2, ... by size (largest first), ties
broken by the smallest member, so they are stable across runs.

Parameters
----------
seed : int, default 42
    Random state of the Louvain heuristic (node order and tie breaking).
resolution : float, default 1.0
    Louvain resolution; above 1 gives smaller clusters.
min_cluster_size : int, default 3
    Fewest accounts for a cluster to be kept.

Output: DuckDB table ``account_clusters(platform, account_id, cluster_id, degree, strength)``.

Known false positives
---------------------
Louvain always partitions: a chain of weak, unrelated ties can be put in one community. The edges
it runs on are already thresholded, so every member has at least one kept tie, but membership alone
is not evidence; the per-account evidence comes from the edges themselves.

Example
-------
>>> from mobtrace.analysis.ingest import connect
>>> from mobtrace.analysis.coordination.coaction import coaction_edges
>>> con = connect(":memory:")
>>> _ = con.execute(\"\"\"INSERT INTO interactions (platform, event_id, account_id, action, ts, target_post_id,
...     source_file, source_line)
...     SELECT 'x', a || i, a, 'repost', TIMESTAMP '2025-01-01' + to_days(i), 'p' || i, 'f', 1
...     FROM range(3) t(i), (VALUES ('a'), ('b'), ('c')) s(a)\"\"\")
>>> coaction_edges(con, window_seconds=60, min_weight=3, alpha=None)
3
>>> account_clusters(con, seed=1)
1
>>> con.sql("SELECT account_id, cluster_id FROM account_clusters ORDER BY account_id").fetchall()
[('a', 1), ('b', 1), ('c', 1)]
"""

from __future__ import annotations

import community as community_louvain
import duckdb
import networkx as nx
import pandas as pd

from mobtrace.analysis.coordination.multiplex import multiplex_graph
from mobtrace.analysis.coordination.params import ClusterParams

DEFAULTS = ClusterParams()

Node = tuple[str, str]  # (platform, account_id)


def account_graph(con: duckdb.DuckDBPyConnection) -> nx.Graph:
    """Undirected weighted graph of accounts from ``coordination_graph``, built in sorted order."""
    edges = con.sql(
        "SELECT a_platform, a_account, b_platform, b_account, weight FROM coordination_graph WHERE weight > 0 ORDER BY ALL"
    ).fetchall()
    graph = nx.Graph()
    graph.add_weighted_edges_from(((ap, aa), (bp, ba), float(w)) for ap, aa, bp, ba, w in edges)
    return graph


def louvain_clusters(graph: nx.Graph, seed: int = DEFAULTS.seed, resolution: float = DEFAULTS.resolution,
                     min_cluster_size: int = DEFAULTS.min_cluster_size) -> list[list[Node]]:
    """Louvain communities of at least ``min_cluster_size`` nodes, largest first, members sorted."""
    if graph.number_of_edges() == 0:
        return []
    partition = community_louvain.best_partition(graph, weight="weight", resolution=resolution, random_state=seed)
    members: dict[int, list[Node]] = {}
    for node, label in partition.items():
        members.setdefault(label, []).append(node)
    clusters = [sorted(nodes) for nodes in members.values() if len(nodes) >= min_cluster_size]
    return sorted(clusters, key=lambda nodes: (-len(nodes), nodes[0]))


def account_clusters(
    con: duckdb.DuckDBPyConnection, seed: int = DEFAULTS.seed, resolution: float = DEFAULTS.resolution,
    min_cluster_size: int = DEFAULTS.min_cluster_size,
) -> int:
    """Build ``coordination_graph`` from ``coaction_edges``, write ``account_clusters``; return the cluster count."""
    multiplex_graph(con)
    graph = account_graph(con)
    clusters = louvain_clusters(graph, seed=seed, resolution=resolution, min_cluster_size=min_cluster_size)
    rows = [
        (platform, account, number, graph.degree(node), graph.degree(node, weight="weight"))
        for number, nodes in enumerate(clusters, start=1)
        for node in nodes
        for platform, account in [node]
    ]
    frame = pd.DataFrame(rows, columns=["platform", "account_id", "cluster_id", "degree", "strength"])
    frame = frame.astype({"platform": "string", "account_id": "string", "cluster_id": "int64", "degree": "int64", "strength": "float64"})
    con.register("cluster_rows", frame)
    try:
        con.execute("CREATE OR REPLACE TABLE account_clusters AS SELECT * FROM cluster_rows ORDER BY cluster_id, platform, account_id")
    finally:
        con.unregister("cluster_rows")
    return len(clusters)
