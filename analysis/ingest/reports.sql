-- Report log -> stage_events. Input relation `raw_batch`: the log's columns as text (see reports.py).
-- Parameter: $platform, used when the log has no platform column.
-- The row checks every event passes (mt_row_problem, stage.sql) come after the mapping's own reasons.
INSERT INTO stage_events BY NAME
SELECT * REPLACE (coalesce(reject_reason, mt_row_problem(platform, account_id, action, ts, event_id)) AS reject_reason)
FROM (
    SELECT
        lower(coalesce(mt_blank_null(platform), $platform)) AS platform,
        coalesce(mt_blank_null(report_id),
                 mt_content_id([reporter_id, reported_account_id, reported_post_id, reason, "timestamp"])) AS event_id,
        mt_blank_null(reporter_id) AS account_id,
        'report' AS action,
        mt_ts("timestamp") AS ts,
        mt_blank_null(reported_account_id) AS target_account_id,
        mt_blank_null(reported_post_id) AS target_post_id,
        nullif(reason, '') AS text,
        source_line,
        coalesce(reject_reason, CASE
            WHEN mt_blank_null("timestamp") IS NOT NULL AND mt_ts("timestamp") IS NULL
                THEN 'unreadable timestamp "' || left("timestamp", 60) || '": use ISO-8601 or Unix seconds/milliseconds'
            WHEN mt_blank_null(reported_account_id) IS NULL AND mt_blank_null(reported_post_id) IS NULL
                THEN 'report names neither a reported account nor a reported post: fill reported_account_id or reported_post_id'
        END) AS reject_reason
    FROM raw_batch
);
