-- Mastodon REST API statuses -> stage_events. Input relation `raw_lines` (source_line, raw, reject_reason):
-- one Status entity each (from an NDJSON line or an element of a JSON array).
-- Each record is parsed once into the fields used (json_transform with an explicit structure), under try:
-- json_transform raises on a broken record, which would fail the whole batch; json_valid says why a record it
-- could not read is rejected.
INSERT INTO stage_events BY NAME
WITH parsed AS (
    -- valid JSON is an object exactly when its first non-blank character is "{"
    SELECT *, CASE WHEN reject_reason IS NULL AND regexp_matches(raw, '^[ \t\n\r]*\{') THEN try(json_transform(raw, '{
        "id": "VARCHAR", "created_at": "VARCHAR", "in_reply_to_id": "VARCHAR", "in_reply_to_account_id": "VARCHAR",
        "content": "VARCHAR", "language": "VARCHAR",
        "account": {"id": "VARCHAR", "acct": "VARCHAR", "username": "VARCHAR", "display_name": "VARCHAR",
                    "created_at": "VARCHAR", "followers_count": "BIGINT", "following_count": "BIGINT"},
        "reblog": {"id": "VARCHAR", "account": {"id": "VARCHAR"}},
        "quote": {"quoted_status": {"id": "VARCHAR", "account": {"id": "VARCHAR"}}},
        "mentions": [{"id": "VARCHAR", "acct": "VARCHAR"}],
        "tags": [{"name": "VARCHAR"}],
        "card": {"url": "VARCHAR"}
    }')) END AS s
    FROM raw_lines
),
mapped AS (
    SELECT *,
           CASE WHEN s.reblog.id IS NOT NULL THEN 'repost'
                WHEN s.quote.quoted_status.id IS NOT NULL THEN 'quote'
                WHEN s.in_reply_to_id IS NOT NULL THEN 'reply'
                ELSE 'post' END AS action,
           -- Links in the body, except the mention and hashtag links Mastodon marks with class="... mention ...".
           list_filter(regexp_extract_all(coalesce(s.content, ''), '<a\s[^>]*>'),
                       lambda a: NOT regexp_matches(a, 'class="[^"]*\b(mention|hashtag)\b')) AS link_tags
    FROM parsed
),
linked AS (
    SELECT *, list_transform(link_tags, lambda a: mt_html_text(regexp_extract(a, 'href="([^"]*)"', 1))) AS links
    FROM mapped
)
SELECT
    'mastodon' AS platform,
    mt_blank_null(s.id) AS event_id,
    mt_blank_null(s.account.id) AS account_id,
    mt_blank_null(coalesce(s.account.acct, s.account.username)) AS account_handle,
    action,
    mt_ts(s.created_at) AS ts,
    CASE action WHEN 'repost' THEN s.reblog.account.id WHEN 'quote' THEN s.quote.quoted_status.account.id
                WHEN 'reply' THEN s.in_reply_to_account_id END AS target_account_id,
    CASE action WHEN 'repost' THEN s.reblog.id WHEN 'quote' THEN s.quote.quoted_status.id
                WHEN 'reply' THEN s.in_reply_to_id END AS target_post_id,
    nullif(trim(mt_html_text(s.content)), '') AS text,
    mt_clean_list(list_concat(links, CASE WHEN list_contains(links, s.card.url) THEN [] ELSE [s.card.url] END)) AS urls,
    mt_clean_list(list_transform(s.tags, lambda t: t.name)) AS hashtags,
    mt_clean_list(list_transform(s.mentions, lambda m: coalesce(m.id, m.acct))) AS mentions,
    mt_blank_null(s.language) AS lang,
    nullif(s.account.display_name, '') AS account_display_name,
    mt_ts(s.account.created_at) AS account_created_at,
    s.account.followers_count AS account_followers,
    s.account.following_count AS account_following,
    source_line,  -- raw: finalize.sql reads a quarantined record's text from raw_lines (jsondoc.stage_tables)
    coalesce(reject_reason, CASE
        WHEN s IS NULL THEN CASE WHEN json_valid(raw) THEN 'record is JSON but not an object: each record must be one {...} object'
                                 ELSE 'line is not valid JSON (cut off or corrupt): repair the line or re-export the file' END
        -- a key whose value is null (or one the structure cannot hold) is present all the same
        WHEN CASE WHEN s.account IS NOT NULL OR s.content IS NOT NULL THEN false
                  ELSE NOT json_exists(raw, '$.account') AND NOT json_exists(raw, '$.content') END
            THEN 'not a Mastodon status (no account, no content): expected statuses from the REST API'
        WHEN mt_blank_null(s.created_at) IS NOT NULL AND mt_ts(s.created_at) IS NULL
            THEN 'unreadable created_at "' || left(s.created_at, 60) || '": expected ISO-8601'
    END) AS reject_reason
FROM linked;
