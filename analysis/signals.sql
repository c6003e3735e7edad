-- Every detector writes the accounts it flags here, one row per (signal, account) (see signals.py).
CREATE TABLE IF NOT EXISTS account_signals (
    signal     VARCHAR NOT NULL,   -- coordination | burst | mass_reporting | paid_amplification
    platform   VARCHAR NOT NULL,
    account_id VARCHAR NOT NULL,
    group_key  VARCHAR NOT NULL,   -- the detector's own grouping (a cluster, a burst); accounts sharing one are fused
    score      DOUBLE NOT NULL,    -- 0-1, the detector's strength of evidence for this account
    evidence   VARCHAR NOT NULL,   -- one human-readable sentence: why this account is flagged
    first_ts   TIMESTAMP,          -- when the behaviour behind the flag happened (UTC), where the detector knows
    last_ts    TIMESTAMP,
    events     BIGINT,             -- how many events the flag rests on (matched actions, reports, ...): the volume of evidence
    PRIMARY KEY (signal, platform, account_id)
);
-- Databases written before the flag's period was recorded.
ALTER TABLE account_signals ADD COLUMN IF NOT EXISTS first_ts TIMESTAMP;
ALTER TABLE account_signals ADD COLUMN IF NOT EXISTS last_ts TIMESTAMP;
ALTER TABLE account_signals ADD COLUMN IF NOT EXISTS events BIGINT;

-- Accounts a signal group worked for without being flagged (a paid pool's clients: a client may be a customer
-- or a victim of fake engagement), one row per (signal, group, account); campaigns.json lists them per
-- campaign as `beneficiaries`, through the groups of account_signals in the campaign. Created here, empty,
-- so readers need not probe for it; a detector replaces its own rows as it does in account_signals.
CREATE TABLE IF NOT EXISTS signal_beneficiaries (
    signal     VARCHAR NOT NULL,
    group_key  VARCHAR NOT NULL,   -- the account_signals group that worked for the account
    platform   VARCHAR NOT NULL,
    account_id VARCHAR NOT NULL,
    reason     VARCHAR NOT NULL,   -- one sentence naming the numbers: what the group did for it
    PRIMARY KEY (signal, group_key, platform, account_id)
);
