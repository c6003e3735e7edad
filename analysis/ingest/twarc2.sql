-- twarc2 JSONL -> stage_events. Input relation `raw_lines` (source_line, raw, reject_reason): one line each.
-- A response-page line becomes one staged row per tweet in its "data" (all with that line's number); a
-- flattened line is one tweet; any other line is one quarantined row saying why.
-- Each line is parsed once into the fields used (json_transform with an explicit structure): a page's
-- tweets come out both as structs and as their JSON text (the raw kept for quarantine), and the page's
-- expansions as lists of structs. json_valid guards the parse (its check costs a third of a parse), as
-- json_transform raises on a broken line, which would fail the whole batch.
INSERT INTO stage_events BY NAME
WITH keyed AS (
    SELECT source_line, raw, reject_reason,
           CASE WHEN reject_reason IS NULL AND regexp_matches(raw, '^[ \t\n\r]*\{')
                THEN try(json_transform(raw, '{"data": ["JSON"], "errors": "JSON", "meta": "JSON", "id": "JSON",
                    "includes": {"users": [{"id": "JSON", "username": "VARCHAR", "name": "VARCHAR", "created_at": "VARCHAR",
                                            "public_metrics": {"followers_count": "BIGINT", "following_count": "BIGINT"}}],
                                 "tweets": [{"id": "JSON", "author_id": "JSON"}]}}')) END AS k
    FROM raw_lines
),
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
    SELECT source_line, k, CASE
        WHEN k IS NULL THEN 'broken'
        WHEN data_shape IS NOT NULL THEN data_shape
        WHEN k.errors IS NOT NULL OR k.meta IS NOT NULL THEN 'empty'
        WHEN CASE WHEN contains(raw, '"errors"') OR contains(raw, '"meta"') OR contains(raw, '\u')
                  THEN json_exists(raw, '$.errors') OR json_exists(raw, '$.meta') ELSE false END THEN 'empty'
        WHEN k.id IS NOT NULL THEN 'tweet'
        WHEN CASE WHEN contains(raw, '"id"') OR contains(raw, '\u') THEN json_exists(raw, '$.id') ELSE false END THEN 'tweet'
        ELSE 'unknown'
    END AS shape,
    raw, reject_reason
    FROM data_shaped
),
lined AS (
    SELECT source_line,
           CASE shape WHEN 'page' THEN CAST(coalesce(k.data, [raw -> '$.data']) AS VARCHAR[]) WHEN 'tweet' THEN [raw] ELSE [NULL] END AS entries,
           CASE WHEN shape NOT IN ('page', 'tweet') THEN raw END AS line_raw,
           CASE WHEN shape NOT IN ('page', 'tweet') THEN coalesce(reject_reason, CASE
               WHEN shape = 'broken' AND NOT json_valid(raw)
                   THEN 'line is not valid JSON (cut off or corrupt): repair the line or re-export the file'
               WHEN shape = 'broken' THEN 'record is JSON but not an object: each record must be one {...} object'
               WHEN shape = 'empty' THEN 'response page holds no tweets (no or empty "data", only errors or meta): nothing to ingest'
               ELSE 'JSON object is neither a twarc2 response page (with "data") nor a flattened tweet (with "id"): check that twarc2 wrote this file'
           END) END AS line_reason,
           list_transform(k.includes.users, lambda u: mt_json_text(u.id)) AS user_ids,
           k.includes.users AS users,
           list_transform(k.includes.tweets, lambda r: mt_json_text(r.id)) AS included_ids,
           list_transform(k.includes.tweets, lambda r: mt_json_text(r.author_id)) AS included_authors
    FROM shaped
),
page_tweets AS (
    -- a null entry of the list is the JSON text null, as json_extract gives it
    SELECT source_line, line_raw, line_reason, user_ids, users, included_ids, included_authors,
           CASE WHEN line_reason IS NULL THEN coalesce(unnest(entries), 'null') END AS tweet
    FROM lined
),
parsed AS (
    SELECT *, starts_with(tweet, '{') AS is_object,
           CASE WHEN starts_with(tweet, '{') THEN json_transform(tweet, '{
               "id": "VARCHAR", "author_id": "VARCHAR", "created_at": "VARCHAR", "text": "VARCHAR",
               "note_tweet": {"text": "VARCHAR"},
               "conversation_id": "VARCHAR", "lang": "VARCHAR", "in_reply_to_user_id": "VARCHAR",
               "referenced_tweets": [{"type": "VARCHAR", "id": "VARCHAR", "author_id": "VARCHAR"}],
               "entities": {"urls": [{"url": "VARCHAR", "expanded_url": "VARCHAR"}],
                            "hashtags": [{"tag": "VARCHAR"}],
                            "mentions": [{"id": "VARCHAR", "username": "VARCHAR"}]},
               "author": {"id": "VARCHAR", "username": "VARCHAR", "name": "VARCHAR", "created_at": "VARCHAR",
                          "public_metrics": {"followers_count": "BIGINT", "following_count": "BIGINT"}}
           }') END AS t
    FROM page_tweets
),
-- One action per tweet: a retweet is a repost, else a quote, else a reply (a quoting reply counts as a quote).
-- A tweet references one tweet or none, mostly: that one is taken without the three filters.
picked AS (
    SELECT *,
           CASE WHEN len(t.referenced_tweets) = 1
                THEN CASE WHEN t.referenced_tweets[1].type IN ('retweeted', 'quoted', 'replied_to') THEN t.referenced_tweets[1] END
                WHEN len(t.referenced_tweets) > 1
                THEN coalesce(list_filter(t.referenced_tweets, lambda r: r.type = 'retweeted')[1],
                              list_filter(t.referenced_tweets, lambda r: r.type = 'quoted')[1],
                              list_filter(t.referenced_tweets, lambda r: r.type = 'replied_to')[1]) END AS ref,
           coalesce(t.author_id, t.author.id) AS author_key,
           mt_blank_null(t.created_at) AS created_text,
           mt_ts(t.created_at) AS created_ts
    FROM parsed
),
mapped AS (
    SELECT *,
           coalesce(t.author, CASE WHEN author_key IS NOT NULL THEN users[list_position(user_ids, author_key)] END) AS author,
           CASE ref.type WHEN 'retweeted' THEN 'repost' WHEN 'quoted' THEN 'quote' WHEN 'replied_to' THEN 'reply'
                ELSE 'post' END AS action,
           coalesce(ref.author_id, CASE WHEN ref.id IS NOT NULL THEN included_authors[list_position(included_ids, ref.id)] END) AS ref_author_id,
           CASE WHEN created_text IS NULL THEN mt_snowflake_ts(t.id) ELSE created_ts END AS event_ts
    FROM picked
)
SELECT
    'x' AS platform,
    mt_blank_null(t.id) AS event_id,
    mt_blank_null(author_key) AS account_id,
    mt_blank_null(author.username) AS account_handle,
    action,
    event_ts AS ts,
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
    coalesce(line_raw, tweet) AS raw,
    CASE
        WHEN line_reason IS NOT NULL THEN line_reason
        WHEN NOT is_object THEN 'entry of "data" is not a tweet object: the page is malformed'
        WHEN created_text IS NOT NULL AND created_ts IS NULL
            THEN 'unreadable created_at "' || left(t.created_at, 60) || '": expected ISO-8601 such as 2022-03-01T12:00:00.000Z'
        WHEN created_text IS NULL AND event_ts IS NULL
            THEN 'tweet has no created_at and its id is not a snowflake: re-collect with tweet.fields=created_at'
    END AS reject_reason
FROM mapped;
