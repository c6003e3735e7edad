-- co_hashtag: using the same hashtag. The object is '#' plus the tag, case-folded (lower() of its NFC form),
-- without the sigil. Cross-platform. Reposts are left out (the tags are the original author's); one action
-- per distinct tag per event. Reads the temp table of ../hashtags.sql.
SELECT DISTINCT '#' || tag AS object_id, platform, account_id, event_id, ts
FROM (SELECT platform, account_id, event_id, ts, unnest(tags) AS tag FROM coaction_hashtag_events)
