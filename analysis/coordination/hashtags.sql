-- Hashtags for co_hashtag and co_hashtag_seq, prepared once for both (coaction.py runs this before either).
-- Per event that is not a repost (the tags of a repost are the original author's): its tags in order, each
-- case-folded (lower() of its NFC form) and without the '#' sigil, blank ones left out; repeats kept.
CREATE OR REPLACE TEMP TABLE coaction_hashtag_events AS
SELECT platform, account_id, event_id, ts, tags
FROM (
    SELECT platform, account_id, event_id, ts,
           list_transform(list_filter(hashtags, lambda t: t IS NOT NULL AND ltrim(trim(t), '#') <> ''),
                          lambda t: lower(nfc_normalize(ltrim(trim(t), '#')))) AS tags
    FROM interactions
    WHERE action <> 'repost' AND len(hashtags) > 0
)
WHERE len(tags) > 0;
