-- co_tweet keys (see cnt.py): CNT's message_preprocessor, lower-case, "@..." removed up to the next
-- whitespace, whitespace collapsed. For an all-ASCII text (strlen = length) those rules are plain: lower() is
-- Python's, the mention ends at [ \t\n\r\x0b\x0c] (the regex module's \s, without \x1c-\x1f), and split()
-- also splits at \x1c-\x1f. The other texts are left to Python (second statement).
CREATE OR REPLACE TEMP TABLE cnt_keys AS
SELECT trim(regexp_replace(regexp_replace(lower(message), '@[^ \t\n\r\x0b\x0c]*', '', 'g'),
                           '[\t\n\x0b\x0c\r\x1c-\x1f ]+', ' ', 'g')) AS key,
       user_id, message_id, t_us
FROM cnt_messages
WHERE repost_id IS NULL AND strlen(message) = length(message);

SELECT message, user_id, message_id, t_us FROM cnt_messages WHERE repost_id IS NULL AND strlen(message) <> length(message);
