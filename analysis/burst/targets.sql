-- Every analysed target with its inbound volume and episodes (`burst_targets`), and the named targets that
-- were not found in the data or could not be read (inbound_events 0, `status` says why).
CREATE OR REPLACE TABLE burst_targets AS
WITH inbound AS (
    SELECT platform, target_kind, target_id, count(*) AS inbound_events, count(DISTINCT account_id) AS inbound_accounts,
           min(ts) AS first_ts, max(ts) AS last_ts
    FROM burst_inbound GROUP BY ALL
),
episodes AS (
    SELECT platform, target_kind, target_id, count(*) AS episodes, count(*) FILTER (WHERE concerted) AS concerted_episodes
    FROM burst_episodes GROUP BY ALL
),
flagged AS (
    SELECT e.platform, e.target_kind, e.target_id, count(*) AS flagged_accounts
    FROM account_signals AS s JOIN burst_episodes AS e ON s.group_key = e.episode_id
    WHERE s.signal = 'burst' GROUP BY ALL
),
named AS (
    SELECT platform, target_kind, target_id, string_agg(DISTINCT entry, '; ' ORDER BY entry) AS named_as
    FROM burst_named_targets WHERE status = 'found' GROUP BY ALL
)
SELECT a.platform, a.target_kind, a.target_id, h.handle, a.named, n.named_as, 'analysed' AS status,
       coalesce(i.inbound_events, 0) AS inbound_events, coalesce(i.inbound_accounts, 0) AS inbound_accounts,
       i.first_ts, i.last_ts, coalesce(e.episodes, 0) AS episodes, coalesce(e.concerted_episodes, 0) AS concerted_episodes,
       coalesce(f.flagged_accounts, 0) AS flagged_accounts
FROM burst_analysed AS a
LEFT JOIN inbound AS i USING (platform, target_kind, target_id)
LEFT JOIN episodes AS e USING (platform, target_kind, target_id)
LEFT JOIN flagged AS f USING (platform, target_kind, target_id)
LEFT JOIN named AS n USING (platform, target_kind, target_id)
LEFT JOIN accounts AS h ON a.target_kind = 'account' AND h.platform = a.platform AND h.account_id = a.target_id
UNION ALL
SELECT platform, target_kind, target_id, NULL, TRUE, entry, status, 0, 0, NULL, NULL, 0, 0, 0
FROM burst_named_targets WHERE status <> 'found'
ORDER BY ALL;
