-- AT Protocol (Bluesky) records -> stage_events. Input relation `raw_lines` (source_line, raw, reject_reason):
-- one jetstream event, repo record or post view each (see bluesky.py for the shapes).
INSERT INTO stage_events BY NAME
WITH lines AS (
    SELECT source_line, raw, reject_reason,
           CASE WHEN reject_reason IS NULL AND json_valid(raw) THEN CAST(raw AS JSON) END AS j
    FROM raw_lines
),
located AS (
    SELECT *,
           coalesce(j -> '$.commit.record', j -> '$.record', j -> '$.value',
                    CASE WHEN mt_at_type(j, '$') IS NOT NULL THEN j END) AS rec,
           coalesce(j ->> '$.commit.collection', regexp_extract(coalesce(j ->> '$.uri', ''), '^at://[^/]+/([^/]+)/', 1)) AS uri_collection,
           CASE WHEN json_type(j, '$.author') = 'VARCHAR' THEN j ->> '$.author' ELSE j ->> '$.author.did' END AS author_did
    FROM lines
),
parsed AS (
    SELECT *,
           json_transform(rec, '{
               "text": "VARCHAR", "createdAt": "VARCHAR", "langs": ["VARCHAR"], "tags": ["VARCHAR"],
               "reply": {"parent": {"uri": "VARCHAR"}, "root": {"uri": "VARCHAR"}},
               "embed": {"record": {"uri": "VARCHAR", "record": {"uri": "VARCHAR"}},
                         "external": {"uri": "VARCHAR"}},
               "subject": "JSON"
           }') AS r,
           coalesce(nullif(j ->> '$.did', ''), author_did, mt_at_did(j ->> '$.uri')) AS did,
           j ->> '$.kind' AS event_kind,
           j ->> '$.commit.operation' AS operation
    FROM located
),
typed AS (
    SELECT *,
           coalesce(nullif(uri_collection, ''), mt_at_type(rec, '$')) AS collection,
           coalesce(j ->> '$.uri', 'at://' || did || '/' || coalesce(nullif(uri_collection, ''), mt_at_type(rec, '$')) || '/'
                    || (j ->> '$.commit.rkey')) AS uri,
           CASE mt_at_type(rec, '$.embed') WHEN 'app.bsky.embed.record' THEN r.embed.record.uri
                WHEN 'app.bsky.embed.recordWithMedia' THEN r.embed.record.record.uri END AS quoted_uri,
           CASE WHEN json_type(r.subject) = 'OBJECT' THEN r.subject ->> '$.uri' END AS subject_uri,
           CASE WHEN json_type(r.subject) = 'VARCHAR' THEN r.subject ->> '$' END AS subject_did
    FROM parsed
),
mapped AS (
    SELECT *,
           CASE collection
               WHEN 'app.bsky.feed.post' THEN (CASE WHEN quoted_uri IS NOT NULL THEN 'quote'
                                                    WHEN r.reply.parent.uri IS NOT NULL THEN 'reply' ELSE 'post' END)
               WHEN 'app.bsky.feed.repost' THEN 'repost'
               WHEN 'app.bsky.feed.like' THEN 'like'
               WHEN 'app.bsky.graph.follow' THEN 'follow'
           END AS action,
           -- Jetstream's time_us is when the relay saw the event; createdAt is whatever the client claimed.
           CASE WHEN TRY_CAST(j ->> '$.time_us' AS BIGINT) IS NOT NULL THEN make_timestamp(TRY_CAST(j ->> '$.time_us' AS BIGINT))
                ELSE mt_ts(coalesce(r.createdAt, j ->> '$.indexedAt')) END AS event_ts
    FROM typed
)
SELECT
    'bluesky' AS platform,
    uri AS event_id,
    did AS account_id,
    mt_blank_null(j ->> '$.author.handle') AS account_handle,
    action,
    event_ts AS ts,
    CASE action WHEN 'follow' THEN subject_did
                WHEN 'quote' THEN mt_at_did(quoted_uri)
                WHEN 'reply' THEN mt_at_did(r.reply.parent.uri)
                ELSE mt_at_did(subject_uri) END AS target_account_id,
    CASE action WHEN 'quote' THEN quoted_uri WHEN 'reply' THEN r.reply.parent.uri
                WHEN 'follow' THEN NULL ELSE subject_uri END AS target_post_id,
    nullif(r.text, '') AS text,
    mt_clean_list(list_concat(json_extract_string(rec, '$.facets[*].features[*].uri'), [r.embed.external.uri])) AS urls,
    mt_clean_list(list_concat(json_extract_string(rec, '$.facets[*].features[*].tag'), r.tags)) AS hashtags,
    mt_clean_list(json_extract_string(rec, '$.facets[*].features[*].did')) AS mentions,
    CASE WHEN collection = 'app.bsky.feed.post' THEN coalesce(r.reply.root.uri, uri) END AS conversation_id,
    r.langs[1] AS lang,
    nullif(j ->> '$.author.displayName', '') AS account_display_name,
    source_line,
    raw,
    coalesce(reject_reason, mt_json_problem(j), CASE
        WHEN event_kind IS NOT NULL AND event_kind <> 'commit'
            THEN 'jetstream ' || left(event_kind, 40) || ' event (an identity or account change), not an interaction'
        WHEN operation IS NOT NULL AND operation <> 'create'
            THEN 'jetstream ' || left(operation, 40) || ' of a record, not an interaction: only creates are events'
        WHEN rec IS NULL OR json_type(rec) <> 'OBJECT'
            THEN 'no AT Protocol record found (expected commit.record, record, value or a record type field)'
        WHEN action IS NULL
            THEN 'record type ' || coalesce(left(collection, 60), '(none)')
                 || ' is not an interaction mobtrace models (posts, reposts, likes and follows are)'
        WHEN did IS NULL OR NOT starts_with(did, 'did:')
            THEN 'no author DID: expected a did field, an author or an at:// uri'
        WHEN uri IS NULL OR NOT starts_with(uri, 'at://')
            THEN 'no record key: expected an at:// uri or commit.rkey'
        WHEN event_ts IS NULL AND coalesce(r.createdAt, j ->> '$.indexedAt') IS NOT NULL
            THEN 'unreadable createdAt "' || left(coalesce(r.createdAt, j ->> '$.indexedAt'), 60) || '": expected ISO-8601'
    END) AS reject_reason
FROM mapped;
