-- Generic format -> stage_events. Input relation `raw_batch`: every canonical column as text
-- (missing columns are NULL), plus source_line, raw and any reader-level reject_reason.
-- Parameter: $platform, used when the file has no platform column. Each field is parsed once (inner
-- query); the outer query names the first problem of a row that cannot be used, then the row checks every
-- event passes (mt_row_problem, stage.sql).
INSERT INTO stage_events BY NAME
SELECT * EXCLUDE (reader_reason, timestamp_text, urls_text, hashtags_text, mentions_text, created_text, followers_text, following_text),
    coalesce(reader_reason, CASE
        WHEN timestamp_text IS NOT NULL AND ts IS NULL
            THEN 'unreadable timestamp "' || left(timestamp_text, 60) || '": use ISO-8601 or Unix seconds/milliseconds'
        WHEN urls IS NULL THEN 'urls is not a valid JSON array: write ["a","b"] or space-separated values'
        WHEN hashtags IS NULL THEN 'hashtags is not a valid JSON array: write ["a","b"] or space-separated values'
        WHEN mentions IS NULL THEN 'mentions is not a valid JSON array: write ["a","b"] or space-separated values'
        WHEN created_text IS NOT NULL AND account_created_at IS NULL
            THEN 'unreadable account_created_at "' || left(created_text, 60) || '": use ISO-8601 or Unix seconds'
        WHEN followers_text IS NOT NULL AND account_followers IS NULL
            THEN 'account_followers "' || left(followers_text, 40) || '" is not a whole number'
        WHEN following_text IS NOT NULL AND account_following IS NULL
            THEN 'account_following "' || left(following_text, 40) || '" is not a whole number'
    END, mt_row_problem(platform, account_id, action, ts, event_id)) AS reject_reason
FROM (
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
        reject_reason AS reader_reason,
        mt_blank_null("timestamp") AS timestamp_text,
        mt_blank_null(account_created_at) AS created_text,
        mt_blank_null(account_followers) AS followers_text,
        mt_blank_null(account_following) AS following_text,
        urls AS urls_text, hashtags AS hashtags_text, mentions AS mentions_text
    FROM raw_batch
);
