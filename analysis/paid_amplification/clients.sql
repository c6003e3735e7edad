-- The clients of each cluster with their audiences (audience_members, from audiences.py); the client groups
-- are filled in by __init__.py from audience_pairs.
CREATE OR REPLACE TABLE amplification_clients AS
WITH posts AS (
    SELECT i.platform, i.account_id, count(*) AS posts
    FROM interactions AS i SEMI JOIN amp_clients AS c USING (platform, account_id)
    WHERE i.action IN ('post', 'quote', 'reply', 'comment')
    GROUP BY ALL
),
audience AS (SELECT cluster_id, platform, account_id, count(*) AS audience FROM audience_members GROUP BY ALL)
SELECT c.*, coalesce(p.posts, 0) AS posts, coalesce(a.audience, 0) AS audience, CAST(NULL AS INTEGER) AS client_group
FROM amp_clients AS c
LEFT JOIN posts AS p USING (platform, account_id)
LEFT JOIN audience AS a USING (cluster_id, platform, account_id)
ORDER BY c.cluster_id, c.platform, c.account_id;
