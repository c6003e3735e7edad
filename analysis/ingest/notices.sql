-- Moderation notices -> the `notices` table (notices_table.sql), one batch at a time. Input relation
-- `raw_batch`: the notice columns as text (see notices.py). Parameter: $source_file.
-- Every record read becomes one row of `stage_accounts` too, which is how the ingest counts it: a valid
-- notice as the account it was sent to (platform and id only, so no stored fact about the account is
-- overwritten), a rejected one with its reason (finalize.sql quarantines it with its line and raw text).
CREATE OR REPLACE TEMP TABLE notice_batch AS
WITH parsed AS (
    SELECT source_line, reject_reason AS read_reason,
           lower(mt_blank_null(platform)) AS platform,
           mt_blank_null(account_id) AS given_account,
           ltrim(mt_blank_null(handle), '@') AS handle,
           mt_blank_null(post_id) AS post_id,
           mt_ts("timestamp") AS ts,
           mt_blank_null("timestamp") AS ts_text,
           mt_blank_null(notice_action) AS action_as_given,
           nullif(stated_reason, '') AS reason,
           nullif(notice_text, '') AS text,
           coalesce(mt_blank_null(notice_id),
                    mt_content_id([platform, account_id, handle, post_id, "timestamp", notice_action, stated_reason, notice_text])) AS notice_id
    FROM raw_batch
),
unique_handles AS (  -- a handle names an account only when exactly one account on the platform has it
    SELECT platform, lower(handle) AS handle, min(account_id) AS account_id
    FROM accounts WHERE handle IS NOT NULL GROUP BY ALL HAVING count(*) = 1
),
resolved AS (
    SELECT p.*, coalesce(p.given_account, h.account_id) AS account_id,
           lower(p.action_as_given) AS said
    FROM parsed AS p
    LEFT JOIN unique_handles AS h ON p.given_account IS NULL AND h.platform = p.platform AND h.handle = lower(p.handle)
),
checked AS (
    SELECT *,
           CASE
               WHEN regexp_matches(said, 'appeal') AND regexp_matches(said, 'grant|accept|overturn|revers|restor|reinstat|success')
                   THEN 'appeal_granted'
               WHEN regexp_matches(said, 'appeal') AND regexp_matches(said, 'den|reject|refus|fail|unsuccess') THEN 'appeal_denied'
               WHEN regexp_matches(said, 'restor|reinstat|unlock|unsuspend|unban|lifted') THEN 'restored'
               WHEN regexp_matches(said, 'suspen|\bban|terminat|disabl|deactivat') THEN 'account_suspended'
               WHEN regexp_matches(said, 'lock') THEN 'account_locked'
               WHEN regexp_matches(said, 'restrict|limit|shadow|reduced|read-only|read only') THEN 'account_restricted'
               WHEN regexp_matches(said, 'remov|delet|taken down|take down|withh[oe]ld|hidden|blocked in') THEN 'post_removed'
               WHEN regexp_matches(said, 'warn|strike') THEN 'warning'
               ELSE 'other'
           END AS action,
           coalesce(read_reason, CASE
               WHEN platform IS NULL
                   THEN 'notice names no platform: fill platform (x, reddit, telegram, ...) so that it joins the platform''s posts'
               WHEN ts_text IS NULL THEN 'missing timestamp: every notice needs the time it was sent (ISO-8601 or Unix seconds)'
               WHEN ts IS NULL THEN 'unreadable timestamp "' || left(ts_text, 60) || '": use ISO-8601 or Unix seconds/milliseconds'
               WHEN NOT mt_ts_plausible(ts)
                   THEN 'timestamp ' || CAST(ts AS VARCHAR) || ' is outside 1995-2099: check seconds versus milliseconds'
               WHEN action_as_given IS NULL
                   THEN 'missing notice_action: say what the platform did (post removed, account locked, suspended, appeal granted, ...)'
               WHEN account_id IS NULL AND handle IS NULL
                   THEN 'notice names no account: fill account_id with the id of the account the notice was sent to'
               WHEN account_id IS NULL
                   THEN 'notice names its account only by the handle @' || left(handle, 60) || ', which no export read before knows on '
                        || platform || ': add account_id, or give the export that holds the account before the notices'
           END) AS reject_reason
    FROM resolved
)
SELECT * EXCLUDE (said) FROM checked;

-- The same notice twice: later in this batch, or already stored (an earlier batch or file).
UPDATE notice_batch SET reject_reason = 'duplicate of notice ' || left(notice_id, 80) || ' earlier in this file'
WHERE rowid IN (
    SELECT rowid FROM (
        SELECT rowid, row_number() OVER (PARTITION BY platform, notice_id ORDER BY source_line, rowid) AS nth
        FROM notice_batch WHERE reject_reason IS NULL
    ) WHERE nth > 1
);

UPDATE notice_batch AS b
SET reject_reason = 'notice ' || left(b.notice_id, 80) || ' was already ingested from ' || n.source_file || ':' || n.source_line
FROM notices AS n
WHERE b.reject_reason IS NULL AND n.platform = b.platform AND n.notice_id = b.notice_id;

INSERT INTO notices BY NAME
SELECT platform, notice_id, account_id, handle, post_id, ts, action, action_as_given, reason, text,
       $source_file AS source_file, source_line
FROM notice_batch WHERE reject_reason IS NULL;

INSERT INTO stage_accounts BY NAME
SELECT CASE WHEN reject_reason IS NULL THEN platform END AS platform,
       CASE WHEN reject_reason IS NULL THEN account_id END AS account_id,
       source_line, reject_reason
FROM notice_batch;

DROP TABLE notice_batch;
