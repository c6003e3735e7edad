-- Co-action pairs: two actions by different accounts on the same object with |t_a - t_b| <= window
-- (inclusive). Time is cut into buckets one window wide, so any such pair lies in the same or adjacent
-- buckets: joining on (object, bucket) and (object, bucket + 1) pairs only actions inside the window,
-- never every action on a popular object with every other. Accounts are ordered (a < b) by node key.
-- Parameters: $window_us, $bucket_us (= max(window, 1 µs)); times are compared to the microsecond.
CREATE OR REPLACE TEMP TABLE coaction_pairs AS
WITH acts AS (
    SELECT behaviour, object_id, platform, account_id, event_id, ts,
           platform || chr(31) || account_id AS node,
           epoch_us(ts) AS t_us,
           CAST(floor(epoch_us(ts) / $bucket_us) AS BIGINT) AS bucket
    FROM coaction_actions
),
matched AS (
        SELECT struct_pack(node := x.node, platform := x.platform, account_id := x.account_id, event_id := x.event_id, ts := x.ts, t_us := x.t_us) AS x,
               struct_pack(node := y.node, platform := y.platform, account_id := y.account_id, event_id := y.event_id, ts := y.ts, t_us := y.t_us) AS y,
               x.behaviour, x.object_id
        FROM acts AS x JOIN acts AS y
          ON x.behaviour = y.behaviour AND x.object_id = y.object_id AND y.bucket = x.bucket
        WHERE x.node < y.node AND abs(x.t_us - y.t_us) <= $window_us
        UNION ALL
        SELECT struct_pack(node := x.node, platform := x.platform, account_id := x.account_id, event_id := x.event_id, ts := x.ts, t_us := x.t_us),
               struct_pack(node := y.node, platform := y.platform, account_id := y.account_id, event_id := y.event_id, ts := y.ts, t_us := y.t_us),
               x.behaviour, x.object_id
        FROM acts AS x JOIN acts AS y
          ON x.behaviour = y.behaviour AND x.object_id = y.object_id AND y.bucket = x.bucket + 1
        WHERE x.node <> y.node AND abs(x.t_us - y.t_us) <= $window_us
),
oriented AS (
    SELECT behaviour, object_id,
           CASE WHEN x.node < y.node THEN x ELSE y END AS a,
           CASE WHEN x.node < y.node THEN y ELSE x END AS b
    FROM matched
)
SELECT behaviour, object_id,
       a.platform AS a_platform, a.account_id AS a_account, a.event_id AS a_event, a.ts AS a_ts,
       b.platform AS b_platform, b.account_id AS b_account, b.event_id AS b_event, b.ts AS b_ts,
       abs(a.t_us - b.t_us) / 1e6 AS dt_s
FROM oriented;
