-- co_domain: linking to the same site. The object is the URL's host, lower-case, www. stripped (mt_url_domain
-- in ../macros.sql); subdomains stay distinct. Cross-platform like co_link. A weak signal on its own (many
-- people link youtube.com every minute): the significance model discounts busy domains. Reposts are left
-- out; one action per distinct domain per event.
-- Each distinct URL is cut to its origin (scheme and authority) once, and each distinct origin, of which
-- there are few, is normalised to its domain once; then both are joined back to the events.
WITH shared AS (
    SELECT DISTINCT platform, account_id, event_id, ts, unnest(urls) AS url
    FROM interactions WHERE action <> 'repost' AND len(urls) > 0
),
origins AS MATERIALIZED (
    SELECT url, o.scheme, o.auth
    FROM (SELECT url, mt_url_origin(url) AS o FROM (SELECT DISTINCT url FROM shared))
),
domains AS MATERIALIZED (
    -- (MATERIALIZED: otherwise the NOT NULL test below is pushed into this step and run once per URL)
    SELECT scheme, auth, mt_url_domain_of({'scheme': scheme, 'auth': auth}) AS object_id
    FROM (SELECT DISTINCT scheme, auth FROM origins)
)
SELECT DISTINCT d.object_id, s.platform, s.account_id, s.event_id, s.ts
FROM shared AS s
JOIN origins AS o USING (url)
JOIN domains AS d ON d.scheme = o.scheme AND d.auth = o.auth
WHERE d.object_id IS NOT NULL
