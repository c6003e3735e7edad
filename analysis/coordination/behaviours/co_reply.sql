-- co_reply: replying to (or commenting on) the same post. The object is the replied-to post id, prefixed with
-- the platform because post ids are platform-specific.
SELECT platform || ':' || target_post_id AS object_id, platform, account_id, event_id, ts
FROM interactions
WHERE action IN ('reply', 'comment') AND target_post_id IS NOT NULL
