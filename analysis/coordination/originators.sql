-- Originators: accounts whose posts a kept cluster amplifies, and almost nobody else. The account that
-- writes every attack post a repost ring pushes never co-reposts, so co-action cannot see it; this can.
-- An account outside every kept cluster is the originator of cluster C when
--   * at least $min_share of all the reposts of its posts were made by members of C within the co_repost
--     window of the post (the largest window that behaviour used: coaction_windows_used),
--   * C reposted at least $min_posts of its posts that way, and
--   * at most $max_organic (default 0) of the accounts that engaged with its posts (repost, like, reply,
--     quote) are outside every kept cluster: it has no organic audience of its own.
-- A paid pool's client fails the last rule: people outside the pool read and share it too, so it is a
-- beneficiary of the pool, not a member (see the module docstring).
CREATE OR REPLACE TABLE coordination_originators AS
WITH window_used AS (
    SELECT max(max_window_s) AS window_s FROM coaction_windows_used WHERE behaviour = 'co_repost'
),
posts AS (
    SELECT platform, event_id, account_id AS author, ts
    FROM interactions
    WHERE action IN ('post', 'quote', 'reply', 'comment')
),
engagements AS (
    SELECT p.platform, p.author, p.event_id AS post_id, p.ts AS post_ts, e.ts, e.account_id AS engager, e.action,
           epoch(e.ts - p.ts) AS lag_s, k.cluster_id
    FROM posts AS p
    JOIN interactions AS e ON e.platform = p.platform AND e.target_post_id = p.event_id
    LEFT JOIN account_clusters AS k ON k.platform = e.platform AND k.account_id = e.account_id
    ANTI JOIN account_clusters AS own ON own.platform = p.platform AND own.account_id = p.author
    WHERE e.action IN ('repost', 'like', 'reply', 'quote') AND e.account_id <> p.author
),
per_cluster AS (
    SELECT e.platform, e.author, e.cluster_id, count(*) AS reposts, count(DISTINCT e.post_id) AS posts,
           median(e.lag_s) AS median_lag_s, min(e.post_ts) AS first_ts, max(e.ts) AS last_ts
    FROM engagements AS e, window_used AS w
    WHERE e.action = 'repost' AND e.cluster_id IS NOT NULL AND e.lag_s BETWEEN 0 AND w.window_s
    GROUP BY ALL
),
per_author AS (
    SELECT platform, author,
           count(*) FILTER (WHERE action = 'repost') AS reposts,
           count(DISTINCT engager) AS engagers,
           count(DISTINCT engager) FILTER (WHERE cluster_id IS NULL) AS organic_engagers
    FROM engagements GROUP BY ALL
)
SELECT c.platform, c.author AS account_id, c.cluster_id, c.reposts AS cluster_reposts, a.reposts, c.posts,
       c.median_lag_s, c.first_ts, c.last_ts, a.engagers, a.organic_engagers, w.window_s,
       row_number() OVER (PARTITION BY c.platform, c.author ORDER BY c.reposts DESC, c.cluster_id) AS nth
FROM per_cluster AS c
JOIN per_author AS a USING (platform, author)
CROSS JOIN window_used AS w
WHERE c.reposts >= $min_share * a.reposts
  AND c.posts >= $min_posts
  AND a.organic_engagers <= $max_organic * a.engagers;

INSERT INTO account_signals (signal, platform, account_id, group_key, score, evidence, first_ts, last_ts, events)
SELECT 'coordination', o.platform, o.account_id, 'cluster-' || o.cluster_id,
       round(o.cluster_reposts / o.reposts, 3) AS score,
       format('{}% of the reposts of its posts ({} of {}) came from cluster {} ({} accounts) within {} of posting, on {} of its posts (median {} s after it); {} of the {} accounts that engaged with its posts are outside coordinated clusters: it originates what the cluster amplifies.',
              CAST(round(100.0 * o.cluster_reposts / o.reposts) AS INTEGER), o.cluster_reposts, o.reposts, o.cluster_id,
              s.size, printf('%g s', o.window_s), o.posts, round(o.median_lag_s, 1), o.organic_engagers, o.engagers) AS evidence,
       o.first_ts, o.last_ts, o.cluster_reposts
FROM coordination_originators AS o
JOIN (SELECT cluster_id, count(*) AS size FROM account_clusters GROUP BY ALL) AS s USING (cluster_id)
WHERE o.nth = 1;

-- Kept: the report and the evidence package cite the originator's amplified posts.
DELETE FROM coordination_originators WHERE nth > 1;
