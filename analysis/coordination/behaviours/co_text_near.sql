-- co_text_near: posting near-duplicate texts. Normalised texts (as co_text) are clustered by MinHash-LSH over
-- character 5-grams with estimated Jaccard >= 0.8 (analysis.coordination.neardup); each cluster is one object,
-- 'near:' plus the cluster's earliest text, then the usual window pairing applies. Cross-platform, any script.
-- Reads the temp table coaction_text_near, which the co-action core fills first (prepare_near_duplicates).
SELECT 'near:' || cluster_text AS object_id, platform, account_id, event_id, ts FROM coaction_text_near
