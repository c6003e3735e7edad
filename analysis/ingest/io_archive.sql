-- X/Twitter Information Operations archive -> stage_events. Input relation `raw_batch`: the archive's
-- columns as text (see io_archive.py), plus source_line, raw and any reader-level reject_reason. Like every
-- mapping from raw_batch it leaves `raw` out: finalize.sql fetches it for the rows it quarantines.
-- Each field is parsed once (inner query); the outer query names the first problem of a row that cannot
-- be used from those values, then the row checks every event passes (mt_row_problem, stage.sql). A list
-- that is not one is NULL here, which only a rejected row carries.
INSERT INTO stage_events BY NAME
SELECT * EXCLUDE (reader_reason, tweet_time, minute_ts, snowflake_ts),
    mt_x_refine(snowflake_ts, minute_ts) AS ts,
    coalesce(reader_reason, CASE
        WHEN minute_ts IS NULL AND mt_blank_null(tweet_time) IS NOT NULL
            THEN 'unreadable tweet_time "' || left(tweet_time, 60) || '": expected YYYY-MM-DD HH:MM (UTC)'
        WHEN hashtags IS NULL THEN 'hashtags is not a list: expected [''a'', ''b''] or []'
        WHEN urls IS NULL THEN 'urls is not a list: expected [''https://...''] or []'
        WHEN mentions IS NULL THEN 'user_mentions is not a list: expected [''123'', ''456''] or []'
    END, mt_row_problem(platform, account_id, action, mt_x_refine(snowflake_ts, minute_ts), event_id)) AS reject_reason
FROM (
    SELECT
        'x' AS platform,
        mt_blank_null(tweetid) AS event_id,
        mt_blank_null(userid) AS account_id,
        ltrim(mt_blank_null(user_screen_name), '@') AS account_handle,
        CASE WHEN retweeted THEN 'repost'
             WHEN quoted_id IS NOT NULL THEN 'quote'
             WHEN reply_to_id IS NOT NULL OR reply_to_user IS NOT NULL THEN 'reply'
             ELSE 'post' END AS action,
        CASE WHEN retweeted THEN mt_blank_null(retweet_userid)
             WHEN quoted_id IS NOT NULL THEN NULL
             ELSE reply_to_user END AS target_account_id,
        CASE WHEN retweeted THEN mt_blank_null(retweet_tweetid)
             WHEN quoted_id IS NOT NULL THEN quoted_id
             ELSE reply_to_id END AS target_post_id,
        nullif(tweet_text, '') AS text,
        mt_pylist_clean(urls, '') AS urls,
        mt_pylist_clean(hashtags, '#') AS hashtags,
        mt_pylist_clean(user_mentions, '@') AS mentions,
        mt_blank_null(tweet_language) AS lang,
        nullif(user_display_name, '') AS account_display_name,
        mt_ts(account_creation_date) AS account_created_at,
        mt_count(follower_count) AS account_followers,
        mt_count(following_count) AS account_following,
        source_line,
        reject_reason AS reader_reason,
        tweet_time,
        mt_ts(tweet_time) AS minute_ts,
        mt_snowflake_ts(tweetid) AS snowflake_ts
    FROM (
        SELECT *,
               lower(trim(coalesce(is_retweet, ''))) IN ('true', '1', 'yes', 't') AS retweeted,
               mt_blank_null(quoted_tweet_tweetid) AS quoted_id,
               mt_blank_null(in_reply_to_tweetid) AS reply_to_id,
               mt_blank_null(in_reply_to_userid) AS reply_to_user
        FROM raw_batch
    )
);
