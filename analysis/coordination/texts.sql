-- co_text objects (see text.py). Parameters: $actions, $min_chars; {safe_chars} and {word_chars} are RE2
-- character classes that text.py builds from Python's Unicode tables (sql_char_classes).
-- A text made only of safe characters is normalised here, in parallel: NFKC leaves it as it is, case folding
-- is DuckDB's lower(), and its only whitespace is ASCII. Each rule runs only where it can change the text.
-- Any other text is kept as it is in `raw` (norm_text NULL), for normalise_text in Python: one pass over
-- the texts decides which way each goes.
CREATE OR REPLACE TEMP TABLE coaction_texts AS
WITH texts AS (
    SELECT platform, event_id, account_id, ts, text,
           strlen(text) = length(text) OR regexp_full_match(text, '[{safe_chars}]*') AS safe
    FROM interactions
    WHERE list_contains($actions, action) AND text IS NOT NULL
),
lowered AS (
    SELECT platform, event_id, account_id, ts,
           CASE WHEN safe THEN lower(text) END AS t, CASE WHEN NOT safe THEN text END AS raw
    FROM texts
),
unlinked AS (
    SELECT platform, event_id, account_id, ts, raw,
           CASE WHEN contains(t, '://') OR contains(t, 'www.')
                THEN regexp_replace(t, '(https?://|www\.)[^\t\n\x0b\x0c\r\x1c-\x1f ]+', ' ', 'g') ELSE t END AS t
    FROM lowered
),
unmentioned AS (
    SELECT platform, event_id, account_id, ts, raw,
           CASE WHEN contains(t, '@') THEN regexp_replace(t, '@[{word_chars}]+', ' ', 'g') ELSE t END AS t
    FROM unlinked
),
collapsed AS MATERIALIZED (
    -- (MATERIALIZED: the length test below would otherwise compute every text twice)
    SELECT platform, event_id, account_id, ts, raw,
           -- trim() strips spaces (Unicode Zs, but ' ' is the only one a safe text can hold); faster than
           -- trim(t, ' '), and only called on a text that starts or ends with one
           CASE WHEN regexp_matches(t, '[\t\n\x0b\x0c\r\x1c-\x1f ]{2}|[\t\n\x0b\x0c\r\x1c-\x1f]')
                     THEN trim(regexp_replace(t, '[\t\n\x0b\x0c\r\x1c-\x1f ]+', ' ', 'g'))
                WHEN starts_with(t, ' ') OR ends_with(t, ' ') THEN trim(t)
                ELSE t END AS norm_text
    FROM unmentioned
)
SELECT * FROM collapsed WHERE raw IS NOT NULL OR length(norm_text) >= $min_chars;
