-- The participants of every episode and what is known about each before it: `burst_participants`.
-- A participant is an account with an inbound event to the target inside the episode. Its *prior contact*
-- is organic: any action of it on the target account (likes and follows included), any earlier inbound
-- event of it to the target (or the thread), or the target acting on it, before the episode started and
-- outside every episode of that target (an earlier wave of the same pile-on is no acquaintance). Contacts
-- inside an earlier episode are kept apart (`burst_episode_contacts`): once the episodes are judged, one made
-- in an episode that was not concerted (a viral moment the account engaged in) is an acquaintance after all.
CREATE OR REPLACE TABLE burst_participants AS
SELECT e.episode_id, b.platform, b.account_id, 'participant' AS role, min(b.ts) AS first_ts, max(b.ts) AS last_ts,
       count(*) AS events, CAST(NULL AS VARCHAR) AS call_event_id
FROM burst_episodes AS e
JOIN burst_inbound AS b
  ON b.platform = e.platform AND b.target_kind = e.target_kind AND b.target_id = e.target_id
 AND b.ts BETWEEN e.start_ts AND e.end_ts
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE burst_contact_events AS
WITH p AS (
    SELECT p.episode_id, p.platform, p.account_id, e.target_kind, e.target_id, e.start_ts
    FROM burst_participants AS p JOIN burst_episodes AS e USING (episode_id)
),
contacts AS (
    SELECT p.episode_id, p.account_id, i.ts FROM p
    JOIN interactions AS i ON i.platform = p.platform AND i.account_id = p.account_id AND i.target_account_id = p.target_id
    WHERE p.target_kind = 'account' AND i.ts < p.start_ts
    UNION ALL
    SELECT p.episode_id, p.account_id, b.ts FROM p
    JOIN burst_inbound AS b ON b.platform = p.platform AND b.target_kind = p.target_kind AND b.target_id = p.target_id
                           AND b.account_id = p.account_id
    WHERE b.ts < p.start_ts
    UNION ALL
    SELECT p.episode_id, p.account_id, i.ts FROM p
    JOIN interactions AS i ON i.platform = p.platform AND i.account_id = p.target_id AND i.target_account_id = p.account_id
    WHERE p.target_kind = 'account' AND i.ts < p.start_ts
)
SELECT c.episode_id, c.account_id, c.ts, o.episode_id AS inside_episode
FROM contacts AS c
JOIN burst_episodes AS e USING (episode_id)
LEFT JOIN burst_episodes AS o
  ON o.platform = e.platform AND o.target_kind = e.target_kind AND o.target_id = e.target_id AND c.ts BETWEEN o.start_ts AND o.end_ts;

CREATE OR REPLACE TEMP TABLE burst_contact AS
SELECT episode_id, account_id, count(*) AS contacts FROM burst_contact_events WHERE inside_episode IS NULL GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE burst_episode_contacts AS
SELECT DISTINCT episode_id, account_id, inside_episode FROM burst_contact_events WHERE inside_episode IS NOT NULL;

-- Coordinated clusters: the coordination rows of the clusters step (not this detector's own episode rows).
CREATE OR REPLACE TEMP TABLE burst_clustered AS
SELECT DISTINCT platform, account_id FROM account_signals
WHERE signal = 'coordination' AND group_key NOT LIKE 'episode-%';

CREATE OR REPLACE TABLE burst_participants AS
SELECT p.*, coalesce(c.contacts, 0) AS prior_contacts, a.created_at,
       a.created_at IS NOT NULL AND a.created_at <= e.start_ts
           AND a.created_at >= e.start_ts - to_days(CAST($new_account_days AS INTEGER)) AS new_account,
       k.account_id IS NOT NULL AS clustered
FROM burst_participants AS p
JOIN burst_episodes AS e USING (episode_id)
LEFT JOIN burst_contact AS c USING (episode_id, account_id)
LEFT JOIN accounts AS a ON a.platform = p.platform AND a.account_id = p.account_id
LEFT JOIN burst_clustered AS k ON k.platform = p.platform AND k.account_id = p.account_id;

-- The reference levels an episode must depart from: the shares of new and of clustered accounts among the
-- platform's other inbound accounts (each judged at its first inbound event; the episode's own participants
-- left out, so a pile-on does not raise its own bar), and among the target's organic inbound accounts
-- (outside its episodes). Accounts of unknown age count for neither share of new accounts.
CREATE OR REPLACE TABLE burst_references AS
WITH firsts AS (
    SELECT b.platform, b.account_id, min(b.ts) AS first_ts FROM burst_inbound AS b GROUP BY ALL
),
platform_counts AS (
    SELECT f.platform, count(a.created_at) AS known,
           count(*) FILTER (WHERE a.created_at >= f.first_ts - to_days(CAST($new_account_days AS INTEGER))) AS new,
           count(*) AS accounts, count(k.account_id) AS clustered
    FROM firsts AS f
    LEFT JOIN accounts AS a USING (platform, account_id)
    LEFT JOIN burst_clustered AS k USING (platform, account_id)
    GROUP BY ALL
),
episode_counts AS (
    SELECT episode_id, count(created_at) AS known, count(*) FILTER (WHERE new_account) AS new, count(*) AS accounts,
           count(*) FILTER (WHERE clustered) AS clustered
    FROM burst_participants GROUP BY ALL
),
organic AS (
    SELECT DISTINCT e.episode_id, b.platform, b.account_id, b.ts
    FROM burst_episodes AS e
    JOIN burst_inbound AS b ON b.platform = e.platform AND b.target_kind = e.target_kind AND b.target_id = e.target_id
    WHERE NOT EXISTS (SELECT 1 FROM burst_episodes AS o
                      WHERE o.platform = e.platform AND o.target_kind = e.target_kind AND o.target_id = e.target_id
                        AND b.ts BETWEEN o.start_ts AND o.end_ts)
),
organic_accounts AS (
    SELECT episode_id, platform, account_id, min(ts) AS first_ts FROM organic GROUP BY ALL
),
target_level AS (
    SELECT o.episode_id, count(*) AS organic_accounts,
           avg(CASE WHEN a.created_at IS NULL THEN NULL
                    WHEN a.created_at >= o.first_ts - to_days(CAST($new_account_days AS INTEGER)) THEN 1.0 ELSE 0.0 END) AS target_new,
           avg(CASE WHEN k.account_id IS NOT NULL THEN 1.0 ELSE 0.0 END) AS target_clustered
    FROM organic_accounts AS o
    LEFT JOIN accounts AS a USING (platform, account_id)
    LEFT JOIN burst_clustered AS k USING (platform, account_id)
    GROUP BY ALL
)
SELECT e.episode_id,
       coalesce((p.new - c.new) / nullif(p.known - c.known, 0), 0) AS platform_new,
       coalesce((p.clustered - c.clustered) / nullif(p.accounts - c.accounts, 0), 0) AS platform_clustered,
       coalesce(t.organic_accounts, 0) AS organic_accounts, coalesce(t.target_new, 0) AS target_new,
       coalesce(t.target_clustered, 0) AS target_clustered
FROM burst_episodes AS e
LEFT JOIN platform_counts AS p USING (platform)
LEFT JOIN episode_counts AS c USING (episode_id)
LEFT JOIN target_level AS t USING (episode_id);
