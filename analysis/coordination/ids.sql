-- Integer object ids for the pairing, as nodes.sql numbers the accounts. They are numbered in no particular
-- order (sorting long texts would cost more than it is worth); obj_hash is what the null model samples
-- objects by, the same in every run.
CREATE OR REPLACE TEMP TABLE coaction_objects AS
SELECT row_number() OVER () AS obj_id, object_id, hash(b.behaviour, object_id) AS obj_hash
FROM (SELECT DISTINCT object_id FROM coaction_actions) CROSS JOIN coaction_behaviours AS b;

-- One row per action: behaviour number, object, node, time in µs since the epoch, and the event.
CREATE OR REPLACE TEMP TABLE coaction_acts AS
SELECT b.beh_id, o.obj_id, n.node_id, epoch_us(a.ts) AS t_us, a.event_id
FROM coaction_actions AS a
JOIN coaction_objects AS o USING (object_id)
JOIN coaction_nodes AS n USING (platform, account_id)
CROSS JOIN coaction_behaviours AS b;
