-- FiveThirtyEight / Clemson IRA tweets CSV -> stage_events. Input relation `raw_batch`: the file's columns
-- as text (see ira538.py), plus source_line, raw and any reader-level reject_reason.
-- Each field is parsed once (inner query); the outer query names the first problem of a row that cannot
-- be used from those values.
INSERT INTO stage_events BY NAME
SELECT * EXCLUDE (reader_reason, publish_date, external_author_id, author_id_mangled, alt_id, minute_ts, snowflake_ts),
    mt_x_refine(snowflake_ts, minute_ts) AS ts,
    coalesce(reader_reason, CASE
        WHEN minute_ts IS NULL AND mt_blank_null(publish_date) IS NOT NULL
            THEN 'unreadable publish_date "' || left(publish_date, 60) || '": expected M/D/YYYY H:MM (UTC)'
        WHEN author_id_mangled AND alt_id IS NULL
            THEN 'external_author_id "' || left(external_author_id, 40)
                 || '" was rounded to scientific notation (by a spreadsheet?) and alt_external_id is empty: use the original CSV'
    END) AS reject_reason
FROM (
    SELECT
        'x' AS platform,
        -- mt_content_id only for the rows without an id (a CASE does not compute the branch it does not take).
        CASE WHEN tweet_key IS NOT NULL THEN tweet_key
             ELSE mt_content_id([external_author_id, author, publish_date, content]) END AS event_id,
        CASE WHEN alt_id IS NOT NULL THEN alt_id
             WHEN NOT author_id_mangled THEN mt_blank_null(external_author_id) END AS account_id,
        ltrim(mt_blank_null(author), '@') AS account_handle,
        CASE WHEN kind = 'RETWEET' THEN 'repost'
             WHEN kind = 'QUOTE_TWEET' THEN 'quote'
             WHEN trim(coalesce(retweet, '')) = '1' THEN 'repost'
             ELSE 'post' END AS action,
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
        author_id_mangled,
        alt_id,
        coalesce(try_strptime(trim(publish_date), '%m/%d/%Y %H:%M'), mt_ts(publish_date)) AS minute_ts,
        mt_snowflake_ts(tweet_id) AS snowflake_ts
    FROM (
        SELECT *,
               mt_blank_null(tweet_id) AS tweet_key,
               -- external_author_id lost precision for 18-digit ids (906000000000000000, or 9.06E+17 after a
               -- spreadsheet); alt_external_id keeps the exact value, so it wins whenever it is a number (alt_id).
               -- Only an id with an exponent (an e or E) can be mangled: the regex runs on those alone.
               CASE WHEN contains(external_author_id, 'e') OR contains(external_author_id, 'E')
                    THEN regexp_full_match(trim(external_author_id), '[0-9.]+[eE][+]?[0-9]+')
                    ELSE false END AS author_id_mangled,
               CASE WHEN regexp_full_match(alt_external_id, '[0-9]+') THEN alt_external_id
                    WHEN regexp_full_match(trim(alt_external_id), '[0-9]+') THEN trim(alt_external_id) END AS alt_id,
               upper(trim(coalesce(post_type, ''))) AS kind
        FROM raw_batch
    )
);
