-- Link rule report_wave (campaign fusion finds it beside the mass-reporting detector): a coordinated report
-- wave and a harassment group that went after the wave's target (`mass_report_attack_groups`: a coordination
-- cluster at least two of whose members went after it, or a pile-on against it) are one campaign when the same
-- accounts ran both (some account carries both flags), and a victim-side notice wave is one campaign with every
-- such group (its organisers' calls to report named the account the notices were sent to). Unlike
-- shared_target, no lift over outsiders is asked: the wave names its target, and an export collected around one
-- victim has everyone engaging her. The detail says which and how many. Reads mass_report_waves,
-- mass_report_attack_groups and account_signals; one row per linked pair.
WITH waves AS (
    SELECT wave_id, side, platform, target_id, target_label, reports, reporters, notices
    FROM mass_report_waves WHERE coordinated
),
flagged AS (
    SELECT group_key AS wave_id, platform, account_id FROM account_signals WHERE signal = 'mass_reporting'
),
pairs AS (
    SELECT w.*, g.signal, g.group_key,
           (SELECT count(*) FROM flagged AS f JOIN account_signals AS s ON s.platform = f.platform AND s.account_id = f.account_id
            WHERE f.wave_id = w.wave_id AND s.signal = g.signal AND s.group_key = g.group_key) AS shared,
           (SELECT count(*) FROM flagged AS f WHERE f.wave_id = w.wave_id) AS wave_accounts
    FROM waves AS w
    JOIN (SELECT DISTINCT platform, signal, group_key, target_id FROM mass_report_attack_groups) AS g
      ON g.platform = w.platform AND g.target_id = w.target_id
    WHERE EXISTS (SELECT 1 FROM account_signals AS s WHERE s.signal = g.signal AND s.group_key = g.group_key)
)
SELECT 'mass_reporting' AS signal_a, wave_id AS group_a, signal AS signal_b, group_key AS group_b,
       CASE WHEN shared > 0
            THEN format('went after the same account, {} on {}, with the same accounts: {} of the {} accounts flagged for {} also carry {} in group {}',
                        target_label, platform, shared, wave_accounts, wave_id, signal, group_key)
            ELSE format('went after the same account, {} on {}: the calls to report before {} ({} moderation notices) named it, and {} group {} went after it',
                        target_label, platform, wave_id, notices, signal, group_key)
       END AS detail
FROM pairs
WHERE shared > 0 OR side = 'notices'
ORDER BY ALL
