-- Link rule shared_content: two signal groups spread the same content. An item is a normalised text
-- (lower-cased, links and @mentions removed, whitespace collapsed, at least $min_text_chars characters)
-- of a post/reply/quote/comment/mention, or a link (lower-cased, trailing slash removed). An item belongs
-- to a group when at least two of its members used it; groups sharing at least $min_shared_content items
-- are linked. One row per linked pair of groups.
WITH members AS (
    SELECT DISTINCT signal, group_key, platform, account_id FROM account_signals
),
member_events AS (
    SELECT i.platform, i.account_id, i.action, i.text, i.urls
    FROM interactions AS i SEMI JOIN members AS m USING (platform, account_id)
),
items AS (
    SELECT platform, account_id, 'text' AS kind, norm AS item
    FROM (
        SELECT platform, account_id,
               trim(regexp_replace(regexp_replace(lower(text), '(https?://|www\.)\S+|@\w+', ' ', 'g'), '\s+', ' ', 'g')) AS norm
        FROM member_events
        WHERE action IN ('post', 'reply', 'quote', 'comment', 'mention') AND text IS NOT NULL
    )
    WHERE length(norm) >= $min_text_chars
    UNION
    SELECT platform, account_id, 'link', rtrim(lower(trim(url)), '/')
    FROM (SELECT platform, account_id, unnest(urls) AS url FROM member_events)
    WHERE trim(url) <> ''
),
group_items AS (
    SELECT m.signal, m.group_key, i.kind, i.item
    FROM members AS m JOIN items AS i USING (platform, account_id)
    GROUP BY ALL
    HAVING count(DISTINCT (m.platform, m.account_id)) >= 2
)
SELECT a.signal AS signal_a, a.group_key AS group_a, b.signal AS signal_b, b.group_key AS group_b,
       format('both spread the same content: {} identical text(s) and {} identical link(s), for example "{}"',
              count(*) FILTER (WHERE a.kind = 'text'), count(*) FILTER (WHERE a.kind = 'link'),
              left(min(a.item), 80)) AS detail
FROM group_items AS a
JOIN group_items AS b ON a.kind = b.kind AND a.item = b.item AND (a.signal, a.group_key) < (b.signal, b.group_key)
GROUP BY a.signal, a.group_key, b.signal, b.group_key
HAVING count(*) >= $min_shared_content
ORDER BY ALL
