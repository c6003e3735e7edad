-- Campaign tables from `campaign_accounts(campaign_id, platform, account_id)`, which __init__.py fills by
-- fusing signal groups, and `signal_touches` (touches.sql). Parameters: $min_target_share (share of members
-- that must have touched an account for it to count as a target), $max_targets.

-- The accounts each campaign's members went after (see touches.sql for what "touched" means).
CREATE OR REPLACE TABLE campaign_targets AS
WITH counted AS (
    SELECT c.campaign_id, t.platform, t.target AS account_id, count(DISTINCT t.member) AS members_engaged,
           count(*) AS actions
    FROM signal_touches AS t
    JOIN campaign_accounts AS c ON c.platform = t.platform AND c.account_id = t.member
    LEFT JOIN campaign_accounts AS author
      ON author.campaign_id = c.campaign_id AND author.platform = t.platform AND author.account_id = t.via_author
    ANTI JOIN campaign_accounts AS own ON own.campaign_id = c.campaign_id AND own.platform = t.platform AND own.account_id = t.target
    WHERE t.via_author IS NULL OR author.account_id IS NOT NULL  -- the campaign's own posts (touches.sql)
    GROUP BY ALL
),
sized AS (
    SELECT campaign_id, count(*) AS n_accounts FROM campaign_accounts GROUP BY ALL
)
-- lift: how many times more often the members engage it than unflagged accounts do (touches.sql); an
-- export collected around one victim engages her everywhere, so a low lift does not drop a target here.
SELECT campaign_id, platform, account_id, a.handle, members_engaged, actions,
       round(members_engaged / n_accounts, 3) AS share_of_members,
       round(members_engaged / n_accounts / nullif(r.engaged_share, 0), 1) AS lift
FROM (
    SELECT t.*, s.n_accounts,
           row_number() OVER (PARTITION BY t.campaign_id ORDER BY t.members_engaged DESC, t.actions DESC, t.platform, t.account_id) AS nth
    FROM counted AS t JOIN sized AS s USING (campaign_id)
    WHERE t.members_engaged >= greatest(2, ceil($min_target_share * s.n_accounts))
) AS ranked
LEFT JOIN accounts AS a USING (platform, account_id)
LEFT JOIN target_reach AS r USING (platform, account_id)
WHERE nth <= $max_targets
ORDER BY campaign_id, members_engaged DESC, actions DESC, platform, account_id;

-- Every event, by anyone, aimed at a campaign target under the same rule as touches.sql (reply / quote /
-- mention / report / comment aimed at it, a mention of its id or handle, or a repost / quote / reply of a
-- post of the campaign's mentioning it), with whether a campaign member made it: the target's baseline and the attack.
CREATE OR REPLACE TABLE campaign_target_events AS
WITH targets AS (
    SELECT campaign_id, platform, account_id, lower(coalesce(handle, account_id)) AS handle FROM campaign_targets
),
mentioning AS (
    SELECT i.platform, i.event_id, lower(m) AS mention
    FROM (SELECT platform, event_id, unnest(mentions) AS m FROM interactions WHERE len(mentions) > 0) AS i
),
mentions_target AS (
    SELECT DISTINCT t.campaign_id, t.platform AS target_platform, t.account_id AS target_account_id, m.platform, m.event_id
    FROM mentioning AS m
    JOIN targets AS t ON t.platform = m.platform AND (m.mention = lower(t.account_id) OR m.mention = t.handle)
),
aimed AS (
    SELECT t.campaign_id, t.platform AS target_platform, t.account_id AS target_account_id, i.platform, i.event_id
    FROM interactions AS i JOIN targets AS t ON t.platform = i.platform AND t.account_id = i.target_account_id
    WHERE i.action IN ('reply', 'quote', 'mention', 'report', 'comment')
    UNION
    SELECT * FROM mentions_target
    UNION
    -- acting on a post that mentions the target, when the post is the campaign's own (touches.sql)
    SELECT p.campaign_id, p.target_platform, p.target_account_id, i.platform, i.event_id
    FROM mentions_target AS p
    JOIN interactions AS post ON post.platform = p.platform AND post.event_id = p.event_id
    SEMI JOIN campaign_accounts AS author
      ON author.campaign_id = p.campaign_id AND author.platform = post.platform AND author.account_id = post.account_id
    JOIN interactions AS i ON i.platform = p.platform AND i.target_post_id = p.event_id
)
SELECT a.campaign_id, a.target_platform, a.target_account_id, i.platform, i.account_id, i.event_id, i.action, i.ts,
       c.account_id IS NOT NULL AS by_member
FROM aimed AS a
JOIN interactions AS i USING (platform, event_id)
LEFT JOIN campaign_accounts AS c ON c.campaign_id = a.campaign_id AND c.platform = i.platform AND c.account_id = i.account_id
-- a target's own posts mentioning itself are not aimed at it
WHERE NOT (i.platform = a.target_platform AND i.account_id = a.target_account_id)
ORDER BY a.campaign_id, a.target_platform, a.target_account_id, i.ts, i.platform, i.event_id;

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

-- One row per campaign. first_ts / last_ts: when the members acted together or against the targets (the
-- period each detector gives for its flags, and the members' events aimed at the targets); when neither
-- exists, the span of the members' whole activity. `reasons` is added by __init__.py.
CREATE OR REPLACE TABLE campaigns AS
WITH members AS (
    SELECT c.campaign_id, count(*) AS n_accounts, list(DISTINCT c.platform ORDER BY c.platform) AS platforms,
           avg(f.score) AS mean_score
    FROM campaign_accounts AS c JOIN flagged_accounts AS f USING (campaign_id, platform, account_id)
    GROUP BY c.campaign_id
),
evidence AS (
    -- a flag whose detector does not count its events rests on at least one
    SELECT c.campaign_id, sum(coalesce(s.events, 1)) AS events, count(DISTINCT s.signal) AS n_signals
    FROM campaign_accounts AS c JOIN account_signals AS s USING (platform, account_id)
    GROUP BY c.campaign_id
),
fired AS (
    SELECT c.campaign_id, list(DISTINCT s.signal ORDER BY s.signal) AS signals,
           list(DISTINCT s.signal || ':' || s.group_key ORDER BY s.signal || ':' || s.group_key) AS groups
    FROM campaign_accounts AS c JOIN account_signals AS s USING (platform, account_id)
    GROUP BY c.campaign_id
),
flagged_period AS (
    -- when the behaviour behind the members' flags happened, as each detector states it
    SELECT c.campaign_id, min(s.first_ts) AS first_ts, max(s.last_ts) AS last_ts
    FROM campaign_accounts AS c JOIN account_signals AS s USING (platform, account_id)
    WHERE s.first_ts IS NOT NULL
    GROUP BY c.campaign_id
),
attacked AS (
    SELECT campaign_id, min(ts) AS first_ts, max(ts) AS last_ts
    FROM campaign_target_events WHERE by_member GROUP BY ALL
),
active AS (
    SELECT c.campaign_id, min(i.ts) AS first_ts, max(i.ts) AS last_ts
    FROM campaign_accounts AS c JOIN interactions AS i USING (platform, account_id)
    GROUP BY ALL
),
targets AS (
    SELECT campaign_id, list(platform || ':' || account_id ORDER BY members_engaged DESC, actions DESC, platform, account_id) AS targets
    FROM campaign_targets GROUP BY ALL
)
-- score: the strength of the evidence, 0-1, to rank campaigns by (see __init__.py): the members' mean score,
-- damped for few accounts (half at 5), few events behind the flags (half at 20) and a single signal.
SELECT m.campaign_id, m.n_accounts, m.platforms, f.signals, f.groups,
       round(m.mean_score * m.n_accounts / (m.n_accounts + 5) * e.events / (e.events + 20)
             * e.n_signals / (e.n_signals + 0.5), 3) AS score,
       round(m.mean_score, 3) AS mean_account_score, e.events AS evidence_events,
       coalesce(t.targets, []) AS targets,
       CASE WHEN s.campaign_id IS NULL AND k.campaign_id IS NULL THEN a.first_ts
            ELSE least(s.first_ts, k.first_ts) END AS first_ts,
       CASE WHEN s.campaign_id IS NULL AND k.campaign_id IS NULL THEN a.last_ts
            ELSE greatest(s.last_ts, k.last_ts) END AS last_ts
FROM members AS m JOIN fired AS f USING (campaign_id)
JOIN evidence AS e USING (campaign_id)
LEFT JOIN flagged_period AS s USING (campaign_id)
LEFT JOIN attacked AS k USING (campaign_id)
LEFT JOIN active AS a USING (campaign_id)
LEFT JOIN targets AS t USING (campaign_id)
ORDER BY m.campaign_id;
