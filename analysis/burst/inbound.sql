-- Every inbound event of every target: `burst_inbound(platform, target_kind, target_id, event_id, account_id,
-- ts, action)`. A target is an account ('account': the replies, quotes, mentions, comments and reports aimed
-- at it, and every text that mentions it; a mention written as a handle is resolved to the account id where
-- the accounts table knows the handle on that platform, else kept as written), or a thread or post whose
-- author the export does not name ('post': the replies, quotes, comments and reports in it; the thread is the
-- conversation, except on telegram, whose conversation is a whole chat, so there the post replied to).
-- Reposts, likes and follows amplify or subscribe: they are not addressed to anyone. A target's own events
-- are not inbound.
CREATE OR REPLACE TEMP TABLE burst_handles AS
SELECT platform, lower(handle) AS handle, min(account_id) AS account_id
FROM accounts WHERE handle IS NOT NULL AND handle <> '' GROUP BY ALL;

CREATE OR REPLACE TABLE burst_inbound AS
WITH addressed AS (
    SELECT platform, event_id, 'account' AS target_kind, target_account_id AS target_id
    FROM interactions
    WHERE action IN ('reply', 'quote', 'mention', 'comment', 'report') AND coalesce(target_account_id, '') <> ''
    UNION
    SELECT m.platform, m.event_id, 'account', coalesce(h.account_id, m.mention)
    FROM (SELECT platform, event_id, unnest(mentions) AS mention FROM interactions
          WHERE action IN ('post', 'reply', 'quote', 'mention', 'comment') AND len(mentions) > 0) AS m
    LEFT JOIN burst_handles AS h ON h.platform = m.platform AND h.handle = lower(ltrim(m.mention, '@'))
    WHERE coalesce(m.mention, '') <> ''
    UNION
    SELECT platform, event_id, 'post',
           CASE WHEN platform = 'telegram' THEN coalesce(target_post_id, conversation_id)
                ELSE coalesce(conversation_id, target_post_id) END
    FROM interactions
    WHERE action IN ('reply', 'quote', 'comment', 'report') AND coalesce(target_account_id, '') = ''
      AND coalesce(conversation_id, target_post_id, '') <> ''
)
SELECT a.platform, a.target_kind, a.target_id, i.event_id, i.account_id, i.ts, i.action
FROM addressed AS a JOIN interactions AS i USING (platform, event_id)
WHERE i.account_id <> a.target_id;

-- The grid of every platform: hourly (or bin_minutes) bins from the UTC midnight before its first event.
CREATE OR REPLACE TEMP TABLE burst_grid AS
SELECT platform, date_trunc('day', min(ts)) AS origin,
       CAST(floor(epoch(max(ts) - date_trunc('day', min(ts))) / $bin_seconds) AS BIGINT) + 1 AS bins
FROM interactions GROUP BY ALL;

