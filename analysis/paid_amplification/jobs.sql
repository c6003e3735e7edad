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

-- A client: an author with at least $min_client_jobs jobs for the cluster; `posts` is how many posts it
-- published in the export. Its audience, and how related two clients are, come from audiences.py
-- (audience_members, audience_pairs), filled between this script and clients.sql.
CREATE OR REPLACE TEMP TABLE amp_clients AS
SELECT cluster_id, platform, author AS account_id, count(*) AS jobs, sum(members) AS reactions,
       min(coalesce(posted_ts, first_ts)) AS first_ts, max(last_ts) AS last_ts,
       min(members) AS fewest_members, max(members) AS most_members,
       round(sum(members) / sum(amplifiers), 4) AS member_share
FROM amplification_jobs GROUP BY ALL HAVING count(*) >= $min_client_jobs;

CREATE OR REPLACE TEMP TABLE audience_authors AS SELECT cluster_id, platform, account_id FROM amp_clients;
