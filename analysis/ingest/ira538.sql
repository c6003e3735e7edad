-- FiveThirtyEight / Clemson IRA tweets CSV -> stage_events. Input relation `raw_batch`: the file's columns
-- as text (see ira538.py), plus source_line, raw and any reader-level reject_reason. ira538.py creates the
-- file-scoped tables ira538_file (the path) and ira538_file_ids (every id -> handle pair seen in the file).
-- Each field is parsed once (inner query); the outer query names the first problem of a row that cannot
-- be used from those values.
INSERT INTO stage_events BY NAME
SELECT * EXCLUDE (reader_reason, publish_date, external_author_id, author_key, id_candidate, id_exact,
                  rt_handle, rt_text, minute_ts, snowflake_ts),
    -- An id that may not be the exact integer is never the key: the row is keyed by the handle instead.
    CASE WHEN id_exact THEN id_candidate ELSE author_key END AS account_id,
    CASE WHEN NOT id_exact THEN mt_blank_null(external_author_id) END AS account_raw_id,
    mt_x_refine(snowflake_ts, minute_ts) AS ts,
    coalesce(reader_reason, CASE
        WHEN minute_ts IS NULL AND mt_blank_null(publish_date) IS NOT NULL
            THEN 'unreadable publish_date "' || left(publish_date, 60) || '": expected M/D/YYYY H:MM (UTC)'
        WHEN NOT id_exact AND author_key IS NULL AND mt_blank_null(external_author_id) IS NOT NULL
            THEN 'external_author_id "' || left(external_author_id, 40)
                 || '" may be rounded (it went through a float) and author is empty: the row cannot be attributed to one account'
    END) AS reject_reason
FROM (
    SELECT
        'x' AS platform,
        -- mt_content_id only for the rows without an id (a CASE does not compute the branch it does not take).
        CASE WHEN tweet_key IS NOT NULL THEN tweet_key
             ELSE mt_content_id([external_author_id, author, publish_date, content]) END AS event_id,
        handle AS account_handle,
        CASE WHEN rt_handle IS NOT NULL AND kind <> 'QUOTE_TWEET' THEN 'repost'
             WHEN kind = 'RETWEET' THEN 'repost'
             WHEN kind = 'QUOTE_TWEET' THEN 'quote'
             WHEN trim(coalesce(retweet, '')) = '1' THEN 'repost'
             ELSE 'post' END AS action,
        -- "RT @handle: text": the original is named by its author's handle and its normalised text.
        CASE WHEN rt_handle IS NOT NULL AND kind <> 'QUOTE_TWEET' THEN '@' || lower(rt_handle) END AS target_account_id,
        CASE WHEN rt_handle IS NOT NULL AND kind <> 'QUOTE_TWEET'
             THEN 'rt:' || lower(rt_handle) || ':' || substr(md5(mt_ira538_norm(rt_text)), 1, 24) END AS target_post_id,
        nullif(content, '') AS text,
        mt_clean_list([tco1_step1, tco2_step1, tco3_step1]) AS urls,
        mt_text_hashtags(content) AS hashtags,
        mt_text_x_mentions(content) AS mentions,
        mt_blank_null(language) AS lang,
        mt_count(followers) AS account_followers,
        mt_count(following) AS account_following,
        source_line,
        reject_reason AS reader_reason,
        publish_date,
        external_author_id,
        CASE WHEN handle IS NOT NULL THEN '@' || lower(handle) END AS author_key,
        id_candidate,
        coalesce(regexp_full_match(id_candidate, '[0-9]{1,20}') AND NOT mt_ira538_rounded(id_candidate), false) AS id_exact,
        rt_handle,
        rt_text,
        coalesce(try_strptime(trim(publish_date), '%m/%d/%Y %H:%M'), mt_ts(publish_date)) AS minute_ts,
        mt_snowflake_ts(tweet_id) AS snowflake_ts
    FROM (
        SELECT *,
               mt_blank_null(tweet_id) AS tweet_key,
               ltrim(mt_blank_null(author), '@') AS handle,
               -- alt_external_id, when it is a number, was kept as text in the published files; else the
               -- external_author_id, which went through a float (906000000000000000, 9.06E+17).
               CASE WHEN regexp_full_match(trim(alt_external_id), '[0-9]+') THEN trim(alt_external_id)
                    ELSE mt_blank_null(external_author_id) END AS id_candidate,
               upper(trim(coalesce(post_type, ''))) AS kind,
               CASE WHEN starts_with(content, 'RT @') THEN nullif(regexp_extract(content, '^RT @([A-Za-z0-9_]{1,15})', 1), '') END AS rt_handle,
               CASE WHEN starts_with(content, 'RT @') THEN regexp_replace(content, '^RT @[A-Za-z0-9_]{1,15}:?', '') END AS rt_text
        FROM raw_batch
    )
);

-- An id that several handles share in this file is not one account's id (a rounding collision): remember
-- every (id, handle) pair of the file, and key the rows of every shared id by their handle, in this batch,
-- in the file's earlier batches and in its account facts.
INSERT INTO ira538_file_ids
SELECT DISTINCT account_id, lower(account_handle) FROM stage_events
WHERE reject_reason IS NULL AND account_raw_id IS NULL AND account_handle IS NOT NULL
EXCEPT SELECT author_id, handle FROM ira538_file_ids;

CREATE OR REPLACE TEMP TABLE ira538_shared_ids AS
SELECT author_id FROM ira538_file_ids GROUP BY author_id HAVING count(*) > 1;

UPDATE stage_events SET account_raw_id = account_id, account_id = '@' || lower(account_handle)
WHERE account_raw_id IS NULL AND account_handle IS NOT NULL AND account_id IN (SELECT author_id FROM ira538_shared_ids);

UPDATE interactions SET account_id = '@' || lower(account_handle)
WHERE platform = 'x' AND account_handle IS NOT NULL AND account_id IN (SELECT author_id FROM ira538_shared_ids)
  AND source_file = (SELECT source_file FROM ira538_file);

UPDATE file_account_facts SET raw_id = account_id, account_id = '@' || lower(handle)
WHERE platform = 'x' AND handle IS NOT NULL AND account_id IN (SELECT author_id FROM ira538_shared_ids);

-- A retweet's target account is the account with that handle when its key is known (this batch or the
-- database) and unambiguous; else the handle key itself ('@' + lower-case handle).
UPDATE stage_events AS s SET target_account_id = k.account_id
FROM (
    SELECT handle_key, min(account_id) AS account_id FROM (
        SELECT '@' || lower(account_handle) AS handle_key, account_id FROM stage_events
        WHERE reject_reason IS NULL AND account_handle IS NOT NULL
        UNION ALL
        SELECT '@' || lower(handle), account_id FROM accounts WHERE platform = 'x' AND handle IS NOT NULL
    ) GROUP BY handle_key HAVING count(DISTINCT account_id) = 1
) AS k
WHERE starts_with(s.target_post_id, 'rt:') AND s.target_account_id = k.handle_key AND k.account_id <> k.handle_key;
