-- mobtrace canonical data model. Every adapter writes into these tables; every detector reads them.
-- All timestamps are UTC, stored as naive TIMESTAMP with microsecond precision.

-- One row per observed event (a post, a repost, a report, ...), whatever platform it came from.
CREATE TABLE IF NOT EXISTS interactions (
    platform          VARCHAR NOT NULL,   -- source platform: x, telegram, reddit, bluesky, mastodon, synthetic, ...
    event_id          VARCHAR NOT NULL,   -- the platform's id of this event; derived from a content hash when the export has none
    account_id        VARCHAR NOT NULL,   -- the platform's own id of the acting account (unprefixed)
    account_handle    VARCHAR,            -- the acting account's handle / username at export time
    action            VARCHAR NOT NULL,   -- post | reply | repost | quote | mention | like | report | follow | comment
    ts                TIMESTAMP NOT NULL, -- when the event happened, UTC
    target_account_id VARCHAR,            -- account acted upon: author of the reposted/replied post, reported or followed account
    target_post_id    VARCHAR,            -- post acted upon: the reposted/quoted/replied/liked/reported post
    text              VARCHAR,            -- text of the event (post body, report reason); hostile user input, never evaluated
    urls              VARCHAR[],          -- URLs in the event, as exported (expanded where the export has it)
    hashtags          VARCHAR[],          -- hashtags without '#'
    mentions          VARCHAR[],          -- mentioned account ids or handles without '@'
    conversation_id   VARCHAR,            -- thread / conversation id where the platform has one
    lang              VARCHAR,            -- language code where the export has one
    source_file       VARCHAR NOT NULL,   -- path of the file this row was read from
    source_line       BIGINT NOT NULL,    -- 1-based line (NDJSON) or record (CSV: header is line 1) in that file
    -- (platform, event_id) is unique: finalize.sql enforces it, the unique_events check verifies it
    CHECK (action IN ('post', 'reply', 'repost', 'quote', 'mention', 'like', 'report', 'follow', 'comment'))
);

-- What is known about each account. Adapters fill what their export carries; the rest stays NULL.
CREATE TABLE IF NOT EXISTS accounts (
    platform     VARCHAR NOT NULL,
    account_id   VARCHAR NOT NULL,        -- same id as interactions.account_id
    handle       VARCHAR,
    display_name VARCHAR,
    created_at   TIMESTAMP,               -- account creation time, UTC
    followers    BIGINT,
    following    BIGINT,
    PRIMARY KEY (platform, account_id)
);
-- The export's own id of an account keyed by its handle because that id cannot be trusted to be exact
-- (ira538: rounded through a float, or shared by several handles in one file); NULL where account_id is the id.
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS raw_id VARCHAR;

-- Every input record that was not ingested, with why. ingested + quarantined = rows read, per source.
CREATE TABLE IF NOT EXISTS quarantine (
    source_file VARCHAR NOT NULL,
    source_line BIGINT NOT NULL,          -- same numbering as interactions.source_line
    format      VARCHAR NOT NULL,         -- adapter that read it
    raw         VARCHAR,                  -- the record as read (truncated to 10,000 characters)
    reason      VARCHAR NOT NULL,         -- one sentence: what is wrong and what to fix
    sha256      VARCHAR                   -- SHA-256 of the file read (NULL in databases from before it was kept)
);
ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS sha256 VARCHAR;

-- One row per ingest of an input file, keyed by content hash and format: re-ingesting the same bytes
-- with the same format is a no-op once a row landed; the same bytes read as another format are another
-- ingest. An ingest that landed nothing (ingested = 0) is tried again the next time the file is given,
-- replacing this row and its quarantine rows.
CREATE TABLE IF NOT EXISTS sources (
    sha256        VARCHAR NOT NULL,
    source_file   VARCHAR NOT NULL,
    format        VARCHAR NOT NULL,       -- the adapter that read it, or the --format asked for when none could
    rows_read     BIGINT NOT NULL,
    ingested      BIGINT NOT NULL,
    quarantined   BIGINT NOT NULL,
    events        BIGINT NOT NULL,        -- ingested rows that went into interactions (the rest are account rows)
    bytes         BIGINT NOT NULL,
    ingested_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (sha256, format)
);

-- How precise each input file's times are (analysis/timing.py fills it after ingest): minute_stamped files
-- give times to the minute only, and timing evidence built on them says so. Empty until recorded.
CREATE TABLE IF NOT EXISTS time_resolution (
    source_file    VARCHAR,
    events         BIGINT,
    minute_stamped BOOLEAN,
    resolution_s   INTEGER
);
