-- Pushshift / Arctic Shift Reddit NDJSON -> stage_events. Input relation `raw_lines` (source_line, raw,
-- reject_reason): one comment or submission a line.

-- Placeholder authors: names Reddit shows instead of the author (deleted account, removed by moderators,
-- suspended/banned account). Each stands for many people, so its rows are quarantined, never one account.
-- The one list of them; README "Placeholder authors" repeats it.
CREATE OR REPLACE TEMP MACRO mt_reddit_placeholder_author(author) AS (trim(author) IN ('[deleted]', '[removed]', '-banned-'));

-- Each line is parsed once into the fields used (json_transform with an explicit structure), under try:
-- json_transform raises on a broken line, which would fail the whole batch; json_valid says why a line it
-- could not read is rejected. One pipeline, no materialised CTE (copying the lines cost more than the parse).
INSERT INTO stage_events BY NAME
WITH parsed AS (
    SELECT *,
           -- valid JSON is an object exactly when its first non-blank character is "{"
           CASE WHEN reject_reason IS NULL AND regexp_matches(raw, '^[ \t\n\r]*\{')
                THEN try(json_transform(raw, '{"id": "VARCHAR", "author": "VARCHAR", "author_created_utc": "VARCHAR",
               "link_id": "VARCHAR", "parent_id": "VARCHAR", "created_utc": "VARCHAR", "body": "VARCHAR",
               "title": "VARCHAR", "selftext": "VARCHAR", "url": "VARCHAR", "permalink": "VARCHAR",
               "is_self": "BOOLEAN", "subreddit": "VARCHAR"}')) END AS r
    FROM raw_lines
),
typed AS (
    SELECT *,
           -- a comment has a body or parent_id key, even one whose value is null: looked up in the line only
           -- then, and only when the line holds the key's name or a \u escape that could spell it
           CASE WHEN r.body IS NOT NULL OR r.parent_id IS NOT NULL THEN true
                WHEN r IS NOT NULL AND (contains(raw, '"body"') OR contains(raw, '"parent_id"') OR contains(raw, '\u'))
                    THEN json_exists(raw, '$.body') OR json_exists(raw, '$.parent_id')
                ELSE false END AS is_comment
    FROM parsed
),
mapped AS (
    SELECT *,
           CASE WHEN is_comment THEN r.body
                ELSE concat_ws(chr(10) || chr(10), nullif(r.title, ''),
                               CASE WHEN r.selftext NOT IN ('', '[removed]', '[deleted]') THEN r.selftext END)
           END AS post_text,
           -- A link submission's url points away from Reddit; a self post's url is its own permalink.
           CASE WHEN NOT is_comment AND NOT coalesce(r.is_self, false) AND mt_blank_null(r.url) IS NOT NULL
                     AND r.url NOT LIKE '%reddit.com' || coalesce(r.permalink, '/nothing/') || '%'
                THEN [r.url] ELSE CAST([] AS VARCHAR[]) END AS link_urls
    FROM typed
)
SELECT
    'reddit' AS platform,
    mt_blank_null(r.id) AS event_id,
    mt_blank_null(r.author) AS account_id,
    mt_blank_null(r.author) AS account_handle,
    CASE WHEN is_comment THEN 'reply' ELSE 'post' END AS action,
    mt_ts(r.created_utc) AS ts,
    CASE WHEN is_comment THEN nullif(regexp_replace(coalesce(r.parent_id, ''), '^t[0-9]_', ''), '') END AS target_post_id,
    nullif(post_text, '') AS text,
    mt_clean_list(list_concat(link_urls, mt_text_urls(post_text))) AS urls,
    CAST([] AS VARCHAR[]) AS hashtags,
    mt_clean_list(regexp_extract_all(coalesce(post_text, ''), '(?:^|[^A-Za-z0-9_/])/?u/([A-Za-z0-9_-]{3,20})', 1)) AS mentions,
    nullif(regexp_replace(coalesce(CASE WHEN is_comment THEN r.link_id ELSE r.id END, ''), '^t[0-9]_', ''), '')
        AS conversation_id,
    mt_ts(r.author_created_utc) AS account_created_at,
    source_line,  -- raw: finalize.sql reads a quarantined record's text from raw_lines (jsondoc.stage_tables)
    coalesce(reject_reason, CASE
        WHEN r IS NULL THEN CASE WHEN json_valid(raw) THEN 'record is JSON but not an object: each record must be one {...} object'
                                 ELSE 'line is not valid JSON (cut off or corrupt): repair the line or re-export the file' END
        WHEN mt_reddit_placeholder_author(r.author)
            THEN 'author is ' || trim(r.author) || ': Reddit''s placeholder for a deleted, removed or banned account stands for many people, so the post cannot be attributed to anyone'
        WHEN NOT is_comment AND r.title IS NULL
            THEN 'neither a comment (body, parent_id) nor a submission (title): not a Reddit dump record'
        WHEN mt_blank_null(r.created_utc) IS NOT NULL AND mt_ts(r.created_utc) IS NULL
            THEN 'unreadable created_utc "' || left(r.created_utc, 40) || '": expected Unix seconds'
    END) AS reject_reason
FROM mapped;

-- The replied-to author, when the parent is in this batch or was ingested before (dumps list parents first).
UPDATE stage_events AS s SET target_account_id = p.account_id
FROM stage_events AS p
WHERE s.action = 'reply' AND s.target_account_id IS NULL AND s.reject_reason IS NULL AND p.reject_reason IS NULL
  AND p.platform = s.platform AND p.event_id = s.target_post_id;

UPDATE stage_events AS s SET target_account_id = i.account_id
FROM interactions AS i
WHERE s.action = 'reply' AND s.target_account_id IS NULL AND s.reject_reason IS NULL
  AND i.platform = s.platform AND i.event_id = s.target_post_id;
