-- The actions of the behaviour being computed (the one in coaction_behaviours), one row per (event, object):
-- the object, its key (a hash of it: objects are grouped and joined on this integer, see ids.sql), the
-- account's node id (nodes.sql), the time in µs since the epoch, and the event. Once objects are numbered,
-- ids.sql drops the object and its key; the rest stays while the behaviour runs.
CREATE OR REPLACE TEMP TABLE coaction_actions (
    object_id VARCHAR NOT NULL,
    obj_key   UBIGINT NOT NULL,
    node_id   INTEGER NOT NULL,
    t_us      BIGINT NOT NULL,
    event_id  VARCHAR NOT NULL
);

-- {behaviour} is the behaviour's SELECT of object_id, platform, account_id, event_id, ts; {object_key} the key
-- (hash(a.object_id); tests put a key with many collisions in its place).
INSERT INTO coaction_actions
SELECT a.object_id, {object_key}, n.node_id, epoch_us(a.ts), a.event_id
FROM ({behaviour}) AS a JOIN coaction_nodes AS n USING (platform, account_id);
