-- Campaign tables from `campaign_accounts(campaign_id, platform, account_id)`, which campaigns.py fills by
-- fusing signal groups. Parameters: $min_target_share (share of members that must have acted on an
-- account for it to count as a target), $max_targets.

-- Accounts the members went after: the account each reply/quote/mention/report/comment was aimed at, the
-- accounts each event mentions, and the accounts mentioned by the post it reposts/quotes/replies to.
-- The author of a reposted or liked post is amplified, not targeted, so is not counted here.
-- Mentions may be handles: resolved where known.
CREATE OR REPLACE TABLE campaign_targets AS
WITH member_events AS (
    SELECT c.campaign_id, i.platform, i.account_id AS member, i.action, i.target_account_id, i.mentions, i.target_post_id
    FROM interactions AS i JOIN campaign_accounts AS c USING (platform, account_id)
),
touched AS (
    SELECT campaign_id, platform, member, target_account_id AS target
    FROM member_events
    WHERE target_account_id IS NOT NULL AND action IN ('reply', 'quote', 'mention', 'report', 'comment')
    UNION ALL
    SELECT campaign_id, platform, member, unnest(mentions) FROM member_events
    UNION ALL
    SELECT m.campaign_id, m.platform, m.member, unnest(p.mentions)
    FROM member_events AS m JOIN interactions AS p ON p.platform = m.platform AND p.event_id = m.target_post_id
),
resolved AS (
    SELECT t.campaign_id, t.platform, t.member, coalesce(by_id.account_id, by_handle.account_id, t.target) AS target
    FROM touched AS t
    LEFT JOIN accounts AS by_id ON by_id.platform = t.platform AND by_id.account_id = t.target
    LEFT JOIN (SELECT platform, lower(handle) AS handle, min(account_id) AS account_id FROM accounts
               WHERE handle IS NOT NULL GROUP BY ALL) AS by_handle
      ON by_id.account_id IS NULL AND by_handle.platform = t.platform AND by_handle.handle = lower(t.target)
),
counted AS (
    SELECT r.campaign_id, r.platform, r.target AS account_id, count(DISTINCT r.member) AS members_engaged,
           count(*) AS actions
    FROM resolved AS r
    ANTI JOIN campaign_accounts AS c ON c.campaign_id = r.campaign_id AND c.platform = r.platform AND c.account_id = r.target
    GROUP BY ALL
),
sized AS (
    SELECT campaign_id, count(*) AS n_accounts FROM campaign_accounts GROUP BY ALL
)
SELECT campaign_id, platform, account_id, a.handle, members_engaged, actions,
       round(members_engaged / n_accounts, 3) AS share_of_members
FROM (
    SELECT t.*, s.n_accounts,
           row_number() OVER (PARTITION BY t.campaign_id ORDER BY t.members_engaged DESC, t.actions DESC, t.account_id) AS nth
    FROM counted AS t JOIN sized AS s USING (campaign_id)
    WHERE t.members_engaged >= greatest(2, ceil($min_target_share * s.n_accounts))
) AS ranked
LEFT JOIN accounts AS a USING (platform, account_id)
WHERE nth <= $max_targets
ORDER BY campaign_id, members_engaged DESC, actions DESC, account_id;

-- One row per flagged account: all its signals, its strongest score, and every signal's evidence.
CREATE OR REPLACE TABLE flagged_accounts AS
SELECT s.account_id, s.platform, a.handle, c.campaign_id,
       string_agg(s.signal, ';' ORDER BY s.signal) AS signals,
       max(s.score) AS score,
       string_agg(s.evidence, ' ' ORDER BY s.signal) AS evidence
FROM account_signals AS s
JOIN campaign_accounts AS c USING (platform, account_id)
LEFT JOIN accounts AS a USING (platform, account_id)
GROUP BY s.account_id, s.platform, a.handle, c.campaign_id
ORDER BY c.campaign_id, score DESC, s.platform, s.account_id;

-- One row per campaign.
CREATE OR REPLACE TABLE campaigns AS
WITH members AS (
    SELECT c.campaign_id, count(*) AS n_accounts, list(DISTINCT c.platform ORDER BY c.platform) AS platforms,
           round(avg(f.score), 3) AS score
    FROM campaign_accounts AS c JOIN flagged_accounts AS f USING (campaign_id, platform, account_id)
    GROUP BY c.campaign_id
),
fired AS (
    SELECT c.campaign_id, list(DISTINCT s.signal ORDER BY s.signal) AS signals
    FROM campaign_accounts AS c JOIN account_signals AS s USING (platform, account_id)
    GROUP BY c.campaign_id
),
span AS (
    -- when the members acted together: the co-action edges inside the campaign
    SELECT ca.campaign_id, min(e.first_ts) AS first_ts, max(e.last_ts) AS last_ts, sum(e.weight) AS coaction_weight,
           count(*) AS coaction_edges
    FROM coaction_edges AS e
    JOIN campaign_accounts AS ca ON ca.platform = e.a_platform AND ca.account_id = e.a_account
    JOIN campaign_accounts AS cb ON cb.platform = e.b_platform AND cb.account_id = e.b_account AND cb.campaign_id = ca.campaign_id
    GROUP BY ca.campaign_id
),
targets AS (
    SELECT campaign_id, list(platform || ':' || account_id ORDER BY members_engaged DESC, actions DESC, account_id) AS targets
    FROM campaign_targets GROUP BY ALL
)
SELECT m.campaign_id, m.n_accounts, m.platforms, f.signals, m.score,
       coalesce(t.targets, []) AS targets, s.first_ts, s.last_ts,
       coalesce(s.coaction_edges, 0) AS coaction_edges, coalesce(s.coaction_weight, 0) AS coaction_weight
FROM members AS m JOIN fired AS f USING (campaign_id)
LEFT JOIN span AS s USING (campaign_id)
LEFT JOIN targets AS t USING (campaign_id)
ORDER BY m.campaign_id;
