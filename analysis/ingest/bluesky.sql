-- AT Protocol (Bluesky) records -> stage_events. Input relation `raw_lines` (source_line, raw, reject_reason):
-- one jetstream event, repo record or post view each (see bluesky.py for the shapes).
-- Each line is parsed once into the fields used (json_transform with an explicit structure, values as their JSON
-- text, mt_json_text giving what ->> gives), and its record once more; the parse runs under try (json_transform
-- raises on a broken line, which would fail the whole batch), and json_valid says why a line it could not read is
-- rejected. One pipeline, no materialised CTE: copying the lines cost more than the parse. The "$" + "type" key is spelled
-- \u0024type in the structures and chr(36) || 'type' in SQL (see mt_at_type).
INSERT INTO stage_events BY NAME
WITH keyed AS (
    SELECT source_line, raw, reject_reason,
           -- valid JSON is an object exactly when its first non-blank character is "{"; json_transform reads
           -- only such lines (under try: it raises on a broken one), json_valid only the lines it could not read
           CASE WHEN reject_reason IS NULL AND regexp_matches(raw, '^[ \t\n\r]*\{')
                THEN try(json_transform(raw, '{"commit": {"record": "JSON", "collection": "JSON", "operation": "JSON", "rkey": "JSON"},
                    "record": "JSON", "value": "JSON", "uri": "JSON", "did": "JSON", "kind": "JSON", "time_us": "JSON",
                    "indexedAt": "JSON", "author": "JSON", "\u0024type": "JSON"}')) END AS k
    FROM raw_lines
),
-- The record: the first of commit.record, record and value that is present (a null one too: it is the JSON
-- null, as -> gives it), else the line itself when it has a record type. A null value is looked up in the line
-- only when the line holds the key's name or a \u escape that could spell it.
located AS (
    SELECT *,
           CASE WHEN k IS NULL THEN NULL
                WHEN k.commit.record IS NOT NULL THEN k.commit.record
                WHEN CASE WHEN k.commit IS NOT NULL AND (contains(raw, '"record"') OR contains(raw, '\u'))
                          THEN json_exists(raw, '$.commit.record') ELSE false END THEN 'null'
                WHEN k.record IS NOT NULL THEN k.record
                WHEN CASE WHEN contains(raw, '"record"') OR contains(raw, '\u') THEN json_exists(raw, '$.record') ELSE false END
                    THEN 'null'
                WHEN k.value IS NOT NULL THEN k.value
                WHEN CASE WHEN contains(raw, '"value"') OR contains(raw, '\u') THEN json_exists(raw, '$.value') ELSE false END
                    THEN 'null'
                WHEN mt_json_text(struct_extract(k, chr(36) || 'type')) IS NOT NULL THEN raw
           END AS rec,
           coalesce(mt_json_text(k.commit.collection), regexp_extract(coalesce(mt_json_text(k.uri), ''), '^at://[^/]+/([^/]+)/', 1)) AS uri_collection,
           CASE WHEN starts_with(k.author, '"') THEN mt_json_text(k.author) ELSE k.author ->> '$.did' END AS author_did
    FROM keyed
),
parsed AS (
    SELECT *,
           json_transform(rec, '{
               "text": "VARCHAR", "createdAt": "VARCHAR", "langs": ["VARCHAR"], "tags": ["VARCHAR"],
               "reply": {"parent": {"uri": "VARCHAR"}, "root": {"uri": "VARCHAR"}},
               "embed": {"record": {"uri": "VARCHAR", "record": {"uri": "VARCHAR"}},
                         "external": {"uri": "VARCHAR"}, "\u0024type": "JSON"},
               "subject": "JSON", "\u0024type": "JSON",
               "facets": [{"features": [{"uri": "JSON", "tag": "JSON", "did": "JSON"}]}]
           }') AS r,
           coalesce(nullif(mt_json_text(k.did), ''), author_did, mt_at_did(mt_json_text(k.uri))) AS did,
           mt_json_text(k.kind) AS event_kind,
           mt_json_text(k.commit.operation) AS operation
    FROM located
),
typed AS (
    SELECT *,
           coalesce(nullif(uri_collection, ''), mt_json_text(struct_extract(r, chr(36) || 'type'))) AS collection,
           coalesce(mt_json_text(k.uri), 'at://' || did || '/' || coalesce(nullif(uri_collection, ''), mt_json_text(struct_extract(r, chr(36) || 'type'))) || '/'
                    || mt_json_text(k.commit.rkey)) AS uri,
           CASE mt_json_text(struct_extract(r.embed, chr(36) || 'type')) WHEN 'app.bsky.embed.record' THEN r.embed.record.uri
                WHEN 'app.bsky.embed.recordWithMedia' THEN r.embed.record.record.uri END AS quoted_uri,
           CASE WHEN json_type(r.subject) = 'OBJECT' THEN r.subject ->> '$.uri' END AS subject_uri,
           CASE WHEN json_type(r.subject) = 'VARCHAR' THEN r.subject ->> '$' END AS subject_did,
           flatten(list_transform(r.facets, lambda f: f.features)) AS features
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
           CASE WHEN TRY_CAST(mt_json_text(k.time_us) AS BIGINT) IS NOT NULL THEN make_timestamp(TRY_CAST(mt_json_text(k.time_us) AS BIGINT))
                ELSE mt_ts(coalesce(r.createdAt, mt_json_text(k.indexedAt))) END AS event_ts
    FROM typed
)
SELECT
    'bluesky' AS platform,
    uri AS event_id,
    did AS account_id,
    mt_blank_null(k.author ->> '$.handle') AS account_handle,
    action,
    event_ts AS ts,
    CASE action WHEN 'follow' THEN subject_did
                WHEN 'quote' THEN mt_at_did(quoted_uri)
                WHEN 'reply' THEN mt_at_did(r.reply.parent.uri)
                ELSE mt_at_did(subject_uri) END AS target_account_id,
    CASE action WHEN 'quote' THEN quoted_uri WHEN 'reply' THEN r.reply.parent.uri
                WHEN 'follow' THEN NULL ELSE subject_uri END AS target_post_id,
    nullif(r.text, '') AS text,
    mt_clean_list(list_concat(list_transform(features, lambda x: mt_json_text(x.uri)), [r.embed.external.uri])) AS urls,
    mt_clean_list(list_concat(list_transform(features, lambda x: mt_json_text(x.tag)), r.tags)) AS hashtags,
    mt_clean_list(list_transform(features, lambda x: mt_json_text(x.did))) AS mentions,
    CASE WHEN collection = 'app.bsky.feed.post' THEN coalesce(r.reply.root.uri, uri) END AS conversation_id,
    r.langs[1] AS lang,
    nullif(k.author ->> '$.displayName', '') AS account_display_name,
    source_line,  -- raw: finalize.sql reads a quarantined record's text from raw_lines (jsondoc.stage_tables)
    coalesce(reject_reason, CASE
        WHEN k IS NULL THEN CASE WHEN json_valid(raw) THEN 'record is JSON but not an object: each record must be one {...} object'
                                 ELSE 'line is not valid JSON (cut off or corrupt): repair the line or re-export the file' END
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
        WHEN event_ts IS NULL AND coalesce(r.createdAt, mt_json_text(k.indexedAt)) IS NOT NULL
            THEN 'unreadable createdAt "' || left(coalesce(r.createdAt, mt_json_text(k.indexedAt)), 60) || '": expected ISO-8601'
    END) AS reject_reason
FROM mapped;
