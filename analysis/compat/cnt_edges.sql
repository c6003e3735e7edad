-- CNT's directed edge weight for one behaviour: for source user u and target user v, the number of u's
-- messages that have at least one message of v with the same key within the window (inclusive:
-- CNT's "timestamp BETWEEN t - w AND t + w"); weight >= $min_edge_weight; self-loops dropped (CNT's
-- default export). Reads cnt_keys(key, user_id, message_id, t_us). Window buckets replace CNT's
-- per-message index scan: a match lies in the same or a neighbouring bucket. Parameter: $window_us.
--
-- Prefix filter (exact), so that a post reposted 100,000 times does not pair every reposter with every
-- other: a user's messages are ordered by cost (the most messages on any of their keys), and its suffix is
-- its $min_edge_weight - 1 costliest. An edge u -> v of weight >= $min_edge_weight has that many matched
-- messages of u, so at least one outside u's suffix: pairing the prefix messages with every message finds
-- every such (u, v). Each pair found then looks up its suffix messages against v's messages alone.
-- A user with fewer than $min_edge_weight messages has no edge out: its messages are only targets.
CREATE OR REPLACE TEMP TABLE cnt_result AS
WITH keyed AS (
    SELECT key, user_id, message_id, t_us, t_us // greatest($window_us, 1) AS bucket FROM cnt_keys
),
key_cost AS (
    SELECT key, count(*) AS cost FROM cnt_keys GROUP BY key
),
-- A user's suffix: its $min_edge_weight - 1 costliest messages (ties: the larger message id), a top-n aggregate per
-- user (sorting every user's messages in a window cost twice as much).
message_cost AS (
    SELECT user_id, message_id, max(c.cost) AS cost FROM cnt_keys JOIN key_cost AS c USING (key) GROUP BY user_id, message_id
),
suffixes AS (
    SELECT user_id, CASE WHEN $min_edge_weight > 1
                         THEN max_by(message_id, (cost, message_id), greatest($min_edge_weight - 1, 1)) ELSE [] END AS suffix_ids
    FROM message_cost GROUP BY user_id HAVING count(*) >= $min_edge_weight
),
sources AS (
    SELECT k.*, list_contains(s.suffix_ids, k.message_id) AS suffix FROM keyed AS k JOIN suffixes AS s USING (user_id)
),
prefix AS (
    SELECT * FROM sources WHERE NOT suffix
),
-- Each prefix message probes its own bucket and both neighbours in one join (three joins built the table thrice).
prefix_matches AS (
    SELECT x.user_id AS source, y.user_id AS target, x.message_id
    FROM (SELECT *, unnest([bucket - 1, bucket, bucket + 1]) AS near FROM prefix) AS x
    JOIN keyed AS y ON y.key = x.key AND y.bucket = x.near
    WHERE x.user_id <> y.user_id AND abs(x.t_us - y.t_us) <= $window_us
),
candidates AS MATERIALIZED (
    SELECT source, target, count(DISTINCT message_id) AS prefix_weight FROM prefix_matches GROUP BY source, target
),
suffix_weights AS (
    SELECT source, target, count(DISTINCT message_id) AS suffix_weight
    FROM (
        SELECT c.source, c.target, x.message_id
        FROM candidates AS c
        JOIN sources AS x ON x.user_id = c.source AND x.suffix
        JOIN keyed AS y ON y.key = x.key AND y.user_id = c.target
        WHERE y.bucket BETWEEN x.bucket - 1 AND x.bucket + 1 AND abs(x.t_us - y.t_us) <= $window_us
    )
    GROUP BY source, target
)
SELECT source, target, prefix_weight + coalesce(suffix_weight, 0) AS weight
FROM candidates LEFT JOIN suffix_weights USING (source, target)
WHERE prefix_weight + coalesce(suffix_weight, 0) >= $min_edge_weight
ORDER BY source, target;
