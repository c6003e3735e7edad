-- CNT's directed edge weight for one behaviour: for source user u and target user v, the number of u's
-- messages that have at least one message of v with the same key within the window (inclusive:
-- CNT's "timestamp BETWEEN t - w AND t + w"); weight >= $min_edge_weight; self-loops dropped (CNT's
-- default export). Reads cnt_keys(key, user_id, message_id, t_us). Window buckets replace CNT's
-- per-message index scan: a match lies in the same or a neighbouring bucket. Parameter: $window_us.
CREATE OR REPLACE TEMP TABLE cnt_result AS
WITH keyed AS (
    SELECT key, user_id, message_id, t_us, t_us // greatest($window_us, 1) AS bucket FROM cnt_keys
),
sources AS (
    -- a user with fewer than $min_edge_weight messages has no edge out: such messages are only targets
    -- (on a post reposted 100,000 times most reposters are such users)
    SELECT * FROM keyed
    WHERE user_id IN (SELECT user_id FROM cnt_keys GROUP BY user_id HAVING count(DISTINCT message_id) >= $min_edge_weight)
),
matches AS (
    SELECT x.user_id AS source, y.user_id AS target, x.message_id
    FROM sources AS x JOIN keyed AS y ON y.key = x.key AND y.bucket = x.bucket
    WHERE x.user_id <> y.user_id AND abs(x.t_us - y.t_us) <= $window_us
    UNION ALL
    SELECT x.user_id, y.user_id, x.message_id
    FROM sources AS x JOIN keyed AS y ON y.key = x.key AND y.bucket = x.bucket + 1
    WHERE x.user_id <> y.user_id AND abs(x.t_us - y.t_us) <= $window_us
    UNION ALL
    SELECT x.user_id, y.user_id, x.message_id
    FROM sources AS x JOIN keyed AS y ON y.key = x.key AND y.bucket = x.bucket - 1
    WHERE x.user_id <> y.user_id AND abs(x.t_us - y.t_us) <= $window_us
)
SELECT source, target, count(DISTINCT message_id) AS weight
FROM matches
GROUP BY source, target
HAVING count(DISTINCT message_id) >= $min_edge_weight
ORDER BY source, target;
