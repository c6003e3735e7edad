-- Parsing helpers for the platform export adapters (twarc2, io-archive, ira538, reddit, bluesky, mastodon,
-- telegram, cnt). TEMP so that ingesting never writes them into the user's database file. Like
-- macros.sql, each returns NULL for input it cannot read so that the row can be quarantined with a reason.

-- Time encoded in an X/Twitter snowflake id: milliseconds since 2010-11-04 01:42:54.657 UTC in bits 22 and up.
-- NULL when the id is not a plain unsigned number (hashed ids, pre-2010 sequential ids give nonsense the caller rejects).
-- The id is matched before trimming it (a match has nothing to trim), then trimmed.
CREATE OR REPLACE TEMP MACRO mt_snowflake_of(digits) AS (
    make_timestamp(CAST((TRY_CAST(digits AS UBIGINT) >> 22) + 1288834974657 AS BIGINT) * 1000)
);
CREATE OR REPLACE TEMP MACRO mt_snowflake_ts(id) AS (
    CASE WHEN regexp_full_match(id, '[0-9]{1,20}') THEN mt_snowflake_of(id)
         WHEN regexp_full_match(trim(id), '[0-9]{1,20}') THEN mt_snowflake_of(trim(id))
    END
);

-- A minute-resolution export time refined to the millisecond by the tweet's snowflake id, but only when
-- the two agree (the id's minute is within one minute of the exported minute); otherwise the exported time.
-- mt_x_refine takes the snowflake time already computed (callers compute each parse once per row). Minutes
-- are counted with integer division, which truncates: that is the minute for any time after 1970, and a
-- snowflake time is after 2010, so an exported time before 1970 is more than a minute away either way.
CREATE OR REPLACE TEMP MACRO mt_x_refine(snowflake_ts, minute_ts) AS (
    CASE WHEN minute_ts IS NOT NULL AND snowflake_ts IS NOT NULL
              AND abs(epoch_us(snowflake_ts) // 60000000 - epoch_us(minute_ts) // 60000000) <= 1
         THEN snowflake_ts
         ELSE minute_ts
    END
);
CREATE OR REPLACE TEMP MACRO mt_x_minute_ts(id, minute_ts) AS (mt_x_refine(mt_snowflake_ts(id), minute_ts));

-- A follower or following count as the CSV exports write it, whole or with a decimal part ("1234.0");
-- NULL when it is not a number.
CREATE OR REPLACE TEMP MACRO mt_count(s) AS (TRY_CAST(TRY_CAST(s AS DOUBLE) AS BIGINT));

-- A list written as a Python literal: "['a', \"b'c\", 123]" or "[]". Quotes are removed and \' \" \\ unescaped;
-- bare items (numbers, or unquoted words in some releases) are kept as text. NULL when not bracketed.
-- The usual shape, items in single quotes that hold no quote or backslash, separated by ", " (['a', 'b']),
-- is split without the tokenising regex, which would find the same items at several times the cost.
CREATE OR REPLACE TEMP MACRO mt_pylist(s) AS (
    CASE
        WHEN s = '[]' THEN CAST([] AS VARCHAR[])
        WHEN regexp_full_match(s, '\[''[^''\\]*''(, ''[^''\\]*'')*\]')
            THEN string_split(substring(s, 3, length(s) - 4), ''', ''')
        WHEN s IS NULL OR trim(s) IN ('', '[]') THEN CAST([] AS VARCHAR[])
        WHEN NOT (starts_with(trim(s), '[') AND ends_with(trim(s), ']')) THEN NULL
        ELSE list_transform(
            regexp_extract_all(trim(s), '''(?:[^''\\]|\\.)*''|"(?:[^"\\]|\\.)*"|[^,\[\]\s''"]+'),
            lambda x: CASE WHEN left(x, 1) IN ('''', '"')
                           THEN replace(replace(replace(x[2:-2], '\''', ''''), '\"', '"'), '\\', '\')
                           ELSE x END)
    END
);

-- The non-blank items of a Python-literal list, without their sigil ('' for none): what
-- mt_clean_list(mt_strip_sigils(mt_pylist(s), sigil)) gives, but NULL when s is not a list, so that one value
-- serves both the column and the reject reason. A list of the usual shape with no sigil in it is only split.
CREATE OR REPLACE TEMP MACRO mt_pylist_clean(s, sigil) AS (
    CASE
        WHEN s = '[]' THEN CAST([] AS VARCHAR[])
        WHEN regexp_full_match(s, '\[''[^''\\]*''(, ''[^''\\]*'')*\]') AND (sigil = '' OR NOT contains(s, sigil))
            THEN mt_clean_list(string_split(substring(s, 3, length(s) - 4), ''', '''))
        WHEN mt_pylist(s) IS NOT NULL THEN mt_clean_list(mt_strip_sigils(mt_pylist(s), sigil))
    END
);

-- The non-blank items of a list, in their order (a NULL list is empty). An item that starts with a printable
-- ASCII character is not blank (trim removes space separators only), so only the others are trimmed.
CREATE OR REPLACE TEMP MACRO mt_clean_list(l) AS (
    list_filter(coalesce(l, CAST([] AS VARCHAR[])),
                lambda x: CASE WHEN ascii(x) BETWEEN 33 AND 126 THEN true ELSE trim(x) <> '' END)
);

-- The non-blank items of s split at each space, in their order (a NULL s has none): what
-- mt_clean_list(string_split(coalesce(s, ''), ' ')) gives. ASCII text that neither starts nor ends with a space
-- and holds no two in a row has no blank item, so it is only split (strlen = length: every character is ASCII).
CREATE OR REPLACE TEMP MACRO mt_split_spaces(s) AS (
    CASE WHEN s <> '' AND strlen(s) = length(s) AND NOT starts_with(s, ' ') AND NOT ends_with(s, ' ') AND NOT contains(s, '  ')
         THEN string_split(s, ' ')
         ELSE mt_clean_list(string_split(coalesce(s, ''), ' '))
    END
);

-- URLs, #hashtags and @handles found in free text (for exports that do not list them). Text without the
-- "http", "#" or "@" that every match holds is not searched.
CREATE OR REPLACE TEMP MACRO mt_text_urls(t) AS (
    CASE WHEN contains(t, 'http') THEN coalesce(regexp_extract_all(t, 'https?://[^\s<>"\)\]]+'), CAST([] AS VARCHAR[]))
         ELSE CAST([] AS VARCHAR[]) END
);
-- In ASCII text (strlen = length) the letters and digits are [A-Za-z] and [0-9]: the same pattern without
-- Unicode classes, several times faster, finds the same hashtags.
CREATE OR REPLACE TEMP MACRO mt_text_hashtags(t) AS (
    CASE WHEN NOT contains(t, '#') THEN CAST([] AS VARCHAR[])
         WHEN strlen(t) = length(t) THEN coalesce(regexp_extract_all(t, '(?:^|[^A-Za-z0-9_&/])#([A-Za-z0-9_]+)', 1), CAST([] AS VARCHAR[]))
         ELSE coalesce(regexp_extract_all(t, '(?:^|[^\p{L}\p{N}_&/])#([\p{L}\p{N}_]+)', 1), CAST([] AS VARCHAR[]))
    END
);
CREATE OR REPLACE TEMP MACRO mt_text_x_mentions(t) AS (
    CASE WHEN contains(t, '@') THEN coalesce(regexp_extract_all(t, '(?:^|[^A-Za-z0-9_])@([A-Za-z0-9_]{1,15})', 1), CAST([] AS VARCHAR[]))
         ELSE CAST([] AS VARCHAR[]) END
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

-- The text of a JSON value as ->> gives it (a string unquoted and unescaped; any other value as written
-- in JSON; NULL for null or a missing value), from the value's JSON text as json_transform gives it with the
-- type "JSON". (json_transform to VARCHAR writes some numbers differently from ->>: 1e+20 for 100000000000000000000.0.)
CREATE OR REPLACE TEMP MACRO mt_json_text(v) AS (CASE WHEN starts_with(v, '"') THEN v ->> '$' ELSE CAST(v AS VARCHAR) END);

-- Why a line could not be read as one JSON object (NULL when it can).
CREATE OR REPLACE TEMP MACRO mt_json_problem(j) AS (
    CASE
        WHEN j IS NULL THEN 'line is not valid JSON (cut off or corrupt): repair the line or re-export the file'
        WHEN json_type(j) <> 'OBJECT' THEN 'record is JSON but not an object: each record must be one {...} object'
    END
);
