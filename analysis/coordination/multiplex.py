"""The multiplex coordination graph: every behaviour's co-action edges merged into one weighted graph.

Definition
----------
Two accounts are linked when at least one behaviour gives them a kept co-action edge: a *significant* one
(``coaction_edges.significant``) when the null model ran, otherwise every edge that passed ``min_weight``.
The combined weight is the number of co-actions beyond chance summed over behaviours,
``sum(weight - expected_weight)``: a pair that co-reposts 5 obscure posts (expected 0.01) and co-links
3 URLs (expected 0.2) weighs 7.8, while hyperactive accounts whose 40 co-actions were expected to be 38
weigh little even when significant. Without the null model it is the plain sum of weights. ``behaviours``
lists the behaviours behind the edge and ``p_value`` is the smallest behaviour p-value times their number
(Bonferroni: behaviours overlap, e.g. a copied post is co_text and co_link at once, so Fisher's method
would overstate the evidence).

Output: table ``coordination_graph(a_platform, a_account, b_platform, b_account, weight, behaviours
VARCHAR[], n_behaviours, objects, expected_objects, p_value, matched_pairs, first_ts, last_ts)``, a < b.

Known false positives
---------------------
Summing over behaviours counts one act several times when behaviours overlap (a copied post with a link is
co_text, co_link and co_domain); the weight then overstates independent evidence. ``n_behaviours`` shows it.

Example
-------
>>> from mobtrace.analysis.ingest import connect
>>> from mobtrace.analysis.coordination.coaction import coaction_edges
>>> con = connect(":memory:")
>>> _ = con.execute(\"\"\"INSERT INTO interactions (platform, event_id, account_id, action, ts, target_post_id,
...     urls, source_file, source_line)
...     SELECT 'x', a || i, a, 'repost', TIMESTAMP '2025-01-01' + to_days(i), 'p' || i, [], 'f', 1
...     FROM range(3) t(i), (VALUES ('a'), ('b')) s(a)\"\"\")
>>> coaction_edges(con, window_seconds=60, min_weight=3, behaviours=("co_repost", "co_link"), alpha=None)
1
>>> multiplex_graph(con)
1
>>> con.sql("SELECT a_account, b_account, weight, behaviours FROM coordination_graph").fetchall()
[('a', 'b', 3.0, ['co_repost'])]
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from mobtrace.analysis.sql import first_row, run_script

HERE = Path(__file__).parent


def multiplex_graph(con: duckdb.DuckDBPyConnection, use_significance: bool | None = None) -> int:
    """Build ``coordination_graph`` from ``coaction_edges``; return its edge count.

    ``use_significance=None`` uses the significance flags when the null model filled them.
    """
    if use_significance is None:
        use_significance = first_row(con, "SELECT count(significant) > 0 FROM coaction_edges")[0]
    run_script(con, HERE / "multiplex.sql", use_significance=bool(use_significance))
    return first_row(con, "SELECT count(*) FROM coordination_graph")[0]
