-- co_mention: addressing the same account — the pile-on signature. The object is '@' plus the target, prefixed
-- with the platform (accounts are platform-specific): every @mention of the event, and for a reply or comment
-- also the author replied to. A mentioned handle is mapped to its account id when `accounts` knows exactly
-- one account with that handle, so "@bob" and a reply to bob's id are one object; otherwise the lower-cased
-- handle is the object. Mentioning oneself is not a pile-on and is left out; reposts are left out (their
-- mentions are the original author's). One action per distinct target per event.
WITH handles AS (
    SELECT platform, lower(handle) AS handle, min(account_id) AS account_id
    FROM accounts WHERE handle IS NOT NULL
    GROUP BY ALL HAVING count(*) = 1
),
targets AS (
    SELECT m.platform, m.account_id, m.event_id, m.ts, coalesce(h.account_id, m.mention) AS target
    FROM (SELECT platform, account_id, event_id, ts, lower(ltrim(trim(unnest(mentions)), '@')) AS mention
          FROM interactions WHERE action <> 'repost' AND len(mentions) > 0) AS m
    LEFT JOIN handles AS h ON h.platform = m.platform AND h.handle = m.mention
    WHERE m.mention <> ''
    UNION ALL
    SELECT platform, account_id, event_id, ts, target_account_id
    FROM interactions
    WHERE action IN ('reply', 'comment') AND target_account_id IS NOT NULL
)
SELECT DISTINCT platform || ':@' || target AS object_id, platform, account_id, event_id, ts
FROM targets
WHERE target <> account_id
