-- Jobs and clients of each co-action cluster (definitions in __init__.py). Needs `amp_amplifications`
-- (features.sql) and `account_clusters`. Parameters: $min_job_members, $min_job_share, $min_client_jobs.

-- A job: a post by an author outside the cluster that at least $min_job_members of the cluster's accounts
-- amplified, the cluster's accounts making up at least $min_job_share of everyone who amplified it. The
-- cluster's own posts are self-amplification (a ring pushing its attack posts), not jobs.
CREATE OR REPLACE TABLE amplification_jobs AS
WITH member_amplifications AS (
    SELECT k.cluster_id, a.platform, a.account_id, a.target_post_id, a.author, a.ts, a.original_ts, a.latency_s
    FROM amp_amplifications AS a JOIN account_clusters AS k USING (platform, account_id)
    ANTI JOIN account_clusters AS own ON own.platform = a.platform AND own.account_id = a.author AND own.cluster_id = k.cluster_id
    WHERE a.author IS NOT NULL AND a.target_post_id IS NOT NULL AND a.author <> a.account_id
),
per_post AS (
    SELECT cluster_id, platform, target_post_id AS post_id, author, count(DISTINCT account_id) AS members,
           min(original_ts) AS posted_ts, min(ts) AS first_ts, max(ts) AS last_ts, median(latency_s) AS median_latency_s
    FROM member_amplifications
    GROUP BY ALL
    HAVING count(DISTINCT account_id) >= $min_job_members
),
amplifiers AS (
    SELECT a.platform, a.target_post_id AS post_id, count(DISTINCT a.account_id) AS amplifiers
    FROM amp_amplifications AS a
    SEMI JOIN per_post AS p ON p.platform = a.platform AND p.post_id = a.target_post_id
    GROUP BY ALL
)
SELECT p.cluster_id, p.platform, p.post_id, p.author, p.posted_ts, p.first_ts, p.last_ts, p.members, s.amplifiers,
       round(p.members / s.amplifiers, 4) AS member_share, p.median_latency_s
FROM per_post AS p JOIN amplifiers AS s USING (platform, post_id)
WHERE p.members >= $min_job_share * s.amplifiers
ORDER BY p.cluster_id, p.platform, p.author, coalesce(p.posted_ts, p.first_ts), p.post_id;

-- A client: an author with at least $min_client_jobs jobs for the cluster. Its audience is everyone outside
-- the cluster who amplified it or replied to it; `posts` is how many posts it published in the export.
CREATE OR REPLACE TEMP TABLE amp_clients AS
SELECT cluster_id, platform, author AS account_id, count(*) AS jobs, sum(members) AS reactions,
       min(coalesce(posted_ts, first_ts)) AS first_ts, max(last_ts) AS last_ts,
       min(members) AS fewest_members, max(members) AS most_members,
       round(sum(members) / sum(amplifiers), 4) AS member_share
FROM amplification_jobs GROUP BY ALL HAVING count(*) >= $min_client_jobs;

CREATE OR REPLACE TEMP TABLE amp_client_audience AS
SELECT DISTINCT c.cluster_id, c.platform, c.account_id, f.fan
FROM amp_clients AS c
JOIN (SELECT platform, author, account_id AS fan FROM amp_amplifications
      UNION ALL
      SELECT platform, target_account_id, account_id FROM interactions WHERE action IN ('reply', 'comment')) AS f
  ON f.platform = c.platform AND f.author = c.account_id
ANTI JOIN account_clusters AS m ON m.platform = f.platform AND m.account_id = f.fan AND m.cluster_id = c.cluster_id
WHERE f.fan <> f.author;

CREATE OR REPLACE TABLE amplification_clients AS
WITH posts AS (
    SELECT i.platform, i.account_id, count(*) AS posts
    FROM interactions AS i SEMI JOIN amp_clients AS c USING (platform, account_id)
    WHERE i.action IN ('post', 'quote', 'reply', 'comment')
    GROUP BY ALL
),
audience AS (SELECT cluster_id, platform, account_id, count(*) AS audience FROM amp_client_audience GROUP BY ALL)
SELECT c.*, coalesce(p.posts, 0) AS posts, coalesce(a.audience, 0) AS audience, CAST(NULL AS INTEGER) AS client_group
FROM amp_clients AS c
LEFT JOIN posts AS p USING (platform, account_id)
LEFT JOIN audience AS a USING (cluster_id, platform, account_id)
ORDER BY c.cluster_id, c.platform, c.account_id;

-- How related two clients of one cluster are: `shared` accounts in both audiences, and `overlap`, the share
-- of the smaller audience that the other shares (overlap coefficient; Jaccard would call a celebrity and her
-- bandmate unrelated only because the celebrity has the larger crowd). They are related when they share at
-- least $min_shared_audience accounts and more than $max_audience_overlap of the smaller audience. Clients
-- with fewer than $min_shared_audience outside accounts cannot be compared: all of them count as related
-- to each other (one group), never as unrelated customers. Client groups are the connected components of the
-- relation (grouped in Python, __init__.py).
CREATE OR REPLACE TEMP TABLE amp_client_pairs AS
WITH shared AS (
    SELECT x.cluster_id, x.platform, x.account_id AS a_account, y.account_id AS b_account, count(*) AS shared
    FROM amp_client_audience AS x JOIN amp_client_audience AS y
      ON y.cluster_id = x.cluster_id AND y.platform = x.platform AND y.fan = x.fan AND x.account_id < y.account_id
    GROUP BY ALL
),
pairs AS (
    SELECT a.cluster_id, a.platform AS a_platform, a.account_id AS a_account, b.platform AS b_platform, b.account_id AS b_account,
           a.audience AS a_audience, b.audience AS b_audience, coalesce(s.shared, 0) AS shared
    FROM amplification_clients AS a
    JOIN amplification_clients AS b ON b.cluster_id = a.cluster_id AND (a.platform, a.account_id) < (b.platform, b.account_id)
    LEFT JOIN shared AS s ON s.cluster_id = a.cluster_id AND s.platform = a.platform AND s.a_account = a.account_id
                         AND s.b_account = b.account_id AND a.platform = b.platform
)
SELECT *,
       CASE WHEN least(a_audience, b_audience) > 0 THEN shared / least(a_audience, b_audience) END AS overlap,
       (a_audience < $min_shared_audience AND b_audience < $min_shared_audience)
       OR (shared >= $min_shared_audience AND shared / least(a_audience, b_audience) > $max_audience_overlap) AS related
FROM pairs;
