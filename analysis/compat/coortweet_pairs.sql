-- CooRTweet 2.1.3 detect_groups on coortweet_input(object_id, account_id, content_id, timestamp_share, rn),
-- rn = input row order. Parameters: $time_window (seconds), $bucket (max(time_window, tiny)),
-- $min_participation.
-- 1. accounts with fewer than $min_participation input rows are dropped (and rows regrouped by account);
-- 2. within an object, every two rows i < j (in that order) with |t_i - t_j| <= time_window pair, as
--    content_id = i, content_id_y = j, time_delta = t_i - t_j (window buckets find them without a
--    cartesian product);
-- 3. loops removed: object_id = content_id, object_id = content_id_y, same content or same account;
-- 4. an account qualifies when >= $min_participation of its input rows have a content id that appears in
--    the pairs; a pair is kept when either content id belongs to a qualifying account's rows;
-- 5. each pair is oriented older first (swapped where time_delta > 0) and time_delta made absolute.
-- CooRTweet's pre-filter (x[, if (.N >= min_participation) .SD, by = account_id]) also reorders the rows:
-- grouped by account in order of the account's first row, input order within. Pairs are numbered in that
-- order, which decides the orientation of pairs with equal times.
CREATE OR REPLACE TEMP TABLE coortweet_x AS
SELECT object_id, account_id, content_id, timestamp_share,
       row_number() OVER (ORDER BY first_rn, rn) AS rn,
       CAST(floor(timestamp_share / $bucket) AS BIGINT) AS bucket
FROM (
    SELECT *, min(rn) OVER (PARTITION BY account_id) AS first_rn, count(*) OVER (PARTITION BY account_id) AS n
    FROM coortweet_input
)
WHERE n >= $min_participation;

CREATE OR REPLACE TEMP TABLE coortweet_raw AS
WITH shifts AS (SELECT unnest([-1, 0, 1]) AS shift),
matched AS (
    -- one equi-join per neighbouring bucket: a hash join on (object, bucket), never a whole-object product
    SELECT x.object_id, x.content_id, y.content_id AS content_id_y, x.timestamp_share - y.timestamp_share AS time_delta,
           x.account_id, y.account_id AS account_id_y, x.rn, y.rn AS rn_y
    FROM (SELECT x.*, x.bucket + s.shift AS near_bucket FROM coortweet_x AS x, shifts AS s) AS x
    JOIN coortweet_x AS y ON y.object_id = x.object_id AND y.bucket = x.near_bucket
    WHERE y.rn > x.rn AND abs(x.timestamp_share - y.timestamp_share) <= $time_window
)
SELECT * FROM matched
WHERE object_id <> content_id AND object_id <> content_id_y
  AND content_id <> content_id_y AND account_id <> account_id_y;

CREATE OR REPLACE TEMP TABLE coortweet_pairs AS
WITH paired_contents AS (
    SELECT content_id FROM coortweet_raw UNION SELECT content_id_y FROM coortweet_raw
),
qualifying AS (
    SELECT account_id FROM coortweet_x SEMI JOIN paired_contents USING (content_id)
    GROUP BY account_id HAVING count(*) >= $min_participation
),
qualifying_contents AS (
    SELECT DISTINCT content_id FROM coortweet_x
    SEMI JOIN paired_contents USING (content_id) SEMI JOIN qualifying USING (account_id)
),
kept AS (
    SELECT * FROM coortweet_raw
    WHERE content_id IN (SELECT content_id FROM qualifying_contents)
       OR content_id_y IN (SELECT content_id FROM qualifying_contents)
)
SELECT object_id,
       CASE WHEN time_delta > 0 THEN content_id_y ELSE content_id END AS content_id,
       CASE WHEN time_delta > 0 THEN content_id ELSE content_id_y END AS content_id_y,
       abs(time_delta) AS time_delta,
       CASE WHEN time_delta > 0 THEN account_id_y ELSE account_id END AS account_id,
       CASE WHEN time_delta > 0 THEN account_id ELSE account_id_y END AS account_id_y
FROM kept
ORDER BY object_id, rn, rn_y;
