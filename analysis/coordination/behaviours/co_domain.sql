-- co_domain: linking to the same site. The object is the URL's host, lower-case, www. stripped (mt_url_domain
-- in ../macros.sql); subdomains stay distinct. Cross-platform like co_link. A weak signal on its own (many
-- people link youtube.com every minute): the significance model discounts busy domains. Reposts are left
-- out; one action per distinct domain per event.
-- Reads the temp tables of ../urls.sql (each distinct URL split once); each distinct origin, of which there
-- are few, is normalised to its domain once, then joined back to the events.
WITH domains AS MATERIALIZED (
    -- (MATERIALIZED: otherwise the NOT NULL test below is pushed into this step and run once per URL)
    SELECT scheme, auth, mt_url_domain_of({'scheme': scheme, 'auth': auth}) AS object_id
    FROM (SELECT DISTINCT scheme, auth FROM coaction_url_parts)
)
SELECT DISTINCT d.object_id, s.platform, s.account_id, s.event_id, s.ts
FROM coaction_url_events AS s
JOIN coaction_url_parts AS p USING (url)
JOIN domains AS d ON d.scheme = p.scheme AND d.auth = p.auth
WHERE d.object_id IS NOT NULL
