-- The evidence of the edges. Kept edges are those that passed the null model when it ran (significant),
-- otherwise all. coaction_pairs holds every matched event pair of a kept edge; coaction_evidence the
-- $evidence_per_edge closest in time of each kept edge, and the single closest pair of every other edge, so
-- each edge still shows what it rests on. Closest: by gap, then the a-side time, object and event ids.
CREATE OR REPLACE TEMP TABLE coaction_kept AS
SELECT beh_id, lo, hi
FROM coaction_candidates LEFT JOIN significance_scores USING (beh_id, lo, hi)
WHERE significant IS NOT FALSE;

CREATE OR REPLACE TEMP TABLE coaction_kept_pairs AS
SELECT * FROM coaction_pair_ids SEMI JOIN coaction_kept USING (beh_id, lo, hi);

CREATE OR REPLACE TEMP TABLE coaction_pairs AS
SELECT b.behaviour, o.object_id,
       na.platform AS a_platform, na.account_id AS a_account, p.lo_event AS a_event, make_timestamp(p.lo_t) AS a_ts,
       nb.platform AS b_platform, nb.account_id AS b_account, p.hi_event AS b_event, make_timestamp(p.hi_t) AS b_ts,
       abs(p.lo_t - p.hi_t) / 1e6 AS dt_s
FROM coaction_kept_pairs AS p
JOIN coaction_behaviours AS b USING (beh_id)
JOIN coaction_objects AS o USING (obj_id)
JOIN coaction_nodes AS na ON na.node_id = p.lo
JOIN coaction_nodes AS nb ON nb.node_id = p.hi;

CREATE OR REPLACE TEMP TABLE coaction_evidence AS
WITH shortlist_kept AS (
    -- by gap and a-side time only, ties kept in: the order by names below makes the final cut
    SELECT beh_id, obj_id, lo, lo_event, lo_t, hi, hi_event, hi_t, $evidence_per_edge AS cap
    FROM coaction_kept_pairs
    QUALIFY rank() OVER (PARTITION BY beh_id, lo, hi ORDER BY abs(lo_t - hi_t), lo_t) <= $evidence_per_edge
),
closest_other AS (
    SELECT beh_id, lo, hi, min(abs(lo_t - hi_t)) AS dt
    FROM coaction_pair_ids ANTI JOIN coaction_kept USING (beh_id, lo, hi)
    WHERE $evidence_per_edge > 0
    GROUP BY beh_id, lo, hi
),
shortlist_other AS (
    -- the pairs at the smallest gap, ties kept in as above
    SELECT p.beh_id, p.obj_id, p.lo, p.lo_event, p.lo_t, p.hi, p.hi_event, p.hi_t, 1 AS cap
    FROM coaction_pair_ids AS p JOIN closest_other AS f USING (beh_id, lo, hi)
    WHERE abs(p.lo_t - p.hi_t) = f.dt
),
named AS (
    -- (beh_id, lo, hi) identifies the edge as its names do, and is cheaper to partition by
    SELECT s.beh_id, s.lo, s.hi, b.behaviour, na.platform AS a_platform, na.account_id AS a_account,
           nb.platform AS b_platform, nb.account_id AS b_account, o.object_id,
           s.lo_event AS a_event, make_timestamp(s.lo_t) AS a_ts, s.hi_event AS b_event, make_timestamp(s.hi_t) AS b_ts,
           abs(s.lo_t - s.hi_t) / 1e6 AS dt_s, s.cap
    FROM (SELECT * FROM shortlist_kept UNION ALL SELECT * FROM shortlist_other) AS s
    JOIN coaction_behaviours AS b USING (beh_id)
    JOIN coaction_objects AS o USING (obj_id)
    JOIN coaction_nodes AS na ON na.node_id = s.lo
    JOIN coaction_nodes AS nb ON nb.node_id = s.hi
)
SELECT behaviour, a_platform, a_account, b_platform, b_account, object_id, a_event, a_ts, b_event, b_ts, dt_s
FROM named
QUALIFY row_number() OVER (PARTITION BY beh_id, lo, hi ORDER BY dt_s, a_ts, object_id, a_event, b_event) <= cap
ORDER BY behaviour, a_platform, a_account, b_platform, b_account, dt_s, a_ts;
