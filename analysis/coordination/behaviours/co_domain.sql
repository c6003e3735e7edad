-- co_domain: linking to the same site. The object is the URL's host, lower-case, www. stripped (mt_url_domain
-- in ../macros.sql); subdomains stay distinct. Cross-platform like co_link. A weak signal on its own (many
-- people link youtube.com every minute): the significance model discounts busy domains. Reposts are left
-- out; one action per distinct domain per event.
-- URLs are normalised once per distinct URL, then joined back to the events.
WITH shared AS (
    SELECT DISTINCT platform, account_id, event_id, ts, unnest(urls) AS url
    FROM interactions WHERE action <> 'repost' AND len(urls) > 0
),
normalised AS (
    SELECT url, mt_url_domain(url) AS object_id FROM (SELECT DISTINCT url FROM shared)
)
SELECT DISTINCT n.object_id, s.platform, s.account_id, s.event_id, s.ts
FROM shared AS s JOIN normalised AS n USING (url)
WHERE n.object_id IS NOT NULL
