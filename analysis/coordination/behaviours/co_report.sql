-- co_report: reporting the same account - the signature of a report brigade. The object is the reported
-- account, '<platform>:report:@<account id>'; a report of a post counts as a report of its author when the log
-- or the export names the author, and is '<platform>:report:<post id>' when neither does. Reporting oneself
-- is left out. One action per report. (The mass_reporting detector reads the significant edges of this
-- behaviour as co-report ties between the reporters of a wave.)
WITH reports AS (
    SELECT platform, account_id, event_id, ts, nullif(trim(target_account_id), '') AS target, nullif(trim(target_post_id), '') AS post
    FROM interactions WHERE action = 'report'
),
authors AS (
    SELECT r.platform, r.event_id, min(p.account_id) AS author
    FROM reports AS r JOIN interactions AS p ON p.platform = r.platform AND p.event_id = r.post
    WHERE r.target IS NULL AND r.post IS NOT NULL AND p.action <> 'report'
    GROUP BY ALL
)
SELECT r.platform || ':report:' || CASE WHEN coalesce(r.target, a.author) IS NOT NULL THEN '@' || coalesce(r.target, a.author)
                                        ELSE r.post END AS object_id,
       r.platform, r.account_id, r.event_id, r.ts
FROM reports AS r LEFT JOIN authors AS a USING (platform, event_id)
WHERE coalesce(r.target, a.author, r.post) IS NOT NULL AND coalesce(r.target, a.author, '') <> r.account_id
