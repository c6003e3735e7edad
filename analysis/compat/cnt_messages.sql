-- coordination-network-toolkit's view of `interactions`: one message per event that is a message (likes,
-- follows and reports are not), identified like CNT does: message_id = event_id (the first row of an id
-- wins, as CNT's "insert or ignore"), user_id = account_id (CNT has no platform). repost_id is set for
-- reposts, reply_id for replies and comments. Times in µs.
CREATE OR REPLACE TEMP TABLE cnt_messages AS
WITH messages AS (
    SELECT * FROM interactions WHERE action IN ('post', 'reply', 'repost', 'quote', 'comment', 'mention')
),
repeated AS (
    -- ids on more than one platform (usually none): only their rows need ordering
    SELECT event_id FROM messages GROUP BY event_id HAVING count(*) > 1
),
first_rows AS (
    SELECT * FROM messages ANTI JOIN repeated USING (event_id)
    UNION ALL
    SELECT * EXCLUDE (nth) FROM (
        SELECT *, row_number() OVER (PARTITION BY event_id ORDER BY source_file, source_line, platform) AS nth
        FROM messages SEMI JOIN repeated USING (event_id)
    ) WHERE nth = 1
)
SELECT event_id AS message_id, account_id AS user_id,
       CASE WHEN action = 'repost' THEN target_post_id END AS repost_id,
       CASE WHEN action IN ('reply', 'comment') THEN target_post_id END AS reply_id,
       coalesce(text, '') AS message, urls, epoch_us(ts) AS t_us
FROM first_rows;
