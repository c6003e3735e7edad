-- Link rule shared_target: two signal groups went after the same victim. The same victim is the same
-- (platform, account id), or the same handle compared case-insensitively on any platform (@Jane on x and
-- @jane on bluesky). Reads `group_targets` (touches.sql). One row per linked pair of groups; the victims in
-- alphabetical order (a run gives the same sentence every time).
WITH shared AS (
    SELECT a.signal AS signal_a, a.group_key AS group_a, b.signal AS signal_b, b.group_key AS group_b,
           CASE WHEN a.platform = b.platform AND a.account_id = b.account_id
                THEN coalesce('@' || a.handle, a.account_id) || ' (' || a.platform || ')'
                WHEN a.platform = b.platform THEN '@' || a.handle || ' (' || a.platform || ')'
                ELSE '@' || a.handle || ' (' || a.platform || ' and ' || b.platform || ')' END AS victim
    FROM group_targets AS a
    JOIN group_targets AS b
      ON (a.signal, a.group_key) < (b.signal, b.group_key)
     AND ((a.platform = b.platform AND a.account_id = b.account_id)
          OR (a.handle IS NOT NULL AND length(a.handle) >= $min_handle_chars AND a.handle = b.handle))
)
SELECT signal_a, group_a, signal_b, group_b, 'both went after ' || string_agg(DISTINCT victim, ', ' ORDER BY victim) AS detail
FROM shared
GROUP BY ALL
ORDER BY ALL
