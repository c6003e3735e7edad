-- Link rule shared_handle: a member of one group and a member of another, on different platforms, use the
-- same handle (case-insensitive, at least $min_handle_chars characters): plausibly one operator running the
-- same persona on several platforms. One row per linked pair of groups; the handles in alphabetical order.
WITH members AS (
    SELECT DISTINCT s.signal, s.group_key, s.platform, lower(a.handle) AS handle
    FROM account_signals AS s JOIN accounts AS a USING (platform, account_id)
    WHERE a.handle IS NOT NULL AND length(a.handle) >= $min_handle_chars
),
shared AS (
    SELECT a.signal AS signal_a, a.group_key AS group_a, b.signal AS signal_b, b.group_key AS group_b,
           '@' || a.handle || ' (' || a.platform || ' and ' || b.platform || ')' AS persona
    FROM members AS a
    JOIN members AS b ON a.handle = b.handle AND a.platform <> b.platform AND (a.signal, a.group_key) < (b.signal, b.group_key)
)
SELECT signal_a, group_a, signal_b, group_b,
       'share member handles across platforms: ' || string_agg(DISTINCT persona, ', ' ORDER BY persona) AS detail
FROM shared
GROUP BY ALL
ORDER BY ALL
