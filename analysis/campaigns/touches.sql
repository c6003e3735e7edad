-- Who each flagged account went after: `signal_touches(platform, member, event_id, ts, target)`, one row
-- per (event, target) for every account in account_signals. A member "touches" the account each
-- reply/quote/mention/report/comment is aimed at, every account the event mentions, and every account
-- mentioned by the post it reposts/quotes/replies to. The author of a reposted or liked post is
-- amplified, not targeted, so is not counted. Mentions may be handles: resolved to an account id where
-- the accounts table knows the handle (same platform, case-insensitive), else kept as written.
CREATE OR REPLACE TEMP TABLE signal_touches AS
WITH member_events AS (
    SELECT i.platform, i.account_id AS member, i.event_id, i.ts, i.action, i.target_account_id, i.mentions, i.target_post_id
    FROM interactions AS i
    SEMI JOIN (SELECT DISTINCT platform, account_id FROM account_signals) AS s USING (platform, account_id)
),
touched AS (
    SELECT platform, member, event_id, ts, target_account_id AS target
    FROM member_events
    WHERE target_account_id IS NOT NULL AND action IN ('reply', 'quote', 'mention', 'report', 'comment')
    UNION
    SELECT platform, member, event_id, ts, unnest(mentions) FROM member_events
    UNION
    SELECT m.platform, m.member, m.event_id, m.ts, unnest(p.mentions)
    FROM member_events AS m JOIN interactions AS p ON p.platform = m.platform AND p.event_id = m.target_post_id
)
SELECT t.platform, t.member, t.event_id, t.ts, coalesce(by_id.account_id, by_handle.account_id, t.target) AS target
FROM touched AS t
LEFT JOIN accounts AS by_id ON by_id.platform = t.platform AND by_id.account_id = t.target
LEFT JOIN (SELECT platform, lower(handle) AS handle, min(account_id) AS account_id FROM accounts
           WHERE handle IS NOT NULL GROUP BY ALL) AS by_handle
  ON by_id.account_id IS NULL AND by_handle.platform = t.platform AND by_handle.handle = lower(t.target)
WHERE t.target IS NOT NULL AND t.target <> '';

-- Each signal group's targets: accounts that at least $min_target_share of the group's members (and at
-- least two) touched, other than the group's own members. `handle` is the lower-cased handle (or the
-- unresolved mention as written) used to match the same victim across platforms.
CREATE OR REPLACE TEMP TABLE group_targets AS
WITH members AS (
    SELECT DISTINCT signal, group_key, platform, account_id FROM account_signals
),
sizes AS (
    SELECT signal, group_key, count(*) AS n_members FROM members GROUP BY ALL
),
engaged AS (
    SELECT m.signal, m.group_key, t.platform, t.target AS account_id, count(DISTINCT t.member) AS members_engaged
    FROM members AS m JOIN signal_touches AS t ON t.platform = m.platform AND t.member = m.account_id
    GROUP BY ALL
)
SELECT e.signal, e.group_key, e.platform, e.account_id,
       coalesce(lower(a.handle), CASE WHEN a.account_id IS NULL THEN lower(e.account_id) END) AS handle,
       e.members_engaged, s.n_members
FROM engaged AS e
JOIN sizes AS s USING (signal, group_key)
LEFT JOIN accounts AS a USING (platform, account_id)
ANTI JOIN members AS own ON own.signal = e.signal AND own.group_key = e.group_key
                        AND own.platform = e.platform AND own.account_id = e.account_id
WHERE e.members_engaged >= greatest(2, ceil($min_target_share * s.n_members));
