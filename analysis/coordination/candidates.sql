-- Edge weights without materialising pairs. Each (object, account, window bucket) is collapsed to the
-- account's first and last action time in that bucket. This is exact for "some action of a is within w of
-- some action of b": two actions in one bucket (one window wide) are always within w, and between adjacent
-- buckets the closest two are a's last in the earlier bucket and b's first in the later one. A pair of
-- accounts with several buckets on one object can match more than once, so for those (multi) the object is
-- counted distinctly; otherwise every match is a new object. Parameter: $min_weight.
CREATE OR REPLACE TEMP TABLE coaction_compact AS
SELECT beh_id, obj_id, node_id, bucket, tmin, tmax, w_us,
       count(*) OVER (PARTITION BY obj_id, node_id) > 1 AS multi
FROM (
    SELECT l.beh_id, l.obj_id, l.node_id, w.w_us, l.t_us // w.bucket_us AS bucket,
           min(l.t_us) AS tmin, max(l.t_us) AS tmax
    FROM coaction_live AS l JOIN coaction_windows AS w USING (obj_id)
    GROUP BY ALL
);

CREATE OR REPLACE TEMP TABLE coaction_candidates AS
WITH matches AS (
    SELECT x.beh_id, x.obj_id, x.node_id AS lo, y.node_id AS hi, x.multi OR y.multi AS multi
    FROM coaction_compact AS x JOIN coaction_compact AS y
      ON y.obj_id = x.obj_id AND y.bucket = x.bucket AND y.node_id > x.node_id
    UNION ALL
    SELECT x.beh_id, x.obj_id, least(x.node_id, y.node_id), greatest(x.node_id, y.node_id), x.multi OR y.multi
    FROM coaction_compact AS x JOIN coaction_compact AS y
      ON y.obj_id = x.obj_id AND y.bucket = x.bucket + 1 AND y.node_id <> x.node_id
    WHERE y.tmin - x.tmax <= x.w_us
)
SELECT beh_id, lo, hi,
       count(*) FILTER (WHERE NOT multi) + count(DISTINCT obj_id) FILTER (WHERE multi) AS weight
FROM matches
GROUP BY beh_id, lo, hi
HAVING count(*) FILTER (WHERE NOT multi) + count(DISTINCT obj_id) FILTER (WHERE multi) >= $min_weight;
