-- The null model's verdict per candidate edge, by ids; edge_significance (significance.py) fills it when the
-- null model runs, and edges.sql joins it to the edges (empty: their significance columns stay NULL).
CREATE OR REPLACE TEMP TABLE significance_scores (
    beh_id          SMALLINT,
    lo              INTEGER,
    hi              INTEGER,
    expected_weight DOUBLE,
    p_value         DOUBLE,
    q_value         DOUBLE,
    significant     BOOLEAN
);
