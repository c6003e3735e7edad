-- Merge the current file's account facts into `accounts`: the newest non-null value of each field wins,
-- and values already stored are kept where the file is silent. New accounts are inserted, known ones
-- updated only where something changed (an upsert would rewrite every row).
CREATE OR REPLACE TEMP TABLE file_accounts AS
SELECT platform, account_id,
       arg_max(handle, order_key) FILTER (WHERE handle IS NOT NULL) AS handle,
       arg_max(display_name, order_key) FILTER (WHERE display_name IS NOT NULL) AS display_name,
       arg_max(created_at, order_key) FILTER (WHERE created_at IS NOT NULL) AS created_at,
       arg_max(followers, order_key) FILTER (WHERE followers IS NOT NULL) AS followers,
       arg_max(following, order_key) FILTER (WHERE following IS NOT NULL) AS following,
       arg_max(raw_id, order_key) FILTER (WHERE raw_id IS NOT NULL) AS raw_id
FROM file_account_facts
GROUP BY platform, account_id;

UPDATE accounts AS a SET
    handle = coalesce(f.handle, a.handle),
    display_name = coalesce(f.display_name, a.display_name),
    created_at = coalesce(f.created_at, a.created_at),
    followers = coalesce(f.followers, a.followers),
    following = coalesce(f.following, a.following),
    raw_id = coalesce(f.raw_id, a.raw_id)
FROM file_accounts AS f
WHERE a.platform = f.platform AND a.account_id = f.account_id
  AND (f.handle IS DISTINCT FROM a.handle AND f.handle IS NOT NULL
       OR f.display_name IS DISTINCT FROM a.display_name AND f.display_name IS NOT NULL
       OR f.created_at IS DISTINCT FROM a.created_at AND f.created_at IS NOT NULL
       OR f.followers IS DISTINCT FROM a.followers AND f.followers IS NOT NULL
       OR f.following IS DISTINCT FROM a.following AND f.following IS NOT NULL
       OR f.raw_id IS DISTINCT FROM a.raw_id AND f.raw_id IS NOT NULL);

INSERT INTO accounts BY NAME
SELECT * FROM file_accounts AS f
ANTI JOIN accounts AS a ON a.platform = f.platform AND a.account_id = f.account_id;

DROP TABLE file_accounts;
