-- Telegram Desktop export messages -> stage_events. Input relation `raw_lines` (source_line, raw,
-- reject_reason, chat_id): one message object each, with the id of the chat it belongs to.

-- Placeholder senders: the name Telegram Desktop exports instead of a deleted user's. Deleted accounts
-- cannot be told apart or checked, so their messages are quarantined, never one account.
-- The one list of them; README "Placeholder authors" repeats it.
CREATE OR REPLACE TEMP MACRO mt_telegram_placeholder_sender(sender) AS (trim(sender) IN ('Deleted Account'));

INSERT INTO stage_events BY NAME
WITH lines AS (
    SELECT source_line, raw, reject_reason, chat_id,
           CASE WHEN reject_reason IS NULL AND json_valid(raw) THEN CAST(raw AS JSON) END AS m
    FROM raw_lines
),
parsed AS (
    SELECT *,
           json_transform(m, '{"id": "VARCHAR", "type": "VARCHAR", "action": "VARCHAR", "date": "VARCHAR",
               "date_unixtime": "VARCHAR", "from": "VARCHAR", "from_id": "VARCHAR",
               "forwarded_from": "VARCHAR", "forwarded_from_id": "VARCHAR", "reply_to_message_id": "VARCHAR"}') AS t,
           json_exists(m, '$.forwarded_from') AS forwarded,
           -- Entities: text_entities in current exports; older ones only have objects inside a "text" array.
           CASE WHEN json_type(m, '$.text_entities') = 'ARRAY' THEN json_extract(m, '$.text_entities[*]')
                ELSE list_filter(json_extract(m, '$.text[*]'), lambda e: json_type(e) = 'OBJECT') END AS entities,
           CASE json_type(m, '$.text')
               WHEN 'VARCHAR' THEN m ->> '$.text'
               WHEN 'ARRAY' THEN array_to_string(list_transform(json_extract(m, '$.text[*]'),
                   lambda e: CASE json_type(e) WHEN 'VARCHAR' THEN e ->> '$' ELSE e ->> '$.text' END), '')
           END AS message_text
    FROM lines
),
mapped AS (
    SELECT *,
           CASE WHEN forwarded THEN 'repost' WHEN t.reply_to_message_id IS NOT NULL THEN 'reply' ELSE 'post' END AS action,
           list_transform(entities, lambda e: {'kind': e ->> '$.type', 'text': e ->> '$.text',
                                               'href': e ->> '$.href', 'user_id': e ->> '$.user_id'}) AS ents
    FROM parsed
)
SELECT
    'telegram' AS platform,
    coalesce(chat_id || '/', '') || mt_blank_null(t.id) AS event_id,
    mt_blank_null(t.from_id) AS account_id,
    action,
    mt_ts(t.date_unixtime) AS ts,
    CASE WHEN action = 'repost' THEN mt_blank_null(t.forwarded_from_id) END AS target_account_id,
    CASE WHEN action = 'reply' THEN coalesce(chat_id || '/', '') || t.reply_to_message_id END AS target_post_id,
    nullif(message_text, '') AS text,
    mt_clean_list(list_transform(list_filter(ents, lambda e: e.kind IN ('link', 'text_link')),
                                 lambda e: CASE e.kind WHEN 'link' THEN e.text ELSE e.href END)) AS urls,
    mt_clean_list(list_transform(list_filter(ents, lambda e: e.kind IN ('hashtag', 'cashtag')),
                                 lambda e: ltrim(e.text, '#$'))) AS hashtags,
    mt_clean_list(list_transform(list_filter(ents, lambda e: e.kind IN ('mention', 'mention_name')),
                                 lambda e: CASE e.kind WHEN 'mention' THEN ltrim(e.text, '@')
                                                ELSE coalesce(e.user_id, e.text) END)) AS mentions,
    chat_id AS conversation_id,
    nullif(t."from", '') AS account_display_name,
    source_line,  -- raw: finalize.sql reads a quarantined record's text from raw_lines (jsondoc.stage_tables)
    coalesce(reject_reason, mt_json_problem(m), CASE
        WHEN t.type = 'service'
            THEN 'service message (' || coalesce(left(t.action, 60), 'no action') || '), not an interaction'
        WHEN t.type IS NOT NULL AND t.type <> 'message'
            THEN 'message of type "' || left(t.type, 40) || '" is not an interaction'
        WHEN mt_telegram_placeholder_sender(t."from")
            THEN 'sender is ' || trim(t."from") || ': Telegram''s placeholder for deleted users cannot be checked or told apart, so the message cannot be attributed to anyone'
        WHEN mt_blank_null(t.date_unixtime) IS NULL AND t.date IS NOT NULL
            THEN 'no date_unixtime: "date" is in the exporting computer''s unknown local time zone; export again with a current Telegram Desktop'
        WHEN mt_blank_null(t.date_unixtime) IS NOT NULL AND mt_ts(t.date_unixtime) IS NULL
            THEN 'unreadable date_unixtime "' || left(t.date_unixtime, 40) || '": expected Unix seconds'
    END) AS reject_reason
FROM mapped;

-- The replied-to author, when that message is in this batch or was ingested before (exports run oldest first).
UPDATE stage_events AS s SET target_account_id = p.account_id
FROM stage_events AS p
WHERE s.action = 'reply' AND s.target_account_id IS NULL AND s.reject_reason IS NULL AND p.reject_reason IS NULL
  AND p.platform = s.platform AND p.event_id = s.target_post_id;

UPDATE stage_events AS s SET target_account_id = i.account_id
FROM interactions AS i
WHERE s.action = 'reply' AND s.target_account_id IS NULL AND s.reject_reason IS NULL
  AND i.platform = s.platform AND i.event_id = s.target_post_id;
