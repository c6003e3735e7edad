-- Followings (defined in signal.py): one row per kept cluster whose only behaviour is co_repost, saying whether
-- it is an organic following and why, or why not. Needs following_authors.sql and then audiences.py run first.
-- Parameters: $max_fast, $min_created_days.
CREATE OR REPLACE TABLE coordination_followings AS
WITH authors AS (
    SELECT cluster_id, platform, author, count(*) AS posts, bool_or(author_inside) AS inside,
           row_number() OVER (PARTITION BY cluster_id ORDER BY count(*) DESC, platform, author) AS nth
    FROM following_posts GROUP BY cluster_id, platform, author
),
main AS (SELECT cluster_id, platform, author FROM authors WHERE nth = 1),
relation AS (
    -- authors unrelated to the main author (the one with the most co-reposted posts)
    SELECT a.cluster_id, count(*) FILTER (WHERE a.nth > 1 AND NOT coalesce(p.related, false)) AS unrelated
    FROM authors AS a
    JOIN main AS m USING (cluster_id)
    LEFT JOIN audience_pairs AS p
      ON p.cluster_id = a.cluster_id
     AND ((p.a_platform, p.a_account, p.b_platform, p.b_account) = (m.platform, m.author, a.platform, a.author)
       OR (p.a_platform, p.a_account, p.b_platform, p.b_account) = (a.platform, a.author, m.platform, m.author))
    GROUP BY ALL
),
audience AS (
    SELECT m.cluster_id, count(DISTINCT (m.platform, m.fan)) AS audience
    FROM audience_members AS m JOIN authors AS a ON a.cluster_id = m.cluster_id AND a.platform = m.platform AND a.author = m.account_id
    GROUP BY ALL
),
minute_stamped AS (
    SELECT DISTINCT k.cluster_id
    FROM account_clusters AS k
    JOIN interactions AS i USING (platform, account_id)
    JOIN time_resolution AS r USING (source_file)
    WHERE r.minute_stamped
),
summary AS (
    SELECT s.cluster_id, s.size, s.share_within_10s, s.created_iqr_days,
           sum(a.posts) AS posts, count(*) AS authors,
           count(*) FILTER (WHERE a.inside) AS authors_inside, count(*) FILTER (WHERE a.author IS NULL) AS unknown_authors,
           string_agg(coalesce('@' || h.handle, a.author), ', ' ORDER BY a.nth) FILTER (WHERE a.nth <= 5) AS author_names,
           coalesce(any_value(r.unrelated), 0) AS unrelated, coalesce(any_value(u.audience), 0) AS audience,
           any_value(t.cluster_id) IS NOT NULL AS minute_stamped
    FROM cluster_stats AS s
    JOIN authors AS a USING (cluster_id)
    LEFT JOIN accounts AS h ON h.platform = a.platform AND h.account_id = a.author
    LEFT JOIN relation AS r USING (cluster_id)
    LEFT JOIN audience AS u USING (cluster_id)
    LEFT JOIN minute_stamped AS t USING (cluster_id)
    WHERE s.behaviours = ['co_repost']
    GROUP BY s.cluster_id, s.size, s.share_within_10s, s.created_iqr_days
),
judged AS (
    SELECT *,
           CASE WHEN authors_inside > 0 THEN printf('%d of the authors it pushed are its own members', authors_inside)
                WHEN unknown_authors > 0 THEN 'the export does not say whose posts it pushed'
                WHEN unrelated > 0 THEN printf('it pushed %d authors whose audiences are unrelated', authors)
                WHEN audience < size THEN printf('the authors it pushed have an audience of %d accounts outside it, fewer than its %d members', audience, size)
                WHEN minute_stamped THEN 'its times are to the minute, so its pace cannot be told from a person''s'
                WHEN share_within_10s >= $max_fast THEN printf('%d%% of its co-reposts came within 10 s of each other, a machine''s pace',
                                                               CAST(round(100 * share_within_10s) AS INTEGER))
                WHEN created_iqr_days < $min_created_days THEN printf('the middle half of its accounts were created within %.1f days', created_iqr_days)
           END AS against
    FROM summary
)
SELECT cluster_id, size, posts, authors, author_names, audience, authors_inside, unknown_authors, unrelated,
       round(share_within_10s, 4) AS share_within_10s, round(created_iqr_days, 1) AS created_iqr_days, minute_stamped,
       against IS NULL AS is_following,
       CASE WHEN against IS NULL
            THEN printf('Cluster %d (%d accounts) co-reposted nothing but %d posts of %s, who share one audience of %d accounts outside it; %d%% of its co-reposts came within 10 s%s: an organic following, not flagged.',
                        cluster_id, size, posts, author_names, audience, CAST(round(100 * share_within_10s) AS INTEGER),
                        CASE WHEN created_iqr_days IS NOT NULL THEN printf(' and the middle half of its accounts were created over %.1f years', created_iqr_days / 365.25) ELSE '' END)
            ELSE printf('Cluster %d (%d accounts) co-reposted nothing but %d posts of %s; %s: flagged.', cluster_id, size, posts, author_names, against)
       END AS reason
FROM judged
ORDER BY cluster_id;
