-- Generic accounts file -> stage_accounts. Input relation `raw_batch` as for generic.sql.
INSERT INTO stage_accounts BY NAME
SELECT
    coalesce(mt_blank_null(platform), $platform) AS platform,
    mt_blank_null(account_id) AS account_id,
    ltrim(mt_blank_null(handle), '@') AS handle,
    display_name,
    mt_ts(created_at) AS created_at,
    TRY_CAST(followers AS BIGINT) AS followers,
    TRY_CAST(following AS BIGINT) AS following,
    source_line,
    coalesce(reject_reason, CASE
        WHEN mt_blank_null(created_at) IS NOT NULL AND mt_ts(created_at) IS NULL
            THEN 'unreadable created_at "' || left(created_at, 60) || '": use ISO-8601 or Unix seconds'
        WHEN mt_blank_null(followers) IS NOT NULL AND TRY_CAST(followers AS BIGINT) IS NULL
            THEN 'followers "' || left(followers, 40) || '" is not a whole number'
        WHEN mt_blank_null(following) IS NOT NULL AND TRY_CAST(following AS BIGINT) IS NULL
            THEN 'following "' || left(following, 40) || '" is not a whole number'
    END) AS reject_reason
FROM raw_batch;
