-- Thresholded co-action edges, one per (behaviour, account pair): weight = distinct objects both accounts
-- acted on within the window of each other (counted in candidates.sql, every candidate reaches $min_weight),
-- and the timing of all their matched pairs. Read from the id-level pairs (coaction_pair_ids), so every edge
-- gets its figures whether or not its evidence is written out; the null model's from significance_scores
-- (empty when it did not run).
CREATE OR REPLACE TEMP TABLE coaction_edges AS
WITH timing AS (
    SELECT beh_id, lo, hi,
           count(*) AS matched_pairs,
           median(abs(lo_t - hi_t) / 1e6) AS median_dt_s,
           avg(CAST(abs(lo_t - hi_t) / 1e6 <= 10 AS DOUBLE)) AS share_within_10s,
           min(least(lo_t, hi_t)) AS first_us,
           max(greatest(lo_t, hi_t)) AS last_us
    FROM coaction_pair_ids
    GROUP BY beh_id, lo, hi
),
stats AS (
    SELECT * FROM timing JOIN coaction_candidates USING (beh_id, lo, hi)
    LEFT JOIN significance_scores USING (beh_id, lo, hi)
)
SELECT b.behaviour, na.platform AS a_platform, na.account_id AS a_account,
       nb.platform AS b_platform, nb.account_id AS b_account,
       s.weight, s.matched_pairs, s.median_dt_s, s.share_within_10s,
       make_timestamp(s.first_us) AS first_ts,
       make_timestamp(s.last_us) AS last_ts,
       s.expected_weight, s.p_value, s.q_value, s.significant
FROM stats AS s
JOIN coaction_behaviours AS b USING (beh_id)
JOIN coaction_nodes AS na ON na.node_id = s.lo
JOIN coaction_nodes AS nb ON nb.node_id = s.hi
ORDER BY b.behaviour, a_platform, a_account, b_platform, b_account;

-- Per account and behaviour: how many of its actions were matched by an account it has an edge with, and
-- the range of the windows of the objects they were matched on (one value unless windows are per object).
CREATE OR REPLACE TEMP TABLE coaction_accounts AS
WITH matched AS (
    SELECT beh_id, lo AS node_id, lo_event AS event_id, obj_id FROM coaction_pair_ids
    UNION
    SELECT beh_id, hi, hi_event, obj_id FROM coaction_pair_ids
),
flagged AS (
    SELECT m.beh_id, m.node_id, count(*) AS matched_actions,
           min(w.w_us) / 1e6 AS min_window_s, max(w.w_us) / 1e6 AS max_window_s
    FROM matched AS m JOIN coaction_windows AS w USING (obj_id)
    GROUP BY ALL
),
totals AS (
    -- all of the account's actions in the behaviour (there is one: coaction_behaviours), paired or not
    SELECT f.beh_id, f.node_id, count(DISTINCT a.event_id) AS actions
    FROM coaction_actions AS a JOIN flagged AS f USING (node_id)
    GROUP BY ALL
)
SELECT b.behaviour, n.platform, n.account_id, t.actions, f.matched_actions, f.min_window_s, f.max_window_s
FROM totals AS t
JOIN flagged AS f USING (beh_id, node_id)
JOIN coaction_behaviours AS b USING (beh_id)
JOIN coaction_nodes AS n USING (node_id)
ORDER BY b.behaviour, n.platform, n.account_id;

-- The windows the behaviour ran with, over the objects two or more accounts acted on: the fixed window, or
-- the range of the per-object estimates ($auto). The report's methods text states these, not a parameter.
CREATE OR REPLACE TEMP TABLE coaction_windows_used AS
SELECT b.behaviour, $auto AS auto, count(*) AS objects, min(w.w_us) / 1e6 AS min_window_s,
       median(w.w_us) / 1e6 AS median_window_s, max(w.w_us) / 1e6 AS max_window_s
FROM coaction_windows AS w JOIN coaction_behaviours AS b USING (beh_id)
GROUP BY b.behaviour;
