-- Link rule shared_ties: two coordination clusters whose members are tied to each other. Louvain can cut
-- one densely tied set of accounts (a burst of the same retweets in the same minute) into two communities;
-- they stay one campaign when at least half of the members of each have a significant co-action tie
-- (coordination_graph) into the other. A few ties between two large clusters do not join them. Reads the
-- coordination tables; found by campaign fusion like its own link_<rule>.sql files.
WITH members AS (
    SELECT group_key, platform, account_id FROM account_signals WHERE signal = 'coordination'
),
sizes AS (
    SELECT group_key, count(*) AS n FROM members GROUP BY ALL
),
ties AS (
    SELECT a.group_key AS group_a, a.platform, a.account_id, b.group_key AS group_b
    FROM coordination_graph AS g
    JOIN members AS a ON a.platform = g.a_platform AND a.account_id = g.a_account
    JOIN members AS b ON b.platform = g.b_platform AND b.account_id = g.b_account
    WHERE a.group_key <> b.group_key
    UNION  -- both directions: each side counts its own members with a tie into the other
    SELECT b.group_key, b.platform, b.account_id, a.group_key
    FROM coordination_graph AS g
    JOIN members AS a ON a.platform = g.a_platform AND a.account_id = g.a_account
    JOIN members AS b ON b.platform = g.b_platform AND b.account_id = g.b_account
    WHERE a.group_key <> b.group_key
),
reach AS (
    SELECT group_a, group_b, count(DISTINCT (platform, account_id)) AS tied FROM ties GROUP BY ALL
)
SELECT 'coordination' AS signal_a, x.group_a, 'coordination' AS signal_b, x.group_b,
       format('are tied to each other: {} of the {} members of {} and {} of the {} members of {} have a significant co-action tie into the other',
              x.tied, sa.n, x.group_a, y.tied, sb.n, x.group_b) AS detail
FROM reach AS x
JOIN reach AS y ON y.group_a = x.group_b AND y.group_b = x.group_a
JOIN sizes AS sa ON sa.group_key = x.group_a
JOIN sizes AS sb ON sb.group_key = x.group_b
WHERE x.group_a < x.group_b AND x.tied >= 0.5 * sa.n AND y.tied >= 0.5 * sb.n
ORDER BY ALL
