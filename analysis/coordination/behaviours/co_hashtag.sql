-- co_hashtag: using the same hashtag. The object is '#' plus the tag, case-folded (lower() of its NFC form),
-- without the sigil. Cross-platform. Reposts are left out (the tags are the original author's); one action
-- per distinct tag per event.
SELECT DISTINCT '#' || lower(nfc_normalize(ltrim(trim(h.tag), '#'))) AS object_id, platform, account_id, event_id, ts
FROM (SELECT platform, account_id, event_id, ts, unnest(hashtags) AS tag
      FROM interactions WHERE action <> 'repost' AND len(hashtags) > 0) AS h
WHERE h.tag IS NOT NULL AND ltrim(trim(h.tag), '#') <> ''
