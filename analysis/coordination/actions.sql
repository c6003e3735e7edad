-- The actions of the behaviour being computed (the one in coaction_behaviours), one row per (event, object).
CREATE OR REPLACE TEMP TABLE coaction_actions (
    object_id  VARCHAR NOT NULL,
    platform   VARCHAR NOT NULL,
    account_id VARCHAR NOT NULL,
    event_id   VARCHAR NOT NULL,
    ts         TIMESTAMP NOT NULL
);
