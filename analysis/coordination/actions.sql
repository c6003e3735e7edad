-- The actions of the behaviour being computed, one row per (behaviour, event, object).
CREATE OR REPLACE TEMP TABLE coaction_actions (
    behaviour  VARCHAR NOT NULL,
    object_id  VARCHAR NOT NULL,
    platform   VARCHAR NOT NULL,
    account_id VARCHAR NOT NULL,
    event_id   VARCHAR NOT NULL,
    ts         TIMESTAMP NOT NULL
);
