-- CooRTweet input table -> stage_events. Input relation `raw_batch`: object_id, account_id, content_id,
-- timestamp_share (and optional platform) as text. Parameter: $platform, used without a platform column.
-- The row checks every event passes (mt_row_problem, stage.sql) come after the mapping's own reasons.
INSERT INTO stage_events BY NAME
SELECT * REPLACE (coalesce(reject_reason, mt_row_problem(platform, account_id, action, ts, event_id)) AS reject_reason)
FROM (
    SELECT
        lower(coalesce(mt_blank_null(platform), $platform)) AS platform,
        -- One post can share several objects (one row each), so the event is the (content, object) pair.
        mt_blank_null(content_id) || '/' || mt_blank_null(object_id) AS event_id,
        mt_blank_null(account_id) AS account_id,
        'repost' AS action,
        mt_ts(timestamp_share) AS ts,
        mt_blank_null(object_id) AS target_post_id,
        source_line,
        coalesce(reject_reason, CASE
            WHEN mt_blank_null(timestamp_share) IS NOT NULL AND mt_ts(timestamp_share) IS NULL
                THEN 'unreadable timestamp_share "' || left(timestamp_share, 60) || '": expected Unix seconds'
            WHEN mt_blank_null(object_id) IS NULL THEN 'missing object_id: the shared object is what coordination is measured on'
            WHEN mt_blank_null(content_id) IS NULL THEN 'missing content_id: every share needs the id of the sharing post'
        END) AS reject_reason
    FROM raw_batch
);
