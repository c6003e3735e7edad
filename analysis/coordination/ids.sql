-- Integer ids for the pairing: joins and groupings on integers are several times faster than on strings.
-- Node ids follow (platform, account_id) order, so "a < b" by id is the same order as by name.
CREATE OR REPLACE TEMP TABLE coaction_nodes AS
SELECT CAST(row_number() OVER (ORDER BY platform, account_id) AS INTEGER) AS node_id, platform, account_id
FROM (SELECT DISTINCT platform, account_id FROM coaction_actions);

-- Object ids are numbered in no particular order (sorting long texts would cost more than it is worth);
-- obj_hash is what the null model samples objects by, the same in every run.
CREATE OR REPLACE TEMP TABLE coaction_objects AS
SELECT row_number() OVER () AS obj_id, behaviour, object_id, hash(behaviour, object_id) AS obj_hash
FROM (SELECT DISTINCT behaviour, object_id FROM coaction_actions);

-- One row per action: behaviour number, object, node, time in µs since the epoch, and the event.
CREATE OR REPLACE TEMP TABLE coaction_acts AS
SELECT b.beh_id, o.obj_id, n.node_id, epoch_us(a.ts) AS t_us, a.event_id
FROM coaction_actions AS a
JOIN coaction_objects AS o USING (behaviour, object_id)
JOIN coaction_nodes AS n USING (platform, account_id)
JOIN coaction_behaviours AS b USING (behaviour);
