-- twarc2 JSONL -> stage_events. Input relation `raw_lines` (source_line, raw, reject_reason): one line each.
-- A response-page line becomes one staged row per tweet in its "data" (all with that line's number); a
-- flattened line is one tweet; any other line is one quarantined row saying why.
-- Each line is parsed once into the fields used (json_transform with an explicit structure): a page's
-- tweets come out both as structs and as their JSON text (the raw kept for quarantine), and the page's
-- expansions as lists of structs. json_valid guards the parse (its check costs a third of a parse), as
-- json_transform raises on a broken line, which would fail the whole batch.
INSERT INTO stage_events BY NAME
WITH lines AS (
    SELECT source_line, raw, reject_reason,
           reject_reason IS NULL AND json_valid(raw) AS valid
    FROM raw_lines
),
keyed AS MATERIALIZED (
    SELECT *,
           -- valid JSON is an object exactly when its first non-blank character is "{"
           CASE WHEN valid AND regexp_matches(raw, '^[ \t\n\r]*\{')
                THEN json_transform(raw, '{"data": ["JSON"], "errors": "JSON", "meta": "JSON", "id": "JSON",
                    "includes": {"users": [{"id": "JSON", "username": "VARCHAR", "name": "VARCHAR", "created_at": "VARCHAR",
                                            "public_metrics": {"followers_count": "BIGINT", "following_count": "BIGINT"}}],
                                 "tweets": [{"id": "JSON", "author_id": "JSON"}]}}') END AS k
    FROM lines
),
-- "data" is a list of tweets, or one tweet object (twarc2 tweet); a key whose value is null is present all the
-- same. A key missing from the structure's result is looked up in the line only when the line holds its name
-- or a \u escape that could spell it (a flattened tweet has no "data", "errors" or "meta").
data_shaped AS (
    SELECT *, CASE
        WHEN k IS NULL THEN 'broken'
        WHEN len(k.data) > 0 THEN 'page'
        WHEN k.data IS NOT NULL THEN 'empty'
        WHEN NOT (contains(raw, '"data"') OR contains(raw, '\u')) THEN NULL
        WHEN json_type(raw, '$.data') = 'OBJECT' THEN 'page'
        WHEN json_type(raw, '$.data') IS NOT NULL THEN 'empty'
    END AS data_shape,
    FROM keyed
),
shaped AS (
    SELECT *, CASE
        WHEN k IS NULL THEN 'broken'
        WHEN data_shape IS NOT NULL THEN data_shape
        WHEN k.errors IS NOT NULL OR k.meta IS NOT NULL THEN 'empty'
        WHEN CASE WHEN contains(raw, '"errors"') OR contains(raw, '"meta"') OR contains(raw, '\u')
                  THEN json_exists(raw, '$.errors') OR json_exists(raw, '$.meta') ELSE false END THEN 'empty'
        WHEN k.id IS NOT NULL THEN 'tweet'
        WHEN CASE WHEN contains(raw, '"id"') OR contains(raw, '\u') THEN json_exists(raw, '$.id') ELSE false END THEN 'tweet'
        ELSE 'unknown'
    END AS shape
    FROM data_shaped
),
page_parts AS MATERIALIZED (
    SELECT source_line, coalesce(k.data, [raw -> '$.data']) AS tweets, k.includes AS inc
    FROM shaped WHERE shape = 'page'
),
page_tweets AS (
    -- a null entry of the list is the JSON text null, as json_extract gives it
    SELECT source_line, CAST(coalesce(unnest(tweets), 'null') AS VARCHAR) AS tweet FROM page_parts
),
-- Expansions of each page, keyed by id (as ->> gives it); any_value guards against a repeated id multiplying rows.
page_users AS (
    SELECT source_line, mt_json_text(u.id) AS user_id, any_value(u) AS u
    FROM (SELECT source_line, unnest(inc.users) AS u FROM page_parts)
    WHERE u.id IS NOT NULL
    GROUP BY ALL
),
page_included_tweets AS (
    SELECT source_line, mt_json_text(r.id) AS tweet_id, any_value(mt_json_text(r.author_id)) AS author_id
    FROM (SELECT source_line, unnest(inc.tweets) AS r FROM page_parts)
    WHERE r.id IS NOT NULL
    GROUP BY ALL
),
tweets AS (
    SELECT source_line, tweet, starts_with(tweet, '{') AS is_object FROM page_tweets
    UNION ALL
    SELECT source_line, raw AS tweet, true AS is_object FROM shaped WHERE shape = 'tweet'
),
parsed AS (
    SELECT source_line, tweet, is_object,
           json_transform(tweet, '{
               "id": "VARCHAR", "author_id": "VARCHAR", "created_at": "VARCHAR", "text": "VARCHAR",
               "note_tweet": {"text": "VARCHAR"},
               "conversation_id": "VARCHAR", "lang": "VARCHAR", "in_reply_to_user_id": "VARCHAR",
               "referenced_tweets": [{"type": "VARCHAR", "id": "VARCHAR", "author_id": "VARCHAR"}],
               "entities": {"urls": [{"url": "VARCHAR", "expanded_url": "VARCHAR"}],
                            "hashtags": [{"tag": "VARCHAR"}],
                            "mentions": [{"id": "VARCHAR", "username": "VARCHAR"}]},
               "author": {"id": "VARCHAR", "username": "VARCHAR", "name": "VARCHAR", "created_at": "VARCHAR",
                          "public_metrics": {"followers_count": "BIGINT", "following_count": "BIGINT"}}
           }') AS t
    FROM tweets
),
-- One action per tweet: a retweet is a repost, else a quote, else a reply (a quoting reply counts as a quote).
picked AS (
    SELECT *,
           coalesce(list_filter(t.referenced_tweets, lambda r: r.type = 'retweeted')[1],
                    list_filter(t.referenced_tweets, lambda r: r.type = 'quoted')[1],
                    list_filter(t.referenced_tweets, lambda r: r.type = 'replied_to')[1]) AS ref
    FROM parsed
),
mapped AS (
    SELECT p.*,
           coalesce(p.t.author, u.u) AS author,
           CASE p.ref.type WHEN 'retweeted' THEN 'repost' WHEN 'quoted' THEN 'quote' WHEN 'replied_to' THEN 'reply'
                ELSE 'post' END AS action,
           coalesce(p.ref.author_id, it.author_id) AS ref_author_id
    FROM picked AS p
    LEFT JOIN page_users AS u ON u.source_line = p.source_line AND u.user_id = coalesce(p.t.author_id, p.t.author.id)
    LEFT JOIN page_included_tweets AS it ON it.source_line = p.source_line AND it.tweet_id = p.ref.id
)
SELECT
    'x' AS platform,
    mt_blank_null(t.id) AS event_id,
    mt_blank_null(coalesce(t.author_id, t.author.id)) AS account_id,
    mt_blank_null(author.username) AS account_handle,
    action,
    CASE WHEN mt_blank_null(t.created_at) IS NULL THEN mt_snowflake_ts(t.id) ELSE mt_ts(t.created_at) END AS ts,
    mt_blank_null(CASE WHEN action = 'reply' THEN coalesce(t.in_reply_to_user_id, ref_author_id) ELSE ref_author_id END)
        AS target_account_id,
    mt_blank_null(ref.id) AS target_post_id,
    coalesce(t.note_tweet.text, t.text) AS text,
    mt_clean_list(list_transform(t.entities.urls, lambda x: coalesce(x.expanded_url, x.url))) AS urls,
    mt_clean_list(list_transform(t.entities.hashtags, lambda x: x.tag)) AS hashtags,
    mt_clean_list(list_transform(t.entities.mentions, lambda x: coalesce(x.id, x.username))) AS mentions,
    mt_blank_null(t.conversation_id) AS conversation_id,
    mt_blank_null(t.lang) AS lang,
    author.name AS account_display_name,
    mt_ts(author.created_at) AS account_created_at,
    author.public_metrics.followers_count AS account_followers,
    author.public_metrics.following_count AS account_following,
    source_line,
    tweet AS raw,
    CASE
        WHEN NOT is_object THEN 'entry of "data" is not a tweet object: the page is malformed'
        WHEN mt_blank_null(t.created_at) IS NOT NULL AND mt_ts(t.created_at) IS NULL
            THEN 'unreadable created_at "' || left(t.created_at, 60) || '": expected ISO-8601 such as 2022-03-01T12:00:00.000Z'
        WHEN mt_blank_null(t.created_at) IS NULL AND mt_snowflake_ts(t.id) IS NULL
            THEN 'tweet has no created_at and its id is not a snowflake: re-collect with tweet.fields=created_at'
    END AS reject_reason
FROM mapped
UNION ALL BY NAME
SELECT
    'x' AS platform, source_line, raw,
    coalesce(reject_reason, CASE
        WHEN NOT valid THEN 'line is not valid JSON (cut off or corrupt): repair the line or re-export the file'
        WHEN shape = 'broken' THEN 'record is JSON but not an object: each record must be one {...} object'
        WHEN shape = 'empty' THEN 'response page holds no tweets (no or empty "data", only errors or meta): nothing to ingest'
        ELSE 'JSON object is neither a twarc2 response page (with "data") nor a flattened tweet (with "id"): check that twarc2 wrote this file'
    END) AS reject_reason
FROM shaped WHERE shape IN ('broken', 'empty', 'unknown');
