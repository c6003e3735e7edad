-- Every report and what it is about: `mass_report_reports(platform, event_id, account_id, ts, target_kind,
-- target_id, post_id, reason_text, bin)`. A report of a post is a report of its author when the log names
-- the author or the post is in the export ('account'); otherwise of the post itself ('post'). Reporting
-- oneself is left out. `bin` counts bin_seconds from the UTC midnight before the platform's first event
-- (`mass_report_grid`, one grid per platform over everything it holds, so a quiet target has zero bins).
CREATE OR REPLACE TEMP TABLE mass_report_grid AS
SELECT platform, date_trunc('day', min(ts)) AS origin,
       CAST(floor(epoch(max(ts) - date_trunc('day', min(ts))) / $bin_seconds) AS BIGINT) + 1 AS bins
FROM interactions GROUP BY ALL;

CREATE OR REPLACE TABLE mass_report_reports AS
WITH reports AS (
    SELECT platform, event_id, account_id, ts, nullif(trim(target_account_id), '') AS target_account,
           nullif(trim(target_post_id), '') AS post_id, text
    FROM interactions WHERE action = 'report'
),
authors AS (
    SELECT r.platform, r.event_id, min(p.account_id) AS author
    FROM reports AS r JOIN interactions AS p ON p.platform = r.platform AND p.event_id = r.post_id
    WHERE r.target_account IS NULL AND r.post_id IS NOT NULL AND p.action <> 'report'
    GROUP BY ALL
),
aimed AS (
    SELECT r.*, coalesce(r.target_account, a.author) AS account_target
    FROM reports AS r LEFT JOIN authors AS a USING (platform, event_id)
)
SELECT a.platform, a.event_id, a.account_id, a.ts,
       CASE WHEN a.account_target IS NOT NULL THEN 'account' ELSE 'post' END AS target_kind,
       coalesce(a.account_target, a.post_id) AS target_id, a.post_id, a.text AS reason_text,
       CAST(floor(epoch(a.ts - g.origin) / $bin_seconds) AS BIGINT) AS bin
FROM aimed AS a JOIN mass_report_grid AS g USING (platform)
WHERE coalesce(a.account_target, a.post_id) IS NOT NULL AND coalesce(a.account_target, '') <> a.account_id
ORDER BY a.platform, target_kind, target_id, a.ts, a.event_id;
