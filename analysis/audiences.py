"""How related the authors a co-action cluster amplifies are, judged by their audiences.

Definition
----------
An author's *audience* is every account outside the cluster that reposted, liked or quoted one of its posts
or replied or commented to it (the cluster's own accounts are in the audience of everyone they amplify).
Two authors of one cluster are *related* (one audience) when the accounts their audiences share, *weighed by
breadth*, come to at least ``min_shared`` and to more than ``max_overlap`` of the smaller audience (the overlap
coefficient: Jaccard would call a celebrity and her bandmate unrelated only because the celebrity draws the
larger crowd). Authors whose audiences are both smaller than ``min_shared`` cannot be compared and count as
related (a ring's own sock puppets, which nobody else reads, are not unrelated customers).

*Weighed by breadth:* a shared account counts 1 when it engages no more other authors than the typical
account of its platform engages in all (the median over every account that engaged anyone), else
``typical / (its other authors)``: where the typical account engages 4 authors, one that engages 40 others
counts a tenth. Every export has accounts that engage almost everyone (hyperactive reposters, aggregators,
bots); counted in full, a handful of them make the audiences of unrelated people overlap by a fifth in a
small export, while a fandom or a newsroom's readership shares many accounts that engage little else. The
weight does not depend on the export's size, so a small export collected around a few authors, where every
reader reads all of them, still shows them related.

The relation serves the paid-amplification detector (are a pool's clients unrelated?) and the coordination
signal (is a cluster a following of one author and those close to it?).

Example
-------
>>> from mobtrace.analysis.ingest import connect
>>> con = connect(":memory:")
>>> _ = con.execute("CREATE TABLE account_clusters AS SELECT 'x' AS platform, 'amp' AS account_id, 1 AS cluster_id")
>>> # a and b share five readers who read nobody else; b and c share five who read 40 others each; c has 20 readers
>>> _ = con.execute(\"\"\"INSERT INTO interactions (platform, event_id, account_id, action, ts, target_account_id,
...     source_file, source_line)
...     SELECT 'x', 'e' || n, 'fan' || (n % 5), 'reply', TIMESTAMP '2025-01-01', CASE WHEN n < 5 THEN 'a' ELSE 'b' END, 'f', n
...     FROM range(10) AS t(n)
...     UNION ALL SELECT 'x', 'g' || n, 'busy' || (n % 5), 'reply', TIMESTAMP '2025-01-01', ['b', 'c'][n // 5 + 1], 'f', 100 + n
...     FROM range(10) AS t(n)
...     UNION ALL SELECT 'x', 'o' || n, 'busy' || (n % 5), 'reply', TIMESTAMP '2025-01-01', 'other' || (n // 5), 'f', 200 + n
...     FROM range(200) AS t(n)
...     UNION ALL SELECT 'x', 'c' || n, 'reader' || n, 'reply', TIMESTAMP '2025-01-01', 'c', 'f', 400 + n FROM range(20) AS t(n)\"\"\")
>>> _ = con.execute("CREATE TEMP TABLE audience_authors AS SELECT 1 AS cluster_id, 'x' AS platform, unnest(['a', 'b', 'c']) AS account_id")
>>> relate_authors(con)
>>> con.sql("SELECT a_account, b_account, shared, weighed_shared, related FROM audience_pairs ORDER BY ALL").fetchall()
[('a', 'b', 5, 5.0, True), ('a', 'c', 0, 0.0, False), ('b', 'c', 5, 0.122, False)]

The typical account engages 1 author (c's readers); a busy one 42, so it counts 1/41 in b and c's pair.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the parameter modules import the defaults below: keep this module cheap to import
    import duckdb

HERE = Path(__file__).parent
MIN_SHARED = 3
MAX_OVERLAP = 0.2


def relate_authors(con: duckdb.DuckDBPyConnection, *, min_shared: int = MIN_SHARED, max_overlap: float = MAX_OVERLAP) -> None:
    """Fill ``audience_members`` and ``audience_pairs`` for the authors in the temp table ``audience_authors``
    (cluster_id, platform, account_id)."""
    from mobtrace.analysis.sql import run_script

    run_script(con, HERE / "audiences.sql", min_shared=min_shared, max_overlap=max_overlap)
