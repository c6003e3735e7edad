-- Parsing helpers for the platform export adapters (twarc2, io-archive, ira538, reddit, bluesky, mastodon,
-- telegram, cnt). TEMP so that ingesting never writes them into the user's database file. Like
-- macros.sql, each returns NULL for input it cannot read so that the row can be quarantined with a reason.

-- Time encoded in an X/Twitter snowflake id: milliseconds since 2010-11-04 01:42:54.657 UTC in bits 22 and up.
-- NULL when the id is not a plain unsigned number (hashed ids, pre-2010 sequential ids give nonsense the caller rejects).
CREATE OR REPLACE TEMP MACRO mt_snowflake_ts(id) AS (
    CASE WHEN regexp_full_match(coalesce(trim(id), ''), '[0-9]{1,20}') AND TRY_CAST(trim(id) AS UBIGINT) IS NOT NULL
         THEN make_timestamp(CAST((TRY_CAST(trim(id) AS UBIGINT) >> 22) + 1288834974657 AS BIGINT) * 1000)
    END
);

-- A minute-resolution export time refined to the millisecond by the tweet's snowflake id, but only when
-- the two agree (the id's minute is within one minute of the exported minute); otherwise the exported time.
-- mt_x_refine takes the snowflake time already computed (callers compute each parse once per row).
CREATE OR REPLACE TEMP MACRO mt_x_refine(snowflake_ts, minute_ts) AS (
    CASE WHEN minute_ts IS NOT NULL AND snowflake_ts IS NOT NULL
              AND abs(epoch(date_trunc('minute', snowflake_ts)) - epoch(date_trunc('minute', minute_ts))) <= 60
         THEN snowflake_ts
         ELSE minute_ts
    END
);
CREATE OR REPLACE TEMP MACRO mt_x_minute_ts(id, minute_ts) AS (mt_x_refine(mt_snowflake_ts(id), minute_ts));

-- A list written as a Python literal: "['a', \"b'c\", 123]" or "[]". Quotes are removed and \' \" \\ unescaped;
-- bare items (numbers, or unquoted words in some releases) are kept as text. NULL when not bracketed.
CREATE OR REPLACE TEMP MACRO mt_pylist(s) AS (
    CASE
        WHEN s IS NULL OR s = '[]' OR trim(s) IN ('', '[]') THEN CAST([] AS VARCHAR[])
        WHEN NOT (starts_with(trim(s), '[') AND ends_with(trim(s), ']')) THEN NULL
        ELSE list_transform(
            regexp_extract_all(trim(s), '''(?:[^''\\]|\\.)*''|"(?:[^"\\]|\\.)*"|[^,\[\]\s''"]+'),
            lambda x: CASE WHEN left(x, 1) IN ('''', '"')
                           THEN replace(replace(replace(x[2:-2], '\''', ''''), '\"', '"'), '\\', '\')
                           ELSE x END)
    END
);

-- The non-blank items of a list, in their order (a NULL list is empty).
CREATE OR REPLACE TEMP MACRO mt_clean_list(l) AS (
    list_filter(coalesce(l, CAST([] AS VARCHAR[])), lambda x: x IS NOT NULL AND trim(x) <> '')
);

-- URLs, #hashtags and @handles found in free text (for exports that do not list them).
CREATE OR REPLACE TEMP MACRO mt_text_urls(t) AS (
    coalesce(regexp_extract_all(t, 'https?://[^\s<>"\)\]]+'), CAST([] AS VARCHAR[]))
);
CREATE OR REPLACE TEMP MACRO mt_text_hashtags(t) AS (
    coalesce(regexp_extract_all(t, '(?:^|[^\p{L}\p{N}_&/])#([\p{L}\p{N}_]+)', 1), CAST([] AS VARCHAR[]))
);
CREATE OR REPLACE TEMP MACRO mt_text_x_mentions(t) AS (
    coalesce(regexp_extract_all(t, '(?:^|[^A-Za-z0-9_])@([A-Za-z0-9_]{1,15})', 1), CAST([] AS VARCHAR[]))
);

-- Mastodon's sanitised status HTML to plain text: paragraphs and <br> become line breaks, tags are removed,
-- and the five entities Mastodon escapes are decoded (&amp; last, so "&amp;lt;" stays "&lt;").
CREATE OR REPLACE TEMP MACRO mt_html_text(h) AS (
    replace(replace(replace(replace(replace(replace(replace(
        regexp_replace(
            regexp_replace(
                regexp_replace(h, '<br\s*/?>', chr(10), 'gi'),
                '</p>\s*<p[^>]*>', chr(10) || chr(10), 'gi'),
            '<[^>]*>', '', 'g'),
        '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&apos;', ''''), '&nbsp;', ' '), '&amp;', '&')
);

-- The AT Protocol record type (the "$" + "type" key) of the object at path p; spelled with chr(36) because
-- the SQL runner would read the literal key as a query parameter.
CREATE OR REPLACE TEMP MACRO mt_at_type(j, p) AS (json_extract_string(j, p || '."' || chr(36) || 'type"'));

-- The DID in an AT Protocol URI (at://did:plc:xyz/collection/rkey); NULL when absent.
CREATE OR REPLACE TEMP MACRO mt_at_did(uri) AS (nullif(regexp_extract(coalesce(uri, ''), '^at://(did:[^/]+)', 1), ''));

-- Why a line could not be read as one JSON object (NULL when it can).
CREATE OR REPLACE TEMP MACRO mt_json_problem(j) AS (
    CASE
        WHEN j IS NULL THEN 'line is not valid JSON (cut off or corrupt): repair the line or re-export the file'
        WHEN json_type(j) <> 'OBJECT' THEN 'record is JSON but not an object: each record must be one {...} object'
    END
);
