-- Thresholded co-action edges, one per (behaviour, account pair): weight = distinct objects both accounts
-- acted on within the window of each other. Parameter: $min_weight.
CREATE OR REPLACE TABLE coaction_edges AS
SELECT behaviour, a_platform, a_account, b_platform, b_account,
       count(DISTINCT object_id) AS weight,
       count(*) AS matched_pairs,
       median(dt_s) AS median_dt_s,
       avg(CAST(dt_s <= 10 AS DOUBLE)) AS share_within_10s,
       min(least(a_ts, b_ts)) AS first_ts,
       max(greatest(a_ts, b_ts)) AS last_ts,
       CAST(NULL AS DOUBLE) AS expected_weight,
       CAST(NULL AS DOUBLE) AS p_value,
       CAST(NULL AS DOUBLE) AS q_value,
       CAST(NULL AS BOOLEAN) AS significant
FROM coaction_pairs
GROUP BY behaviour, a_platform, a_account, b_platform, b_account
HAVING count(DISTINCT object_id) >= $min_weight
ORDER BY behaviour, a_platform, a_account, b_platform, b_account;

-- The matched event pairs behind each edge, closest in time first, at most $evidence_per_edge per edge.
CREATE OR REPLACE TABLE coaction_evidence AS
SELECT behaviour, a_platform, a_account, b_platform, b_account, object_id, a_event, a_ts, b_event, b_ts, dt_s
FROM (
    SELECT p.*, row_number() OVER (
               PARTITION BY p.behaviour, p.a_platform, p.a_account, p.b_platform, p.b_account
               ORDER BY p.dt_s, p.a_ts, p.object_id, p.a_event, p.b_event) AS nth
    FROM coaction_pairs AS p
    SEMI JOIN coaction_edges AS e USING (behaviour, a_platform, a_account, b_platform, b_account)
)
WHERE nth <= $evidence_per_edge
ORDER BY behaviour, a_platform, a_account, b_platform, b_account, dt_s, a_ts;

-- Per account and behaviour: how many of its actions were matched by an account it has an edge with.
CREATE OR REPLACE TABLE coaction_accounts AS
WITH matched AS (
    SELECT behaviour, a_platform AS platform, a_account AS account_id, a_event AS event_id FROM coaction_pairs
    UNION
    SELECT behaviour, b_platform, b_account, b_event FROM coaction_pairs
),
flagged AS (
    SELECT behaviour, platform, account_id, count(*) AS matched_actions FROM matched GROUP BY ALL
),
totals AS (
    SELECT behaviour, platform, account_id, count(DISTINCT event_id) AS actions
    FROM coaction_actions SEMI JOIN flagged USING (behaviour, platform, account_id)
    GROUP BY ALL
)
SELECT behaviour, platform, account_id, actions, matched_actions
FROM totals JOIN flagged USING (behaviour, platform, account_id)
ORDER BY behaviour, platform, account_id;
