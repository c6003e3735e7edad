"""The paid-amplification detector: for-hire pools that boost many unrelated clients, and who those clients are.

Engagement for hire runs on pools of accounts that repost and like whatever a customer pays for, within
seconds, for many customers who have nothing to do with each other. The detector finds such a pool as a
cluster of the co-action graph (``account_clusters``, written by the coordination detector) that amplifies
several unrelated clients, flags the pool's accounts that did the work, and lists the clients as the pool's
*beneficiaries* without flagging them: a client may be the customer (a harasser who hired the pool) or a
victim of fake engagement bought to discredit it.

Definition
----------
*Account features* (``features.sql``, table ``amplification_features``), computed for every account over all
interactions in the database:

- ``amplification_share``: amplifications (repost, like, quote) over amplifications plus original content
  (post, reply, comment, mention); follows and reports are neither.
- ``amplified_authors``: distinct authors it amplified (the original's author where the original is in the
  export, else the event's target account). ``author_overlap``: how related those authors are, the mean
  Jaccard overlap of the audiences of its ``top_authors`` most amplified authors, where an author's audience
  is everyone who amplified or replied to it except the members of the account's own co-action cluster
  (who are in every audience they amplify). Computed for accounts in a co-action cluster, the only ones the
  detector can flag (NULL for the others: exact audiences for every account cost more than the rest).
- Reaction latency: the time from the original post to the amplification, known only where the original
  (same platform, ``target_post_id``) is in the export and not later than the reaction; a missing original
  or a negative gap (clocks, minute-resolution times) is unknown, never guessed. ``latency_known``,
  ``latency_median_s``, ``share_within_10s`` and ``share_within_60s`` (inclusive, over known latencies)
  and ``latency_dispersion``, how steady it is from job to job: the quartile coefficient of dispersion
  (Q3 - Q1) / (Q3 + Q1), 0 for the same delay every time (from ``min_events`` known latencies).
- Cadence: ``cadence_cv``, the coefficient of variation (population standard deviation over mean) of the
  gaps between consecutive events in whole milliseconds (about 1 for random timing, near 0 for a timer);
  ``hour_entropy`` and ``day_entropy``, the Shannon entropy of its events over the 24 UTC hours and 7
  weekdays divided by its maximum (0: always the same hour, 1: evenly spread); each from ``min_events`` events.
- Creation batches (``created_same_hour``, ``created_same_day``): how many other members of its co-action
  cluster were created in the same UTC hour / day (the accounts table's ``created_at``).
- Handle patterns: ``handle_digit_suffix``, a handle ending in ``min_suffix_digits`` or more digits after a
  letter or underscore (a birth year does not count); among the members of its cluster, how many share the
  first ``handle_prefix_chars`` characters of its handle stem (lower-cased, trailing digits and underscores
  removed: ``handle_prefix_mates``) or have a stem within ``max_handle_edits`` edits (``handle_edit_mates``).
- Profile, where the export has it: ``default_profile`` (no display name, or the handle as display name;
  NULL on a platform whose export carries no display names), ``follower_ratio`` (followers over following)
  and ``skewed_ratio`` (following at least 100 and ``skewed_following`` times the followers).

*The network signature* (``jobs.sql``, ``pools.sql``). For each co-action cluster C:

- a *job* is a post by an author outside C that at least ``min_job_members`` of C's accounts amplified,
  C's accounts making up at least ``min_job_share`` of everyone who amplified it (C drove the engagement;
  a viral post that C's accounts also shared is not a job). C's own posts are self-amplification, not jobs;
- a *client* is an author with at least ``min_client_jobs`` jobs. Its *audience* is everyone outside C who
  amplified it or replied to it. Two clients are *related* (``analysis/audiences.py``) when their audiences
  share at least ``min_shared_audience`` accounts and more than ``max_audience_overlap`` of the smaller
  audience (the overlap coefficient: Jaccard would call a celebrity and her bandmate unrelated only because
  the celebrity draws the larger crowd), each shared account weighed by breadth: an account that engages ten
  times as many authors as the export's typical account counts a tenth, so the hyperactive accounts that are
  in everybody's audience do not make a pool's unrelated customers look related. Clients with audiences
  smaller than ``min_shared_audience`` cannot be compared and count as related to each other (a ring's own
  sock puppets, which nobody else reads, are not unrelated customers). *Client groups* are the connected
  components of the relation (a celebrity and her bandmates share one fandom: one group);
- C is a *for-hire pool* when its clients form at least ``min_client_groups`` groups: it works for several
  accounts whose audiences have nothing in common, switching from one to the next;
- an account of a pool is flagged (signal ``paid_amplification``, group ``pool-<cluster>``) when it joined at
  least ``min_member_jobs`` jobs for at least ``min_member_clients`` client groups. The pool's clients go to
  ``signal_beneficiaries`` and from there to campaigns.json; they are never flagged by this detector.

*Partial participation* is the rule, not the exception: customers mix bought and organic engagement, and
pools rotate accounts between jobs and give them organic cover activity. So a job needs only some of the
pool, a client only some boosted posts (its beneficiary sentence says how many of its posts), audiences are
taken outside the pool (its own members would make every client look related), an account is flagged after a
few jobs for two client groups rather than all of them, and the latency traits are measured on its job
reactions, not on its whole activity, which cover traffic dilutes.

*Scores.* An account's score (0-1) is the mean of its participation (jobs joined over the pool's jobs), its
breadth (client groups served over the pool's groups), the share of its job reactions within
``fast_seconds``, and the share of its known traits it shows: mostly an amplifier (``amplifier_share``),
steady job latency (``steady_dispersion``), a regular or narrow rhythm (``regular_cv``, ``narrow_hours``), a
creation batch (``min_batch`` members the same day), a patterned handle (long digit suffix, or a prefix or
near-identical stem shared with two other members), a default profile or skewed ratio. Its evidence
sentence names these numbers. A pool's score is the mean of its client diversity (1 - 1/groups), its
members' median participation and its share of job reactions within ``fast_seconds``
(``amplification_pools``, with a sentence saying why it is, or is not, a pool).

Engines
-------
With ``--engine spark`` (``EngineSettings``) every statement of the step runs on Spark through the Parquet bridge
(``engine.bridge.run_on_spark``): the account features, jobs, audiences, clients, pools and the signal and
beneficiary rows, with the same tables and rows as on DuckDB (``tests/test_engine.py``). Only the numbering of
client groups (connected components, NetworkX, on the clients and their related pairs) runs on the driver, between
two Spark statements. The rows come back through ``signals.replace_signal_rows`` and ``replace_beneficiary_rows``.

Parameters
----------
``PaidAmplificationParams`` (step ``paid_amplification``) in ``params.py``: each default and meaning is
written there once.

RTbust, DeBot, and what this adds
---------------------------------
RTbust (Mazza et al., 2019) finds retweeter botnets from each account's retweet *latencies* (time from the
original to the retweet, and between retweets): accounts with the same compressed latency pattern cluster
together. DeBot (Chavoshi et al., 2016) finds bots by *lag-sensitive correlation* of activity: accounts whose
activity time series match at a small lag. This detector uses both ideas: the latency distribution and its
steadiness per account (on its jobs), and correlated activity as the co-action graph (the same posts within
a window, tested against a null model, clustered). It adds what neither asks: *whom* the correlated accounts
serve. A fan community and a newsroom's staff react fast and in step, and both peers would flag them; a for-hire
pool is told apart by working for several clients whose audiences are unrelated. It also handles partial
participation at the level of jobs, states the evidence per account (the jobs it joined, its latencies, its
traits) and names the beneficiaries. Precision and recall of the planted pools against the generated
platform's ground truth are measured by ``bench/bench_paid_amplification.py`` and floored by a test; they are
not comparable with the peers' figures on their own (real) benchmarks.

Hard negatives (why each is not flagged)
----------------------------------------
- A fan community reposting one celebrity within seconds: fast and correlated (co-action may cluster it), but
  all it amplifies is the celebrity and her circle, who share one audience: one client group, no pool. (Nor
  does the coordination signal flag it: such a cluster is an organic following, ``coordination/signal.py``.)
- A newsroom's accounts sharing their own links: the staff repost the outlet's accounts quickly, but those
  accounts share one readership (one client group), and a journalist's own posts of its links are the
  cluster's own content, never jobs. (An organic following too.)
- A scheduled-posting brand: a machine's rhythm (regular cadence, few hours), but it posts its own content
  and amplifies no one: it has no jobs and sits in no pool. Automation alone is not paid amplification.
- A hyperactive person reposting many unrelated authors at all hours: high amplification share and many
  unrelated authors, but its timing correlates with nobody's (no co-action cluster) and its latency is
  neither fast nor steady.

What an operator would have to change to escape
-----------------------------------------------
- Co-action (the cluster): spread each job's reactions beyond the co-action window, so members never act
  together; boosting then loses the burst of early engagement that it is bought for.
- Client diversity: split the pool into disjoint sub-pools, one per client (each then looks like a fan club),
  which multiplies the accounts to run; or serve only clients that share one audience.
- Jobs: boost only posts that already draw a large organic crowd (the pool below ``min_job_share`` of the
  amplifiers), or boost each client once (below ``min_client_jobs``).
- Latency (fast, steady): human-like random delays of minutes to hours, per account and per job.
- Cadence and hours: act on human schedules with human irregularity.
- Creation batches: buy aged accounts or register them over months (the generated pool already does).
- Handles and profiles: human-looking handles, filled profiles, balanced following.
- Amplification share: post original cover content.
Only the first three are decisive: the traits raise a score but never flag on their own.

Known false positives
---------------------
An activist network or a community that genuinely boosts many small, unrelated accounts within seconds
(a mutual-aid or "boost" community) has the same signature; read the clients and the jobs. Audiences are
measured inside the export: a thin export can make related clients look unrelated. A pool that only likes is
found only if a co-action behaviour ties its accounts (likes are not a co-action behaviour).

Example
-------
>>> from mobtrace.analysis.ingest import connect
>>> from mobtrace.analysis.coordination import build_account_clusters, build_coaction_edges
>>> from mobtrace.analysis.coordination.params import ClusterParams, CoactionParams
>>> con = connect(":memory:")
>>> # three clients, two posts each liked by three readers of its own; three accounts repost all six within seconds
>>> _ = con.execute(\"\"\"INSERT INTO interactions (platform, event_id, account_id, action, ts, target_post_id,
...     source_file, source_line)
...     SELECT 'x', 'p' || p, 'client' || (p // 2), 'post', TIMESTAMP '2025-01-01' + to_hours(p), NULL, 'f', p
...     FROM range(6) AS t(p)
...     UNION ALL
...     SELECT 'x', 'l' || p || r, 'reader' || (p // 2) || r, 'like', TIMESTAMP '2025-01-01' + to_hours(p) + to_minutes(30 + r),
...            'p' || p, 'f', 10 + 3 * p + r
...     FROM range(6) AS t(p), range(3) AS s(r)
...     UNION ALL
...     SELECT 'x', 'r' || p || a, 'amp' || a, 'repost', TIMESTAMP '2025-01-01' + to_hours(p) + to_seconds(5 + a),
...            'p' || p, 'f', 100 + 3 * p + a
...     FROM range(6) AS t(p), range(3) AS s(a)\"\"\")
>>> _ = build_coaction_edges(con, CoactionParams(behaviours=("co_repost",), alpha=None))
>>> _ = build_account_clusters(con, ClusterParams())
>>> build_paid_amplification(con, PaidAmplificationParams())
(1, 3)
>>> import textwrap
>>> evidence = con.sql("SELECT evidence FROM account_signals WHERE signal = 'paid_amplification' ORDER BY account_id").fetchall()[0][0]
>>> print(textwrap.fill(evidence, 100))
Amplified 6 of the 6 posts that pool 1 (3 accounts) boosted for 3 unrelated client groups (client0,
client1, client2), serving 3 of the groups; 6 of its 6 reactions with a known original came within
60 s (median 5.0 s); 100% of its activity is amplification; a steady delay (quartile dispersion
0.00); a regular rhythm (inter-event CV 0.00, hour entropy 0.56).
>>> con.sql("SELECT account_id FROM signal_beneficiaries ORDER BY ALL").fetchall()
[('client0',), ('client1',), ('client2',)]
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import networkx as nx
import pandas as pd

from mobtrace.analysis.audiences import relate_authors
from mobtrace.analysis.engine.settings import EngineSettings
from mobtrace.analysis.paid_amplification.params import PaidAmplificationParams
from mobtrace.analysis.signals import (SPARK_BENEFICIARIES, SPARK_ROWS, create_signals_table, keep_beneficiary_rows,
                                       replace_beneficiary_rows, replace_signal_rows, signal_rows_on_spark)
from mobtrace.analysis.sql import first_row, run_script

HERE = Path(__file__).parent
DEFAULTS = PaidAmplificationParams()
SIGNAL = "paid_amplification"

# What the step reads (sent to Spark) and the tables it writes besides its signal and beneficiary rows (loaded back).
SPARK_INPUTS = ("interactions", "accounts", "account_clusters")
SPARK_OUTPUTS = ("amplification_features", "amplification_organic_latency", "amplification_jobs", "amplification_clients",
                 "audience_members", "audience_pairs", "amplification_reactions", "amplification_members",
                 "amplification_pools")


def build_paid_amplification(con: duckdb.DuckDBPyConnection, params: PaidAmplificationParams = DEFAULTS, *,
                             execution: EngineSettings = EngineSettings(), spark=None) -> tuple[int, int]:
    """Step ``paid_amplification``: account features, jobs, clients, pools, the ``paid_amplification`` rows of
    ``account_signals`` and the pools' ``signal_beneficiaries``; returns (pools, flagged accounts). Needs the
    coordination detector's ``account_clusters``. With ``execution.engine == "spark"`` every statement of the
    step runs on Spark (``spark``, a ``SparkEngine``, or one made for ``execution.spark_master``) and its tables
    and rows are loaded back; the client groups (connected components, NetworkX) are numbered on the driver
    between two Spark statements (``assign_client_groups``). The same tables and rows either way."""
    if execution.engine == "duckdb":
        account_features(con, params)
        return pool_scores(con, params)
    from mobtrace.analysis.engine.bridge import run_on_spark

    create_signals_table(con)
    run_on_spark(con, signal_rows_on_spark, inputs=SPARK_INPUTS, outputs=(*SPARK_OUTPUTS, SPARK_ROWS, SPARK_BENEFICIARIES),
                 spark=spark, master=execution.spark_master, shared_dir=execution.spark_dir or None, signal=SIGNAL,
                 rows=lambda eng: _on_spark(eng, params))
    replace_signal_rows(con, SIGNAL, SPARK_ROWS)
    replace_beneficiary_rows(con, SIGNAL, SPARK_BENEFICIARIES)
    return _counts(con)


def account_features(con: duckdb.DuckDBPyConnection, params: PaidAmplificationParams = DEFAULTS) -> int:
    """Write ``amplification_features`` (one row per active account); returns its row count."""
    run_script(con, HERE / "features.sql", **params.as_record())
    return first_row(con, "SELECT count(*) FROM amplification_features")[0]


def pool_scores(con: duckdb.DuckDBPyConnection, params: PaidAmplificationParams = DEFAULTS) -> tuple[int, int]:
    """Jobs, clients, client groups, pools and the signal (needs ``account_features`` first); returns
    (pools, flagged accounts)."""
    create_signals_table(con)
    run_script(con, HERE / "jobs.sql", **params.as_record())
    relate_authors(con, min_shared=params.min_shared_audience, max_overlap=params.max_audience_overlap)
    run_script(con, HERE / "clients.sql")
    assign_client_groups(con)
    run_script(con, HERE / "pools.sql", **params.as_record())
    return _counts(con)


def _on_spark(eng, params: PaidAmplificationParams) -> None:
    """The whole step on a Spark engine (a ``signal_rows_on_spark`` stage), the beneficiary rows kept for the way back."""
    account_features(eng, params)
    pool_scores(eng, params)
    keep_beneficiary_rows(eng, SIGNAL)


def _counts(con) -> tuple[int, int]:
    """(pools, flagged accounts)."""
    pools = first_row(con, "SELECT count(*) FROM amplification_pools WHERE is_pool")[0]
    flagged = first_row(con, "SELECT count(*) FROM account_signals WHERE signal = 'paid_amplification'")[0]
    return pools, flagged


def client_groups(clients: list[tuple], related: list[tuple[tuple, tuple]]) -> dict[tuple, int]:
    """Number the connected components of related clients within each cluster, 1, 2, ... in order of their
    smallest client. ``clients`` are ``(cluster_id, platform, account_id)``; ``related`` pairs of them.

    >>> client_groups([(1, "x", "a"), (1, "x", "b"), (1, "x", "c"), (2, "x", "a")], [((1, "x", "a"), (1, "x", "c"))])
    {(1, 'x', 'a'): 1, (1, 'x', 'c'): 1, (1, 'x', 'b'): 2, (2, 'x', 'a'): 1}
    """
    graph = nx.Graph()
    graph.add_nodes_from(sorted(clients))
    graph.add_edges_from(sorted(related))
    numbers: dict[tuple, int] = {}
    seen: dict[object, int] = {}
    for component in sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda nodes: nodes[0]):
        cluster = component[0][0]
        seen[cluster] = seen.get(cluster, 0) + 1
        numbers.update({node: seen[cluster] for node in component})
    return numbers


def assign_client_groups(con: duckdb.DuckDBPyConnection) -> None:
    """Fill ``amplification_clients.client_group`` from the related pairs in ``audience_pairs``."""
    clients = con.sql("SELECT cluster_id, platform, account_id FROM amplification_clients ORDER BY ALL").fetchall()
    related = [
        ((cluster, a_platform, a_account), (cluster, b_platform, b_account))
        for cluster, a_platform, a_account, b_platform, b_account in con.execute(
            "SELECT cluster_id, a_platform, a_account, b_platform, b_account FROM audience_pairs WHERE related ORDER BY ALL"
        ).fetchall()
    ]
    groups = client_groups(clients, related)
    frame = pd.DataFrame([(*node, group) for node, group in groups.items()],
                         columns=["cluster_id", "platform", "account_id", "client_group"])
    frame = frame.astype({"cluster_id": "int64", "platform": "string", "account_id": "string", "client_group": "int64"})
    con.register("amp_groups", frame)
    try:
        con.execute("""UPDATE amplification_clients AS c SET client_group = g.client_group FROM amp_groups AS g
                       WHERE g.cluster_id = c.cluster_id AND g.platform = c.platform AND g.account_id = c.account_id""")
    finally:
        con.unregister("amp_groups")
