-- Parsing helpers shared by every adapter's mapping SQL. Each returns NULL for input it cannot read,
-- so the caller can quarantine the row with a reason instead of failing the whole file.

-- Unix time written as a plain number (mt_ts has checked it is one): seconds, or milliseconds from 1e11 on;
-- NULL from 1e14 on.
CREATE OR REPLACE TEMP MACRO mt_unix_ts(t) AS (
    CASE
        WHEN abs(TRY_CAST(t AS DOUBLE)) >= 1e14 THEN NULL
        WHEN abs(TRY_CAST(t AS DOUBLE)) >= 1e11 THEN make_timestamp(CAST(round(TRY_CAST(t AS DOUBLE) * 1000) AS BIGINT))
        ELSE make_timestamp(CAST(round(TRY_CAST(t AS DOUBLE) * 1000000) AS BIGINT))
    END
);

-- Timestamp as ISO-8601 (with Z, an offset, or naive = UTC) or Unix seconds / milliseconds -> UTC TIMESTAMP.
-- Numbers of magnitude >= 1e11 are milliseconds (1e11 s would be the year 5138); >= 1e14 is unreadable.
-- A plain date-time (YYYY-MM-DD[ HH:MM[:SS[.ffffff]]], optionally ending in Z) takes the TIMESTAMP cast, which
-- gives what the time-zone-aware cast gives it (in a UTC session) at a fraction of the cost; that cast would
-- drop an offset, so anything else (offsets, zone names, BC, ...) takes the TIMESTAMPTZ cast.
-- The two usual forms are tried on s before trimming it (a match has nothing to trim), then on trim(s).
-- tests/test_adapters_macros.py checks the result is the same as the plain definition's.
CREATE OR REPLACE TEMP MACRO mt_ts(s) AS (
    CASE
        WHEN regexp_full_match(s, '-?[0-9]+(\.[0-9]+)?') THEN mt_unix_ts(s)
        WHEN regexp_full_match(s, '[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?Z?)?')
            THEN TRY_CAST(s AS TIMESTAMP)
        WHEN trim(s) = '' THEN NULL
        WHEN regexp_full_match(trim(s), '-?[0-9]+(\.[0-9]+)?') THEN mt_unix_ts(trim(s))
        WHEN regexp_full_match(trim(s), '[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?Z?)?')
            THEN TRY_CAST(trim(s) AS TIMESTAMP)
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

-- Blank strings are missing values; the rest is trimmed. A value that starts and ends with a printable ASCII
-- character has nothing to trim (trim removes Unicode space separators only): it is passed on without the copy.
CREATE OR REPLACE TEMP MACRO mt_blank_null(s) AS (
    CASE WHEN ascii(s) BETWEEN 33 AND 126 AND ascii(right(s, 1)) BETWEEN 33 AND 126 THEN s ELSE nullif(trim(s), '') END
);

-- False only when s is surely not blank: a blank value (trim(s) = '') is NULL, empty, or starts with a space
-- separator, which is ' ' or not ASCII. A cheap pre-filter for checks that then trim.
CREATE OR REPLACE TEMP MACRO mt_maybe_blank(s) AS (s IS NULL OR s = '' OR ascii(s) = 32 OR ascii(s) > 127);

-- Deterministic id for exports that have none: the same record always gets the same id.
CREATE OR REPLACE TEMP MACRO mt_content_id(parts) AS ('h' || substr(md5(array_to_string(list_transform(parts, lambda x: coalesce(x, '')), chr(31))), 1, 24));
