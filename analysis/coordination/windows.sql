-- The coordination window of every object that could pair (two or more accounts), in µs.
-- Fixed: $window_us for all. Automatic ($auto): in the spirit of CooRnet's estimated coordination interval,
-- the time by which the fastest $quantile of an object's actions (after its first) had happened, clamped to
-- [$min_us, $max_us]. Objects with fewer than $min_actions actions are too small to estimate from and get
-- the median estimate of their behaviour (or $max_us when no object of it is large enough). Only objects of
-- two or more accounts are estimated: the others pair with nothing (and ids.sql numbers few of them).
CREATE OR REPLACE TEMP TABLE coaction_windows AS
WITH per_object AS (
    -- per account first, then per object: twice as fast as count(DISTINCT node_id)
    SELECT beh_id, obj_id, sum(n) AS n_actions, min(t_first) AS t_first, count(*) AS n_nodes
    FROM (SELECT beh_id, obj_id, node_id, count(*) AS n, min(t_us) AS t_first FROM coaction_acts GROUP BY ALL)
    GROUP BY beh_id, obj_id
),
estimates AS (
    SELECT a.obj_id, quantile_cont(a.t_us - p.t_first, $quantile) AS since_first
    FROM coaction_acts AS a JOIN per_object AS p USING (obj_id)
    WHERE $auto AND p.n_nodes >= 2 AND p.n_actions >= $min_actions AND a.t_us > p.t_first
    GROUP BY a.obj_id
),
clamped AS (
    SELECT obj_id, CAST(least(greatest(since_first, $min_us), $max_us) AS BIGINT) AS w_us FROM estimates
),
fallback AS (
    SELECT p.beh_id, CAST(coalesce(median(c.w_us), $max_us) AS BIGINT) AS w_us
    FROM (SELECT DISTINCT beh_id FROM per_object) AS p
    LEFT JOIN per_object AS q ON q.beh_id = p.beh_id
    LEFT JOIN clamped AS c ON c.obj_id = q.obj_id
    GROUP BY p.beh_id
)
SELECT p.beh_id, p.obj_id, p.n_nodes, p.n_actions,
       CASE WHEN $auto THEN coalesce(c.w_us, f.w_us) ELSE $window_us END AS w_us,
       greatest(CASE WHEN $auto THEN coalesce(c.w_us, f.w_us) ELSE $window_us END, 1) AS bucket_us
FROM per_object AS p
LEFT JOIN clamped AS c USING (obj_id)
LEFT JOIN fallback AS f USING (beh_id)
WHERE p.n_nodes >= 2;
