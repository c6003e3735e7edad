-- co_hashtag_seq: posting the identical ordered sequence of two or more hashtags (a copied hashtag block is a
-- sign of a shared script). The object is the case-folded tags joined as '#a #b #c', order kept, repeats
-- kept. Cross-platform; reposts left out.
SELECT object_id, platform, account_id, event_id, ts
FROM (
    SELECT '#' || array_to_string(list_transform(
               list_filter(hashtags, lambda t: t IS NOT NULL AND ltrim(trim(t), '#') <> ''),
               lambda t: lower(nfc_normalize(ltrim(trim(t), '#')))), ' #') AS object_id,
           len(list_filter(hashtags, lambda t: t IS NOT NULL AND ltrim(trim(t), '#') <> '')) AS tags,
           platform, account_id, event_id, ts
    FROM interactions
    WHERE action <> 'repost' AND len(hashtags) >= 2
)
WHERE tags >= 2
