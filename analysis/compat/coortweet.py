"""``--compat coortweet``: CooRTweet 2.1.3's coordinated pairs and network, reproduced exactly.

Definition (CooRTweet ``R/detect_groups.R``, ``R/calc_group_combinations.R``,
``R/generate_coordinated_network.R``)
---------------------------------------------------------------------------------------------------------
Input rows are ``object_id, account_id, content_id, timestamp_share`` in input order. ``detect_groups``:

1. accounts with fewer than ``min_participation`` input rows are dropped; the rows are regrouped by
   account (accounts in order of first appearance, input order within), as data.table's ``by`` does;
2. within each object, every two rows (in that order) with ``|t_i - t_j| <= time_window`` (inclusive)
   are a coordinated pair;
3. loops are removed: the same content, the same account, or a content id equal to the object id;
4. an account *qualifies* when at least ``min_participation`` of its input rows carry a content id that
   occurs in the pairs (rows, so a duplicated row counts twice, as in CooRTweet); a pair is kept when
   EITHER side's content belongs to a qualifying account;
5. pairs are oriented older first (``content_id`` older; ties keep the order of step 1), ``time_delta``
   absolute.

``generate_coordinated_network(edge_weight, subgraph = 1)``: undirected edges between the two accounts
(``source`` the smaller id; CooRTweet's igraph export may name them the other way round), ``weight`` = number of coordinated pairs, kept when
``weight > quantile(weights, edge_weight)`` with R's default type-7 quantile (DuckDB's ``quantile_cont``).

Input: from ``interactions`` (default ``behaviour="co_repost"``: object = ``target_post_id`` of reposts,
content = ``event_id`` less the coortweet adapter's ``/object_id`` suffix, ``timestamp_share`` = epoch
seconds, input order = ``(source_file, source_line)``); any other behaviour file gives its objects with
``content_id = event_id``; or any table/view with CooRTweet's four columns (plus an optional ``rn`` for
row order) named by ``source``. ``interactions`` holds one row per (platform, event_id), so a row that an
export repeats verbatim is quarantined at ingest (CooRTweet's example data has one) and its pairs are not
counted twice as CooRTweet counts them (on that data it changes nothing: 3,791 pairs either way).

Example
-------
>>> from mobtrace.analysis.ingest import connect
>>> con = connect(":memory:")
>>> _ = con.execute(\"\"\"INSERT INTO interactions (platform, event_id, account_id, action, ts, target_post_id,
...     source_file, source_line)
...     SELECT 'x', a || i, a, 'repost', TIMESTAMP '2025-01-01' + to_days(i) + to_seconds(d), 'p' || i, 'f', i * 10 + d
...     FROM range(3) t(i), (VALUES ('a', 0), ('b', 30), ('c', 600)) s(a, d)\"\"\")
>>> pairs = coortweet_pairs(con, time_window=60, min_participation=2)
>>> len(pairs), sorted(set(zip(pairs.account_id, pairs.account_id_y)))
(3, [('a', 'b')])
>>> coortweet_edges(con, time_window=60, min_participation=2, edge_weight=0.5)[0].empty  # 3 > quantile(3)? no
True
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from mobtrace.analysis.sql import run_script, statements

HERE = Path(__file__).parent
BEHAVIOUR_DIR = HERE.parent / "coordination" / "behaviours"


def load_input(con: duckdb.DuckDBPyConnection, behaviour: str = "co_repost", source: str | None = None) -> None:
    """Fill temp table ``coortweet_input(object_id, account_id, content_id, timestamp_share, rn)``."""
    if source is not None:
        columns = {row[0] for row in con.sql(f"DESCRIBE {source}").fetchall()}
        order = "rn" if "rn" in columns else "NULL"
        con.execute(f"""CREATE OR REPLACE TEMP TABLE coortweet_input AS
                        SELECT object_id, account_id, content_id, CAST(timestamp_share AS DOUBLE) AS timestamp_share,
                               row_number() OVER (ORDER BY {order}) AS rn
                        FROM {source}""")
        return
    if behaviour == "co_repost":
        # CooRTweet's own unit: object = the reposted post id as exported, content = the sharing post. The
        # coortweet adapter stores a share as event_id = content_id/object_id (one post can share two
        # objects); the suffix is removed so CooRTweet's content ids, and its counting of them, come back.
        con.execute("""CREATE OR REPLACE TEMP TABLE coortweet_input AS
                       SELECT target_post_id AS object_id, account_id,
                              CASE WHEN suffix(event_id, '/' || target_post_id)
                                   THEN left(event_id, length(event_id) - length(target_post_id) - 1)
                                   ELSE event_id END AS content_id,
                              epoch_us(ts) / 1e6 AS timestamp_share,
                              row_number() OVER (ORDER BY source_file, source_line, platform, event_id) AS rn
                       FROM interactions WHERE action = 'repost' AND target_post_id IS NOT NULL""")
        return
    from mobtrace.analysis.coordination.coaction import HERE as COORDINATION

    run_script(con, COORDINATION / "macros.sql")
    (select,) = statements(BEHAVIOUR_DIR / f"{behaviour}.sql")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE coortweet_input AS
                    SELECT b.object_id, b.account_id, b.event_id AS content_id,
                           epoch_us(b.ts) / 1e6 AS timestamp_share,
                           row_number() OVER (ORDER BY i.source_file, i.source_line, b.object_id) AS rn
                    FROM ({select}) AS b JOIN interactions AS i USING (platform, event_id)""")


def coortweet_pairs(
    con: duckdb.DuckDBPyConnection, time_window: float, min_participation: int,
    behaviour: str = "co_repost", source: str | None = None,
) -> pd.DataFrame:
    """CooRTweet's ``detect_groups`` result: object_id, content_id, content_id_y, time_delta, account_id, account_id_y."""
    load_input(con, behaviour, source)
    run_script(con, HERE / "coortweet_pairs.sql", time_window=float(time_window),
               bucket=max(float(time_window), 1e-6), min_participation=min_participation)
    return con.sql("SELECT * FROM coortweet_pairs").df()


def coortweet_edges(
    con: duckdb.DuckDBPyConnection, time_window: float, min_participation: int, edge_weight: float,
    behaviour: str = "co_repost", source: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """CooRTweet's thresholded network and the pairs behind it.

    Returns ``(edges, pairs)``: edges with source, target, weight, avg_time_delta, n_content_id,
    n_content_id_y, edge_symmetry_score, object_ids (sorted, comma-joined) and weight_threshold_value.
    """
    if not 0 <= edge_weight <= 1:
        raise ValueError("edge_weight must be between 0 and 1")
    pairs = coortweet_pairs(con, time_window, min_participation, behaviour, source)
    run_script(con, HERE / "coortweet_edges.sql", edge_weight=float(edge_weight))
    return con.sql("SELECT * FROM coortweet_result").df(), pairs


def write_edges_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write the thresholded edges as CSV (source, target, weight, then CooRTweet's edge attributes)."""
    frame.to_csv(path, index=False)
