-- FiveThirtyEight / Clemson IRA tweets CSV -> stage_events. Input relation `raw_batch`: the file's columns
-- as text (see ira538.py), plus source_line, raw and any reader-level reject_reason.
INSERT INTO stage_events BY NAME
WITH rows AS (
    SELECT *,
           coalesce(try_strptime(trim(publish_date), '%m/%d/%Y %H:%M'), mt_ts(publish_date)) AS minute_ts,
           -- external_author_id lost precision for 18-digit ids (906000000000000000, or 9.06E+17 after a
           -- spreadsheet); alt_external_id keeps the exact value, so it wins whenever it is a number.
           regexp_full_match(coalesce(trim(external_author_id), ''), '[0-9.]+[eE][+]?[0-9]+') AS author_id_mangled,
           regexp_full_match(coalesce(trim(alt_external_id), ''), '[0-9]+') AS alt_id_usable,
           upper(trim(coalesce(post_type, ''))) AS kind,
           mt_snowflake_ts(tweet_id) AS snowflake_ts
    FROM raw_batch
)
SELECT
    'x' AS platform,
    coalesce(mt_blank_null(tweet_id),
             mt_content_id([external_author_id, author, publish_date, content])) AS event_id,
    CASE WHEN alt_id_usable THEN trim(alt_external_id)
         WHEN NOT author_id_mangled THEN mt_blank_null(external_author_id) END AS account_id,
    ltrim(mt_blank_null(author), '@') AS account_handle,
    CASE WHEN kind = 'RETWEET' THEN 'repost'
         WHEN kind = 'QUOTE_TWEET' THEN 'quote'
         WHEN trim(coalesce(retweet, '')) = '1' THEN 'repost'
         ELSE 'post' END AS action,
    mt_x_refine(snowflake_ts, minute_ts) AS ts,
    nullif(content, '') AS text,
    mt_clean_list([tco1_step1, tco2_step1, tco3_step1]) AS urls,
    mt_text_hashtags(content) AS hashtags,
    mt_text_x_mentions(content) AS mentions,
    mt_blank_null(language) AS lang,
    TRY_CAST(TRY_CAST(followers AS DOUBLE) AS BIGINT) AS account_followers,
    TRY_CAST(TRY_CAST(following AS DOUBLE) AS BIGINT) AS account_following,
    source_line,
    raw,
    coalesce(reject_reason, CASE
        WHEN mt_blank_null(publish_date) IS NOT NULL AND minute_ts IS NULL
            THEN 'unreadable publish_date "' || left(publish_date, 60) || '": expected M/D/YYYY H:MM (UTC)'
        WHEN author_id_mangled AND NOT alt_id_usable
            THEN 'external_author_id "' || left(external_author_id, 40)
                 || '" was rounded to scientific notation (by a spreadsheet?) and alt_external_id is empty: use the original CSV'
    END) AS reject_reason
FROM rows;
