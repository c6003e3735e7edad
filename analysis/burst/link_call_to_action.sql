-- Link rule call_to_action (campaign fusion finds it beside the burst detector): two concerted burst episodes
-- were called in by the same call to action, or by calls of the same account, on a platform other than
-- theirs (a Telegram post linking to the target's X profile and to her Reddit thread): one operation, whatever
-- the target's handles on the two platforms. Reads burst_calls and burst_episodes; one row per linked pair.
WITH called AS (
    SELECT c.episode_id, c.platform, c.event_id, c.account_id, c.url, c.lead_s
    FROM burst_calls AS c JOIN burst_episodes AS e USING (episode_id)
    WHERE e.concerted
)
SELECT 'burst' AS signal_a, a.episode_id AS group_a, 'burst' AS signal_b, b.episode_id AS group_b,
       'were called in by ' || CASE WHEN bool_and(a.event_id = b.event_id) THEN 'the same post' ELSE 'posts of the same account' END
       || ' on ' || min(a.platform) || ' (' || string_agg(DISTINCT a.platform || ':' || a.event_id, ', ' ORDER BY a.platform || ':' || a.event_id) || ' by ' || min(a.account_id)
       || ', linking to ' || string_agg(DISTINCT a.url, ' and ' ORDER BY a.url) || ' and ' || string_agg(DISTINCT b.url, ' and ' ORDER BY b.url) || '), '
       || CAST(round(min(a.lead_s) / 60) AS BIGINT) || ' and ' || CAST(round(min(b.lead_s) / 60) AS BIGINT)
       || ' minutes before the two pile-ons began' AS detail
FROM called AS a
JOIN called AS b
  ON a.episode_id < b.episode_id AND a.platform = b.platform AND (a.event_id = b.event_id OR a.account_id = b.account_id)
GROUP BY a.episode_id, b.episode_id
ORDER BY ALL
