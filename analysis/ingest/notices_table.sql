-- Moderation notices a platform sent to an account (post removed, account locked or suspended, appeal
-- outcome), read by the `notices` adapter (notices.py). They are not interactions: nobody acted on anyone
-- in them, the platform told an account what it did. The mass_reporting detector reads them (victim side).
CREATE TABLE IF NOT EXISTS notices (
    platform        VARCHAR NOT NULL,   -- the platform that sent the notice (x, reddit, ...), lower-cased
    notice_id       VARCHAR NOT NULL,   -- the export's notice_id, or a hash of the record's fields
    account_id      VARCHAR NOT NULL,   -- the account the notice was sent to (same id as interactions.account_id)
    handle          VARCHAR,            -- its handle as the notice names it, without '@' (handles change: kept here only)
    post_id         VARCHAR,            -- the post the notice is about, if any (same id as interactions.event_id)
    ts              TIMESTAMP NOT NULL, -- when the notice was sent, UTC
    action          VARCHAR NOT NULL,   -- post_removed | account_locked | account_suspended | account_restricted | warning
                                        -- | appeal_granted | appeal_denied | restored | other
    action_as_given VARCHAR NOT NULL,   -- the action taken, as the export words it
    reason          VARCHAR,            -- the reason the platform stated; hostile text, never evaluated
    text            VARCHAR,            -- the notice's text; hostile text, never evaluated
    source_file     VARCHAR NOT NULL,
    source_line     BIGINT NOT NULL     -- 1-based, as interactions.source_line
);
