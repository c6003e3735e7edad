-- Every detector writes the accounts it flags here, one row per (signal, account). Campaign fusion
-- (campaigns.py) reads only this table, so a new detector plugs in by inserting its rows.
CREATE TABLE IF NOT EXISTS account_signals (
    signal     VARCHAR NOT NULL,   -- coordination | burst | mass_reporting | paid_amplification
    platform   VARCHAR NOT NULL,
    account_id VARCHAR NOT NULL,
    group_key  VARCHAR NOT NULL,   -- the detector's own grouping (a cluster, a burst); accounts sharing one are fused
    score      DOUBLE NOT NULL,    -- 0-1, the detector's strength of evidence for this account
    evidence   VARCHAR NOT NULL,   -- one human-readable sentence: why this account is flagged
    PRIMARY KEY (signal, platform, account_id)
);

-- Plain-language nouns for each co-action behaviour, used in evidence sentences.
CREATE OR REPLACE TABLE behaviour_labels AS SELECT * FROM (VALUES
    ('co_repost', 'reposts', 'posts'),
    ('co_link', 'link shares', 'links'),
    ('co_domain', 'link shares', 'domains'),
    ('co_hashtag', 'hashtag uses', 'hashtags'),
    ('co_hashtag_seq', 'hashtag sequences', 'hashtag sequences'),
    ('co_reply', 'replies', 'posts'),
    ('co_mention', 'mentions', 'accounts'),
    ('co_text', 'posts', 'texts'),
    ('co_text_near', 'posts', 'near-identical texts')
) AS t(behaviour, action_noun, object_noun);
