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
    PRIMARY KEY (signal, platform, account_id)
);
-- Databases written before the flag's period was recorded.
ALTER TABLE account_signals ADD COLUMN IF NOT EXISTS first_ts TIMESTAMP;
ALTER TABLE account_signals ADD COLUMN IF NOT EXISTS last_ts TIMESTAMP;
