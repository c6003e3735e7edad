-- co_link: sharing the same URL. The object is the normalised URL (mt_url_norm in ../macros.sql: lower-case
-- scheme and host, tracking parameters such as utm_*, fbclid, gclid dropped, other parameters sorted,
-- fragment and trailing slash dropped). Not platform-specific: the same link shared on two platforms pairs
-- the accounts across them. Reposts are left out (the link is the original author's, and co_repost already
-- counts the repost); every other event's links count, one action per distinct link per event.
-- Reads the temp tables of ../urls.sql: each distinct URL split into its parts once; here each distinct
-- origin's host (few) is normalised once and the URL rebuilt, then joined back to the events.
-- (MATERIALIZED: otherwise the NOT NULL test below is pushed into the CTE and every URL is normalised twice.)
WITH hosts AS (
    SELECT scheme, auth, mt_url_host_of({'scheme': scheme, 'auth': auth}) AS host
    FROM (SELECT DISTINCT scheme, auth FROM coaction_url_parts)
),
normalised AS MATERIALIZED (
    SELECT p.url, mt_url_build({'scheme': p.scheme, 'auth': p.auth, 'path': p.path, 'query': p.query}, h.host) AS object_id
    FROM coaction_url_parts AS p JOIN hosts AS h ON h.scheme = p.scheme AND h.auth = p.auth
)
SELECT DISTINCT n.object_id, s.platform, s.account_id, s.event_id, s.ts
FROM coaction_url_events AS s JOIN normalised AS n USING (url)
WHERE n.object_id IS NOT NULL
