"""Export the coordination graph for Gephi and for analysis tools.

Definition
----------
Nodes are the accounts of ``coordination_graph`` (id ``platform:account_id``) with attributes
``platform``, ``account_id``, ``handle`` (from ``accounts``, empty when unknown) and ``cluster`` (from
``account_clusters`` when it exists, else -1). Edges are undirected with ``weight``, ``behaviours``
(comma-joined: GraphML and GEXF have no list type), ``n_behaviours``, ``objects`` and ``p_value`` (-1 when
the null model did not run: GraphML attributes cannot be missing on one edge and present on another
without Gephi guessing a type).

``write_graphml`` / ``write_gexf`` use the networkx writers (Gephi opens both). ``write_edge_list`` /
``write_node_list`` write Parquet or CSV (by suffix) straight from DuckDB, with ``behaviours`` kept as a
list in Parquet.

Example
-------
>>> import tempfile, pathlib
>>> from mobtrace.analysis.ingest import connect
>>> con = connect(":memory:")
>>> _ = con.execute(\"\"\"CREATE TABLE coordination_graph AS SELECT 'x' AS a_platform, 'a' AS a_account, 'x' AS b_platform,
...     'b' AS b_account, 3.0 AS weight, ['co_repost', 'co_link'] AS behaviours, 2 AS n_behaviours, 4 AS objects,
...     0.001 AS p_value\"\"\")
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> graph = write_graphml(con, folder / "g.graphml")
>>> sorted(graph.nodes(data="account_id")), graph.edges["x:a", "x:b"]["behaviours"]
([('x:a', 'a'), ('x:b', 'b')], 'co_link,co_repost')
>>> write_edge_list(con, folder / "edges.csv"), write_node_list(con, folder / "nodes.parquet")
(1, 2)
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import networkx as nx

from mobtrace.analysis.sql import first_row, has_table

_NODES_SQL = """
WITH ends AS (
    SELECT a_platform AS platform, a_account AS account_id FROM coordination_graph
    UNION
    SELECT b_platform, b_account FROM coordination_graph
)
SELECT e.platform || ':' || e.account_id AS id, e.platform, e.account_id,
       coalesce(a.handle, '') AS handle, {cluster} AS cluster
FROM ends AS e
LEFT JOIN accounts AS a USING (platform, account_id)
{cluster_join}
ORDER BY e.platform, e.account_id
"""

_EDGES_SQL = """
SELECT a_platform || ':' || a_account AS source, b_platform || ':' || b_account AS target,
       CAST(weight AS DOUBLE) AS weight, list_sort(behaviours) AS behaviours, n_behaviours, objects,
       coalesce(CAST(p_value AS DOUBLE), -1.0) AS p_value
FROM coordination_graph
ORDER BY source, target
"""


def nodes_sql(con: duckdb.DuckDBPyConnection) -> str:
    """The node-list query: cluster from ``account_clusters`` when that table exists."""
    if has_table(con, "account_clusters"):
        return _NODES_SQL.format(
            cluster="coalesce(c.cluster_id, -1)",
            cluster_join="LEFT JOIN account_clusters AS c USING (platform, account_id)",
        )
    return _NODES_SQL.format(cluster="-1", cluster_join="")


def to_networkx(con: duckdb.DuckDBPyConnection) -> nx.Graph:
    """``coordination_graph`` as an undirected networkx graph with the export attributes."""
    graph = nx.Graph()
    for node_id, platform, account_id, handle, cluster in con.sql(nodes_sql(con)).fetchall():
        graph.add_node(node_id, platform=platform, account_id=account_id, handle=handle, cluster=int(cluster))
    for source, target, weight, behaviours, n_behaviours, objects, p_value in con.sql(_EDGES_SQL).fetchall():
        graph.add_edge(source, target, weight=weight, behaviours=",".join(behaviours),
                       n_behaviours=int(n_behaviours), objects=int(objects), p_value=p_value)
    return graph


def write_graphml(con: duckdb.DuckDBPyConnection, path: str | Path) -> nx.Graph:
    """Write ``coordination_graph`` as GraphML; return the graph written."""
    graph = to_networkx(con)
    nx.write_graphml(graph, str(path))
    return graph


def write_gexf(con: duckdb.DuckDBPyConnection, path: str | Path) -> nx.Graph:
    """Write ``coordination_graph`` as GEXF; return the graph written."""
    graph = to_networkx(con)
    nx.write_gexf(graph, str(path))
    return graph


def write_edge_list(con: duckdb.DuckDBPyConnection, path: str | Path) -> int:
    """Write the edge list as Parquet or CSV (by suffix); return the row count."""
    # CSV has no lists: behaviours become 'a,b' there, as in GraphML.
    csv_query = f"SELECT * REPLACE (array_to_string(behaviours, ',') AS behaviours) FROM ({_EDGES_SQL})"
    return _copy(con, _EDGES_SQL, Path(path), csv_query)


def write_node_list(con: duckdb.DuckDBPyConnection, path: str | Path) -> int:
    """Write the node list as Parquet or CSV (by suffix); return the row count."""
    return _copy(con, nodes_sql(con), Path(path), nodes_sql(con))


def _copy(con: duckdb.DuckDBPyConnection, query: str, path: Path, csv_query: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        con.execute(f"COPY ({query}) TO '{_quoted(path)}' (FORMAT parquet)")
    elif path.suffix == ".csv":
        con.execute(f"COPY ({csv_query}) TO '{_quoted(path)}' (FORMAT csv, HEADER)")
    else:
        raise ValueError(f"{path}: use a .parquet or .csv file name")
    return first_row(con, f"SELECT count(*) FROM ({query})")[0]


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
