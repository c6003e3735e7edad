-- The reporters of every report wave and their features (`mass_report_participants`, role 'reporter'), the
-- organisers and amplifiers of every wave's calls (roles 'organiser', 'amplifier'), and each wave's shares and
-- the platform's levels outside it (`mass_report_wave_features`). Definitions: the package docstring. Reads
-- mass_report_waves, mass_report_reports, mass_report_reason_map, mass_report_calls, mass_report_amplifications,
-- and, prepared by features.py, mass_report_attack_sources (pile-on participants by target) and mass_report_ties
-- (significant co_report ties), both empty when their detector did not run.

-- Every report of every report wave, with its reason's category.
CREATE OR REPLACE TABLE mass_report_wave_reports AS
SELECT w.wave_id, r.platform, r.event_id, r.account_id, r.ts, r.post_id, r.reason_text, coalesce(m.category, '(none)') AS reason
FROM mass_report_waves AS w
JOIN mass_report_reports AS r
  ON r.platform = w.platform AND r.target_kind = w.target_kind AND r.target_id = w.target_id AND r.ts BETWEEN w.start_ts AND w.end_ts
LEFT JOIN mass_report_reason_map AS m ON m.reason_text = coalesce(r.reason_text, '')
WHERE w.side = 'reports'
ORDER BY w.wave_id, r.ts, r.event_id;

-- F5, faster than reading: a report filed at most $read_seconds after the post it reports was published, or
-- after the same reporter's previous report of another item.
CREATE OR REPLACE TEMP TABLE mass_report_unread AS
WITH gaps AS (
    SELECT platform, event_id, account_id, ts, post_id,
           epoch(ts) - epoch(lag(ts) OVER w) AS gap_s,
           (target_kind, target_id, coalesce(post_id, ''))
               IS DISTINCT FROM lag((target_kind, target_id, coalesce(post_id, ''))) OVER w AS other_item
    FROM mass_report_reports
    WINDOW w AS (PARTITION BY platform, account_id ORDER BY ts, event_id)
),
latency AS (
    SELECT g.platform, g.event_id, min(epoch(g.ts) - epoch(p.ts)) AS latency_s
    FROM gaps AS g JOIN interactions AS p ON p.platform = g.platform AND p.event_id = g.post_id
    WHERE g.post_id IS NOT NULL AND p.action <> 'report' AND p.ts <= g.ts
    GROUP BY ALL
)
SELECT g.platform, g.event_id, g.account_id
FROM gaps AS g LEFT JOIN latency AS l USING (platform, event_id)
WHERE l.latency_s <= $read_seconds OR (g.gap_s <= $read_seconds AND g.other_item);

-- Each wave's most common reason (ties: the first in alphabetical order) and its share of the wave's reports.
CREATE OR REPLACE TEMP TABLE mass_report_modes AS
WITH counted AS (SELECT wave_id, reason, count(*) AS n FROM mass_report_wave_reports GROUP BY ALL)
SELECT wave_id, first(reason ORDER BY n DESC, reason) AS reason_mode, max(n) / sum(n) AS reason_share
FROM counted GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE mass_report_reporter_base AS
WITH reasons AS (
    SELECT wave_id, platform, account_id, reason, count(*) AS n FROM mass_report_wave_reports GROUP BY ALL
),
own_reason AS (
    SELECT wave_id, platform, account_id, first(reason ORDER BY n DESC, reason) AS reason FROM reasons GROUP BY ALL
),
unread AS (
    SELECT r.wave_id, r.platform, r.account_id, count(*) AS unread_reports
    FROM mass_report_wave_reports AS r SEMI JOIN mass_report_unread AS x USING (platform, event_id)
    GROUP BY ALL
)
SELECT r.wave_id, r.platform, r.account_id, min(r.ts) AS first_ts, max(r.ts) AS last_ts, count(*) AS events,
       any_value(o.reason) AS reason, bool_or(r.reason = m.reason_mode) AS same_reason,
       coalesce(any_value(u.unread_reports), 0) AS unread_reports
FROM mass_report_wave_reports AS r
JOIN mass_report_modes AS m USING (wave_id)
JOIN own_reason AS o USING (wave_id, platform, account_id)
LEFT JOIN unread AS u USING (wave_id, platform, account_id)
GROUP BY r.wave_id, r.platform, r.account_id;

-- F1, prior contact: interactions other than reports between the reporter and the target before the wave:
-- the reporter acting on the target (or its post, or mentioning it by id or handle), or the target acting on
-- the reporter (or mentioning it).
CREATE OR REPLACE TEMP TABLE mass_report_contacts AS
WITH p AS (
    SELECT b.wave_id, b.platform, b.account_id, w.target_kind, w.target_id, w.start_ts,
           coalesce(lower(a.handle), lower(w.target_id)) AS target_handle, coalesce(lower(ra.handle), lower(b.account_id)) AS reporter_handle
    FROM mass_report_reporter_base AS b JOIN mass_report_waves AS w USING (wave_id)
    LEFT JOIN accounts AS a ON a.platform = w.platform AND a.account_id = w.target_id
    LEFT JOIN accounts AS ra ON ra.platform = b.platform AND ra.account_id = b.account_id
),
own AS (  -- the reporters' own events other than reports, before the last wave starts
    SELECT i.platform, i.account_id, i.ts, i.target_account_id, i.target_post_id, i.conversation_id, i.mentions
    FROM interactions AS i SEMI JOIN (SELECT DISTINCT platform, account_id FROM p) AS r USING (platform, account_id)
    WHERE i.action <> 'report' AND i.ts < (SELECT max(start_ts) FROM p)
),
own_mentions AS (
    SELECT platform, account_id, ts, lower(ltrim(unnest(mentions), '@')) AS mention FROM own WHERE len(mentions) > 0
),
theirs AS (  -- the targets' own events
    SELECT i.platform, i.account_id, i.ts, i.target_account_id, i.mentions
    FROM interactions AS i SEMI JOIN (SELECT DISTINCT platform, target_id AS account_id FROM p WHERE target_kind = 'account') AS t
         USING (platform, account_id)
    WHERE i.action <> 'report'
),
their_mentions AS (
    SELECT platform, account_id, ts, lower(ltrim(unnest(mentions), '@')) AS mention FROM theirs WHERE len(mentions) > 0
),
contacts AS (  -- each kind of contact is an equality join of its own
    SELECT p.wave_id, p.account_id, o.ts, p.start_ts FROM p
    JOIN own AS o ON o.platform = p.platform AND o.account_id = p.account_id AND o.target_account_id = p.target_id
    WHERE p.target_kind = 'account'
    UNION ALL
    SELECT p.wave_id, p.account_id, m.ts, p.start_ts FROM p
    JOIN own_mentions AS m ON m.platform = p.platform AND m.account_id = p.account_id AND m.mention = lower(p.target_id)
    WHERE p.target_kind = 'account'
    UNION ALL
    SELECT p.wave_id, p.account_id, m.ts, p.start_ts FROM p
    JOIN own_mentions AS m ON m.platform = p.platform AND m.account_id = p.account_id AND m.mention = p.target_handle
    WHERE p.target_kind = 'account' AND p.target_handle <> lower(p.target_id)
    UNION ALL
    SELECT p.wave_id, p.account_id, o.ts, p.start_ts FROM p
    JOIN own AS o ON o.platform = p.platform AND o.account_id = p.account_id AND o.target_post_id = p.target_id
    WHERE p.target_kind = 'post'
    UNION ALL
    SELECT p.wave_id, p.account_id, o.ts, p.start_ts FROM p
    JOIN own AS o ON o.platform = p.platform AND o.account_id = p.account_id AND o.conversation_id = p.target_id
    WHERE p.target_kind = 'post' AND coalesce(o.target_post_id, '') <> p.target_id
    UNION ALL
    SELECT p.wave_id, p.account_id, t.ts, p.start_ts FROM p
    JOIN theirs AS t ON t.platform = p.platform AND t.account_id = p.target_id AND t.target_account_id = p.account_id
    UNION ALL
    SELECT p.wave_id, p.account_id, m.ts, p.start_ts FROM p
    JOIN their_mentions AS m ON m.platform = p.platform AND m.account_id = p.target_id AND m.mention = lower(p.account_id)
    UNION ALL
    SELECT p.wave_id, p.account_id, m.ts, p.start_ts FROM p
    JOIN their_mentions AS m ON m.platform = p.platform AND m.account_id = p.target_id AND m.mention = p.reporter_handle
    WHERE p.reporter_handle <> lower(p.account_id)
)
SELECT wave_id, account_id, count(*) AS contacts FROM contacts WHERE ts < start_ts GROUP BY ALL;

-- F3, serial reporting: the accounts each reporter reported with which it has no other interaction, in either
-- direction (a report-only relation).
CREATE OR REPLACE TEMP TABLE mass_report_pairs AS
SELECT DISTINCT platform, account_id, target_id FROM mass_report_reports WHERE target_kind = 'account';

CREATE OR REPLACE TEMP TABLE mass_report_related AS
SELECT DISTINCT p.platform, p.account_id, p.target_id
FROM mass_report_pairs AS p
JOIN interactions AS i ON i.platform = p.platform AND i.account_id = p.account_id AND i.target_account_id = p.target_id
WHERE i.action <> 'report'
UNION
SELECT DISTINCT p.platform, p.account_id, p.target_id
FROM mass_report_pairs AS p
JOIN interactions AS i ON i.platform = p.platform AND i.account_id = p.target_id AND i.target_account_id = p.account_id
WHERE i.action <> 'report';

CREATE OR REPLACE TEMP TABLE mass_report_unrelated AS
SELECT p.platform, p.account_id, list(p.target_id) AS targets
FROM mass_report_pairs AS p ANTI JOIN mass_report_related AS r USING (platform, account_id, target_id)
GROUP BY ALL;

-- F6, harassment clusters and pile-ons against the target (`mass_report_attack_groups`, which the link rule reads
-- too): a coordination group of which at least two members went after the wave's target (replied to, quoted,
-- mentioned or commented on it, or reposted, quoted or liked a post that mentions it), unless the group is held
-- together by co-reporting alone (mass_report_report_only_groups: that is F8's business); a burst episode (its
-- burst or episode coordination flags) against it, counting the participants that did more than report in it.
CREATE OR REPLACE TABLE mass_report_attack_groups AS
WITH targets AS (
    SELECT DISTINCT w.platform, w.target_id, coalesce(lower(a.handle), lower(w.target_id)) AS handle
    FROM mass_report_waves AS w LEFT JOIN accounts AS a ON a.platform = w.platform AND a.account_id = w.target_id
    WHERE w.target_kind = 'account'
),
names AS (  -- a target by id or by handle, each an equality key
    SELECT platform, target_id, lower(target_id) AS name FROM targets UNION SELECT platform, target_id, handle FROM targets
),
members AS (
    SELECT DISTINCT platform, account_id, group_key, signal FROM account_signals
    ANTI JOIN mass_report_report_only_groups USING (platform, group_key)
    WHERE signal = 'coordination' AND group_key NOT LIKE 'episode-%'
),
events AS (
    SELECT i.platform, i.account_id, i.action, i.target_account_id, i.target_post_id, i.mentions
    FROM interactions AS i SEMI JOIN members AS m USING (platform, account_id)
    WHERE i.action NOT IN ('report', 'follow')
),
post_mentions AS (  -- the posts these members pushed, and whom those posts mention
    SELECT p.platform, p.event_id, p.account_id AS author, lower(ltrim(unnest(p.mentions), '@')) AS name
    FROM interactions AS p
    SEMI JOIN (SELECT DISTINCT platform, target_post_id AS event_id FROM events WHERE action IN ('repost', 'quote', 'like')) AS e
         USING (platform, event_id)
    WHERE len(p.mentions) > 0
),
aimed AS (
    SELECT e.platform, e.account_id, t.target_id FROM events AS e
    JOIN targets AS t ON t.platform = e.platform AND e.target_account_id = t.target_id
    WHERE e.action IN ('reply', 'quote', 'mention', 'comment')
    UNION
    SELECT e.platform, e.account_id, n.target_id
    FROM (SELECT platform, account_id, lower(ltrim(unnest(mentions), '@')) AS name FROM events WHERE len(mentions) > 0) AS e
    JOIN names AS n USING (platform, name)
    UNION
    SELECT e.platform, e.account_id, n.target_id FROM events AS e
    JOIN post_mentions AS p ON p.platform = e.platform AND p.event_id = e.target_post_id
    JOIN names AS n ON n.platform = p.platform AND n.name = p.name
    WHERE e.action IN ('repost', 'quote', 'like') AND p.author <> n.target_id
)
SELECT m.platform, m.group_key, m.signal, a.target_id, count(DISTINCT a.account_id) AS members_aimed
FROM aimed AS a JOIN members AS m USING (platform, account_id)
GROUP BY ALL HAVING count(DISTINCT a.account_id) >= 2
UNION ALL
SELECT platform, group_key, signal, target_id, count(DISTINCT account_id) FROM mass_report_attack_sources GROUP BY ALL;

-- Every member of such a coordination group, and the participants of a pile-on who did more than report in it
-- (the burst detector counts reports as inbound: a report wave is no pile-on against its own target).
-- A coordination cluster is named before an episode.
CREATE OR REPLACE TEMP TABLE mass_report_attackers AS
WITH reporters AS (  -- only the reporters of each wave, against its target: nothing else is asked
    SELECT DISTINCT b.platform, b.account_id, w.target_id
    FROM mass_report_reporter_base AS b JOIN mass_report_waves AS w USING (wave_id) WHERE w.target_kind = 'account'
),
found AS (
    SELECT r.platform, r.account_id, r.target_id, 0 AS rank, g.signal || ' group ' || g.group_key AS attack_group
    FROM reporters AS r
    JOIN account_signals AS s ON s.platform = r.platform AND s.account_id = r.account_id
    JOIN mass_report_attack_groups AS g
      ON g.platform = s.platform AND g.group_key = s.group_key AND g.signal = s.signal AND g.target_id = r.target_id
    WHERE g.group_key NOT LIKE 'episode-%'
    UNION ALL
    SELECT a.platform, a.account_id, a.target_id, 1, 'pile-on ' || a.group_key
    FROM mass_report_attack_sources AS a SEMI JOIN reporters AS r USING (platform, account_id, target_id)
)
SELECT platform, account_id, target_id, first(attack_group ORDER BY rank, attack_group) AS attack_group FROM found GROUP BY ALL;

-- F7, reached by a call to report of the wave, on the call's platform, before its first report: it engaged
-- with the call, posted in the call's conversation (a Telegram chat, a thread), follows the call's author, or
-- posted a call itself.
CREATE OR REPLACE TEMP TABLE mass_report_reached AS
WITH calls AS (
    SELECT c.wave_id, c.platform, c.event_id, c.account_id, i.conversation_id
    FROM mass_report_calls AS c JOIN interactions AS i USING (platform, event_id)
),
reach AS (
    SELECT b.wave_id, b.account_id, min(c.event_id) AS call_event_id
    FROM mass_report_reporter_base AS b JOIN calls AS c ON c.wave_id = b.wave_id AND c.platform = b.platform
    JOIN interactions AS i ON i.platform = b.platform AND i.account_id = b.account_id AND i.ts <= b.first_ts
    WHERE i.target_post_id = c.event_id
       OR (c.conversation_id IS NOT NULL AND i.conversation_id = c.conversation_id)
       OR (i.action = 'follow' AND i.target_account_id = c.account_id)
    GROUP BY ALL
    UNION ALL
    SELECT b.wave_id, b.account_id, min(c.event_id)
    FROM mass_report_reporter_base AS b JOIN calls AS c ON c.wave_id = b.wave_id AND c.platform = b.platform AND c.account_id = b.account_id
    GROUP BY ALL
)
SELECT wave_id, account_id, min(call_event_id) AS call_event_id FROM reach GROUP BY ALL;

-- F8, co-report ties: a significant co_report edge (co-action null model) between two reporters of the same wave
-- that also matched, within the co-action window, on at least $min_tie_targets other targets more than half of
-- whose reporters are this wave's: they report together where the crowd does not. (Ties formed on trending
-- targets that hundreds report are left out: there the null model's median rate understates chance for the
-- busiest reporters.) The wave's own target is no "other" target.
CREATE OR REPLACE TEMP TABLE mass_report_wave_ties AS
WITH waves AS (
    SELECT wave_id, platform || ':report:' || CASE WHEN target_kind = 'account' THEN '@' || target_id ELSE target_id END AS own_object
    FROM mass_report_waves WHERE side = 'reports'
),
pairs AS (
    SELECT a.wave_id, a.platform, a.account_id AS a, t.b_account AS b, t.object_id
    FROM mass_report_reporter_base AS a
    JOIN mass_report_tie_objects AS t ON t.platform = a.platform AND t.a_account = a.account_id
    JOIN mass_report_reporter_base AS b ON b.wave_id = a.wave_id AND b.platform = t.platform AND b.account_id = t.b_account
    JOIN waves AS w ON w.wave_id = a.wave_id
    WHERE t.object_id <> w.own_object
),
objects AS (  -- who reported each target, under the co_report behaviour's object id
    SELECT DISTINCT r.platform, r.account_id,
           r.platform || ':report:' || CASE WHEN r.target_kind = 'account' THEN '@' || r.target_id ELSE r.target_id END AS object_id
    FROM mass_report_reports AS r
    SEMI JOIN (SELECT DISTINCT object_id FROM pairs) AS p
         ON p.object_id = r.platform || ':report:' || CASE WHEN r.target_kind = 'account' THEN '@' || r.target_id ELSE r.target_id END
),
overlap AS (
    SELECT c.wave_id, c.object_id, count(*) AS reporters, count(b.account_id) AS in_wave
    FROM (SELECT DISTINCT wave_id, object_id FROM pairs) AS c
    JOIN objects AS o USING (object_id)
    LEFT JOIN mass_report_reporter_base AS b ON b.wave_id = c.wave_id AND b.platform = o.platform AND b.account_id = o.account_id
    GROUP BY ALL
),
kept AS (
    SELECT p.wave_id, p.a, p.b FROM pairs AS p
    SEMI JOIN (SELECT wave_id, object_id FROM overlap WHERE 2 * in_wave > reporters) AS e USING (wave_id, object_id)
    GROUP BY ALL HAVING count(DISTINCT p.object_id) >= $min_tie_targets
)
SELECT wave_id, a AS account_id, count(*) AS partners FROM kept GROUP BY ALL;

CREATE OR REPLACE TABLE mass_report_participants AS
SELECT b.wave_id, b.platform, b.account_id, 'reporter' AS role, b.first_ts, b.last_ts, b.events, b.reason, b.same_reason,
       coalesce(c.contacts, 0) AS prior_contacts, coalesce(c.contacts, 0) = 0 AS stranger,
       a.created_at, CASE WHEN a.created_at IS NULL THEN NULL ELSE greatest(epoch(b.first_ts) - epoch(a.created_at), 0) / 86400 END AS age_days,
       coalesce(a.created_at >= b.first_ts - to_days(CAST($new_account_days AS INTEGER)), FALSE) AS new_account,
       len(list_filter(coalesce(u.targets, []), lambda x: x <> w.target_id)) AS other_targets,
       len(list_filter(coalesce(u.targets, []), lambda x: x <> w.target_id)) >= $many_targets AS serial,
       b.unread_reports,
       k.attack_group, k.attack_group IS NOT NULL AS attack,
       h.call_event_id, h.call_event_id IS NOT NULL AS called,
       coalesce(t.partners, 0) AS tie_partners, coalesce(t.partners, 0) > 0 AS tie
FROM mass_report_reporter_base AS b
JOIN mass_report_waves AS w USING (wave_id)
LEFT JOIN mass_report_contacts AS c USING (wave_id, account_id)
LEFT JOIN accounts AS a ON a.platform = b.platform AND a.account_id = b.account_id
LEFT JOIN mass_report_unrelated AS u ON u.platform = b.platform AND u.account_id = b.account_id
LEFT JOIN mass_report_attackers AS k ON k.platform = b.platform AND k.account_id = b.account_id AND k.target_id = w.target_id
LEFT JOIN mass_report_reached AS h ON h.wave_id = b.wave_id AND h.account_id = b.account_id
LEFT JOIN mass_report_wave_ties AS t ON t.wave_id = b.wave_id AND t.account_id = b.account_id;

-- Organisers (authors of the calls) and amplifiers (who reposted or quoted them), of both kinds of wave.
INSERT INTO mass_report_participants BY NAME
SELECT wave_id, platform, account_id, 'organiser' AS role, min(ts) AS first_ts, max(ts) AS last_ts, count(*) AS events,
       min(event_id) AS call_event_id, TRUE AS called
FROM mass_report_calls GROUP BY ALL
UNION ALL BY NAME
SELECT wave_id, platform, account_id, 'amplifier' AS role, min(ts) AS first_ts, max(ts) AS last_ts, count(*) AS events,
       min(call_event_id) AS call_event_id, TRUE AS called
FROM mass_report_amplifications AS a
WHERE NOT EXISTS (SELECT 1 FROM mass_report_calls AS c WHERE c.wave_id = a.wave_id AND c.platform = a.platform AND c.account_id = a.account_id)
GROUP BY ALL;

-- The platform's levels among reporters outside each wave: every reporter of the platform judged at its first
-- report (new account, any report faster than reading, serial: more than $many_targets report-only targets),
-- minus the wave's own reporters.
CREATE OR REPLACE TEMP TABLE mass_report_platform_reporters AS
SELECT r.platform, r.account_id,
       coalesce(any_value(a.created_at) >= min(r.ts) - to_days(CAST($new_account_days AS INTEGER)), FALSE) AS new_account,
       bool_or(x.event_id IS NOT NULL) AS unread,
       coalesce(len(any_value(u.targets)), 0) > $many_targets AS serial
FROM mass_report_reports AS r
LEFT JOIN accounts AS a ON a.platform = r.platform AND a.account_id = r.account_id
LEFT JOIN mass_report_unread AS x ON x.platform = r.platform AND x.event_id = r.event_id
LEFT JOIN mass_report_unrelated AS u ON u.platform = r.platform AND u.account_id = r.account_id
GROUP BY r.platform, r.account_id;

CREATE OR REPLACE TABLE mass_report_wave_features AS
WITH platform AS (
    SELECT platform, count(*) AS reporters, count(*) FILTER (WHERE new_account) AS new, count(*) FILTER (WHERE unread) AS unread,
           count(*) FILTER (WHERE serial) AS serial
    FROM mass_report_platform_reporters GROUP BY ALL
),
own AS (
    SELECT b.wave_id, count(*) AS reporters, count(*) FILTER (WHERE f.new_account) AS new, count(*) FILTER (WHERE f.unread) AS unread,
           count(*) FILTER (WHERE f.serial) AS serial
    FROM mass_report_reporter_base AS b JOIN mass_report_platform_reporters AS f USING (platform, account_id)
    GROUP BY ALL
),
shares AS (
    SELECT wave_id, count(*) AS reporters, avg(CAST(stranger AS INTEGER)) AS stranger_share, avg(CAST(new_account AS INTEGER)) AS new_share,
           avg(CAST(attack AS INTEGER)) AS attack_share, avg(CAST(called AS INTEGER)) AS called_share,
           avg(CAST(unread_reports > 0 AS INTEGER)) AS unread_share, avg(CAST(tie AS INTEGER)) AS tie_share,
           avg(CAST(serial AS INTEGER)) AS serial_share,
           quantile_cont(epoch(first_ts), 0.9) - quantile_cont(epoch(first_ts), 0.1) AS sync_span_s,
           count(*) FILTER (WHERE attack) AS attackers, min(attack_group) AS attack_group
    FROM mass_report_participants WHERE role = 'reporter' GROUP BY ALL
),
calls AS (
    SELECT wave_id, count(*) AS calls, count(DISTINCT account_id) AS organisers, string_agg(DISTINCT languages, ', ' ORDER BY languages) AS call_languages,
           min(lead_s) AS min_lead_s, max(lead_s) AS max_lead_s
    FROM mass_report_calls GROUP BY ALL
),
amplifiers AS (SELECT wave_id, count(DISTINCT account_id) AS amplifiers FROM mass_report_amplifications GROUP BY ALL),
reversals AS (
    SELECT w.wave_id, count(*) AS reversals FROM mass_report_waves AS w
    JOIN notices AS n ON n.platform = w.platform AND n.account_id = w.target_id AND n.ts >= w.start_ts
    WHERE w.side = 'notices' AND n.action IN ('appeal_granted', 'restored') GROUP BY ALL
)
SELECT w.wave_id, coalesce(s.stranger_share, 0) AS stranger_share, coalesce(s.new_share, 0) AS new_share,
       coalesce(s.attack_share, 0) AS attack_share, coalesce(s.called_share, 0) AS called_share,
       coalesce(s.unread_share, 0) AS unread_share, coalesce(s.tie_share, 0) AS tie_share, coalesce(s.serial_share, 0) AS serial_share,
       m.reason_mode, coalesce(m.reason_share, 0) AS reason_share, s.sync_span_s, s.attack_group,
       coalesce((p.new - o.new) / nullif(p.reporters - o.reporters, 0), 0) AS platform_new,
       coalesce((p.unread - o.unread) / nullif(p.reporters - o.reporters, 0), 0) AS platform_unread,
       coalesce((p.serial - o.serial) / nullif(p.reporters - o.reporters, 0), 0) AS platform_serial,
       coalesce(c.calls, 0) AS calls, coalesce(c.organisers, 0) AS organisers, c.call_languages, c.min_lead_s, c.max_lead_s,
       coalesce(a.amplifiers, 0) AS amplifiers, coalesce(v.reversals, 0) AS reversals
FROM mass_report_waves AS w
LEFT JOIN shares AS s USING (wave_id)
LEFT JOIN mass_report_modes AS m USING (wave_id)
LEFT JOIN platform AS p USING (platform)
LEFT JOIN own AS o USING (wave_id)
LEFT JOIN calls AS c USING (wave_id)
LEFT JOIN amplifiers AS a USING (wave_id)
LEFT JOIN reversals AS v USING (wave_id)
ORDER BY w.wave_id;
