-- co_repost: reposting the same original post. The object is platform-specific, so its id carries the platform.
SELECT platform || ':' || target_post_id AS object_id, platform, account_id, event_id, ts
FROM interactions
WHERE action = 'repost' AND target_post_id IS NOT NULL
