-- co_link: sharing the same URL. The object is the normalised URL (mt_url_norm in ../macros.sql: lower-case
-- scheme and host, tracking parameters such as utm_*, fbclid, gclid dropped, other parameters sorted,
-- fragment and trailing slash dropped). Not platform-specific: the same link shared on two platforms pairs
-- the accounts across them. Reposts are left out (the link is the original author's, and co_repost already
-- counts the repost); every other event's links count, one action per distinct link per event.
-- Each distinct URL is split into its parts once, each distinct origin's host (few) normalised once, and the
-- URL rebuilt; then joined back to the events. (MATERIALIZED: otherwise the NOT NULL test below is pushed
-- into the CTE and every URL is normalised twice.)
WITH shared AS (
    SELECT DISTINCT platform, account_id, event_id, ts, unnest(urls) AS url
    FROM interactions WHERE action <> 'repost' AND len(urls) > 0
),
parts AS MATERIALIZED (
    SELECT url, mt_url_parts(url) AS p FROM (SELECT DISTINCT url FROM shared) WHERE trim(url) <> ''
),
hosts AS (
    SELECT scheme, auth, mt_url_host_of({'scheme': scheme, 'auth': auth}) AS host
    FROM (SELECT DISTINCT p.scheme, p.auth FROM parts)
),
normalised AS MATERIALIZED (
    SELECT url, mt_url_build(p, host) AS object_id
    FROM parts JOIN hosts AS h ON h.scheme = p.scheme AND h.auth = p.auth
)
SELECT DISTINCT n.object_id, s.platform, s.account_id, s.event_id, s.ts
FROM shared AS s JOIN normalised AS n USING (url)
WHERE n.object_id IS NOT NULL
