-- The matched action pairs behind the candidate edges: two actions on the same object by different
-- accounts with |t_a - t_b| <= the object's window (inclusive, to the microsecond). Only accounts that have
-- a candidate edge take part, and time is cut into buckets one window wide, so a post reposted 100,000
-- times over hours pairs only actions in the same or adjacent bucket, never every action with every other.
-- Accounts are ordered a < b by (platform, account_id).
CREATE OR REPLACE TEMP TABLE coaction_edge_nodes AS
SELECT beh_id, lo AS node_id FROM coaction_candidates
UNION
SELECT beh_id, hi FROM coaction_candidates;

CREATE OR REPLACE TEMP TABLE coaction_pair_ids AS
WITH acts AS (
    SELECT l.beh_id, l.obj_id, l.node_id, l.t_us, l.event_id, w.w_us, l.t_us // w.bucket_us AS bucket
    FROM coaction_live AS l SEMI JOIN coaction_edge_nodes USING (beh_id, node_id)
    JOIN coaction_windows AS w USING (obj_id)
),
matched AS (
    SELECT x.beh_id, x.obj_id, x.node_id AS lo, x.event_id AS lo_event, x.t_us AS lo_t,
           y.node_id AS hi, y.event_id AS hi_event, y.t_us AS hi_t
    FROM acts AS x JOIN acts AS y
      ON y.obj_id = x.obj_id AND y.bucket = x.bucket AND y.node_id > x.node_id
    WHERE abs(x.t_us - y.t_us) <= x.w_us
    UNION ALL
    SELECT x.beh_id, x.obj_id,
           CASE WHEN x.node_id < y.node_id THEN x.node_id ELSE y.node_id END,
           CASE WHEN x.node_id < y.node_id THEN x.event_id ELSE y.event_id END,
           CASE WHEN x.node_id < y.node_id THEN x.t_us ELSE y.t_us END,
           CASE WHEN x.node_id < y.node_id THEN y.node_id ELSE x.node_id END,
           CASE WHEN x.node_id < y.node_id THEN y.event_id ELSE x.event_id END,
           CASE WHEN x.node_id < y.node_id THEN y.t_us ELSE x.t_us END
    FROM acts AS x JOIN acts AS y
      ON y.obj_id = x.obj_id AND y.bucket = x.bucket + 1 AND y.node_id <> x.node_id
    WHERE y.t_us - x.t_us <= x.w_us
)
SELECT * FROM matched SEMI JOIN coaction_candidates USING (beh_id, lo, hi);

-- The same pairs with names, for evidence and statistics (a permanent table: the full evidence).
CREATE OR REPLACE TABLE coaction_pairs AS
SELECT b.behaviour, o.object_id,
       na.platform AS a_platform, na.account_id AS a_account, p.lo_event AS a_event, make_timestamp(p.lo_t) AS a_ts,
       nb.platform AS b_platform, nb.account_id AS b_account, p.hi_event AS b_event, make_timestamp(p.hi_t) AS b_ts,
       abs(p.lo_t - p.hi_t) / 1e6 AS dt_s
FROM coaction_pair_ids AS p
JOIN coaction_behaviours AS b USING (beh_id)
JOIN coaction_objects AS o USING (obj_id)
JOIN coaction_nodes AS na ON na.node_id = p.lo
JOIN coaction_nodes AS nb ON nb.node_id = p.hi;
