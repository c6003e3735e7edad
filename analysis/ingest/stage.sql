-- Per-batch staging tables. An adapter fills them (INSERT ... BY NAME, missing columns stay NULL);
-- finalize.sql validates, de-duplicates and moves their rows into interactions / accounts / quarantine.
-- Every staged row is one row read: it is either ingested or quarantined, never dropped.
CREATE OR REPLACE TEMP TABLE stage_events (
    platform             VARCHAR,
    event_id             VARCHAR,
    account_id           VARCHAR,
    account_handle       VARCHAR,
    action               VARCHAR,
    ts                   TIMESTAMP,
    target_account_id    VARCHAR,
    target_post_id       VARCHAR,
    text                 VARCHAR,
    urls                 VARCHAR[],
    hashtags             VARCHAR[],
    mentions             VARCHAR[],
    conversation_id      VARCHAR,
    lang                 VARCHAR,
    -- what the export says about the acting account, merged into `accounts`
    account_display_name VARCHAR,
    account_created_at   TIMESTAMP,
    account_followers    BIGINT,
    account_following    BIGINT,
    account_raw_id       VARCHAR,  -- the export's id when it is not trusted as account_id (accounts.raw_id)
    source_line          BIGINT,
    raw                  VARCHAR,
    reject_reason        VARCHAR
);

-- Rows of account-only files (an accounts table exported beside the interactions).
CREATE OR REPLACE TEMP TABLE stage_accounts (
    platform      VARCHAR,
    account_id    VARCHAR,
    handle        VARCHAR,
    display_name  VARCHAR,
    created_at    TIMESTAMP,
    followers     BIGINT,
    following     BIGINT,
    source_line   BIGINT,
    raw           VARCHAR,
    reject_reason VARCHAR
);

-- Facts about accounts seen in the current file, merged into `accounts` when the file is done.
CREATE OR REPLACE TEMP TABLE file_account_facts (
    platform     VARCHAR,
    account_id   VARCHAR,
    handle       VARCHAR,
    display_name VARCHAR,
    created_at   TIMESTAMP,
    followers    BIGINT,
    following    BIGINT,
    order_key    BIGINT,  -- later wins: event time for events, line for account rows
    raw_id       VARCHAR
);

-- The events of the current file that passed the row checks, in the batches before the current one: a staged
-- event among them is a duplicate earlier in this file, wherever the batches of the file end.
CREATE OR REPLACE TEMP TABLE file_events (platform VARCHAR, event_id VARCHAR);

-- The raw text of the current batch's records by line, for the rows finalize.sql quarantines. Adapters that
-- read from `raw_batch` point it there (tabular.registered_batch) and stage no `raw`: copying every row's
-- raw text cost 7% of an IO-archive ingest. Others stage `raw` themselves and leave this empty.
CREATE OR REPLACE TEMP VIEW batch_raw AS SELECT CAST(NULL AS BIGINT) AS source_line, CAST(NULL AS VARCHAR) AS raw WHERE false;

-- Why a staged event cannot be stored (NULL when it can): the row checks every event passes, after its
-- adapter's own. The first WHEN lets a row that surely passes (no blank value, a known action, a plausible
-- time: nearly every row) out without trimming anything; mt_maybe_blank is true for every blank value.
-- Mapping SQL that applies it itself (coalesce(<its reasons>, mt_row_problem(...))) lets finalize.sql skip its UPDATE.
CREATE OR REPLACE TEMP MACRO mt_row_problem(platform, account_id, action, ts, event_id) AS (
    CASE
        WHEN NOT (mt_maybe_blank(platform) OR mt_maybe_blank(account_id) OR mt_maybe_blank(action) OR mt_maybe_blank(event_id)
                  OR action NOT IN ('post', 'reply', 'repost', 'quote', 'mention', 'like', 'report', 'follow', 'comment')
                  OR ts IS NULL OR NOT mt_ts_plausible(ts)) THEN NULL
        WHEN platform IS NULL OR trim(platform) = '' THEN 'missing platform: the adapter or the platform column must name it'
        WHEN account_id IS NULL OR trim(account_id) = '' THEN 'missing account_id: every row needs the id of the acting account'
        WHEN action IS NULL OR trim(action) = '' THEN 'missing action: use one of post, reply, repost, quote, mention, like, report, follow, comment'
        WHEN action NOT IN ('post', 'reply', 'repost', 'quote', 'mention', 'like', 'report', 'follow', 'comment')
            THEN 'unknown action "' || left(action, 40) || '": use one of post, reply, repost, quote, mention, like, report, follow, comment'
        WHEN ts IS NULL THEN 'missing or unreadable timestamp: use ISO-8601 or Unix seconds/milliseconds'
        WHEN NOT mt_ts_plausible(ts) THEN 'timestamp ' || CAST(ts AS VARCHAR) || ' is outside 1995-2099: check seconds versus milliseconds'
        WHEN event_id IS NULL OR trim(event_id) = '' THEN 'missing event id: the export must carry the post id'
    END
);
