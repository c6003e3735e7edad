-- Account features of the paid-amplification detector, over all interactions (definitions in __init__.py).
-- Writes `amplification_features`, one row per account that did anything, and keeps the temp table
-- `amp_amplifications` for jobs.sql and pools.sql. Parameters: $min_events, $top_authors, $min_suffix_digits,
-- $handle_prefix_chars, $max_handle_edits, $skewed_following.

-- Every amplification (repost, like, quote) with the author it amplified and, where the original post is in
-- the export (same platform; an original is something published: a post, quote, reply, comment or mention), the
-- original's time and the reaction latency. A latency below zero (clocks or
-- minute-resolution times) is unknown, not guessed: NULL, like a latency whose original is missing.
CREATE OR REPLACE TEMP TABLE amp_amplifications AS
SELECT a.platform, a.account_id, a.event_id, a.action, a.ts, a.target_post_id,
       coalesce(o.account_id, a.target_account_id) AS author,
       o.ts AS original_ts,
       CASE WHEN a.ts >= o.ts THEN epoch(a.ts - o.ts) END AS latency_s
FROM interactions AS a
LEFT JOIN (SELECT platform, event_id, account_id, ts FROM interactions WHERE action IN ('post', 'quote', 'reply', 'comment', 'mention')) AS o
  ON o.platform = a.platform AND o.event_id = a.target_post_id
WHERE a.action IN ('repost', 'like', 'quote');

-- Volume, share of amplification, cadence and rhythm, in one pass over the events (one sort, one grouping).
-- Cadence: the coefficient of variation of the gaps between consecutive events. Rhythm: the normalised
-- entropy of hour-of-day (24 bins) and day-of-week (7 bins) activity, UTC,
-- H = (ln N - sum(c ln c) / N) / ln(bins): 0 = always the same hour, 1 = spread evenly.
CREATE OR REPLACE TEMP TABLE amp_activity AS
WITH gaps AS (
    SELECT platform, account_id, action, account_handle, hour(ts) AS h, isodow(ts) AS d,
           epoch_ms(ts) - lag(epoch_ms(ts)) OVER (PARTITION BY platform, account_id ORDER BY ts) AS gap_ms
    FROM interactions
),
counted AS (
    SELECT platform, account_id, max(account_handle) AS handle, count(*) AS events,
           count(*) FILTER (WHERE action IN ('repost', 'like', 'quote')) AS amplifications,
           count(*) FILTER (WHERE action IN ('post', 'reply', 'comment', 'mention')) AS originals,
           -- sqrt(n sum(g^2) - sum(g)^2) / sum(g) = stddev_pop / mean, from whole-millisecond sums: exact, so the same
           -- in every run (a parallel stddev of doubles varied in the last bit with the order threads combined them)
           CASE WHEN count(*) >= $min_events AND sum(gap_ms) > 0
                THEN sqrt(CAST(count(gap_ms) * sum(CAST(gap_ms AS HUGEINT) * gap_ms) - sum(gap_ms) * sum(gap_ms) AS DOUBLE))
                     / CAST(sum(gap_ms) AS DOUBLE)
           END AS cadence_cv,
           [count(*) FILTER (WHERE h = 0), count(*) FILTER (WHERE h = 1), count(*) FILTER (WHERE h = 2), count(*) FILTER (WHERE h = 3),
            count(*) FILTER (WHERE h = 4), count(*) FILTER (WHERE h = 5), count(*) FILTER (WHERE h = 6), count(*) FILTER (WHERE h = 7),
            count(*) FILTER (WHERE h = 8), count(*) FILTER (WHERE h = 9), count(*) FILTER (WHERE h = 10), count(*) FILTER (WHERE h = 11),
            count(*) FILTER (WHERE h = 12), count(*) FILTER (WHERE h = 13), count(*) FILTER (WHERE h = 14), count(*) FILTER (WHERE h = 15),
            count(*) FILTER (WHERE h = 16), count(*) FILTER (WHERE h = 17), count(*) FILTER (WHERE h = 18), count(*) FILTER (WHERE h = 19),
            count(*) FILTER (WHERE h = 20), count(*) FILTER (WHERE h = 21), count(*) FILTER (WHERE h = 22), count(*) FILTER (WHERE h = 23)
           ] AS by_hour,
           [count(*) FILTER (WHERE d = 1), count(*) FILTER (WHERE d = 2), count(*) FILTER (WHERE d = 3), count(*) FILTER (WHERE d = 4),
            count(*) FILTER (WHERE d = 5), count(*) FILTER (WHERE d = 6), count(*) FILTER (WHERE d = 7)] AS by_day
    FROM gaps
    GROUP BY platform, account_id
)
SELECT platform, account_id, handle, events, amplifications, originals, cadence_cv,
       CASE WHEN events >= $min_events
            THEN greatest(0, (ln(events) - list_sum(list_transform(by_hour, lambda c: CASE WHEN c > 0 THEN c * ln(c) ELSE 0 END)) / events) / ln(24))
       END AS hour_entropy,
       CASE WHEN events >= $min_events
            THEN greatest(0, (ln(events) - list_sum(list_transform(by_day, lambda c: CASE WHEN c > 0 THEN c * ln(c) ELSE 0 END)) / events) / ln(7))
       END AS day_entropy
FROM counted;

-- Reaction latency: counts, median, shares within 10 s and 60 s (inclusive), and its spread from job to job
-- as the quartile coefficient of dispersion (Q3 - Q1) / (Q3 + Q1): 0 = the same delay every time.
CREATE OR REPLACE TEMP TABLE amp_latency AS
WITH per_account AS (
    SELECT platform, account_id,
           count(DISTINCT author) FILTER (WHERE author <> account_id) AS amplified_authors,
           count(latency_s) AS latency_known,
           median(latency_s) AS latency_median_s,
           avg(CAST(latency_s <= 10 AS DOUBLE)) AS share_within_10s,
           avg(CAST(latency_s <= 60 AS DOUBLE)) AS share_within_60s,
           quantile_cont(latency_s, [0.25, 0.75]) AS quartiles
    FROM amp_amplifications GROUP BY ALL
)
SELECT platform, account_id, amplified_authors, latency_known, latency_median_s, share_within_10s, share_within_60s,
       CASE WHEN latency_known >= $min_events AND quartiles[2] + quartiles[1] > 0
            THEN (quartiles[2] - quartiles[1]) / (quartiles[2] + quartiles[1]) END AS latency_dispersion
FROM per_account;

-- How unrelated the authors an account amplifies are, for accounts in a co-action cluster (the only ones the
-- detector can flag; exact audiences for everyone would cost more than the rest together): the mean overlap
-- of the audiences of its `top_authors` most amplified authors, pair by pair the share of the smaller audience
-- that the other shares. An author's audience is everyone who amplified it or replied to it, except the
-- members of the account's own cluster, who are in every audience they amplify. 0 = nobody in common, 1 = one
-- audience inside the other; pairs with an empty audience are left out.
CREATE OR REPLACE TEMP TABLE amp_top_authors AS
SELECT k.cluster_id, a.platform, a.account_id, a.author, count(*) AS amplifications
FROM amp_amplifications AS a JOIN account_clusters AS k USING (platform, account_id)
WHERE a.author IS NOT NULL AND a.author <> a.account_id
GROUP BY k.cluster_id, a.platform, a.account_id, a.author
QUALIFY row_number() OVER (PARTITION BY a.platform, a.account_id ORDER BY count(*) DESC, a.author) <= $top_authors;

-- Audiences are taken once per author over everyone, then the cluster's own members are subtracted:
-- |A \ C| = |A| - |A n C| and |A n B \ C| = |A n B| - |A n B n C|, so a popular author's audience is not
-- copied for every cluster whose members amplify it.
CREATE OR REPLACE TEMP TABLE amp_author_audience AS
SELECT DISTINCT f.platform, f.author, f.fan
FROM (SELECT platform, author, account_id AS fan FROM amp_amplifications
      UNION ALL
      SELECT platform, target_account_id, account_id FROM interactions WHERE action IN ('reply', 'comment')) AS f
SEMI JOIN (SELECT DISTINCT platform, author FROM amp_top_authors) AS n USING (platform, author)
WHERE f.fan <> f.author;

CREATE OR REPLACE TEMP TABLE amp_author_overlap AS
WITH sizes AS (SELECT platform, author, count(*) AS n FROM amp_author_audience GROUP BY ALL),
in_clusters AS (
    -- audience members who sit in a cluster, with that cluster
    SELECT k.cluster_id, a.platform, a.author, a.fan
    FROM amp_author_audience AS a JOIN account_clusters AS k ON k.platform = a.platform AND k.account_id = a.fan
),
pairs AS (
    SELECT x.cluster_id, x.platform, x.account_id, x.author AS a, y.author AS b
    FROM amp_top_authors AS x JOIN amp_top_authors AS y
      ON y.platform = x.platform AND y.account_id = x.account_id AND x.author < y.author
),
author_pairs AS (
    -- each pair of authors once, the smaller audience first: the join below walks it
    SELECT DISTINCT p.platform, p.a, p.b,
           CASE WHEN sa.n <= sb.n THEN p.a ELSE p.b END AS small, CASE WHEN sa.n <= sb.n THEN p.b ELSE p.a END AS large
    FROM pairs AS p
    JOIN sizes AS sa ON sa.platform = p.platform AND sa.author = p.a
    JOIN sizes AS sb ON sb.platform = p.platform AND sb.author = p.b
),
shared_all AS (
    SELECT d.platform, d.a, d.b, count(*) AS shared
    FROM author_pairs AS d
    JOIN amp_author_audience AS x ON x.platform = d.platform AND x.author = d.small
    JOIN amp_author_audience AS y ON y.platform = d.platform AND y.author = d.large AND y.fan = x.fan
    GROUP BY ALL
),
own_members AS (SELECT cluster_id, platform, author, count(*) AS n FROM in_clusters GROUP BY ALL),
shared_members AS (
    SELECT x.cluster_id, x.platform, x.author AS a, y.author AS b, count(*) AS shared
    FROM in_clusters AS x JOIN in_clusters AS y
      ON y.cluster_id = x.cluster_id AND y.platform = x.platform AND y.fan = x.fan AND x.author < y.author
    GROUP BY ALL
),
outside AS (
    SELECT p.platform, p.account_id,
           coalesce(sh.shared, 0) - coalesce(sm.shared, 0) AS shared,
           least(sa.n - coalesce(oa.n, 0), sb.n - coalesce(ob.n, 0)) AS smaller
    FROM pairs AS p
    JOIN sizes AS sa ON sa.platform = p.platform AND sa.author = p.a
    JOIN sizes AS sb ON sb.platform = p.platform AND sb.author = p.b
    LEFT JOIN own_members AS oa ON oa.cluster_id = p.cluster_id AND oa.platform = p.platform AND oa.author = p.a
    LEFT JOIN own_members AS ob ON ob.cluster_id = p.cluster_id AND ob.platform = p.platform AND ob.author = p.b
    LEFT JOIN shared_all AS sh ON sh.platform = p.platform AND sh.a = p.a AND sh.b = p.b
    LEFT JOIN shared_members AS sm ON sm.cluster_id = p.cluster_id AND sm.platform = p.platform AND sm.a = p.a AND sm.b = p.b
)
-- Ordered: a parallel sum of doubles depends on the order threads combine them (the last bit varied run to run).
SELECT platform, account_id, count(*) AS author_pairs,
       avg(CASE WHEN smaller > 0 THEN shared / smaller END ORDER BY CASE WHEN smaller > 0 THEN shared / smaller END) AS author_overlap
FROM outside
GROUP BY ALL;

-- Creation batches and handle patterns inside each co-action cluster: how many other members were created in
-- the same UTC hour / day, share the handle's first $handle_prefix_chars letters, or have a handle stem
-- within $max_handle_edits edits. A handle's stem is its lower-cased form with trailing digits and
-- underscores removed.
CREATE OR REPLACE TEMP TABLE amp_member_profiles AS
SELECT k.cluster_id, k.platform, k.account_id, p.created_at,
       regexp_replace(lower(coalesce(p.handle, a.handle, '')), '[0-9_]+$', '') AS stem
FROM account_clusters AS k
LEFT JOIN accounts AS p USING (platform, account_id)
LEFT JOIN amp_activity AS a USING (platform, account_id);

CREATE OR REPLACE TEMP TABLE amp_group_traits AS
SELECT m.platform, m.account_id,
       CASE WHEN m.created_at IS NOT NULL THEN count(o.account_id) FILTER (WHERE date_trunc('hour', o.created_at) = date_trunc('hour', m.created_at)) END AS created_same_hour,
       CASE WHEN m.created_at IS NOT NULL THEN count(o.account_id) FILTER (WHERE date_trunc('day', o.created_at) = date_trunc('day', m.created_at)) END AS created_same_day,
       count(o.account_id) FILTER (WHERE length(m.stem) >= $handle_prefix_chars
                                     AND left(o.stem, $handle_prefix_chars) = left(m.stem, $handle_prefix_chars)) AS handle_prefix_mates,
       count(o.account_id) FILTER (WHERE length(m.stem) >= $handle_prefix_chars AND length(o.stem) >= $handle_prefix_chars
                                     AND levenshtein(o.stem, m.stem) <= $max_handle_edits) AS handle_edit_mates
FROM amp_member_profiles AS m
LEFT JOIN amp_member_profiles AS o ON o.cluster_id = m.cluster_id AND (o.platform, o.account_id) <> (m.platform, m.account_id)
GROUP BY m.platform, m.account_id, m.created_at;

-- Everything per account. Profile facts only where the export has them (NULL otherwise). A default profile:
-- no display name, or the handle as display name. A handle's long digit suffix: $min_suffix_digits or more
-- digits after a letter or underscore at its end ("patriot_voice48213"; a year such as "maria1987" is not).
CREATE OR REPLACE TABLE amplification_features AS
SELECT a.platform, a.account_id, coalesce(p.handle, a.handle) AS handle, k.cluster_id,
       a.events, a.amplifications, a.originals,
       CASE WHEN a.amplifications + a.originals > 0 THEN round(a.amplifications / (a.amplifications + a.originals), 4) END AS amplification_share,
       coalesce(l.amplified_authors, 0) AS amplified_authors,
       o.author_overlap,
       coalesce(l.latency_known, 0) AS latency_known,
       l.latency_median_s, l.share_within_10s, l.share_within_60s, l.latency_dispersion,
       a.cadence_cv, a.hour_entropy, a.day_entropy,
       p.created_at, g.created_same_hour, g.created_same_day,
       CASE WHEN coalesce(p.handle, a.handle) IS NOT NULL
            THEN length(regexp_extract(coalesce(p.handle, a.handle), '[A-Za-z_][0-9]+$')) - 1 >= $min_suffix_digits END AS handle_digit_suffix,
       g.handle_prefix_mates, g.handle_edit_mates,
       CASE WHEN n.has_names AND p.account_id IS NOT NULL
            THEN nullif(trim(coalesce(p.display_name, '')), '') IS NULL OR lower(trim(p.display_name)) = lower(p.handle) END AS default_profile,
       p.followers, p.following,
       CASE WHEN p.followers IS NOT NULL AND p.following IS NOT NULL THEN round(p.followers / greatest(p.following, 1), 4) END AS follower_ratio,
       CASE WHEN p.followers IS NOT NULL AND p.following IS NOT NULL
            THEN p.following >= 100 AND p.following >= $skewed_following * p.followers END AS skewed_ratio
FROM amp_activity AS a
LEFT JOIN amp_latency AS l USING (platform, account_id)
LEFT JOIN amp_author_overlap AS o USING (platform, account_id)
LEFT JOIN amp_group_traits AS g USING (platform, account_id)
LEFT JOIN account_clusters AS k USING (platform, account_id)
LEFT JOIN accounts AS p USING (platform, account_id)
-- a platform whose export carries no display names at all says nothing about empty profiles
LEFT JOIN (SELECT platform, bool_or(nullif(trim(display_name), '') IS NOT NULL) AS has_names FROM accounts GROUP BY ALL) AS n
  USING (platform)
ORDER BY a.platform, a.account_id;

-- The organic baseline the report draws a pool's latencies against: the known latencies of amplifications by
-- accounts in no co-action cluster, a sample of 50,000 chosen by a hash of the event (reproducible).
CREATE OR REPLACE TABLE amplification_organic_latency AS
SELECT a.latency_s
FROM amp_amplifications AS a
ANTI JOIN account_clusters AS k USING (platform, account_id)
WHERE a.latency_s IS NOT NULL
ORDER BY hash(a.platform, a.event_id), a.event_id
LIMIT 50000;
