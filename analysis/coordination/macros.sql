-- Object normalisation for the co-action behaviours. Pure string functions: no network look-ups, so a
-- shortened or redirected link stays what it was (resolve links upstream if that matters).

-- Query parameters that only say who clicked where. Dropping them makes the same article shared from
-- two campaigns the same object. Keys compare case-insensitively; every key starting utm_ counts too.
CREATE OR REPLACE TEMP MACRO mt_url_tracking_key(k) AS (
    starts_with(lower(k), 'utm_')
    OR lower(k) IN ('fbclid', 'gclid', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid',
                    'ttclid', 'li_fat_id', 'igshid', 'igsh', 'mc_cid', 'mc_eid', 'ref_src', 'ref_url',
                    '_hsenc', '_hsmi', 'mkt_tok', 'vero_id', 'oly_anon_id', 'oly_enc_id', 'rb_clickid',
                    's_cid', '__s', 'wt_mc_id', 'cmpid', 'spm')
);

-- URL parts: scheme, authority, path, query ('?...'). A URL without a scheme is read as http://; one with
-- an opaque scheme (mailto:, tel:, javascript:) is kept apart so it normalises to NULL.
-- (The first test is a shortcut for the usual case: an http(s) URL ending in a printable ASCII character has
-- nothing to trim.)
CREATE OR REPLACE TEMP MACRO mt_url_with_scheme(u) AS (
    CASE WHEN (starts_with(u, 'https://') OR starts_with(u, 'http://')) AND ascii(right(u, 1)) BETWEEN 33 AND 126 THEN u
         WHEN regexp_matches(trim(u), '^[A-Za-z][A-Za-z0-9+.\-]*://') THEN trim(u)
         WHEN regexp_matches(trim(u), '^[A-Za-z][A-Za-z0-9+.\-]*:[^0-9/]') THEN 'opaque://' || trim(u)
         ELSE 'http://' || trim(u) END
);
CREATE OR REPLACE TEMP MACRO mt_url_parts(u) AS (
    regexp_extract(mt_url_with_scheme(u), '^([A-Za-z][A-Za-z0-9+.\-]*)://([^/?#]*)([^?#]*)(\?[^#]*)?',
                   ['scheme', 'auth', 'path', 'query'])
);
-- The scheme and authority alone (the same two parts as mt_url_parts, for less work).
CREATE OR REPLACE TEMP MACRO mt_url_origin(u) AS (
    regexp_extract(mt_url_with_scheme(u), '^([A-Za-z][A-Za-z0-9+.\-]*)://([^/?#]*)', ['scheme', 'auth'])
);

-- Host of a URL: lower-case, without user info, default port or trailing dot. (Constant patterns only:
-- a pattern chosen per row would be compiled per row.)
CREATE OR REPLACE TEMP MACRO mt_url_strip_port(host, scheme) AS (
    CASE WHEN lower(scheme) = 'https' AND suffix(host, ':443') THEN left(host, -4)
         WHEN lower(scheme) = 'http' AND suffix(host, ':80') THEN left(host, -3)
         ELSE host END
);
CREATE OR REPLACE TEMP MACRO mt_url_host_of(parts) AS (
    rtrim(mt_url_strip_port(lower(regexp_replace(parts.auth, '^.*@', '')), parts.scheme), '.')
);

-- Normalised URL: lower-case scheme and host, tracking parameters dropped, the other parameters sorted,
-- fragment and trailing slash dropped. NULL for blanks and for schemes other than http(s).
-- (The one-element list_transform evaluates the regular expression once: a macro argument used several
-- times would otherwise be computed each time.)
CREATE OR REPLACE TEMP MACRO mt_url_build(p, host) AS (
    CASE
        WHEN lower(p.scheme) NOT IN ('http', 'https') OR host = '' THEN NULL
        ELSE lower(p.scheme) || '://' || host || rtrim(p.path, '/')
             || coalesce('?' || nullif(array_to_string(list_sort(list_filter(
                    string_split(ltrim(p.query, '?'), '&'),
                    lambda q: q <> '' AND NOT mt_url_tracking_key(split_part(q, '=', 1)))), '&'), ''), '')
    END
);

CREATE OR REPLACE TEMP MACRO mt_url_norm(u) AS (
    CASE WHEN u IS NULL OR trim(u) = '' THEN NULL
         ELSE list_transform([mt_url_parts(u)], lambda p: mt_url_build(p, mt_url_host_of(p)))[1] END
);

-- Domain of a URL for co_domain: the normalised host with a leading www. (www2., ...) stripped.
-- Subdomains stay distinct (blog.example.com is not example.com): without a public-suffix list a
-- shortcut would merge every *.github.io or *.substack.com publisher into one object.
-- mt_url_domain_of takes the origin (scheme and authority): co_domain computes it once per distinct origin.
CREATE OR REPLACE TEMP MACRO mt_url_domain_of(p) AS (
    list_transform([mt_url_host_of(p)], lambda host:
        CASE WHEN lower(p.scheme) NOT IN ('http', 'https') OR host = '' THEN NULL
             ELSE regexp_replace(host, '^www[0-9]*\.', '') END)[1]
);
CREATE OR REPLACE TEMP MACRO mt_url_domain(u) AS (
    CASE WHEN u IS NULL OR trim(u) = '' THEN NULL ELSE mt_url_domain_of(mt_url_origin(u)) END
);
