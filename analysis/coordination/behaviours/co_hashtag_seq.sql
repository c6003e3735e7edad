-- co_hashtag_seq: posting the identical ordered sequence of two or more hashtags (a copied hashtag block is a
-- sign of a shared script). The object is the case-folded tags joined as '#a #b #c', order kept, repeats
-- kept. Cross-platform; reposts left out. Reads the temp table of ../hashtags.sql.
SELECT '#' || array_to_string(tags, ' #') AS object_id, platform, account_id, event_id, ts
FROM coaction_hashtag_events
WHERE len(tags) >= 2
