-- Helpers of the ira538 mapping (ira538.sql), created once per file.

-- True for an id that has probably gone through a float: above 2^53 a double cannot hold every integer,
-- and the published files print such ids with at most 15 significant digits (906000000000000000), so an
-- id this large ending in 000 is taken as rounded. A genuine id that happens to end in 000 (1 in 1,000) is
-- then keyed by its handle, which costs nothing; a rounded one kept as key would merge accounts.
CREATE OR REPLACE TEMP MACRO mt_ira538_rounded(id) AS (
    length(id) >= 16 AND ends_with(id, '000') AND TRY_CAST(id AS HUGEINT) > 9007199254740992
);

-- The text of a retweet as a key of its original: case-folded, links removed (a retweet cut at 140
-- characters cuts its links differently), a trailing ellipsis dropped, spaces collapsed.
CREATE OR REPLACE TEMP MACRO mt_ira538_norm(t) AS (
    regexp_replace(
        trim(regexp_replace(regexp_replace(lower(coalesce(t, '')), 'https?://\S*', ' ', 'g'), '\s+', ' ', 'g')),
        '\s*(…|\.\.\.)$', '')
);
