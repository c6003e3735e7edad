-- co_link: sharing the same URL. The object is the normalised URL (mt_url_norm in ../macros.sql: lower-case
-- scheme and host, tracking parameters such as utm_*, fbclid, gclid dropped, other parameters sorted,
-- fragment and trailing slash dropped). Not platform-specific: the same link shared on two platforms pairs
-- the accounts across them. Reposts are left out (the link is the original author's, and co_repost already
-- counts the repost); every other event's links count, one action per distinct link per event.
-- URLs are normalised once per distinct URL, then joined back to the events.
WITH shared AS (
    SELECT DISTINCT platform, account_id, event_id, ts, unnest(urls) AS url
    FROM interactions WHERE action <> 'repost' AND len(urls) > 0
),
normalised AS (
    SELECT url, mt_url_norm(url) AS object_id FROM (SELECT DISTINCT url FROM shared)
)
SELECT DISTINCT n.object_id, s.platform, s.account_id, s.event_id, s.ts
FROM shared AS s JOIN normalised AS n USING (url)
WHERE n.object_id IS NOT NULL
