-- Calls to action: a post on another platform that links to the episode's target (its profile, or a post of
-- it; for a thread target the thread) from $lead_minutes before the episode starts to its end
-- (`burst_calls`). Its author is an organiser of the episode; the accounts that forwarded, reposted, quoted
-- or replied to it (or reposted its link) on its platform before the episode ended are amplifiers. Both are
-- added to `burst_participants` (roles 'organiser', 'amplifier'), their events to `burst_events`, and the
-- amplifiers' shared call to `burst_coaction` (kind 'call_to_action'). Reads `burst_link_targets(url,
-- link_platform, handle, post_id)`, the links read by links.py.
CREATE OR REPLACE TEMP TABLE burst_targets_named AS
SELECT e.episode_id, e.platform, e.target_kind, e.target_id, lower(a.handle) AS handle, e.start_ts, e.end_ts
FROM burst_episodes AS e LEFT JOIN accounts AS a ON a.platform = e.platform AND a.account_id = e.target_id;

CREATE OR REPLACE TABLE burst_calls AS
WITH linked AS (
    SELECT i.platform, i.event_id, i.account_id, i.ts, i.action, i.url, l.link_platform, l.handle, l.post_id
    FROM (SELECT platform, event_id, account_id, ts, action, unnest(urls) AS url FROM interactions
          WHERE len(urls) > 0 AND action <> 'repost') AS i
    JOIN burst_link_targets AS l USING (url)
),
matched AS (
    SELECT DISTINCT t.episode_id, k.platform, k.event_id, k.account_id, k.ts, k.url
    FROM burst_targets_named AS t
    JOIN linked AS k ON k.link_platform = t.platform AND k.platform <> t.platform
     AND k.ts BETWEEN t.start_ts - to_minutes(CAST($lead_minutes AS BIGINT)) AND t.end_ts
    WHERE (t.target_kind = 'account' AND k.post_id IS NULL AND (k.handle = t.handle OR k.handle = lower(t.target_id)))
       OR (t.target_kind = 'account' AND k.post_id IS NOT NULL AND (k.handle = t.handle OR EXISTS (
              SELECT 1 FROM interactions AS p WHERE p.platform = t.platform AND p.account_id = t.target_id
              AND (lower(p.event_id) = k.post_id OR lower(p.event_id) LIKE '%/' || k.post_id))))
       OR (t.target_kind = 'post' AND k.post_id IS NOT NULL
           AND (lower(t.target_id) = k.post_id OR lower(t.target_id) LIKE '%/' || k.post_id))
)
SELECT m.episode_id, m.platform, m.event_id, m.account_id, m.ts, min(m.url) AS url,
       epoch(e.start_ts) - epoch(m.ts) AS lead_s
FROM matched AS m JOIN burst_episodes AS e USING (episode_id)
GROUP BY ALL
ORDER BY m.episode_id, m.ts, m.platform, m.event_id;

CREATE OR REPLACE TEMP TABLE burst_amplifications AS
SELECT DISTINCT c.episode_id, a.platform, a.account_id, a.event_id, a.ts, a.action, c.event_id AS call_event_id
FROM burst_calls AS c
JOIN burst_episodes AS e USING (episode_id)
JOIN interactions AS a ON a.platform = c.platform AND a.account_id <> c.account_id AND a.ts BETWEEN c.ts AND e.end_ts
WHERE a.target_post_id = c.event_id OR (a.action = 'repost' AND list_contains(a.urls, c.url));

INSERT INTO burst_events
SELECT episode_id, platform, event_id, account_id, ts, 'post', 'organiser' FROM burst_calls
UNION ALL
SELECT episode_id, platform, event_id, account_id, ts, action, 'amplifier' FROM burst_amplifications;

INSERT INTO burst_participants
WITH roles AS (
    SELECT episode_id, platform, account_id, 'organiser' AS role, min(ts) AS first_ts, max(ts) AS last_ts, count(*) AS events,
           min(event_id) AS call_event_id
    FROM burst_calls GROUP BY ALL
    UNION ALL
    SELECT a.episode_id, a.platform, a.account_id, 'amplifier', min(a.ts), max(a.ts), count(*), min(a.call_event_id)
    FROM burst_amplifications AS a
    ANTI JOIN burst_calls AS c ON c.episode_id = a.episode_id AND c.platform = a.platform AND c.account_id = a.account_id
    GROUP BY ALL
)
SELECT r.episode_id, r.platform, r.account_id, r.role, r.first_ts, r.last_ts, r.events, r.call_event_id, 0 AS prior_contacts,
       a.created_at,
       a.created_at IS NOT NULL AND a.created_at <= e.start_ts
           AND a.created_at >= e.start_ts - to_days(CAST($new_account_days AS INTEGER)) AS new_account,
       k.account_id IS NOT NULL AS clustered
FROM roles AS r
JOIN burst_episodes AS e USING (episode_id)
LEFT JOIN accounts AS a ON a.platform = r.platform AND a.account_id = r.account_id
LEFT JOIN burst_clustered AS k ON k.platform = r.platform AND k.account_id = r.account_id
ANTI JOIN burst_participants AS p ON p.episode_id = r.episode_id AND p.platform = r.platform AND p.account_id = r.account_id;

INSERT INTO burst_coaction
SELECT a.episode_id, a.platform, a.account_id, 'call_to_action', a.call_event_id, n.accounts
FROM (SELECT DISTINCT episode_id, platform, account_id, call_event_id FROM burst_amplifications) AS a
JOIN (SELECT episode_id, call_event_id, count(DISTINCT account_id) AS accounts FROM burst_amplifications GROUP BY ALL) AS n
  USING (episode_id, call_event_id)
WHERE n.accounts >= 2;

ALTER TABLE burst_episodes ADD COLUMN IF NOT EXISTS calls_to_action BIGINT;
UPDATE burst_episodes AS e SET calls_to_action = (SELECT count(*) FROM burst_calls AS c WHERE c.episode_id = e.episode_id);
