-- Candidates for the calls to report of every wave (platform side and victim side): a post, reply, quote,
-- comment or mention, not by the target, posted from $lead_hours before the wave (its first report, or
-- first notice) to its end, that names the target: aimed at it (a reply to it or to its post), mentions it
-- (by id or handle, in the mentions or as @handle in the text, on its platform), or links to its profile or
-- to one of its posts on any platform (`mass_report_link_targets(url, link_platform, handle, post_id)`, read
-- by links.py without any network). calls.py keeps those whose text asks for reports.
-- `mass_report_target_names(wave_id, platform, target_kind, target_id, handle, from_ts, to_ts)`: the handles
-- are those the accounts table and the notices know.
CREATE OR REPLACE TEMP TABLE mass_report_target_names AS
WITH handles AS (
    SELECT platform, account_id, lower(handle) AS handle FROM accounts WHERE coalesce(handle, '') <> ''
    UNION
    SELECT platform, account_id, lower(handle) FROM notices WHERE coalesce(handle, '') <> ''
)
SELECT w.wave_id, w.platform, w.target_kind, w.target_id, h.handle,
       w.start_ts - to_minutes(CAST(round($lead_hours * 60) AS BIGINT)) AS from_ts, w.end_ts AS to_ts
FROM mass_report_waves AS w
LEFT JOIN handles AS h ON w.target_kind = 'account' AND h.platform = w.platform AND h.account_id = w.target_id;

-- The posts of each target (for links to one of its posts), and the posts its wave reported.
CREATE OR REPLACE TEMP TABLE mass_report_target_posts AS
WITH targets AS (SELECT DISTINCT wave_id, platform, target_kind, target_id FROM mass_report_target_names)
SELECT DISTINCT t.wave_id, t.platform, lower(p.event_id) AS post_id
FROM targets AS t JOIN interactions AS p ON p.platform = t.platform AND p.account_id = t.target_id
WHERE t.target_kind = 'account'
UNION
SELECT DISTINCT wave_id, platform, lower(target_id) FROM targets WHERE target_kind = 'post';

-- Each way of naming a target is an equality join of its own (a join on OR would compare every pair), on the
-- events of the target's window only.
CREATE OR REPLACE TEMP TABLE mass_report_call_refs AS
WITH named AS (
    SELECT DISTINCT wave_id, platform, target_kind, target_id, handle, from_ts, to_ts FROM mass_report_target_names
),
candidates AS (
    SELECT platform, event_id, account_id, ts, target_account_id, target_post_id, mentions, urls, text
    FROM interactions
    WHERE action IN ('post', 'reply', 'quote', 'comment', 'mention') AND coalesce(text, '') <> ''
      AND ts BETWEEN (SELECT min(from_ts) FROM named) AND (SELECT max(to_ts) FROM named)
),
mentioned AS (
    SELECT platform, event_id, ts, lower(ltrim(trim(unnest(mentions)), '@')) AS mention FROM candidates WHERE len(mentions) > 0
),
handled AS (
    SELECT platform, event_id, ts, rtrim(unnest(regexp_extract_all(lower(text), '@([\w.]+)', 1)), '.') AS handle
    FROM candidates WHERE contains(text, '@')
),
linked AS (
    SELECT c.platform, c.event_id, c.ts, l.link_platform, l.handle, l.post_id
    FROM (SELECT platform, event_id, ts, unnest(urls) AS url FROM candidates WHERE len(urls) > 0
          UNION SELECT platform, event_id, ts, unnest(regexp_extract_all(text, 'https?://[^\s<>"'']+')) FROM candidates
          WHERE contains(text, '://')) AS c
    JOIN mass_report_link_targets AS l USING (url)
),
posts AS (
    SELECT DISTINCT p.wave_id, p.platform, p.post_id, n.from_ts, n.to_ts
    FROM mass_report_target_posts AS p JOIN (SELECT DISTINCT wave_id, from_ts, to_ts FROM named) AS n USING (wave_id)
)
SELECT n.wave_id, x.platform, x.event_id, 'addressed to it' AS how
FROM candidates AS x JOIN named AS n ON x.platform = n.platform AND x.target_account_id = n.target_id
WHERE n.target_kind = 'account' AND x.ts BETWEEN n.from_ts AND n.to_ts
UNION
SELECT n.wave_id, x.platform, x.event_id, 'addressed to it'
FROM candidates AS x JOIN named AS n ON x.platform = n.platform AND x.target_post_id = n.target_id
WHERE n.target_kind = 'post' AND x.ts BETWEEN n.from_ts AND n.to_ts
UNION
SELECT n.wave_id, m.platform, m.event_id, 'mentions it'
FROM mentioned AS m JOIN named AS n ON n.platform = m.platform AND m.mention = lower(n.target_id)
WHERE n.target_kind = 'account' AND m.ts BETWEEN n.from_ts AND n.to_ts
UNION
SELECT n.wave_id, m.platform, m.event_id, 'mentions it'
FROM mentioned AS m JOIN named AS n ON n.platform = m.platform AND m.mention = n.handle
WHERE m.ts BETWEEN n.from_ts AND n.to_ts
UNION
SELECT n.wave_id, h.platform, h.event_id, 'names its handle'
FROM handled AS h JOIN named AS n ON n.platform = h.platform AND h.handle = n.handle
WHERE h.ts BETWEEN n.from_ts AND n.to_ts
UNION
SELECT n.wave_id, k.platform, k.event_id, 'links to it'
FROM linked AS k JOIN named AS n ON n.platform = k.link_platform AND k.handle = n.handle
WHERE k.post_id IS NULL AND k.ts BETWEEN n.from_ts AND n.to_ts
UNION
SELECT n.wave_id, k.platform, k.event_id, 'links to it'
FROM linked AS k JOIN named AS n ON n.platform = k.link_platform AND k.handle = lower(n.target_id)
WHERE n.target_kind = 'account' AND k.post_id IS NULL AND k.ts BETWEEN n.from_ts AND n.to_ts
UNION
SELECT n.wave_id, k.platform, k.event_id, 'links to it'
FROM linked AS k JOIN named AS n ON n.platform = k.link_platform AND k.handle = n.handle
WHERE k.post_id IS NOT NULL AND k.ts BETWEEN n.from_ts AND n.to_ts
UNION
SELECT p.wave_id, k.platform, k.event_id, 'links to it'
FROM linked AS k JOIN posts AS p ON p.platform = k.link_platform AND p.post_id = k.post_id
WHERE k.ts BETWEEN p.from_ts AND p.to_ts
UNION
SELECT p.wave_id, k.platform, k.event_id, 'links to it'
FROM linked AS k JOIN posts AS p ON p.platform = k.link_platform AND p.post_id LIKE '%/' || k.post_id
WHERE k.post_id IS NOT NULL AND k.ts BETWEEN p.from_ts AND p.to_ts;

-- The referring texts that may ask for reports ($prefilter: a case-insensitive superset of calls.REPORT_WORDS,
-- so that Python reads only these), not by the target itself.
CREATE OR REPLACE TEMP TABLE mass_report_call_candidates AS
SELECT r.wave_id, x.platform, x.event_id, x.account_id, x.ts, x.text, string_agg(DISTINCT r.how, ', ' ORDER BY r.how) AS how
FROM mass_report_call_refs AS r
JOIN interactions AS x ON x.platform = r.platform AND x.event_id = r.event_id
JOIN (SELECT DISTINCT wave_id, platform, target_id FROM mass_report_target_names) AS t ON t.wave_id = r.wave_id
WHERE NOT (x.platform = t.platform AND x.account_id = t.target_id) AND regexp_matches(x.text, $prefilter, 'i')
GROUP BY ALL;
