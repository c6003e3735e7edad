-- The coordination signal: every member of a kept cluster, scored by the share of its actions that
-- were matched within the window by an account it is tied to (summed over the behaviours; the sentence gives
-- each behaviour's count, as one post can count in two: its link in co_link, its domain in co_domain). Ties are
-- significant edges only (`significant` is NULL when the null model did not run). The window quoted is the one the matches were
-- made within, read from coaction_accounts: one value for a fixed window, a range for per-object windows.
-- The flag's period is that of its ties inside the cluster. For an account whose events come from
-- minute-stamped files (time_resolution, analysis/timing.py) "within 60 s" reads "in the same or the next
-- minute" and a median gap of 0 "the same minute": the data cannot say more.

-- Plain-language nouns for each co-action behaviour, used in evidence sentences; no two behaviours share an
-- action noun, so a sentence that lists several reads as several counts.
CREATE OR REPLACE TABLE behaviour_labels AS SELECT * FROM (VALUES
    ('co_repost', 'reposts', 'posts'),
    ('co_link', 'link shares', 'links'),
    ('co_domain', 'link shares compared by domain', 'domains'),
    ('co_hashtag', 'hashtag uses', 'hashtags'),
    ('co_hashtag_seq', 'hashtag sequences', 'hashtag sequences'),
    ('co_reply', 'replies', 'posts'),
    ('co_mention', 'mentions', 'accounts'),
    ('co_report', 'reports', 'reported accounts'),
    ('co_text', 'posts', 'texts'),
    ('co_text_near', 'posts compared by near-identical text', 'near-identical texts')
) AS t(behaviour, action_noun, object_noun);

DELETE FROM account_signals WHERE signal = 'coordination';

INSERT INTO account_signals (signal, platform, account_id, group_key, score, evidence, first_ts, last_ts, events)
WITH minute_stamped AS (
    SELECT i.platform, i.account_id
    FROM account_clusters AS m
    JOIN interactions AS i USING (platform, account_id)
    JOIN time_resolution AS r USING (source_file)
    GROUP BY ALL
    HAVING bool_and(r.minute_stamped)
),
activity AS (
    SELECT c.platform, c.account_id,
           sum(c.actions) AS actions,
           sum(c.matched_actions) AS matched,
           -- each behaviour's count, most matches first: not one total, which would count a post twice
           string_agg(format('{} of its {} {} ({}%)', c.matched_actions, c.actions, coalesce(l.action_noun, 'actions'),
                             CAST(round(100.0 * c.matched_actions / c.actions) AS INTEGER)), ' and '
                      ORDER BY c.matched_actions DESC, c.behaviour) AS counts_text,
           CASE WHEN any_value(s.account_id) IS NOT NULL AND max(c.max_window_s) BETWEEN 60 AND 119
                     THEN 'in the same or the next minute as'
                WHEN min(c.min_window_s) = max(c.max_window_s) THEN printf('within %g s of', min(c.min_window_s))
                ELSE printf('within the window estimated for each object (%g to %g s) of', min(c.min_window_s), max(c.max_window_s))
           END AS window_text,
           any_value(s.account_id) IS NOT NULL AS minute_data
    FROM coaction_accounts AS c LEFT JOIN behaviour_labels AS l USING (behaviour)
    LEFT JOIN minute_stamped AS s USING (platform, account_id)
    GROUP BY c.platform, c.account_id
),
ties AS (
    SELECT e.behaviour, e.a_platform AS platform, e.a_account AS account_id, e.b_platform AS other_platform,
           e.b_account AS other_account, e.weight, e.median_dt_s, e.first_ts, e.last_ts
    FROM coaction_edges AS e WHERE e.significant IS NOT FALSE
    UNION ALL
    SELECT e.behaviour, e.b_platform, e.b_account, e.a_platform, e.a_account, e.weight, e.median_dt_s, e.first_ts, e.last_ts
    FROM coaction_edges AS e WHERE e.significant IS NOT FALSE
),
strongest AS (
    SELECT m.platform, m.account_id, t.other_platform, t.other_account, t.weight, t.median_dt_s,
           coalesce(l.object_noun, 'objects') AS object_noun,
           min(t.first_ts) OVER (PARTITION BY m.platform, m.account_id) AS first_ts,
           max(t.last_ts) OVER (PARTITION BY m.platform, m.account_id) AS last_ts,
           row_number() OVER (PARTITION BY m.platform, m.account_id
                              ORDER BY t.weight DESC, t.median_dt_s, t.other_platform, t.other_account, t.behaviour) AS nth
    FROM account_clusters AS m
    JOIN ties AS t ON t.platform = m.platform AND t.account_id = m.account_id
    JOIN account_clusters AS o
      ON o.platform = t.other_platform AND o.account_id = t.other_account AND o.cluster_id = m.cluster_id
    LEFT JOIN behaviour_labels AS l ON l.behaviour = t.behaviour
)
SELECT 'coordination', m.platform, m.account_id, 'cluster-' || m.cluster_id,
       round(a.matched / a.actions, 3) AS score,
       format('{} came {} the same action by an account it is tied to (cluster {}, {} accounts); strongest tie: {}, {} shared {}, median gap {}.',
              a.counts_text, a.window_text,
              m.cluster_id, count(*) OVER (PARTITION BY m.cluster_id),
              coalesce('@' || h.handle, s.other_account), s.weight, s.object_noun,
              CASE WHEN a.minute_data AND s.median_dt_s = 0 THEN 'the same minute (times are to the minute)'
                   WHEN a.minute_data THEN printf('%g min (times are to the minute)', round(s.median_dt_s / 60, 1))
                   ELSE format('{} s', round(s.median_dt_s, 1)) END) AS evidence,
       s.first_ts, s.last_ts, a.matched
FROM account_clusters AS m
JOIN activity AS a USING (platform, account_id)
JOIN strongest AS s ON s.platform = m.platform AND s.account_id = m.account_id AND s.nth = 1
ANTI JOIN coordination_followings AS f ON f.cluster_id = m.cluster_id AND f.is_following
LEFT JOIN accounts AS h ON h.platform = s.other_platform AND h.account_id = s.other_account;
