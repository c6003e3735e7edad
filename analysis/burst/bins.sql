-- Inbound events per target and bin (after the named posts were added), and the platform's inbound events
-- per bin (Kleinberg's totals).
CREATE OR REPLACE TEMP TABLE burst_bins AS
SELECT b.platform, b.target_kind, b.target_id,
       CAST(floor(epoch(b.ts - g.origin) / $bin_seconds) AS BIGINT) AS bin, count(*) AS events
FROM burst_inbound AS b JOIN burst_grid AS g USING (platform)
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE burst_platform_bins AS
SELECT i.platform, CAST(floor(epoch(i.ts - g.origin) / $bin_seconds) AS BIGINT) AS bin, count(DISTINCT i.event_id) AS events
FROM burst_inbound AS i JOIN burst_grid AS g USING (platform)
GROUP BY ALL;
