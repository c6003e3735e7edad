-- The calls to report that calls.py kept (`mass_report_call_rows`), with how long before the wave they came
-- (`lead_s`, negative when posted during it), and their amplifiers: accounts that reposted or quoted a call
-- on its platform from when it was posted to the wave's end.
CREATE OR REPLACE TABLE mass_report_calls AS
SELECT c.wave_id, c.platform, c.event_id, c.account_id, c.ts, c.how, c.languages, epoch(w.start_ts) - epoch(c.ts) AS lead_s
FROM mass_report_call_rows AS c JOIN mass_report_waves AS w USING (wave_id)
ORDER BY c.wave_id, c.ts, c.platform, c.event_id;

CREATE OR REPLACE TABLE mass_report_amplifications AS
SELECT DISTINCT c.wave_id, a.platform, a.account_id, a.event_id, a.ts, a.action, c.event_id AS call_event_id
FROM mass_report_calls AS c
JOIN mass_report_waves AS w USING (wave_id)
JOIN interactions AS a ON a.platform = c.platform AND a.target_post_id = c.event_id
WHERE a.action IN ('repost', 'quote') AND a.account_id <> c.account_id AND a.ts BETWEEN c.ts AND w.end_ts
ORDER BY c.wave_id, a.ts, a.platform, a.event_id;
