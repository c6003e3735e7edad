-- Parsing helpers shared by every adapter's mapping SQL. Each returns NULL for input it cannot read,
-- so the caller can quarantine the row with a reason instead of failing the whole file.

-- Timestamp as ISO-8601 (with Z, an offset, or naive = UTC) or Unix seconds / milliseconds -> UTC TIMESTAMP.
-- Numbers of magnitude >= 1e11 are milliseconds (1e11 s would be the year 5138); >= 1e14 is unreadable.
CREATE OR REPLACE TEMP MACRO mt_ts(s) AS (
    CASE
        WHEN s IS NULL OR trim(s) = '' THEN NULL
        WHEN regexp_full_match(trim(s), '-?[0-9]+(\.[0-9]+)?') THEN
            CASE
                WHEN abs(TRY_CAST(trim(s) AS DOUBLE)) >= 1e14 THEN NULL
                WHEN abs(TRY_CAST(trim(s) AS DOUBLE)) >= 1e11
                    THEN make_timestamp(CAST(round(TRY_CAST(trim(s) AS DOUBLE) * 1000) AS BIGINT))
                ELSE make_timestamp(CAST(round(TRY_CAST(trim(s) AS DOUBLE) * 1000000) AS BIGINT))
            END
        ELSE timezone('UTC', TRY_CAST(trim(s) AS TIMESTAMPTZ))
    END
);

-- Plausible event time: outside this range the unit or the format is almost surely wrong.
CREATE OR REPLACE TEMP MACRO mt_ts_plausible(t) AS (t >= TIMESTAMP '1995-01-01' AND t < TIMESTAMP '2100-01-01');

-- List as a JSON array ('["a","b"]') or whitespace-separated ('a b'); NULL when a JSON array is malformed.
CREATE OR REPLACE TEMP MACRO mt_list(s) AS (
    CASE
        WHEN s IS NULL OR trim(s) = '' THEN CAST([] AS VARCHAR[])
        WHEN starts_with(trim(s), '[') THEN try(from_json(trim(s), '["VARCHAR"]'))
        ELSE list_filter(string_split_regex(trim(s), '\s+'), lambda x: x <> '')
    END
);

-- Hashtags and mentions are stored without their sigil.
CREATE OR REPLACE TEMP MACRO mt_strip_sigils(l, sigil) AS (list_transform(l, lambda x: ltrim(x, sigil)));

-- Blank strings are missing values.
CREATE OR REPLACE TEMP MACRO mt_blank_null(s) AS (CASE WHEN trim(s) = '' THEN NULL ELSE trim(s) END);

-- Deterministic id for exports that have none: the same record always gets the same id.
CREATE OR REPLACE TEMP MACRO mt_content_id(parts) AS ('h' || substr(md5(array_to_string(list_transform(parts, lambda x: coalesce(x, '')), chr(31))), 1, 24));
