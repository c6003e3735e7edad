-- One undirected multiplex graph over all behaviours: an edge where the two accounts have a kept co-action
-- edge of at least one behaviour. Kept: significant when the null model ran ($use_significance), else all.
-- weight: the co-actions beyond chance, summed over behaviours: sum(weight - expected_weight), or
-- sum(weight) when there is no null model. p_value: the smallest behaviour p-value times the number of
-- behaviours (Bonferroni across behaviours: they are not independent, so Fisher's method would overstate).
CREATE OR REPLACE TABLE coordination_graph AS
SELECT a_platform, a_account, b_platform, b_account,
       sum(CASE WHEN $use_significance THEN greatest(weight - expected_weight, 0) ELSE weight END) AS weight,
       list(behaviour ORDER BY behaviour) AS behaviours,
       count(*) AS n_behaviours,
       sum(weight) AS objects,
       sum(expected_weight) AS expected_objects,
       least(1.0, min(p_value) * count(*)) AS p_value,
       sum(matched_pairs) AS matched_pairs,
       min(first_ts) AS first_ts,
       max(last_ts) AS last_ts
FROM coaction_edges
WHERE NOT $use_significance OR significant
GROUP BY a_platform, a_account, b_platform, b_account
ORDER BY a_platform, a_account, b_platform, b_account;
