-- Every event of every episode (`burst_events`: the inbound events; organisers are added by calls.sql), and
-- the co-action inside each episode (`burst_coaction(episode_id, platform, account_id, kind, object, accounts)`):
--   hashtag:   a hashtag at least 3 participants used in the episode, at least half of whose uses on the
--              platform from a week before the episode to its end are the episode's (a tag made for it,
--              not a trending one);
--   same_post: a post (not the target's) that at least 3 participants reposted, quoted or liked from
--              $lead_minutes before the episode to its end, at least half of its engagers in that time being
--              participants (a call on the same platform, not a viral post);
--   template:  added by features.py (the same text or template as another participant).
CREATE OR REPLACE TABLE burst_events AS
SELECT e.episode_id, b.platform, b.event_id, b.account_id, b.ts, b.action, 'participant' AS role
FROM burst_episodes AS e
JOIN burst_inbound AS b
  ON b.platform = e.platform AND b.target_kind = e.target_kind AND b.target_id = e.target_id
 AND b.ts BETWEEN e.start_ts AND e.end_ts;

CREATE OR REPLACE TABLE burst_coaction AS
WITH used AS (
    SELECT ev.episode_id, ev.platform, ev.account_id, ev.event_id, lower(t.tag) AS tag
    FROM burst_events AS ev JOIN interactions AS i USING (platform, event_id), unnest(i.hashtags) AS t(tag)
),
episode_tags AS (
    SELECT episode_id, platform, tag, count(DISTINCT account_id) AS accounts, count(DISTINCT event_id) AS uses
    FROM used GROUP BY ALL HAVING count(DISTINCT account_id) >= 3
),
tagged AS (
    -- only the rows that carry one of the episodes' tags are unnested (most hashtags are no episode's)
    SELECT platform, ts, lower(unnest(hashtags)) AS tag FROM interactions
    WHERE len(hashtags) > 0
      AND list_has_any(list_transform(hashtags, lambda x: lower(x)), (SELECT coalesce(list(DISTINCT tag), []) FROM episode_tags))
),
platform_uses AS (
    SELECT t.episode_id, t.tag, count(*) AS uses
    FROM episode_tags AS t
    JOIN burst_episodes AS e USING (episode_id)
    JOIN tagged AS h ON h.platform = e.platform AND h.tag = t.tag AND h.ts BETWEEN e.start_ts - INTERVAL 7 DAY AND e.end_ts
    GROUP BY ALL
),
hashtag AS (
    SELECT DISTINCT u.episode_id, u.platform, u.account_id, 'hashtag' AS kind, '#' || u.tag AS object, t.accounts
    FROM used AS u JOIN episode_tags AS t USING (episode_id, tag) JOIN platform_uses AS p USING (episode_id, tag)
    WHERE t.uses >= 0.5 * p.uses
),
windows AS (
    -- each participant's window, cut into hours so the join with its actions is an equality join
    SELECT p.episode_id, p.platform, p.account_id, e.target_id, e.start_ts - to_minutes(CAST($lead_minutes AS BIGINT)) AS lo,
           e.end_ts AS hi,
           unnest(range(date_trunc('hour', e.start_ts - to_minutes(CAST($lead_minutes AS BIGINT))), e.end_ts, INTERVAL 1 HOUR)) AS hour
    FROM burst_participants AS p JOIN burst_episodes AS e USING (episode_id)
),
engagements AS (
    SELECT platform, account_id, ts, target_post_id, target_account_id, date_trunc('hour', ts) AS hour
    FROM interactions
    WHERE action IN ('repost', 'quote', 'like') AND coalesce(target_post_id, '') <> ''
),
acts AS (
    SELECT DISTINCT w.episode_id, w.platform, i.target_post_id AS post, w.account_id
    FROM windows AS w
    JOIN engagements AS i ON i.platform = w.platform AND i.account_id = w.account_id AND i.hour = w.hour
    WHERE i.ts BETWEEN w.lo AND w.hi AND coalesce(i.target_account_id, '') <> w.target_id AND i.target_post_id <> w.target_id
),
posts AS (
    SELECT episode_id, platform, post, count(*) AS accounts FROM acts GROUP BY ALL HAVING count(*) >= 3
),
engagers AS (
    SELECT po.episode_id, po.post, count(DISTINCT i.account_id) AS engagers
    FROM posts AS po
    JOIN burst_episodes AS e USING (episode_id)
    JOIN interactions AS i ON i.platform = po.platform AND i.target_post_id = po.post
    WHERE i.action IN ('repost', 'quote', 'like')
      AND i.ts BETWEEN e.start_ts - to_minutes(CAST($lead_minutes AS BIGINT)) AND e.end_ts
    GROUP BY ALL
),
same_post AS (
    SELECT a.episode_id, a.platform, a.account_id, 'same_post' AS kind, a.post AS object, po.accounts
    FROM acts AS a JOIN posts AS po USING (episode_id, platform, post) JOIN engagers AS g USING (episode_id, post)
    WHERE po.accounts >= 0.5 * g.engagers
)
SELECT * FROM hashtag UNION ALL SELECT * FROM same_post;
