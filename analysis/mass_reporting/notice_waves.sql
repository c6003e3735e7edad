-- Victim-side waves: the enforcement notices an account received (post removed, account locked,
-- suspended or restricted, warning) that follow each other at most $gap_seconds apart form a cluster; a
-- cluster of at least $min_notices notices is a notice wave (`notice-wave-NNN`, by first notice), from its
-- first notice to its last, added to `mass_report_waves` with side 'notices'. The reports of a report log
-- against the same account from $lead_hours before the first notice to the last one are counted beside it.
-- Whether calls to report came first is decided with the calls (features.sql).
CREATE OR REPLACE TEMP TABLE mass_report_notice_runs AS
WITH enforcement AS (
    SELECT platform, account_id, notice_id, ts FROM notices
    WHERE action IN ('post_removed', 'account_locked', 'account_suspended', 'account_restricted', 'warning')
),
gaps AS (
    SELECT *, CASE WHEN epoch(ts) - epoch(lag(ts) OVER w) <= $gap_seconds THEN 0 ELSE 1 END AS starts_run
    FROM enforcement WINDOW w AS (PARTITION BY platform, account_id ORDER BY ts, notice_id)
),
runs AS (
    SELECT *, sum(starts_run) OVER (PARTITION BY platform, account_id ORDER BY ts, notice_id ROWS UNBOUNDED PRECEDING) AS run
    FROM gaps
)
SELECT platform, account_id, run, min(ts) AS start_ts, max(ts) AS end_ts, count(*) AS notices, list(notice_id ORDER BY ts, notice_id) AS notice_ids
FROM runs GROUP BY ALL HAVING count(*) >= $min_notices;

CREATE OR REPLACE TABLE mass_report_waves AS
SELECT *, CAST(0 AS BIGINT) AS notices FROM mass_report_waves
UNION ALL BY NAME
SELECT printf('notice-wave-%03d', row_number() OVER (ORDER BY n.start_ts, n.platform, n.account_id)) AS wave_id, 'notices' AS side,
       n.platform, 'account' AS target_kind, n.account_id AS target_id, n.start_ts, n.end_ts, n.start_ts AS peak_ts,
       count(r.event_id) AS reports, count(DISTINCT r.account_id) AS reporters, CAST(NULL AS DOUBLE) AS expected,
       CAST(NULL AS DOUBLE) AS p_value, CAST(NULL AS BIGINT) AS kleinberg_level, CAST(NULL AS BIGINT) AS bins, n.notices
FROM mass_report_notice_runs AS n
LEFT JOIN mass_report_reports AS r
  ON r.platform = n.platform AND r.target_kind = 'account' AND r.target_id = n.account_id
 AND r.ts BETWEEN n.start_ts - to_minutes(CAST(round($lead_hours * 60) AS BIGINT)) AND n.end_ts
GROUP BY n.platform, n.account_id, n.run, n.start_ts, n.end_ts, n.notices;

CREATE OR REPLACE TABLE mass_report_wave_notices AS
SELECT w.wave_id, n.platform, unnest(n.notice_ids) AS notice_id
FROM mass_report_notice_runs AS n
JOIN mass_report_waves AS w ON w.side = 'notices' AND w.platform = n.platform AND w.target_id = n.account_id AND w.start_ts = n.start_ts
ORDER BY ALL;
