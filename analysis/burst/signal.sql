-- The burst signal, and the coordination rows of the co-action inside concerted episodes.
-- Flagged with `burst` (group = the episode): in a concerted episode, every participant with no organic
-- contact with the target before it (a friend who joins is not a mob member; engaging in an earlier episode
-- that was not concerted, such as her viral moment, is organic contact too), and the organisers and
-- amplifiers of its calls to action. An account in several concerted episodes is flagged once, for the one
-- with most of its events (then the earliest). A burst alone, a viral moment or onlookers flag nobody.
-- Score: 0.4, plus 0.2 for each mark the account itself carries: new account, coordinated cluster,
-- co-action inside the episode, organiser of a call to action (at most 1).
DELETE FROM account_signals WHERE signal = 'burst';
DELETE FROM account_signals WHERE signal = 'coordination' AND group_key LIKE 'episode-%';

CREATE OR REPLACE TEMP TABLE burst_labels AS
SELECT e.episode_id,
       CASE WHEN e.target_kind = 'post' THEN 'the thread ' || e.target_id
            ELSE coalesce('@' || a.handle, e.target_id) END AS target_label
FROM burst_episodes AS e LEFT JOIN accounts AS a ON a.platform = e.platform AND a.account_id = e.target_id;

CREATE OR REPLACE TEMP TABLE burst_marks AS
WITH described AS (
    SELECT c.episode_id, c.platform, c.account_id,
           CASE WHEN c.accounts - 1 = 1 THEN 'another participant' ELSE (c.accounts - 1) || ' other participants' END AS others,
           c.kind, c.object
    FROM burst_coaction AS c
),
sentences AS (
    SELECT episode_id, platform, account_id,
           CASE kind WHEN 'hashtag' THEN 'used ' || object || ' with ' || others
                     WHEN 'same_post' THEN 'engaged with the post ' || object || ' with ' || others
                     WHEN 'template' THEN 'posted the same text or template as ' || others
                     ELSE 'amplified the call to action ' || object || ' with ' || replace(others, 'participant', 'account') END AS sentence
    FROM described
)
SELECT episode_id, platform, account_id, string_agg(DISTINCT sentence, '; ' ORDER BY sentence) AS coaction
FROM sentences GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE burst_flags AS
SELECT p.*, e.platform AS target_platform, e.start_ts, e.end_ts, e.events AS episode_events, e.participants AS episode_participants,
       e.peak_events, e.expected_at_peak, e.concert_evidence, l.target_label, m.coaction,
       row_number() OVER (PARTITION BY p.platform, p.account_id ORDER BY p.events DESC, e.start_ts, e.episode_id) AS nth
FROM burst_participants AS p
JOIN burst_episodes AS e USING (episode_id)
JOIN burst_labels AS l USING (episode_id)
LEFT JOIN burst_marks AS m ON m.episode_id = p.episode_id AND m.platform = p.platform AND m.account_id = p.account_id
WHERE e.concerted
  AND (p.role <> 'participant'
       OR (p.prior_contacts = 0
           AND NOT EXISTS (SELECT 1 FROM burst_episode_contacts AS x JOIN burst_episodes AS o ON o.episode_id = x.inside_episode
                           WHERE x.episode_id = p.episode_id AND x.account_id = p.account_id AND NOT o.concerted)));

INSERT INTO account_signals (signal, platform, account_id, group_key, score, evidence, first_ts, last_ts, events)
SELECT 'burst', platform, account_id, episode_id,
       least(1.0, 0.4 + 0.2 * CAST(new_account AS INTEGER) + 0.2 * CAST(clustered AS INTEGER)
                  + 0.2 * CAST(coaction IS NOT NULL AS INTEGER) + 0.2 * CAST(role = 'organiser' AS INTEGER)),
       CASE role
           WHEN 'participant' THEN format('{} of the {} inbound events that {} accounts sent {} on {} in {} ({} to {} UTC; {} in its busiest {}-minute bin against {} expected), a concerted pile-on ({}); this account had no earlier contact with the target{}{}{}.',
                events, episode_events, episode_participants, target_label, target_platform, episode_id,
                strftime(start_ts, '%Y-%m-%d %H:%M'), strftime(end_ts, '%Y-%m-%d %H:%M'), peak_events, $bin_minutes, round(expected_at_peak, 1),
                concert_evidence, CASE WHEN new_account THEN ', was created ' || strftime(created_at, '%Y-%m-%d') || ' (new)' ELSE '' END,
                CASE WHEN clustered THEN ', is in a coordinated cluster' ELSE '' END,
                CASE WHEN coaction IS NOT NULL THEN ', ' || coaction ELSE '' END)
           WHEN 'organiser' THEN format('Posted a call to action on {} ({}) linking to {} on {} at {} UTC, before the concerted pile-on {} ({} events by {} accounts from {} UTC; {}){}.',
                platform, call_event_id, target_label, target_platform, strftime(first_ts, '%Y-%m-%d %H:%M'), episode_id, episode_events,
                episode_participants, strftime(start_ts, '%Y-%m-%d %H:%M'), concert_evidence,
                CASE WHEN coaction IS NOT NULL THEN '; ' || coaction ELSE '' END)
           ELSE format('Amplified the call to action {} on {} ({} event(s) from {} UTC) that linked to {} on {} before the concerted pile-on {} ({} events by {} accounts; {}){}.',
                call_event_id, platform, events, strftime(first_ts, '%Y-%m-%d %H:%M'), target_label, target_platform, episode_id,
                episode_events, episode_participants, concert_evidence, CASE WHEN coaction IS NOT NULL THEN '; ' || coaction ELSE '' END)
       END,
       first_ts, last_ts, events
FROM burst_flags WHERE nth = 1;

-- Co-action inside a concerted episode is coordination too, with the episode as group, for accounts the
-- clusters step has not flagged already (one coordination row per account).
INSERT INTO account_signals (signal, platform, account_id, group_key, score, evidence, first_ts, last_ts, events)
SELECT 'coordination', platform, account_id, episode_id, 0.6,
       format('Co-acted inside the concerted pile-on {} on {} ({} to {} UTC): {}.', episode_id, target_label,
              strftime(start_ts, '%Y-%m-%d %H:%M'), strftime(end_ts, '%Y-%m-%d %H:%M'), coaction),
       first_ts, last_ts, events
FROM (SELECT *, row_number() OVER (PARTITION BY platform, account_id ORDER BY events DESC, start_ts, episode_id) AS nth_coaction
      FROM burst_flags WHERE coaction IS NOT NULL) AS f
WHERE nth_coaction = 1
  AND NOT EXISTS (SELECT 1 FROM account_signals AS s WHERE s.signal = 'coordination' AND s.platform = f.platform AND s.account_id = f.account_id);

CREATE OR REPLACE TABLE burst_participants AS
SELECT p.*, f.account_id IS NOT NULL AS flagged
FROM burst_participants AS p
LEFT JOIN (SELECT * FROM burst_flags WHERE nth = 1) AS f USING (episode_id, platform, account_id)
ORDER BY p.episode_id, p.role, p.first_ts, p.platform, p.account_id;
