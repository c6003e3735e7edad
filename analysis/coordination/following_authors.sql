-- What each kept cluster co-reposted, and whose posts those were (followings, defined in signal.py). Fills
-- `following_posts` and `audience_authors` (for audiences.py). Needs account_clusters, cluster_stats, coaction_pairs.

-- The posts the cluster's members co-reposted with each other, with each post's author: the original's
-- author where the original is in the export, else the repost's target account (NULL when neither is known).
CREATE OR REPLACE TEMP TABLE following_posts AS
SELECT DISTINCT k.cluster_id, i.platform, i.target_post_id AS post_id, coalesce(o.account_id, i.target_account_id) AS author,
       inside.account_id IS NOT NULL AS author_inside
FROM coaction_pairs AS p
JOIN account_clusters AS k ON k.platform = p.a_platform AND k.account_id = p.a_account
JOIN account_clusters AS kb ON kb.platform = p.b_platform AND kb.account_id = p.b_account AND kb.cluster_id = k.cluster_id
JOIN interactions AS i ON i.platform = p.a_platform AND i.event_id = p.a_event
LEFT JOIN interactions AS o ON o.platform = i.platform AND o.event_id = i.target_post_id AND o.action IN ('post', 'quote', 'reply', 'comment')
LEFT JOIN account_clusters AS inside
  ON inside.platform = i.platform AND inside.account_id = coalesce(o.account_id, i.target_account_id) AND inside.cluster_id = k.cluster_id
WHERE p.behaviour = 'co_repost';

CREATE OR REPLACE TEMP TABLE audience_authors AS
SELECT DISTINCT f.cluster_id, f.platform, f.author AS account_id
FROM following_posts AS f
JOIN cluster_stats AS s USING (cluster_id)
WHERE s.behaviours = ['co_repost'] AND f.author IS NOT NULL AND NOT f.author_inside;
