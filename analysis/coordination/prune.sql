-- Exact pruning before pairing. An account pair needs >= $min_weight distinct shared objects, so an account
-- acting on fewer distinct objects (of one behaviour) can have no edge, and an object acted on by fewer than
-- two of the remaining accounts can give no pair. Run until nothing changes (usually two rounds).
-- Reads and rewrites coaction_live(beh_id, obj_id, node_id, t_us, event_id).
CREATE OR REPLACE TEMP TABLE coaction_live_next AS
WITH nodes AS (
    SELECT beh_id, node_id FROM coaction_live GROUP BY beh_id, node_id HAVING count(DISTINCT obj_id) >= $min_weight
),
kept AS (
    SELECT * FROM coaction_live SEMI JOIN nodes USING (beh_id, node_id)
),
objects AS (
    SELECT obj_id FROM kept GROUP BY obj_id HAVING count(DISTINCT node_id) >= 2
)
SELECT * FROM kept SEMI JOIN objects USING (obj_id);
