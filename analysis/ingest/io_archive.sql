-- X/Twitter Information Operations archive -> stage_events. Input relation `raw_batch`: the archive's
-- columns as text (see io_archive.py), plus source_line, raw and any reader-level reject_reason.
INSERT INTO stage_events BY NAME
WITH rows AS (
    SELECT *,
           lower(trim(coalesce(is_retweet, ''))) IN ('true', '1', 'yes', 't') AS retweeted,
           -- Parsed once here: the expressions below refer to them several times.
           mt_ts(tweet_time) AS minute_ts,
           mt_snowflake_ts(tweetid) AS snowflake_ts,
           mt_pylist(hashtags) AS hashtag_list,
           mt_pylist(urls) AS url_list,
           mt_pylist(user_mentions) AS mention_list
    FROM raw_batch
)
SELECT
    'x' AS platform,
    mt_blank_null(tweetid) AS event_id,
    mt_blank_null(userid) AS account_id,
    ltrim(mt_blank_null(user_screen_name), '@') AS account_handle,
    CASE WHEN retweeted THEN 'repost'
         WHEN mt_blank_null(quoted_tweet_tweetid) IS NOT NULL THEN 'quote'
         WHEN mt_blank_null(in_reply_to_tweetid) IS NOT NULL OR mt_blank_null(in_reply_to_userid) IS NOT NULL THEN 'reply'
         ELSE 'post' END AS action,
    mt_x_refine(snowflake_ts, minute_ts) AS ts,
    CASE WHEN retweeted THEN mt_blank_null(retweet_userid)
         WHEN mt_blank_null(quoted_tweet_tweetid) IS NOT NULL THEN NULL
         ELSE mt_blank_null(in_reply_to_userid) END AS target_account_id,
    CASE WHEN retweeted THEN mt_blank_null(retweet_tweetid)
         WHEN mt_blank_null(quoted_tweet_tweetid) IS NOT NULL THEN mt_blank_null(quoted_tweet_tweetid)
         ELSE mt_blank_null(in_reply_to_tweetid) END AS target_post_id,
    nullif(tweet_text, '') AS text,
    mt_clean_list(url_list) AS urls,
    mt_clean_list(mt_strip_sigils(hashtag_list, '#')) AS hashtags,
    mt_clean_list(mt_strip_sigils(mention_list, '@')) AS mentions,
    mt_blank_null(tweet_language) AS lang,
    nullif(user_display_name, '') AS account_display_name,
    mt_ts(account_creation_date) AS account_created_at,
    TRY_CAST(TRY_CAST(follower_count AS DOUBLE) AS BIGINT) AS account_followers,
    TRY_CAST(TRY_CAST(following_count AS DOUBLE) AS BIGINT) AS account_following,
    source_line,
    raw,
    coalesce(reject_reason, CASE
        WHEN mt_blank_null(tweet_time) IS NOT NULL AND minute_ts IS NULL
            THEN 'unreadable tweet_time "' || left(tweet_time, 60) || '": expected YYYY-MM-DD HH:MM (UTC)'
        WHEN hashtag_list IS NULL THEN 'hashtags is not a list: expected [''a'', ''b''] or []'
        WHEN url_list IS NULL THEN 'urls is not a list: expected [''https://...''] or []'
        WHEN mention_list IS NULL THEN 'user_mentions is not a list: expected [''123'', ''456''] or []'
    END) AS reject_reason
FROM rows;
