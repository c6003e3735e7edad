-- Node ids of every account, numbered once for all behaviours (every behaviour's actions are by accounts of
-- interactions). Integer ids: joins and groupings on integers are several times faster than on strings.
-- Node ids follow (platform, account_id) order, so "a < b" by id is the same order as by name.
CREATE OR REPLACE TEMP TABLE coaction_nodes AS
SELECT CAST(row_number() OVER (ORDER BY platform, account_id) AS INTEGER) AS node_id, platform, account_id
FROM (SELECT DISTINCT platform, account_id FROM interactions);

