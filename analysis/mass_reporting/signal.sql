-- The mass_reporting signal (group = the wave). In a coordinated report wave: every reporter with no earlier
-- contact with the target that gave the wave's most common reason or carries a coordination mark of its own
-- (new account, harassment group against the target, reached by a call, a report faster than reading, a
-- co-report tie); an organic reporter who happened to report the target then, for another reason, is not.
-- In a coordinated wave of either side: the organisers of its calls to report and their amplifiers. A wave
-- that is no more than a surge, and a notice cluster with no call before it, flag nobody. An account in
-- several waves is flagged once: as an organiser first, then for the wave with most of its events (then the
-- earliest).
-- Scores: reporter 0.4, plus 0.15 per own coordination mark and 0.05 per supporting one (same reason, serial
-- reporter), at most 1; organiser 0.8; amplifier 0.6.
DELETE FROM account_signals WHERE signal = 'mass_reporting';

CREATE OR REPLACE TABLE mass_report_participants AS
SELECT p.*, w.coordinated AND (p.role <> 'reporter' OR (p.stranger AND (p.same_reason OR p.new_account OR p.attack OR p.called
                                                                       OR p.unread_reports > 0 OR p.tie))) AS flagged
FROM mass_report_participants AS p JOIN mass_report_waves AS w USING (wave_id)
ORDER BY p.wave_id, p.role, p.first_ts, p.platform, p.account_id;

CREATE OR REPLACE TEMP TABLE mass_report_flags AS
SELECT p.*, w.side, w.platform AS target_platform, w.target_label, w.start_ts, w.end_ts, w.reports AS wave_reports,
       w.reporters AS wave_reporters, w.notices AS wave_notices, w.expected, w.marks, w.reason_share,
       c.ts AS call_ts, c.lead_s, c.languages, c.account_id AS call_author,
       row_number() OVER (PARTITION BY p.platform, p.account_id
                          ORDER BY p.role = 'organiser' DESC, p.events DESC, w.start_ts, p.wave_id, p.role) AS nth
FROM mass_report_participants AS p
JOIN mass_report_waves AS w USING (wave_id)
LEFT JOIN mass_report_calls AS c ON c.wave_id = p.wave_id AND c.event_id = p.call_event_id
WHERE p.flagged;

INSERT INTO account_signals (signal, platform, account_id, group_key, score, evidence, first_ts, last_ts, events)
SELECT 'mass_reporting', platform, account_id, wave_id,
       CASE role
           WHEN 'organiser' THEN 0.8
           WHEN 'amplifier' THEN 0.6
           ELSE least(1.0, 0.4 + 0.15 * (CAST(new_account AS INTEGER) + CAST(attack AS INTEGER) + CAST(called AS INTEGER)
                                         + CAST(unread_reports > 0 AS INTEGER) + CAST(tie AS INTEGER))
                          + 0.05 * (CAST(same_reason AS INTEGER) + CAST(serial AS INTEGER)))
       END,
       CASE role
           WHEN 'reporter' THEN format(
               'Filed {} of the {} reports that {} accounts sent against {} on {} in {} ({} to {} UTC, {} expected from its past), a coordinated report wave ({}); this account had no earlier contact with it, reported it for {}{}{}{}{}{}{}{}.',
               events, wave_reports, wave_reporters, target_label, target_platform, wave_id, strftime(start_ts, '%Y-%m-%d %H:%M'),
               strftime(end_ts, '%Y-%m-%d %H:%M'), round(expected, 1), marks, reason,
               CASE WHEN same_reason THEN ' like ' || CAST(round(100 * reason_share) AS BIGINT) || '% of the wave''s reports' ELSE '' END,
               CASE WHEN created_at IS NULL THEN ', its creation date is unknown'
                    ELSE ', was created ' || strftime(created_at, '%Y-%m-%d') || ' (' || CAST(floor(age_days) AS BIGINT) || ' days before'
                         || CASE WHEN new_account THEN ', new' ELSE '' END || ')' END,
               CASE WHEN attack THEN ', sits in the ' || attack_group || ' against it' ELSE '' END,
               CASE WHEN called THEN ', was reached by the call to report ' || call_event_id ELSE '' END,
               CASE WHEN unread_reports > 0 THEN ', filed ' || unread_reports || ' report(s) within ' || $read_seconds
                                                 || ' s of the post or of its previous report' ELSE '' END,
               CASE WHEN serial THEN ', reported ' || other_targets || ' other accounts it never interacted with' ELSE '' END,
               CASE WHEN tie THEN ', has significant co-report ties to ' || tie_partners || ' other reporter(s) of the wave' ELSE '' END)
           WHEN 'organiser' THEN format(
               'Posted {} call(s) to report {} ({} at {} UTC, in {}) {}: {}.',
               events, target_label, platform || ':' || call_event_id, strftime(call_ts, '%Y-%m-%d %H:%M'), languages,
               CASE WHEN lead_s >= 0 THEN CAST(round(lead_s / 3600, 1) AS VARCHAR) || ' hours before ' || wave_id || ' began'
                    ELSE 'while ' || wave_id || ' was under way' END,
               CASE WHEN side = 'notices' THEN wave_notices || ' moderation notices to it on ' || target_platform
                    ELSE wave_reports || ' reports by ' || wave_reporters || ' accounts on ' || target_platform END)
           ELSE format(
               'Reposted or quoted the call to report {} (by {} on {}) {} time(s) from {} UTC, before {} against {} ended ({}).',
               platform || ':' || call_event_id, call_author, platform, events, strftime(first_ts, '%Y-%m-%d %H:%M'), wave_id, target_label,
               CASE WHEN side = 'notices' THEN wave_notices || ' moderation notices' ELSE wave_reports || ' reports by ' || wave_reporters || ' accounts' END)
       END,
       first_ts, last_ts, events
FROM mass_report_flags WHERE nth = 1;
