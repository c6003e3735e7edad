"""Coordinated account clusters: Louvain communities of the thresholded co-action graph.

Definition
----------
Accounts are nodes; the edges are the multiplex ``coordination_graph`` (see ``multiplex.py``): pairs
with a significant co-action edge in at least one behaviour, weighted by their co-actions beyond chance. Communities are python-louvain's ``best_partition`` (modularity
maximisation) with a fixed ``seed``, so the same graph always gives the same clusters. Clusters smaller
than ``min_cluster_size`` are dropped, except a *strong pair*: a community of two accounts whose tie's
p-value (the multiplex graph's, Bonferroni over behaviours) is at most ``strong_pair_p``. Two accounts
that posted 32 near-identical texts against 0.3 expected are as much evidence as a cluster of three;
two that shared three viral posts are not. Without the null model there are no p-values and no pair is kept. Cluster ids are numbered 1, 2, ... by size (largest first), ties
broken by the smallest member, so they are stable across runs.

Parameters
----------
seed : int, default 42
    Random state of the Louvain heuristic (node order and tie breaking).
resolution : float, default 1.0
    Louvain resolution; above 1 gives smaller clusters.
min_cluster_size : int, default 3
    Fewest accounts for a cluster to be kept.
strong_pair_p : float, default 1e-8
    Largest p-value of the tie of a kept two-account community (0: pairs are never kept).

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
        "SELECT a_platform, a_account, b_platform, b_account, weight, p_value FROM coordination_graph WHERE weight > 0 ORDER BY ALL"
    ).fetchall()
    graph = nx.Graph()
    for ap, aa, bp, ba, weight, p_value in edges:
        graph.add_edge((ap, aa), (bp, ba), weight=float(weight), p_value=p_value)
    return graph


def louvain_clusters(graph: nx.Graph, seed: int = DEFAULTS.seed, resolution: float = DEFAULTS.resolution,
                     min_cluster_size: int = DEFAULTS.min_cluster_size,
                     strong_pair_p: float = DEFAULTS.strong_pair_p) -> list[list[Node]]:
    """Louvain communities of at least ``min_cluster_size`` nodes, and strong pairs, largest first, members
    sorted."""
    if graph.number_of_edges() == 0:
        return []
    partition = community_louvain.best_partition(graph, weight="weight", resolution=resolution, random_state=seed)
    members: dict[int, list[Node]] = {}
    for node, label in partition.items():
        members.setdefault(label, []).append(node)
    clusters = [sorted(nodes) for nodes in members.values()
                if len(nodes) >= min_cluster_size or _strong_pair(graph, nodes, strong_pair_p)]
    return sorted(clusters, key=lambda nodes: (-len(nodes), nodes[0]))


def _strong_pair(graph: nx.Graph, nodes: list[Node], strong_pair_p: float) -> bool:
    if len(nodes) != 2 or not graph.has_edge(*nodes):
        return False
    p_value = graph.edges[nodes].get("p_value")
    return p_value is not None and p_value <= strong_pair_p


def account_clusters(
    con: duckdb.DuckDBPyConnection, seed: int = DEFAULTS.seed, resolution: float = DEFAULTS.resolution,
    min_cluster_size: int = DEFAULTS.min_cluster_size, strong_pair_p: float = DEFAULTS.strong_pair_p,
) -> int:
    """Build ``coordination_graph`` from ``coaction_edges``, write ``account_clusters``; return the cluster count."""
    multiplex_graph(con)
    graph = account_graph(con)
    clusters = louvain_clusters(graph, seed=seed, resolution=resolution, min_cluster_size=min_cluster_size,
                                strong_pair_p=strong_pair_p)
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
