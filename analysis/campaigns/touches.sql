-- Who each flagged account went after: `signal_touches(platform, member, event_id, ts, target, via_author)`,
-- one row per (event, target) for every account in account_signals. A member "touches" the account each
-- reply/quote/mention/report/comment is aimed at and every account the event mentions (via_author NULL),
-- and every account mentioned by the post it reposts/quotes/replies to (via_author = that post's author).
-- Pushing a post that mentions someone counts as going after that person only when the post is the
-- group's own (its author is in the same group or campaign: the tables below check): amplifying an
-- outsider's post that mentions a bystander is boosting the outsider, not attacking the bystander. The
-- author of a reposted or liked post is amplified, not targeted, so is not counted. Mentions may be
-- handles: resolved to an account id where the accounts table knows the handle (same platform,
-- case-insensitive), else kept as written.
-- Accounts by lower-cased handle, to resolve mentions written as handles.
CREATE OR REPLACE TEMP TABLE handle_index AS
SELECT platform, lower(handle) AS handle, min(account_id) AS account_id FROM accounts WHERE handle IS NOT NULL GROUP BY ALL;

-- Share-button boilerplate: "... via @YouTube" is written by a site's share button, not by the person, so
-- it is not a mention of that account.
CREATE OR REPLACE TEMP MACRO mt_share_button(text, handle) AS (
    text IS NOT NULL AND handle IS NOT NULL
    AND regexp_matches(lower(text), '(^|\s)via @' || regexp_escape(handle) || '(\W|$)')
);

CREATE OR REPLACE TEMP TABLE signal_touches AS
WITH member_events AS (
    SELECT i.platform, i.account_id AS member, i.event_id, i.ts, i.action, i.target_account_id, i.mentions,
           i.target_post_id, i.text
    FROM interactions AS i
    SEMI JOIN (SELECT DISTINCT platform, account_id FROM account_signals) AS s USING (platform, account_id)
),
touched AS (
    SELECT platform, member, event_id, ts, target_account_id AS target, NULL AS via_author, NULL AS text
    FROM member_events
    WHERE target_account_id IS NOT NULL AND action IN ('reply', 'quote', 'mention', 'report', 'comment')
    UNION
    SELECT platform, member, event_id, ts, unnest(mentions), NULL, text FROM member_events
    UNION
    SELECT m.platform, m.member, m.event_id, m.ts, unnest(p.mentions), p.account_id, p.text
    FROM member_events AS m JOIN interactions AS p ON p.platform = m.platform AND p.event_id = m.target_post_id
)
SELECT t.platform, t.member, t.event_id, t.ts, coalesce(by_id.account_id, by_handle.account_id, t.target) AS target,
       t.via_author
FROM touched AS t
LEFT JOIN accounts AS by_id ON by_id.platform = t.platform AND by_id.account_id = t.target
LEFT JOIN handle_index AS by_handle
  ON by_id.account_id IS NULL AND by_handle.platform = t.platform AND by_handle.handle = lower(t.target)
WHERE t.target IS NOT NULL AND t.target <> ''
  AND NOT mt_share_button(t.text, coalesce(lower(by_id.handle), by_handle.handle, lower(t.target)));

-- How widely each account is engaged with outside the detectors' groups: the unflagged accounts whose own
-- replies, quotes, mentions, reports or comments are aimed at it, against all unflagged accounts active on
-- its platform. A target must be engaged by a group far more often than by outsiders (group_targets): an
-- account that half the platform mentions (a president, a video site) is no evidence of a shared victim.
-- (Outsiders only: in a small export the groups themselves are much of "everyone".)
CREATE OR REPLACE TEMP TABLE target_reach AS
WITH outsiders AS (
    SELECT platform, account_id, event_id, action, target_account_id, mentions, text
    FROM interactions
    ANTI JOIN (SELECT DISTINCT platform, account_id FROM account_signals) AS flagged USING (platform, account_id)
),
aimed AS (
    SELECT platform, account_id AS engager, target_account_id AS target, NULL AS text
    FROM outsiders
    WHERE target_account_id IS NOT NULL AND action IN ('reply', 'quote', 'mention', 'report', 'comment')
    UNION ALL
    SELECT platform, account_id, unnest(mentions), text FROM outsiders WHERE len(mentions) > 0
),
resolved AS (
    SELECT DISTINCT a.platform, a.engager, coalesce(by_id.account_id, by_handle.account_id, a.target) AS target
    FROM aimed AS a
    LEFT JOIN accounts AS by_id ON by_id.platform = a.platform AND by_id.account_id = a.target
    LEFT JOIN handle_index AS by_handle
      ON by_id.account_id IS NULL AND by_handle.platform = a.platform AND by_handle.handle = lower(a.target)
    WHERE a.target <> '' AND NOT mt_share_button(a.text, coalesce(lower(by_id.handle), by_handle.handle, lower(a.target)))
),
active AS (
    SELECT platform, count(DISTINCT account_id) AS accounts FROM outsiders GROUP BY ALL
)
SELECT r.platform, r.target AS account_id, count(*) AS engagers, any_value(a.accounts) AS active_accounts,
       count(*) / any_value(a.accounts) AS engaged_share
FROM resolved AS r JOIN active AS a USING (platform)
GROUP BY ALL;

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
    LEFT JOIN members AS author ON author.signal = m.signal AND author.group_key = m.group_key
                               AND author.platform = t.platform AND author.account_id = t.via_author
    WHERE t.via_author IS NULL OR author.account_id IS NOT NULL
    GROUP BY ALL
)
SELECT e.signal, e.group_key, e.platform, e.account_id,
       coalesce(lower(a.handle), CASE WHEN a.account_id IS NULL THEN lower(e.account_id) END) AS handle,
       e.members_engaged, s.n_members
FROM engaged AS e
JOIN sizes AS s USING (signal, group_key)
LEFT JOIN accounts AS a USING (platform, account_id)
LEFT JOIN target_reach AS r USING (platform, account_id)
ANTI JOIN members AS own ON own.signal = e.signal AND own.group_key = e.group_key
                        AND own.platform = e.platform AND own.account_id = e.account_id
WHERE e.members_engaged >= greatest(2, ceil($min_target_share * s.n_members))
  -- specific to the group: its members engage it at least $min_target_lift times as often as outsiders do
  AND e.members_engaged / s.n_members >= $min_target_lift * coalesce(r.engaged_share, 0);
