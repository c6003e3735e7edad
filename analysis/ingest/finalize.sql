-- Move one staged batch into the canonical tables. Parameters: $source_file, $format, $sha256, $checked (the
-- adapter's mapping applied the row checks).
-- Order matters: row checks first, then duplicates earlier in the file, then events already in the database.

-- Row checks (mt_row_problem, stage.sql), unless the adapter's mapping applied them ($checked). Only the rows
-- that may fail a check are updated (writing NULL over every other row costs more than the checks themselves).
UPDATE stage_events SET reject_reason = mt_row_problem(platform, account_id, action, ts, event_id)
WHERE NOT $checked AND reject_reason IS NULL
  AND (mt_maybe_blank(platform) OR mt_maybe_blank(account_id) OR mt_maybe_blank(action) OR mt_maybe_blank(event_id)
       OR action NOT IN ('post', 'reply', 'repost', 'quote', 'mention', 'like', 'report', 'follow', 'comment')
       OR ts IS NULL OR NOT mt_ts_plausible(ts));

-- A duplicate of an earlier row of the same file, in an earlier batch (file_events) or in this one, is one
-- whatever the batch sizes (the fast path reads a file as one batch, the slow path in batches of 250,000).
-- The window only sorts the rows whose event id occurs more than once (usually none): a hash aggregate finds them.
UPDATE stage_events AS s SET reject_reason = 'duplicate of event ' || left(s.event_id, 80) || ' earlier in this file'
FROM file_events AS f
WHERE s.reject_reason IS NULL AND f.platform = s.platform AND f.event_id = s.event_id;

UPDATE stage_events SET reject_reason = 'duplicate of event ' || left(event_id, 80) || ' earlier in this file'
WHERE rowid IN (
    SELECT rowid FROM (
        SELECT rowid, row_number() OVER (PARTITION BY platform, event_id ORDER BY source_line, rowid) AS nth
        FROM stage_events
        WHERE reject_reason IS NULL
          AND event_id IN (SELECT event_id FROM stage_events WHERE reject_reason IS NULL GROUP BY event_id HAVING count(*) > 1)
    ) WHERE nth > 1
);

-- The first row of each event that passed the checks, for the batches after this one.
INSERT INTO file_events SELECT platform, event_id FROM stage_events WHERE reject_reason IS NULL;

-- This and the duplicate statements above keep (platform, event_id) unique; interactions has no primary key, whose
-- index cost 0.4 s per million rows inserted (asset check unique_events verifies the result instead).
-- A hash join that scans interactions: time-ordered ids (X snowflakes, Mastodon, Bluesky TIDs) keep it
-- cheap, as DuckDB prunes row groups with the batch's min/max id: 11 ms per 100,000-row batch at the start
-- and at the end of a 3M-row IO-archive file. Random ids (content hashes) are scanned in full: about 40 ms
-- per million rows stored. INSERT ... ON CONFLICT DO NOTHING RETURNING against a primary key measured no
-- faster (1.5 s per batch into 20M random ids, against 0.75 s here plus 0.75 s for the key check).
UPDATE stage_events AS s
SET reject_reason = 'event ' || left(s.event_id, 80) || ' was already ingested from ' || i.source_file || ':' || i.source_line
FROM interactions AS i
WHERE s.reject_reason IS NULL AND i.platform = s.platform AND i.event_id = s.event_id;

INSERT INTO interactions BY NAME
SELECT platform, event_id, account_id, account_handle, action, ts, target_account_id, target_post_id, text,
       coalesce(urls, []) AS urls, coalesce(hashtags, []) AS hashtags, coalesce(mentions, []) AS mentions,
       conversation_id, lang, $source_file AS source_file, source_line
FROM stage_events WHERE reject_reason IS NULL;

UPDATE stage_accounts SET reject_reason = CASE
    WHEN platform IS NULL OR trim(platform) = '' THEN 'missing platform: the adapter or the platform column must name it'
    WHEN account_id IS NULL OR trim(account_id) = '' THEN 'missing account_id: every account row needs an id'
END
WHERE reject_reason IS NULL;

INSERT INTO quarantine BY NAME
SELECT $source_file AS source_file, r.source_line, $format AS format, left(coalesce(r.raw, b.raw), 10000) AS raw,
       r.reject_reason AS reason, $sha256 AS sha256
FROM (SELECT source_line, raw, reject_reason FROM stage_events WHERE reject_reason IS NOT NULL
      UNION ALL
      SELECT source_line, raw, reject_reason FROM stage_accounts WHERE reject_reason IS NOT NULL) AS r
LEFT JOIN batch_raw AS b ON r.raw IS NULL AND b.source_line = r.source_line;

-- Account facts are collected per file and merged once at its end (merge_accounts.sql): an upsert per
-- batch costs more than the rest of ingest together.
INSERT INTO file_account_facts
SELECT platform, account_id, account_handle, account_display_name, account_created_at, account_followers,
       account_following, epoch_us(ts), account_raw_id
FROM stage_events WHERE reject_reason IS NULL
UNION ALL
SELECT platform, account_id, handle, display_name, created_at, followers, following, source_line, NULL
FROM stage_accounts WHERE reject_reason IS NULL;
