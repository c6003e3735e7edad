-- CNT's directed edge weight for one behaviour: for source user u and target user v, the number of u's
-- messages that have at least one message of v with the same key within the window (inclusive:
-- CNT's "timestamp BETWEEN t - w AND t + w"); weight >= $min_edge_weight; self-loops dropped (CNT's
-- default export). Reads cnt_keys(key, user_id, message_id, t_us). Window buckets replace CNT's
-- per-message index scan: a match lies in the same or a neighbouring bucket. Parameter: $window_us.
CREATE OR REPLACE TEMP TABLE cnt_result AS
WITH keyed AS (
    SELECT key, user_id, message_id, t_us, t_us // greatest($window_us, 1) AS bucket FROM cnt_keys
),
close_pairs AS MATERIALIZED (
    -- each close pair of messages once: in one bucket, or x in the bucket before y's
    SELECT x.user_id AS x_user, x.message_id AS x_message, y.user_id AS y_user, y.message_id AS y_message
    FROM keyed AS x JOIN keyed AS y ON y.key = x.key AND y.bucket = x.bucket
    WHERE x.user_id < y.user_id AND abs(x.t_us - y.t_us) <= $window_us
    UNION ALL
    SELECT x.user_id, x.message_id, y.user_id, y.message_id
    FROM keyed AS x JOIN keyed AS y ON y.key = x.key AND y.bucket = x.bucket + 1
    WHERE x.user_id <> y.user_id AND y.t_us - x.t_us <= $window_us
),
matched AS (
    -- both directions: each message with each other user it has a match with, once
    SELECT DISTINCT source, target, message_id FROM (
        SELECT x_user AS source, y_user AS target, x_message AS message_id FROM close_pairs
        UNION ALL
        SELECT y_user, x_user, y_message FROM close_pairs
    )
)
SELECT source, target, count(*) AS weight
FROM matched
GROUP BY source, target
HAVING count(*) >= $min_edge_weight
ORDER BY source, target;
