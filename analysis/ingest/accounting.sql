-- Input files whose counts do not add up: rows read vs ingested + quarantined, and the recorded
-- counts vs the rows actually stored in interactions and quarantine for that file.
WITH per_file AS (
    SELECT source_file, sum(rows_read) AS rows_read, sum(ingested) AS ingested, sum(quarantined) AS quarantined,
           sum(events) AS events
    FROM sources GROUP BY source_file
),
stored AS (
    SELECT f.*,
           (SELECT count(*) FROM interactions AS i WHERE i.source_file = f.source_file) AS events_stored,
           (SELECT count(*) FROM quarantine AS q WHERE q.source_file = f.source_file) AS quarantined_stored
    FROM per_file AS f
)
SELECT source_file, rows_read, ingested, quarantined, events, events_stored, quarantined_stored
FROM stored
WHERE rows_read <> ingested + quarantined OR events <> events_stored OR quarantined <> quarantined_stored
   OR events > ingested
ORDER BY source_file
