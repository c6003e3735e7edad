"""Benchmark of the paid-amplification detector (a benchmark, not a test): accuracy and speed.

    .venv/bin/python bench/bench_paid_amplification.py              # as reported: accuracy at 1M, speed at 10M
    .venv/bin/python bench/bench_paid_amplification.py --n 1000000 --pr-scale 200000   # quicker

Accuracy: a platform from data/generator.py (``--pr-scale`` rows, ``--pr-seed``; one planted for-hire pool,
fan community, newsroom, brand and hyperactive human per 100,000 rows), ingested and run through the
coordination detector and this one with default parameters, as the pipeline does. Printed: precision and
recall of the planted pools' members among the accounts flagged ``paid_amplification`` (ground_truth.csv),
of the planted clients among the beneficiaries, and how many accounts of each hard negative were flagged.
The seed is not one the defaults were chosen on (3 and 11 were looked at while building the detector).

Speed: the 10M-interaction workload of bench/workload.py (the same file bench_coordination.py writes to
``bench_out/``, generated when missing), loaded into DuckDB. That workload has no for-hire pool, so
``--pools`` pools are added (``--pool-size`` accounts each reposting, 9 times in 10, every one of the first 8
posts of ``--pool-clients`` clients drawn among the workload's authors, each account 5-25 s after the post with
up to 2 s of jitter) so that pool scoring has work to do; their recall is printed. The co-action edges of
``co_repost`` and the
Louvain clusters are built first (set-up, timed but not part of the figure: they belong to the coordination
benchmark), then the two stages of this detector are timed: ``account_features`` and ``pool_scores`` (jobs,
clients, client groups, pools, signal, beneficiaries). DuckDB gets ``--threads`` threads (default 2) and
``--memory-limit``; peak RSS of the process is sampled every 20 ms per stage.
"""

from __future__ import annotations

import argparse
import csv
import platform
import sys
import tempfile
from collections import Counter
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from stages import timed  # noqa: E402
from workload import workload_database  # noqa: E402

from mobtrace.analysis.coordination import build_account_clusters, build_coaction_edges  # noqa: E402
from mobtrace.analysis.coordination.params import ClusterParams, CoactionParams  # noqa: E402
from mobtrace.analysis.ingest import connect, ingest_paths  # noqa: E402
from mobtrace.analysis.paid_amplification import account_features, pool_scores  # noqa: E402
from mobtrace.analysis.paid_amplification.params import PaidAmplificationParams  # noqa: E402
from mobtrace.data.generator import generate  # noqa: E402

ROWS: list[tuple[str, float, float, str]] = []


def stage(name: str):
    return timed(ROWS, name, width=34)


def accuracy(args, params: PaidAmplificationParams) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with stage(f"generate {args.pr_scale:,} rows (seed {args.pr_seed})") as info:
            generated = generate(seed=args.pr_seed, scale=args.pr_scale, out_dir=folder, fmt="parquet")
            info["note"] = f"{generated.n_interactions:,} interactions"
        con = connect(folder / "pr.duckdb")
        con.execute(f"SET threads = {args.threads}")
        with stage("ingest + coordination (set-up)"):
            ingest_paths(con, [generated.interactions_path, generated.accounts_path])
            build_coaction_edges(con, CoactionParams())
            build_account_clusters(con, ClusterParams())
        with stage("paid_amplification at accuracy scale") as info:
            account_features(con, params)
            pools, flagged = pool_scores(con, params)
            info["note"] = f"{pools} pools, {flagged} accounts flagged"
        truth = list(csv.DictReader(open(generated.ground_truth_path, newline="")))
        negatives = list(csv.DictReader(open(generated.hard_negatives_path, newline="")))
        members = {r["account_id"] for r in truth if r["campaign_type"] == "paid_amplifier" and r["role"] == "member"}
        clients = {r["account_id"] for r in truth if r["campaign_type"] == "paid_amplifier" and r["role"] == "client"}
        flagged_ids = {a for (a,) in con.sql("SELECT account_id FROM account_signals WHERE signal = 'paid_amplification'").fetchall()}
        beneficiaries = {a for (a,) in con.sql("SELECT account_id FROM signal_beneficiaries WHERE signal = 'paid_amplification'").fetchall()}
        con.close()
    planted_pools = len({r["campaign_id"] for r in truth if r["campaign_type"] == "paid_amplifier"})
    _report("pool members", len(flagged_ids & members), len(flagged_ids), len(members), f"{planted_pools} planted pools")
    _report("clients as beneficiaries", len(beneficiaries & clients), len(beneficiaries), len(clients), "")
    by_kind = Counter((r["kind"], r["role"]) for r in negatives)
    hit = Counter((r["kind"], r["role"]) for r in negatives if r["account_id"] in flagged_ids | beneficiaries)
    line = ", ".join(f"{kind}/{role} {hit[(kind, role)]} of {n}" for (kind, role), n in sorted(by_kind.items()))
    print(f"hard negatives flagged or listed as beneficiaries: {line}", flush=True)
    ROWS.append(("hard negatives flagged/listed", float(sum(hit.values())), float("nan"), line))


def _report(what: str, hits: int, found: int, planted: int, note: str) -> None:
    precision = hits / found if found else float("nan")
    recall = hits / planted if planted else float("nan")
    print(f"{what}: precision {precision:.3f} ({hits} of {found}), recall {recall:.3f} ({hits} of {planted}) {note}", flush=True)
    ROWS.append((f"{what}: precision / recall", precision, recall, f"{hits} of {found} found, {hits} of {planted} planted; {note}"))


def speed(args, params: PaidAmplificationParams) -> None:
    database = args.out / "bench_paid.duckdb"
    con = workload_database(database, args.n, stage, args.memory_limit, args.threads)
    with stage("add for-hire pools (set-up)") as info:
        con.execute(PLANT_POOLS, {"pools": args.pools, "size": args.pool_size, "clients": args.pool_clients})
        info["note"] = f"{args.pools} pools of {args.pool_size} accounts, {args.pool_clients} clients each"
    with stage("co_repost + clusters (set-up)") as info:
        edges = build_coaction_edges(con, CoactionParams(behaviours=("co_repost",)))
        clusters, _ = build_account_clusters(con, ClusterParams())
        info["note"] = f"{edges:,} edges, {clusters:,} clusters"
    first = len(ROWS)
    with stage("account_features") as info:
        info["note"] = f"{account_features(con, params):,} accounts"
    with stage("pool_scores") as info:
        pools, flagged = pool_scores(con, params)
        jobs = con.sql("SELECT count(*) FROM amplification_jobs").fetchall()[0][0]
        info["note"] = f"{jobs:,} jobs, {pools} pools, {flagged} accounts flagged"
    timed = ROWS[first:]
    hits, found = con.sql("SELECT count(*) FILTER (WHERE account_id LIKE 'pool%'), count(*) FROM account_signals "
                          "WHERE signal = 'paid_amplification'").fetchall()[0]
    _report(f"added pool members at {args.n:,}", hits, found, args.pools * args.pool_size, "(organic accounts flagged lower the precision)")
    total = sum(row[1] for row in timed)
    peak = max(row[2] for row in timed)
    ROWS.append((f"TOTAL features + pools, {args.n:,} interactions", total, peak, f"target 30 s, 4 GiB; {args.threads} threads"))
    print(f"TOTAL features + pools: {total:.1f} s, peak RSS {peak:.2f} GiB", flush=True)
    con.close()
    database.unlink(missing_ok=True)


PLANT_POOLS = """
INSERT INTO interactions (platform, event_id, account_id, action, ts, target_account_id, target_post_id, urls, hashtags,
                          mentions, source_file, source_line)
WITH authors AS (
    SELECT account_id, list(event_id ORDER BY ts, event_id)[1:8] AS posts, list(ts ORDER BY ts, event_id)[1:8] AS times
    FROM interactions WHERE action = 'post' GROUP BY account_id HAVING count(*) >= 8
    ORDER BY hash(account_id), account_id LIMIT $pools * $clients
),
jobs AS (
    SELECT (row_number() OVER (ORDER BY hash(account_id), account_id) - 1) // $clients AS pool, account_id AS client,
           unnest(posts) AS post, unnest(times) AS posted
    FROM authors
)
SELECT 'synthetic', 'paid' || pool || '_' || m || '_' || post, 'pool' || pool || '_' || m, 'repost',
       posted + to_microseconds(CAST((5 + hash(pool, m) % 20) * 1000000 + hash(post, m) % 2000000 AS BIGINT)),
       client, post, [], [], [], 'bench', 0
FROM jobs, range($size) AS t(m)
WHERE hash(pool, m, post, 'joins') % 10 < 9
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000_000, help="interactions of the speed workload")
    parser.add_argument("--out", type=Path, default=ROOT / "bench_out")
    parser.add_argument("--pr-scale", type=int, default=1_000_000, help="rows of the generated platform for accuracy (0: skip)")
    parser.add_argument("--pr-seed", type=int, default=21)
    parser.add_argument("--pools", type=int, default=40, help="for-hire pools added to the speed workload")
    parser.add_argument("--pool-size", type=int, default=25)
    parser.add_argument("--pool-clients", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="3GB")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.platform()}, {psutil.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.0f} GiB; "
          f"python {platform.python_version()}", flush=True)
    params = PaidAmplificationParams()
    if args.pr_scale:
        accuracy(args, params)
    if args.n:
        speed(args, params)
    print("\n| stage | wall s (or precision) | peak RSS GiB (or recall) | note |\n|---|---:|---:|---|")
    for name, first, second, note in ROWS:
        print(f"| {name} | {first:.3f} | {second:.3f} | {note} |" if "precision" in name else f"| {name} | {first:.1f} | {second:.2f} | {note} |")


if __name__ == "__main__":
    main()
