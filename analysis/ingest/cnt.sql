-- coordination-network-toolkit CSV -> stage_events. Input relation `raw_batch`: the eight positional
-- columns as text under the toolkit's names (see cnt.py). Parameter: $platform.
-- The row checks every event passes (mt_row_problem, stage.sql) come after the mapping's own reasons.
INSERT INTO stage_events BY NAME
SELECT * REPLACE (coalesce(reject_reason, mt_row_problem(platform, account_id, action, ts, event_id)) AS reject_reason)
FROM (
    SELECT
        $platform AS platform,
        mt_blank_null(message_id) AS event_id,
        mt_blank_null(user_id) AS account_id,
        ltrim(mt_blank_null(username), '@') AS account_handle,
        -- The toolkit treats empty strings as "not a repost / not a reply"; a repost wins over a reply.
        CASE WHEN mt_blank_null(repost_id) IS NOT NULL THEN 'repost'
             WHEN mt_blank_null(reply_id) IS NOT NULL THEN 'reply'
             ELSE 'post' END AS action,
        mt_ts("timestamp") AS ts,
        coalesce(mt_blank_null(repost_id), mt_blank_null(reply_id)) AS target_post_id,
        nullif(message, '') AS text,
        -- URLs are space-separated, as the toolkit splits them.
        mt_split_spaces(urls) AS urls,
        source_line,
        coalesce(reject_reason, CASE
            WHEN mt_blank_null("timestamp") IS NOT NULL AND mt_ts("timestamp") IS NULL
                THEN 'unreadable timestamp "' || left("timestamp", 60) || '": expected Unix seconds'
        END) AS reject_reason
    FROM raw_batch
);
