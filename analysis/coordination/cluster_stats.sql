-- Per-cluster statistics from account_clusters, coordination_graph, coaction_pairs and accounts.
-- Only edges and co-actions inside a cluster count; a co-action counts when its behaviour is one of the kept
-- behaviours of that account pair (coordination_graph.behaviours).
CREATE OR REPLACE TABLE cluster_stats AS
WITH members AS (
    SELECT c.cluster_id, c.platform, c.account_id, a.created_at
    FROM account_clusters AS c
    LEFT JOIN accounts AS a USING (platform, account_id)
),
internal_edges AS (
    SELECT ma.cluster_id, g.*
    FROM coordination_graph AS g
    JOIN members AS ma ON ma.platform = g.a_platform AND ma.account_id = g.a_account
    JOIN members AS mb ON mb.platform = g.b_platform AND mb.account_id = g.b_account
    WHERE ma.cluster_id = mb.cluster_id
),
internal_pairs AS (
    SELECT e.cluster_id, p.dt_s
    FROM coaction_pairs AS p
    JOIN internal_edges AS e
      ON e.a_platform = p.a_platform AND e.a_account = p.a_account
     AND e.b_platform = p.b_platform AND e.b_account = p.b_account
     AND list_contains(e.behaviours, p.behaviour)
),
sizes AS (
    SELECT cluster_id, count(*) AS size, list(DISTINCT platform ORDER BY platform) AS platforms,
           count(created_at) AS accounts_with_created_at,
           min(created_at) AS created_first, max(created_at) AS created_last,
           quantile_cont(epoch(created_at), 0.75) - quantile_cont(epoch(created_at), 0.25) AS created_iqr_s
    FROM members GROUP BY cluster_id
),
edge_stats AS (
    SELECT cluster_id, count(*) AS edges, sum(weight) AS total_weight,
           list_sort(list_distinct(flatten(list(behaviours)))) AS behaviours,
           min(first_ts) AS first_ts, max(last_ts) AS last_ts
    FROM internal_edges GROUP BY cluster_id
),
timing AS (
    SELECT cluster_id, count(*) AS co_actions, median(dt_s) AS median_dt_s,
           avg(CAST(dt_s <= 10 AS DOUBLE)) AS share_within_10s
    FROM internal_pairs GROUP BY cluster_id
)
SELECT s.cluster_id, s.size, s.platforms,
       coalesce(e.edges, 0) AS edges,
       CASE WHEN s.size > 1 THEN coalesce(e.edges, 0) / (s.size * (s.size - 1) / 2.0) END AS density,
       coalesce(e.total_weight, 0) AS total_weight,
       coalesce(e.behaviours, []) AS behaviours,
       coalesce(t.co_actions, 0) AS co_actions,
       t.median_dt_s, t.share_within_10s,
       e.first_ts, e.last_ts,
       s.accounts_with_created_at, s.created_first, s.created_last,
       epoch(s.created_last - s.created_first) / 86400.0 AS created_spread_days,
       s.created_iqr_s / 86400.0 AS created_iqr_days
FROM sizes AS s
LEFT JOIN edge_stats AS e USING (cluster_id)
LEFT JOIN timing AS t USING (cluster_id)
ORDER BY s.size DESC, s.cluster_id;
