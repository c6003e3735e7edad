-- Audiences of authors and how related two authors are, within each group of a co-action cluster
-- (definitions in audiences.py). Needs `audience_authors` (cluster_id, platform, account_id) and
-- `account_clusters`. Parameters: $min_shared, $max_overlap.

-- Who engaged with whom: a repost, like or quote of an author's post (the original's author where the
-- original is in the export, else the event's target account), or a reply or comment to the author.
CREATE OR REPLACE TEMP TABLE audience_engagements AS
SELECT DISTINCT e.platform, e.author, e.fan
FROM (
    SELECT a.platform, coalesce(o.account_id, a.target_account_id) AS author, a.account_id AS fan
    FROM interactions AS a
    LEFT JOIN (SELECT platform, event_id, account_id FROM interactions WHERE action IN ('post', 'quote', 'reply', 'comment', 'mention')) AS o
      ON o.platform = a.platform AND o.event_id = a.target_post_id
    WHERE a.action IN ('repost', 'like', 'quote')
    UNION ALL
    SELECT platform, target_account_id, account_id FROM interactions WHERE action IN ('reply', 'comment')
) AS e
WHERE e.author IS NOT NULL AND e.fan <> e.author;

-- An author's audience: everyone outside the cluster who engaged with it (the cluster's own accounts are in
-- the audience of every author they amplify, so they would make any two of its authors look related).
CREATE OR REPLACE TABLE audience_members AS
SELECT DISTINCT c.cluster_id, c.platform, c.account_id, e.fan
FROM audience_authors AS c
JOIN audience_engagements AS e ON e.platform = c.platform AND e.author = c.account_id
ANTI JOIN account_clusters AS m ON m.platform = e.platform AND m.account_id = e.fan AND m.cluster_id = c.cluster_id;

-- How many authors each audience member engages, and how many the typical account of its platform engages
-- (the median over every account that engaged anyone): an account that engages everyone is in every audience.
CREATE OR REPLACE TEMP TABLE audience_breadth AS
WITH breadth AS (SELECT platform, fan, count(*) AS authors FROM audience_engagements GROUP BY ALL),
typical AS (SELECT platform, median(authors) AS typical FROM breadth GROUP BY ALL)
SELECT b.platform, b.fan, b.authors, t.typical
FROM breadth AS b JOIN typical AS t USING (platform)
SEMI JOIN audience_members AS m ON m.platform = b.platform AND m.fan = b.fan;

-- Every pair of authors of one cluster: their audiences, the accounts they share, and those accounts weighed
-- by breadth: one counts in full when it engages no more other authors than the typical account engages in
-- all, else typical / (its other authors). The overlap is the weighed share of the smaller audience; the
-- relation ($min_shared, $max_overlap) is stated in audiences.py.
CREATE OR REPLACE TABLE audience_pairs AS
WITH sizes AS (
    SELECT a.cluster_id, a.platform, a.account_id, count(m.fan) AS audience
    FROM audience_authors AS a
    LEFT JOIN audience_members AS m USING (cluster_id, platform, account_id)
    GROUP BY ALL
),
pairs AS (
    SELECT a.cluster_id, a.platform AS a_platform, a.account_id AS a_account, b.platform AS b_platform, b.account_id AS b_account,
           a.audience AS a_audience, b.audience AS b_audience
    FROM sizes AS a
    JOIN sizes AS b ON b.cluster_id = a.cluster_id AND (a.platform, a.account_id) < (b.platform, b.account_id)
),
shared AS (
    SELECT x.cluster_id, x.platform, x.account_id AS a_account, y.account_id AS b_account, count(*) AS shared,
           sum(least(1.0, w.typical / (w.authors - 1))) AS weighed
    FROM audience_members AS x
    JOIN audience_members AS y ON y.cluster_id = x.cluster_id AND y.platform = x.platform AND y.fan = x.fan AND x.account_id < y.account_id
    JOIN audience_breadth AS w ON w.platform = x.platform AND w.fan = x.fan
    GROUP BY ALL
),
measured AS (
    SELECT p.*, coalesce(s.shared, 0) AS shared, round(coalesce(s.weighed, 0), 4) AS weighed_shared,
           CASE WHEN least(p.a_audience, p.b_audience) > 0 THEN round(coalesce(s.weighed, 0) / least(p.a_audience, p.b_audience), 4) END AS overlap
    FROM pairs AS p
    LEFT JOIN shared AS s ON s.cluster_id = p.cluster_id AND s.platform = p.a_platform AND p.b_platform = p.a_platform
                         AND s.a_account = p.a_account AND s.b_account = p.b_account
)
SELECT *,
       (a_audience < $min_shared AND b_audience < $min_shared)
       OR (weighed_shared >= $min_shared AND overlap > $max_overlap) AS related
FROM measured
ORDER BY ALL;
