-- Edge weights without listing every pair on popular objects. Parameter: $min_weight (t below).
--
-- Compact rows: each (object, account, window bucket) collapsed to the account's first and last action in
-- that bucket. Two compact rows of different accounts on one object hold a pair within the window w exactly
-- when they are in the same bucket (a bucket is one window wide), or in adjacent buckets with the later
-- row's first action at most w after the earlier row's last (the closest two actions across the boundary).
--
-- Prefix filter (exact): objects are ordered by their cost, the compact-row pairs they can generate, costliest
-- last. An account's suffix is its t - 1 costliest objects, its prefix all the others. If two accounts match
-- on t or more objects, the first of those objects in that order is followed by t - 1 more of them in each
-- account's own list, so it lies in both prefixes: pairing prefix rows alone finds every pair that can reach
-- t. A viral post is then paired only among the few accounts that have t - 1 costlier objects still, not
-- among all its reposters. Each pair found is completed with its matches on the objects in either account's
-- suffix (at most 2(t - 1) lookups), and weight = prefix matches + suffix matches.
--
-- Runs (for the lookups): an account's actions on an object split where two consecutive ones are more than
-- 2w apart. Some action of a is within w of some action of b exactly when a run of a and a run of b are
-- within w of each other (inside a run every point is within w of an action), and a hyperactive account's
-- hundreds of reposts of one post make a handful of runs.

CREATE OR REPLACE TEMP TABLE coaction_compact AS
SELECT *, count(*) OVER (PARTITION BY obj_id, node_id) > 1 AS multi
FROM (
    SELECT l.beh_id, l.obj_id, l.node_id, w.w_us, l.t_us // w.bucket_us AS bucket,
           min(l.t_us) AS tmin, max(l.t_us) AS tmax
    FROM coaction_live AS l JOIN coaction_windows AS w USING (obj_id)
    GROUP BY ALL
);

-- Each object's cost, and whether its behaviour is split into prefix and suffix at all: a behaviour whose
-- objects together cost at most $max_full_cost is paired in full, since there the lookups, over accounts
-- with many runs each (a domain linked all month), cost more than the pairs they would save.
CREATE OR REPLACE TEMP TABLE coaction_costs AS
WITH per_bucket AS (
    SELECT beh_id, obj_id, bucket, count(*) AS n FROM coaction_compact GROUP BY ALL
),
cost AS (
    SELECT x.beh_id, x.obj_id, sum(x.n * (x.n + coalesce(y.n, 0))) AS cost
    FROM per_bucket AS x LEFT JOIN per_bucket AS y ON y.obj_id = x.obj_id AND y.bucket = x.bucket + 1
    GROUP BY x.beh_id, x.obj_id
)
SELECT *, sum(cost) OVER (PARTITION BY beh_id) > $max_full_cost AS split FROM cost;

-- key = obj_id * 2^32 + node_id identifies an (object, account) in one BIGINT (node ids are INTEGER). The
-- event id breaks ties in time, so that both window passes see the actions in the same order.
CREATE OR REPLACE TEMP TABLE coaction_runs AS
WITH gaps AS (
    SELECT l.beh_id, l.obj_id, l.node_id, l.t_us, l.event_id, w.w_us,
           coalesce(l.t_us - lag(l.t_us) OVER (PARTITION BY l.obj_id, l.node_id ORDER BY l.t_us, l.event_id) > 2 * w.w_us, true)
               AS starts
    FROM coaction_live AS l JOIN coaction_windows AS w USING (obj_id)
    SEMI JOIN (SELECT obj_id FROM coaction_costs WHERE split) USING (obj_id)
),
numbered AS (
    SELECT *, sum(CAST(starts AS INTEGER)) OVER (PARTITION BY obj_id, node_id ORDER BY t_us, event_id ROWS UNBOUNDED PRECEDING) AS run
    FROM gaps
)
SELECT beh_id, obj_id, node_id, obj_id * 4294967296 + node_id AS key, any_value(w_us) AS w_us,
       min(t_us) AS s, max(t_us) AS e
FROM numbered
GROUP BY beh_id, obj_id, node_id, run;

-- One row per (object, account) of a split behaviour: the span of its runs, how many, and whether the object
-- is in the account's suffix.
CREATE OR REPLACE TEMP TABLE coaction_reach AS
WITH spans AS (
    SELECT beh_id, obj_id, node_id, key, any_value(w_us) AS w_us, min(s) AS s, max(e) AS e, count(*) AS runs
    FROM coaction_runs GROUP BY beh_id, obj_id, node_id, key
)
SELECT p.*, p.beh_id * 4294967296 + p.node_id AS owner,
       row_number() OVER (PARTITION BY p.beh_id, p.node_id ORDER BY c.cost DESC, p.obj_id DESC) < $min_weight AS suffix
FROM spans AS p JOIN coaction_costs AS c USING (obj_id);

-- Pairs of accounts matched on objects in both their prefixes, with the number of such objects.
CREATE OR REPLACE TEMP TABLE coaction_prefix_pairs AS
WITH prefix AS (
    SELECT c.* FROM coaction_compact AS c
    ANTI JOIN (SELECT obj_id, node_id FROM coaction_reach WHERE suffix) AS r USING (obj_id, node_id)
),
matches AS MATERIALIZED (
    SELECT x.beh_id, x.obj_id, x.node_id AS lo, y.node_id AS hi, x.multi OR y.multi AS multi
    FROM prefix AS x JOIN prefix AS y
      ON y.obj_id = x.obj_id AND y.bucket = x.bucket AND y.node_id > x.node_id
    UNION ALL
    SELECT x.beh_id, x.obj_id, least(x.node_id, y.node_id), greatest(x.node_id, y.node_id), x.multi OR y.multi
    FROM prefix AS x JOIN prefix AS y
      ON y.obj_id = x.obj_id AND y.bucket = x.bucket + 1 AND y.node_id <> x.node_id
    WHERE y.tmin - x.tmax <= x.w_us
)
-- one row per matched object: a pair whose accounts have one compact row each there matches once at most
SELECT beh_id, lo, hi, count(*) AS prefix_weight
FROM (SELECT beh_id, lo, hi, obj_id FROM matches WHERE NOT multi
      UNION ALL
      SELECT DISTINCT beh_id, lo, hi, obj_id FROM matches WHERE multi)
GROUP BY beh_id, lo, hi;

-- Each pair's matches on suffix objects: the objects in the suffix of lo, and those in the suffix of hi that
-- are not in lo's (so each is looked at once), where the other account acts too and the spans come within w.
-- Where either account has several runs there, the runs decide: for each run of the account with fewer
-- runs, the last run of the other starting at most w after it ends (ASOF) is the only one that can be close
-- enough (runs are ordered and apart), so it is the one checked.
CREATE OR REPLACE TEMP TABLE coaction_suffix_matches AS
WITH suffix AS (
    SELECT * FROM coaction_reach WHERE suffix
),
near AS MATERIALIZED (
    SELECT p.beh_id, p.lo, p.hi, s.obj_id, s.w_us, s.runs > 1 OR o.runs > 1 AS multi,
           CASE WHEN s.runs <= o.runs THEN s.key ELSE o.key END AS few_key,
           CASE WHEN s.runs <= o.runs THEN o.key ELSE s.key END AS many_key
    FROM coaction_prefix_pairs AS p
    JOIN suffix AS s ON s.owner = p.beh_id * 4294967296 + p.lo
    JOIN coaction_reach AS o ON o.key = s.obj_id * 4294967296 + p.hi
    WHERE greatest(s.s, o.s) - least(s.e, o.e) <= s.w_us
    UNION ALL
    SELECT p.beh_id, p.lo, p.hi, s.obj_id, s.w_us, s.runs > 1 OR o.runs > 1,
           CASE WHEN s.runs <= o.runs THEN s.key ELSE o.key END,
           CASE WHEN s.runs <= o.runs THEN o.key ELSE s.key END
    FROM coaction_prefix_pairs AS p
    JOIN suffix AS s ON s.owner = p.beh_id * 4294967296 + p.hi
    JOIN coaction_reach AS o ON o.key = s.obj_id * 4294967296 + p.lo
    WHERE NOT o.suffix AND greatest(s.s, o.s) - least(s.e, o.e) <= s.w_us
),
few_runs AS MATERIALIZED (
    SELECT n.beh_id, n.lo, n.hi, n.obj_id, n.w_us, n.many_key, r.s, r.e
    FROM near AS n JOIN coaction_runs AS r ON r.key = n.few_key
    WHERE n.multi
)
SELECT beh_id, lo, hi, obj_id FROM near WHERE NOT multi
UNION ALL
SELECT DISTINCT f.beh_id, f.lo, f.hi, f.obj_id
FROM few_runs AS f ASOF JOIN coaction_runs AS m ON m.key = f.many_key AND m.s <= f.e + f.w_us
WHERE m.e >= f.s - f.w_us;

-- The edges: pairs whose prefix and suffix matches together reach $min_weight.
CREATE OR REPLACE TEMP TABLE coaction_candidates AS
WITH completed AS MATERIALIZED (
    SELECT p.beh_id, p.lo, p.hi, any_value(p.prefix_weight) + count(*) AS weight
    FROM coaction_suffix_matches AS m JOIN coaction_prefix_pairs AS p USING (beh_id, lo, hi)
    GROUP BY p.beh_id, p.lo, p.hi
)
SELECT * FROM completed WHERE weight >= $min_weight
UNION ALL
SELECT beh_id, lo, hi, prefix_weight FROM coaction_prefix_pairs ANTI JOIN completed USING (beh_id, lo, hi)
WHERE prefix_weight >= $min_weight;
