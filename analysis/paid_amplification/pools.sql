-- Pools, their members' scores, the `paid_amplification` rows of account_signals and the pools' clients as
-- beneficiaries (definitions in __init__.py). Needs amplification_features, amplification_jobs,
-- amplification_clients (with client_group) and audience_pairs. Parameters: $min_client_groups,
-- $min_member_jobs, $min_member_clients, $fast_seconds, $min_events, $steady_dispersion, $regular_cv,
-- $narrow_hours, $amplifier_share, $min_batch.

-- Every amplification by a cluster's account of one of its clients' jobs: the pool at work.
CREATE OR REPLACE TABLE amplification_reactions AS
SELECT j.cluster_id, a.platform, a.account_id, a.event_id, a.action, a.ts, a.latency_s, j.post_id, j.posted_ts,
       j.author AS client, c.client_group
FROM amplification_jobs AS j
JOIN amplification_clients AS c ON c.cluster_id = j.cluster_id AND c.platform = j.platform AND c.account_id = j.author
JOIN amp_amplifications AS a ON a.platform = j.platform AND a.target_post_id = j.post_id
JOIN account_clusters AS k ON k.platform = a.platform AND k.account_id = a.account_id AND k.cluster_id = j.cluster_id
ORDER BY j.cluster_id, a.platform, a.account_id, a.ts, a.event_id;

CREATE OR REPLACE TEMP TABLE amp_pool_size AS
SELECT k.cluster_id, count(*) AS size,
       (SELECT count(*) FROM amplification_clients AS c WHERE c.cluster_id = k.cluster_id) AS clients,
       (SELECT count(DISTINCT client_group) FROM amplification_clients AS c WHERE c.cluster_id = k.cluster_id) AS client_groups,
       (SELECT sum(jobs) FROM amplification_clients AS c WHERE c.cluster_id = k.cluster_id) AS jobs
FROM account_clusters AS k GROUP BY k.cluster_id;

-- Each cluster account's part in its cluster's jobs, its traits and its score (see __init__.py: Score).
CREATE OR REPLACE TABLE amplification_members AS
WITH per_member AS (
    SELECT cluster_id, platform, account_id,
           count(DISTINCT post_id) AS jobs_joined, count(DISTINCT client_group) AS groups_served,
           count(DISTINCT client) AS clients_served, count(*) AS reactions, count(latency_s) AS latency_known,
           median(latency_s) AS median_latency_s,
           avg(CAST(latency_s <= $fast_seconds AS DOUBLE)) AS fast_share,
           quantile_cont(latency_s, [0.25, 0.75]) AS quartiles,
           min(ts) AS first_ts, max(ts) AS last_ts
    FROM amplification_reactions GROUP BY ALL
),
traits AS (
    SELECT m.*, s.jobs AS pool_jobs, s.client_groups AS pool_groups, s.size AS pool_size,
           CASE WHEN m.latency_known >= $min_events AND m.quartiles[2] + m.quartiles[1] > 0
                THEN (m.quartiles[2] - m.quartiles[1]) / (m.quartiles[2] + m.quartiles[1]) END AS job_latency_dispersion,
           f.amplification_share, f.cadence_cv, f.hour_entropy, f.created_at, f.created_same_hour, f.created_same_day,
           f.handle_digit_suffix, f.handle_prefix_mates, f.handle_edit_mates, f.default_profile, f.skewed_ratio,
           f.followers, f.following, f.handle
    FROM per_member AS m
    JOIN amp_pool_size AS s USING (cluster_id)
    LEFT JOIN amplification_features AS f USING (platform, account_id)
),
flags AS (
    SELECT *,
           amplification_share >= $amplifier_share AS t_amplifier,
           job_latency_dispersion <= $steady_dispersion AS t_steady,
           CASE WHEN cadence_cv IS NULL AND hour_entropy IS NULL THEN NULL
                ELSE coalesce(cadence_cv <= $regular_cv, false) OR coalesce(hour_entropy <= $narrow_hours, false) END AS t_rhythm,
           created_same_day + 1 >= $min_batch AS t_batch,
           CASE WHEN handle IS NULL THEN NULL
                ELSE coalesce(handle_digit_suffix, false) OR greatest(handle_prefix_mates, handle_edit_mates) >= 2 END AS t_handle,
           CASE WHEN default_profile IS NULL AND skewed_ratio IS NULL THEN NULL
                ELSE coalesce(default_profile, false) OR coalesce(skewed_ratio, false) END AS t_profile
    FROM traits
),
scored AS (
    SELECT *,
           jobs_joined / pool_jobs AS participation,
           groups_served / pool_groups AS breadth,
           list_filter([t_amplifier, t_steady, t_rhythm, t_batch, t_handle, t_profile], lambda t: t IS NOT NULL) AS known_traits
    FROM flags
)
SELECT cluster_id, platform, account_id, handle, jobs_joined, pool_jobs, groups_served, pool_groups, clients_served,
       reactions, latency_known, median_latency_s, fast_share, job_latency_dispersion, first_ts, last_ts,
       amplification_share, t_amplifier, t_steady, t_rhythm, t_batch, t_handle, t_profile,
       round(participation, 4) AS participation, round(breadth, 4) AS breadth,
       CASE WHEN len(known_traits) > 0 THEN round(len(list_filter(known_traits, lambda t: t)) / len(known_traits), 4) END AS trait_share,
       round(list_avg(list_filter([participation, breadth, fast_share,
                                   CASE WHEN len(known_traits) > 0 THEN len(list_filter(known_traits, lambda t: t)) / len(known_traits) END],
                                  lambda v: v IS NOT NULL)), 3) AS score,
       pool_groups >= $min_client_groups AND jobs_joined >= $min_member_jobs AND groups_served >= $min_member_clients AS flagged,
       -- the traits it shows, in words, for the evidence sentence
       list_filter([
           CASE WHEN t_amplifier THEN printf('%d%% of its activity is amplification', CAST(round(100 * amplification_share) AS INTEGER)) END,
           CASE WHEN t_steady THEN printf('a steady delay (quartile dispersion %.2f)', job_latency_dispersion) END,
           CASE WHEN t_rhythm THEN printf('a regular rhythm (inter-event CV %s, hour entropy %s)',
                                          coalesce(printf('%.2f', cadence_cv), 'unknown'), coalesce(printf('%.2f', hour_entropy), 'unknown')) END,
           CASE WHEN t_batch THEN printf('created on %s with %d other members', strftime(created_at, '%Y-%m-%d'), created_same_day) END,
           CASE WHEN t_handle AND handle_digit_suffix THEN 'a handle ending in a long run of digits'
                WHEN t_handle THEN printf('a handle shaped like those of %d other members', greatest(handle_prefix_mates, handle_edit_mates)) END,
           CASE WHEN t_profile AND default_profile THEN 'an empty or default profile'
                WHEN t_profile THEN printf('follows %d accounts with %d followers', following, followers) END
       ], lambda t: t IS NOT NULL) AS trait_words
FROM scored
ORDER BY cluster_id, platform, account_id;

-- One row per cluster that has clients: a for-hire pool when its clients form at least $min_client_groups
-- unrelated groups. Its score (0-1): the mean of its client diversity (1 - 1/groups), its members' median
-- participation in its jobs and the share of its job reactions within $fast_seconds.
CREATE OR REPLACE TABLE amplification_pools AS
WITH members AS (
    SELECT cluster_id, count(*) FILTER (WHERE flagged) AS flagged, median(participation) AS median_participation,
           min(first_ts) FILTER (WHERE flagged) AS first_ts, max(last_ts) FILTER (WHERE flagged) AS last_ts
    FROM amplification_members GROUP BY ALL
),
speed AS (
    SELECT cluster_id, count(latency_s) AS latency_known, avg(CAST(latency_s <= $fast_seconds AS DOUBLE)) AS fast_share,
           median(latency_s) AS median_latency_s
    FROM amplification_reactions GROUP BY ALL
),
overlap AS (
    -- the largest overlap between two clients the pool serves as unrelated
    SELECT p.cluster_id, max(p.overlap) AS max_overlap
    FROM audience_pairs AS p
    JOIN amplification_clients AS a ON a.cluster_id = p.cluster_id AND a.platform = p.a_platform AND a.account_id = p.a_account
    JOIN amplification_clients AS b ON b.cluster_id = p.cluster_id AND b.platform = p.b_platform AND b.account_id = p.b_account
    WHERE a.client_group <> b.client_group
    GROUP BY ALL
),
names AS (
    SELECT c.cluster_id,
           string_agg(coalesce('@' || a.handle, c.account_id), ', ' ORDER BY c.jobs DESC, c.account_id) AS client_names
    FROM amplification_clients AS c LEFT JOIN accounts AS a USING (platform, account_id)
    GROUP BY ALL
)
SELECT s.cluster_id, 'pool-' || s.cluster_id AS group_key, s.size, s.clients, s.client_groups, s.jobs,
       coalesce(m.flagged, 0) AS flagged_members, m.median_participation, p.fast_share, p.median_latency_s,
       o.max_overlap, n.client_names,
       s.client_groups >= $min_client_groups AS is_pool,
       round(((1 - 1 / s.client_groups) + coalesce(m.median_participation, 0) + coalesce(p.fast_share, 0)) / 3, 3) AS score,
       m.first_ts, m.last_ts,
       CASE WHEN s.client_groups >= $min_client_groups
            THEN format('Cluster {} ({} accounts) boosted {} posts of {} clients ({}) in {} unrelated groups (their audiences share at most {}% of the smaller one); {}% of its reactions came within {} s.',
                        s.cluster_id, s.size, s.jobs, s.clients, n.client_names, s.client_groups,
                        CAST(round(100 * coalesce(o.max_overlap, 0)) AS INTEGER),
                        CAST(round(100 * coalesce(p.fast_share, 0)) AS INTEGER), printf('%g', CAST($fast_seconds AS DOUBLE)))
            ELSE format('Cluster {} ({} accounts) boosted {} posts of {} client{} ({}) in {} group{} of related audiences (fewer than {}): amplification, but not of many unrelated clients, so not a for-hire pool.',
                        s.cluster_id, s.size, s.jobs, s.clients, CASE WHEN s.clients = 1 THEN '' ELSE 's' END, n.client_names,
                        s.client_groups, CASE WHEN s.client_groups = 1 THEN '' ELSE 's' END, $min_client_groups)
       END AS reason
FROM amp_pool_size AS s
LEFT JOIN members AS m USING (cluster_id)
LEFT JOIN speed AS p USING (cluster_id)
LEFT JOIN overlap AS o USING (cluster_id)
LEFT JOIN names AS n USING (cluster_id)
WHERE s.clients > 0
ORDER BY s.cluster_id;

DELETE FROM account_signals WHERE signal = 'paid_amplification';

INSERT INTO account_signals (signal, platform, account_id, group_key, score, evidence, first_ts, last_ts, events)
SELECT 'paid_amplification', m.platform, m.account_id, p.group_key, m.score,
       format('Amplified {} of the {} posts that pool {} ({} accounts) boosted for {} unrelated client groups ({}), serving {} of the groups; {} of its {} reactions with a known original came within {} s (median {} s){}.',
              m.jobs_joined, m.pool_jobs, p.cluster_id, p.size, p.client_groups, p.client_names, m.groups_served,
              CAST(round(coalesce(m.fast_share, 0) * m.latency_known) AS INTEGER), m.latency_known, printf('%g', CAST($fast_seconds AS DOUBLE)),
              coalesce(printf('%.1f', m.median_latency_s), 'unknown'),
              CASE WHEN len(m.trait_words) > 0 THEN '; ' || array_to_string(m.trait_words, '; ') ELSE '' END),
       m.first_ts, m.last_ts, m.reactions
FROM amplification_members AS m JOIN amplification_pools AS p USING (cluster_id)
WHERE m.flagged AND p.is_pool;

DELETE FROM signal_beneficiaries WHERE signal = 'paid_amplification';

INSERT INTO signal_beneficiaries (signal, group_key, platform, account_id, reason)
SELECT 'paid_amplification', p.group_key, c.platform, c.account_id,
       format('Boosted by pool {} ({} accounts): {} of its {} posts in the export, each amplified by {} of the pool''s accounts ({}% of everyone who amplified them), {} to {} UTC; {} accounts outside the pool amplified or replied to it. A client may be a customer or a victim of fake engagement: not flagged.',
              p.cluster_id, p.size, c.jobs, c.posts,
              CASE WHEN c.fewest_members = c.most_members THEN CAST(c.most_members AS VARCHAR) ELSE c.fewest_members || ' to ' || c.most_members END,
              CAST(round(100 * c.member_share) AS INTEGER),
              strftime(c.first_ts, '%Y-%m-%d'), strftime(c.last_ts, '%Y-%m-%d'), c.audience)
FROM amplification_clients AS c JOIN amplification_pools AS p USING (cluster_id)
WHERE p.is_pool;
