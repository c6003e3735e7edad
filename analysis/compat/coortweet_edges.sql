-- CooRTweet 2.1.3 generate_coordinated_network(x, edge_weight = $edge_weight, subgraph = 1, objects = TRUE):
-- undirected pairs (from = the smaller account id), weight = number of coordinated post pairs, and the edge
-- is kept when weight > the $edge_weight quantile of all weights (R's default type 7 = quantile_cont).
-- n_content_id / n_content_id_y count distinct older / newer posts, as CooRTweet does (the accounts are
-- put in order, the posts are not).
CREATE OR REPLACE TEMP TABLE coortweet_all_edges AS
SELECT least(account_id, account_id_y) AS source, greatest(account_id, account_id_y) AS target,
       count(*) AS weight, avg(time_delta) AS avg_time_delta,
       count(DISTINCT content_id) AS n_content_id, count(DISTINCT content_id_y) AS n_content_id_y,
       least(count(DISTINCT content_id), count(DISTINCT content_id_y))
           / greatest(count(DISTINCT content_id), count(DISTINCT content_id_y)) AS edge_symmetry_score,
       string_agg(DISTINCT object_id, ',' ORDER BY object_id) AS object_ids
FROM coortweet_pairs
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE coortweet_result AS
SELECT *, (SELECT quantile_cont(weight, $edge_weight) FROM coortweet_all_edges) AS weight_threshold_value
FROM coortweet_all_edges
WHERE weight > (SELECT quantile_cont(weight, $edge_weight) FROM coortweet_all_edges)
ORDER BY source, target;
