-- Links for co_link and co_domain, prepared once for both (coaction.py runs this before either). Reposts are
-- left out (the link is the original author's); one row per distinct URL per event.
CREATE OR REPLACE TEMP TABLE coaction_url_events AS
SELECT DISTINCT platform, account_id, event_id, ts, unnest(urls) AS url
FROM interactions WHERE action <> 'repost' AND len(urls) > 0;

-- Each distinct non-blank URL split into its parts once (mt_url_parts in macros.sql).
CREATE OR REPLACE TEMP TABLE coaction_url_parts AS
SELECT url, p.scheme, p.auth, p.path, p.query
FROM (SELECT url, mt_url_parts(url) AS p FROM (SELECT DISTINCT url FROM coaction_url_events) WHERE trim(url) <> '');
