-- Integer object ids for the pairing, as nodes.sql numbers the accounts, for the objects that two or more
-- accounts acted on; only those can pair, and most texts and links are posted once. Found by their key (an
-- integer, fast to group): a key's group holds every action on its objects, so no object of two accounts is
-- missed, and a hash collision can only let in an object that then gets no window (windows.sql). Ids are
-- numbered in no particular order (sorting long texts would cost more than it is worth); obj_hash is what the
-- null model samples objects by, the same in every run. key_unique: no other object has this key.
CREATE OR REPLACE TEMP TABLE coaction_objects AS
WITH shared_keys AS (
    SELECT obj_key FROM coaction_actions GROUP BY obj_key HAVING min(node_id) < max(node_id)
)
SELECT row_number() OVER () AS obj_id, obj_key, object_id, hash(b.behaviour, object_id) AS obj_hash,
       count(*) OVER (PARTITION BY obj_key) = 1 AS key_unique
FROM (SELECT DISTINCT obj_key, object_id FROM coaction_actions SEMI JOIN shared_keys USING (obj_key))
CROSS JOIN coaction_behaviours AS b;

-- One row per action on those objects: behaviour number, object, node, time in µs, and the event. Joined on
-- the key; the object ids are compared only where two objects share it.
CREATE OR REPLACE TEMP TABLE coaction_acts AS
SELECT b.beh_id, o.obj_id, a.node_id, a.t_us, a.event_id
FROM coaction_actions AS a
JOIN coaction_objects AS o ON o.obj_key = a.obj_key AND (o.key_unique OR o.object_id = a.object_id)
CROSS JOIN coaction_behaviours AS b;

-- The object ids are in coaction_objects and coaction_acts now. Every action stays, those on an object of one
-- account too (never paired): they count among the account's actions (coaction_accounts in edges.sql) and in
-- the behaviour's time span (significance.sql).
ALTER TABLE coaction_actions DROP COLUMN object_id;
ALTER TABLE coaction_actions DROP COLUMN obj_key;
