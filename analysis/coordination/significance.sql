-- Null model for co-action edges (see significance.py). Parameters: $seed, $objects_per_class, $prior_pairs.
-- 1. Every object that can pair gets a size class: floor(log2(distinct accounts on it)), per behaviour.
-- 2. A seeded sample of up to $objects_per_class objects per class measures each object's coincidence rate:
--    the share of its action pairs by different accounts that lie within the object's window.
--    Objects where more than half the accounts co-act within the window with a candidate-edge partner
--    (the pairs under test) are left out: a campaign's own URLs would otherwise teach the model that
--    bursts of exactly those accounts are normal for that size.
--    On an object with more than $actions_per_object actions the share is measured on a seeded sample of
--    about that many of them (every pair is kept with the same chance, so the share is the same in
--    expectation): a post reposted 250,000 times would otherwise cost more than all the rest.
-- 3. The class rate is the median of those rates for objects of 8 or more accounts (robust to what is left
--    of campaigns), and the mean for smaller objects, whose rates take only a few values.
-- 4. $prior_pairs pseudo-objects at the uniform background rate (2w / observed time span) keep a class
--    with few sampled objects from a rate of exactly 0 or 1; a class with none uses that rate.
-- Time span of each behaviour's actions, for the uniform background rate 2w / span (both statements below).
CREATE OR REPLACE TEMP TABLE significance_spans AS
SELECT b.beh_id, greatest(max(a.t_us) - min(a.t_us), 1) AS span_us
FROM coaction_actions AS a CROSS JOIN coaction_behaviours AS b
GROUP BY b.beh_id;

CREATE OR REPLACE TEMP TABLE significance_classes AS
WITH engaged AS (
    SELECT obj_id, count(*) AS accounts  -- (UNION, not UNION ALL: each account once)
    FROM (SELECT obj_id, lo AS node_id FROM coaction_pair_ids UNION SELECT obj_id, hi FROM coaction_pair_ids)
    GROUP BY obj_id
),
classed AS (
    SELECT w.beh_id, w.obj_id, w.w_us, w.n_actions, CAST(floor(log2(w.n_nodes)) AS INTEGER) AS size_class
    FROM coaction_windows AS w LEFT JOIN engaged AS g USING (obj_id)
    WHERE coalesce(g.accounts, 0) * 2 <= w.n_nodes
),
sample AS (
    -- seeded by a hash of the object itself, not of its id (ids are numbered in no fixed order)
    SELECT * FROM (
        SELECT c.*, row_number() OVER (PARTITION BY c.beh_id, c.size_class
                                       ORDER BY hash(o.obj_hash, $seed), o.object_id) AS nth
        FROM classed AS c JOIN coaction_objects AS o USING (obj_id)
    ) WHERE nth <= $objects_per_class
),
acts AS (
    SELECT a.obj_id, a.node_id, a.t_us, s.w_us FROM coaction_acts AS a JOIN sample AS s USING (obj_id)
    WHERE s.n_actions <= $actions_per_object OR hash(a.event_id, $seed) % s.n_actions < $actions_per_object
),
per_node AS (
    SELECT obj_id, node_id, count(*) AS k FROM acts GROUP BY obj_id, node_id
),
near_all AS (
    -- actions within the window of each action (itself included)
    SELECT obj_id, sum(n) AS n FROM (
        SELECT obj_id, count(*) OVER (PARTITION BY obj_id ORDER BY t_us RANGE BETWEEN w_us PRECEDING AND w_us FOLLOWING) AS n
        FROM acts
    ) GROUP BY obj_id
),
near_own AS (
    -- of those, the acting account's own: just itself for an account with one action on the object, so the
    -- window runs over the others only
    SELECT obj_id, sum(n) AS n FROM (
        SELECT obj_id, count(*) OVER (PARTITION BY obj_id, node_id ORDER BY t_us RANGE BETWEEN w_us PRECEDING AND w_us FOLLOWING) AS n
        FROM acts SEMI JOIN (SELECT obj_id, node_id FROM per_node WHERE k > 1) USING (obj_id, node_id)
        UNION ALL
        SELECT obj_id, 1 FROM per_node WHERE k = 1
    ) GROUP BY obj_id
),
rates AS (
    -- close pairs of different accounts over all pairs of different accounts
    SELECT obj_id, ((a.n - o.n) / 2) / ((k.k1 * k.k1 - k.k2) / 2) AS rate
    FROM near_all AS a JOIN near_own AS o USING (obj_id)
    JOIN (SELECT obj_id, sum(k) AS k1, sum(k * k) AS k2 FROM per_node GROUP BY obj_id) AS k USING (obj_id)
),
per_class AS (
    SELECT s.beh_id, s.size_class, count(*) AS sampled,
           least(1.0, (2 * avg(s.w_us) + 1) / any_value(p.span_us)) AS p0,
           CASE WHEN s.size_class >= 3 THEN median(r.rate) ELSE avg(r.rate ORDER BY s.nth) END AS typical_rate
    FROM sample AS s JOIN rates AS r USING (obj_id) JOIN significance_spans AS p USING (beh_id)
    GROUP BY s.beh_id, s.size_class
)
SELECT beh_id, size_class, sampled, p0, typical_rate,
       (sampled * typical_rate + $prior_pairs * p0) / (sampled + $prior_pairs) AS rate
FROM per_class;

-- Expected weight of each candidate edge: over the objects both accounts acted on at all (at any time), the
-- chance that at least one of their k_a * k_b action pairs falls within the window by chance. Summed in fixed
-- point (2^-52 units) so that the total does not depend on the order parallel threads add the terms in.
CREATE OR REPLACE TEMP TABLE significance_expected AS
WITH object_rate AS (
    SELECT w.obj_id, coalesce(c.rate, least(1.0, (2 * w.w_us + 1) / p.span_us)) AS rate
    FROM coaction_windows AS w
    JOIN significance_spans AS p USING (beh_id)
    LEFT JOIN significance_classes AS c
      ON c.beh_id = w.beh_id AND c.size_class = CAST(floor(log2(w.n_nodes)) AS INTEGER)
),
k AS MATERIALIZED (
    SELECT beh_id, obj_id, node_id, count(*) AS k
    FROM coaction_acts SEMI JOIN coaction_edge_nodes USING (beh_id, node_id)
    GROUP BY ALL
),
shared AS MATERIALIZED (
    -- objects that two or more accounts with an edge acted on: no other object adds to an edge
    SELECT k.beh_id, k.obj_id, k.node_id, k.k, r.rate,
           k.beh_id * 4294967296 + k.node_id AS owner, k.obj_id * 4294967296 + k.node_id AS key
    FROM k JOIN object_rate AS r USING (obj_id)
    WHERE k.obj_id IN (SELECT obj_id FROM k GROUP BY obj_id HAVING count(*) >= 2)
),
degree AS (
    SELECT beh_id, node_id, count(*) AS objects FROM shared GROUP BY ALL
),
oriented AS (
    -- walk the objects of the less active account and look each up for the other: the join then costs
    -- the sum over edges of the smaller activity, not of the first account's (hyperactive accounts)
    SELECT e.beh_id, e.lo, e.hi, e.weight,
           CASE WHEN dl.objects <= dh.objects THEN e.lo ELSE e.hi END AS small,
           CASE WHEN dl.objects <= dh.objects THEN e.hi ELSE e.lo END AS large
    FROM coaction_candidates AS e
    JOIN degree AS dl ON dl.beh_id = e.beh_id AND dl.node_id = e.lo
    JOIN degree AS dh ON dh.beh_id = e.beh_id AND dh.node_id = e.hi
),
terms AS (
    -- owner and key pack (behaviour, account) and (object, account) into one BIGINT (ids are INTEGER). Most
    -- accounts act once on an object, and then the chance is the rate itself (no pow to compute)
    SELECT e.beh_id, e.lo, e.hi, e.weight,
           CASE WHEN s.k * l.k = 1 THEN s.rate ELSE 1 - pow(1 - s.rate, s.k * l.k) END AS p
    FROM oriented AS e
    JOIN shared AS s ON s.owner = e.beh_id * 4294967296 + e.small
    JOIN shared AS l ON l.key = s.obj_id * 4294967296 + e.large
)
SELECT beh_id, lo, hi, weight,
       CAST(sum(CAST(p * 4503599627370496 AS BIGINT)) AS DOUBLE) / 4503599627370496 AS expected_weight,
       count(*) AS shared_objects
FROM terms
GROUP BY beh_id, lo, hi, weight;
