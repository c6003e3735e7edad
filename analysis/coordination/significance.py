"""Significance of co-action edges: is this pair's synchrony more than chance?

Definition
----------
Null model: every account keeps exactly the objects it acted on and how often (its activity volume and
its choice of content), but its timing on each object is drawn like any action on an object of that size.
Objects are put in size classes by the number of distinct accounts acting on them (2-3, 4-7, 8-15, ...;
per behaviour). On a seeded sample of up to ``objects_per_class`` objects per class each object's
*coincidence rate* is measured: the share of its action pairs by different accounts that lie within the
window. Objects on which more than half the accounts co-act with a partner under test (a candidate edge)
are not sampled, so a campaign's own objects do not teach the model that its bursts are normal. The class rate is the median of those rates for objects of 8 or more accounts (robust: a campaign's
own bursts, rate near 1, do not move it unless they are half the class; with a per-object null, ten bots
acting in one burst would make that burst look like chance) and the mean for smaller objects, whose rates
take only a few values. A class with no such object uses the background rate. It is shrunk towards the uniform background rate ``2w / time span`` by
``prior_pairs`` pseudo-objects. For an edge (a, b), over every object both acted on (at any time), with k_a and k_b
actions there and class rate r::

    expected_weight = sum over shared objects of 1 - (1 - r) ** (k_a * k_b)

The observed weight W is the number of those objects on which they did act within the window. W is a sum
of independent Bernoulli trials under the null; its upper tail is bounded by the Poisson tail with the same
mean (a Poisson has the larger variance), so ``p_value = P(Poisson(expected_weight) >= W)`` is conservative.
``q_value`` is the Benjamini-Hochberg adjustment over the candidate edges of the same behaviour, and an edge
is ``significant`` when ``q_value <= alpha``. (Per behaviour, so that running another behaviour beside it
cannot change an edge's flag.)

What this buys: two hyperactive organic accounts who repost hundreds of viral posts coincide on many of
them, but viral posts are busy and their class rate is high, so W is close to its expectation and they are
not flagged. A quiet pair who co-share five obscure links within seconds has an expectation near zero and
is flagged.

Parameters
----------
alpha : float, default 0.01
    False discovery rate at which an edge is called significant.
seed : int, default 0
    Seed of the object sample; the same seed gives the same figures.
objects_per_class : int, default 2000
    Objects sampled per size class to measure its coincidence rate (bounds the cost at any scale).
actions_per_object : int, default 20000
    On a sampled object with more actions, its rate is measured on a seeded sample of about this many of
    them (each pair of actions kept with the same chance), so one post reposted 250,000 times does not
    cost more than the rest of the model.
prior_pairs : float, default 1.0
    Weight of the uniform background rate, in pseudo-objects.

Known false positives
---------------------
Objects that are organically bursty for their size (a live event, a breaking story that a small community
shares at once) have more coincidences than their class; people who follow such events together repeatedly
can pass the test. Where organic co-activity is so dense that most accounts on most objects have
candidate edges, those objects are left out and the rate falls towards the background (more flags).
A median understates the chance rate of a class whose organic objects differ widely in
burstiness. A campaign that makes up most objects of a size class raises its rate, and the test becomes
conservative there (fewer flags), never the reverse. Small classes use the mean, which a campaign's objects
raise a little (conservative again). Accounts in one time zone and habit share a rhythm
the null does not model.

Example
-------
>>> from mobtrace.analysis.ingest import connect
>>> from mobtrace.analysis.coordination.coaction import coaction_edges
>>> con = connect(":memory:")
>>> # background: 300 posts, each reposted by two of 60 ordinary accounts at unrelated times over ten days
>>> _ = con.execute(\"\"\"INSERT INTO interactions (platform, event_id, account_id, action, ts, target_post_id,
...     source_file, source_line)
...     SELECT 'x', 'o' || i, 'u' || (hash(i) % 60), 'repost', TIMESTAMP '2025-01-01' + to_seconds(hash(i, 7) % 864000),
...            'post' || (i // 2), 'f', 1 FROM range(600) t(i)\"\"\")
>>> # a quiet pair: five obscure posts, reposted by both within two seconds
>>> _ = con.execute(\"\"\"INSERT INTO interactions (platform, event_id, account_id, action, ts, target_post_id,
...     source_file, source_line)
...     SELECT 'x', 'e' || i || a, a, 'repost', TIMESTAMP '2025-01-02' + to_days(i) + to_seconds(CASE a WHEN 'q1' THEN 0 ELSE 2 END),
...            'obscure' || i, 'f', 1
...     FROM range(5) t(i), (VALUES ('q1'), ('q2')) s(a)\"\"\")
>>> coaction_edges(con, window_seconds=60, min_weight=3, alpha=0.01) >= 1
True
>>> con.sql("SELECT a_account, b_account, weight, significant FROM coaction_edges WHERE significant").fetchall()
[('q1', 'q2', 5, True)]
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from scipy.stats import poisson

from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent

DEFAULT_ALPHA = 0.01


def poisson_upper_tail(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """P(X >= observed) for X ~ Poisson(expected); 1 where observed <= 0, 0 where expected is 0 and observed > 0."""
    observed = np.asarray(observed, dtype=float)
    expected = np.maximum(np.asarray(expected, dtype=float), 0.0)
    return np.where(observed <= 0, 1.0, poisson.sf(observed - 1, expected))


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values), in the input order."""
    p = np.asarray(p_values, dtype=float)
    n = len(p)
    if n == 0:
        return p
    order = np.argsort(p, kind="stable")
    ranked = p[order] * n / np.arange(1, n + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(n)
    q[order] = np.minimum(adjusted, 1.0)
    return q


def edge_significance(
    con: duckdb.DuckDBPyConnection,
    alpha: float = DEFAULT_ALPHA,
    seed: int = 0,
    objects_per_class: int = 2000,
    prior_pairs: float = 1.0,
    actions_per_object: int = 20_000,
) -> int:
    """Fill the temp table ``significance_scores`` (scores.sql, created empty first) for every candidate edge;
    return the significant count.

    Runs on the working tables of one behaviour's pairing (coaction_acts, coaction_windows,
    coaction_candidates, ...); ``coaction_edges(alpha=...)`` calls it for each behaviour in turn, and
    edges.sql joins the scores to the edges.
    """
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")
    run_script(con, HERE / "significance.sql", seed=seed, objects_per_class=objects_per_class,
               prior_pairs=float(prior_pairs), actions_per_object=actions_per_object)
    table = con.sql("SELECT beh_id, lo, hi, weight, expected_weight FROM significance_expected").to_arrow_table()
    p_values = poisson_upper_tail(table.column("weight").to_numpy(), table.column("expected_weight").to_numpy())
    q_values = benjamini_hochberg(p_values)
    scored = table.append_column("p_value", pa.array(p_values)).append_column("q_value", pa.array(q_values))
    con.register("_edge_scores", scored)
    try:
        con.execute(
            """INSERT INTO significance_scores
               SELECT beh_id, lo, hi, expected_weight, p_value, q_value, q_value <= $alpha FROM _edge_scores""",
            {"alpha": alpha},
        )
    finally:
        con.unregister("_edge_scores")
    return con.sql("SELECT count(*) FROM significance_scores WHERE significant").fetchall()[0][0]
