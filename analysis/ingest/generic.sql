-- Generic format -> stage_events. Input relation `raw_batch`: every canonical column as text
-- (missing columns are NULL), plus source_line, raw and any reader-level reject_reason.
-- Parameter: $platform, used when the file has no platform column.
INSERT INTO stage_events BY NAME
SELECT
    coalesce(mt_blank_null(platform), $platform) AS platform,
    coalesce(mt_blank_null(event_id),
             mt_content_id([account_id, action, "timestamp", target_account_id, target_post_id, text])) AS event_id,
    mt_blank_null(account_id) AS account_id,
    ltrim(mt_blank_null(account_handle), '@') AS account_handle,
    lower(mt_blank_null(action)) AS action,
    mt_ts("timestamp") AS ts,
    mt_blank_null(target_account_id) AS target_account_id,
    mt_blank_null(target_post_id) AS target_post_id,
    nullif(text, '') AS text,
    mt_list(urls) AS urls,
    mt_strip_sigils(mt_list(hashtags), '#') AS hashtags,
    mt_strip_sigils(mt_list(mentions), '@') AS mentions,
    mt_blank_null(conversation_id) AS conversation_id,
    mt_blank_null(lang) AS lang,
    account_display_name,
    mt_ts(account_created_at) AS account_created_at,
    TRY_CAST(account_followers AS BIGINT) AS account_followers,
    TRY_CAST(account_following AS BIGINT) AS account_following,
    source_line,
    raw,
    coalesce(reject_reason, CASE
        WHEN mt_blank_null("timestamp") IS NOT NULL AND mt_ts("timestamp") IS NULL
            THEN 'unreadable timestamp "' || left("timestamp", 60) || '": use ISO-8601 or Unix seconds/milliseconds'
        WHEN mt_list(urls) IS NULL THEN 'urls is not a valid JSON array: write ["a","b"] or space-separated values'
        WHEN mt_list(hashtags) IS NULL THEN 'hashtags is not a valid JSON array: write ["a","b"] or space-separated values'
        WHEN mt_list(mentions) IS NULL THEN 'mentions is not a valid JSON array: write ["a","b"] or space-separated values'
        WHEN mt_blank_null(account_created_at) IS NOT NULL AND mt_ts(account_created_at) IS NULL
            THEN 'unreadable account_created_at "' || left(account_created_at, 60) || '": use ISO-8601 or Unix seconds'
        WHEN mt_blank_null(account_followers) IS NOT NULL AND TRY_CAST(account_followers AS BIGINT) IS NULL
            THEN 'account_followers "' || left(account_followers, 40) || '" is not a whole number'
        WHEN mt_blank_null(account_following) IS NOT NULL AND TRY_CAST(account_following AS BIGINT) IS NULL
            THEN 'account_following "' || left(account_following, 40) || '" is not a whole number'
    END) AS reject_reason
FROM raw_batch;
