"""Benchmark of the burst detector (a benchmark, not a test): burst detection over every target of 10M interactions.

    .venv/bin/python bench/bench_burst.py                 # as reported: 10M interactions
    .venv/bin/python bench/bench_burst.py --scale 1000000  # quicker

The platform comes from data/generator.py (``--seed``, ``--scale`` rows as Parquet, written to ``bench_out/`` when
missing): organic accounts with replies, mentions, quotes and reports aimed at many targets, viral posts,
one planted pile-on per 100,000 rows and an organic viral moment against each pile-on's victim. It is ingested
once into ``bench_out/burst_<scale>_seed<seed>.duckdb`` (set-up, timed but not part of the figure); a copy of
that database is then used for the timed run, so every run starts from the same state. The figure is the
whole step ``build_bursts`` with default parameters, as the pipeline's ``burst_episodes`` asset runs it: the
inbound series of every target, both detectors on every discovered target, episodes, features, calls to action
and the signal rows. The coordination clusters are not built here (they belong to the coordination
benchmark), so the ``clustered`` feature is 0 for everyone. Printed: wall and CPU seconds, peak RSS of the
process (sampled every 20 ms), the time of each stage, the targets and episodes found, precision and recall
of the planted pile-on members among the accounts flagged ``burst`` (ground_truth.csv), and the flagged
accounts by planted campaign (members of other planted attacks on a victim, such as a mass-report wave, are
flagged too: a report wave is a pile-on of reports). DuckDB gets ``--threads`` threads
(default 2) and ``--memory-limit`` (default 3GB).
"""

from __future__ import annotations

import argparse
import csv
import platform
import shutil
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from mobtrace.analysis.burst import BurstParams, build_bursts  # noqa: E402
from mobtrace.analysis.ingest import connect, ingest_paths  # noqa: E402
from mobtrace.data.generator import generate  # noqa: E402


def measured(function, *args):
    """Run ``function(*args)``: its result, wall seconds, CPU seconds and this process's peak RSS (bytes)."""
    process, done = psutil.Process(), threading.Event()
    peak = [process.memory_info().rss]

    def sample():
        while not done.wait(0.02):
            peak[0] = max(peak[0], process.memory_info().rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu, wall = sum(process.cpu_times()[:2]), time.perf_counter()
    try:
        result = function(*args)
    finally:
        done.set()
        sampler.join()
    return result, time.perf_counter() - wall, sum(process.cpu_times()[:2]) - cpu, max(peak[0], process.memory_info().rss)


def prepared_database(args) -> tuple[Path, Path]:
    """The generated platform's folder and its ingested database, made when missing."""
    folder = args.out / f"generated_{args.scale}_seed{args.seed}"
    if not (folder / "interactions.parquet").is_file():
        print(f"generating {args.scale:,} rows into {folder} ...", flush=True)
        start = time.perf_counter()
        generate(seed=args.seed, scale=args.scale, out_dir=folder, fmt="parquet")
        print(f"  generated in {time.perf_counter() - start:.1f} s", flush=True)
    database = args.out / f"burst_{args.scale}_seed{args.seed}.duckdb"
    if not database.is_file():
        print(f"ingesting into {database} ...", flush=True)
        start = time.perf_counter()
        partial = database.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        con = connect(str(partial))
        ingest_paths(con, [folder / "interactions.parquet", folder / "accounts.csv"])
        con.close()
        partial.rename(database)
        print(f"  ingested in {time.perf_counter() - start:.1f} s", flush=True)
    return folder, database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="3GB")
    parser.add_argument("--out", type=Path, default=ROOT / "bench_out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    folder, database = prepared_database(args)
    work = args.out / "burst_run.duckdb"
    shutil.copyfile(database, work)
    con = connect(str(work))
    con.execute(f"SET threads = {args.threads}")
    con.execute(f"SET memory_limit = '{args.memory_limit}'")
    interactions = con.execute("SELECT count(*) FROM interactions").fetchall()[0][0]
    stages, last = [], [time.perf_counter()]

    def progress(stage: str) -> None:
        now = time.perf_counter()
        stages.append(f"{stage} {now - last[0]:.1f}")
        last[0] = now

    (episodes, concerted, flagged), wall, cpu, peak = measured(build_bursts, con, BurstParams(), progress)
    targets = con.execute("SELECT count(*), count(*) FILTER (WHERE episodes > 0) FROM burst_targets").fetchall()[0]
    inbound = con.execute("SELECT count(*), count(DISTINCT (platform, target_kind, target_id)) FROM burst_inbound").fetchall()[0]
    burst = {a for (a,) in con.execute("SELECT account_id FROM account_signals WHERE signal = 'burst'").fetchall()}
    con.close()
    work.unlink(missing_ok=True)
    with open(folder / "ground_truth.csv", newline="") as handle:
        truth = [row for row in csv.DictReader(handle) if row["role"] == "member"]
    members = {row["account_id"] for row in truth if row["campaign_type"] == "pile_on"}
    kind_of = {row["account_id"]: row["campaign_type"] for row in truth}
    kinds = Counter(kind_of.get(account, "organic") for account in burst)
    print(f"burst detection over every target of {interactions:,} interactions "
          f"({platform.python_implementation()} {platform.python_version()}, {psutil.cpu_count()} CPUs, {args.threads} DuckDB threads)")
    print(f"  inbound events {inbound[0]:,} to {inbound[1]:,} targets; analysed {targets[0]:,}, with an episode {targets[1]:,}")
    print(f"  episodes {episodes:,}, concerted {concerted:,}, accounts flagged burst {flagged:,}")
    print(f"  wall {wall:.1f} s (target 30 s), CPU {cpu:.1f} s, peak RSS {peak / 2**30:.2f} GiB (target 4 GiB)")
    print(f"  stages (s): {', '.join(stages)}")
    hits = len(burst & members)
    print(f"  planted pile-on members: recall {hits / max(len(members), 1):.3f} ({hits} of {len(members)}), "
          f"precision {hits / max(len(burst), 1):.3f} ({hits} of {len(burst)} flagged)")
    print(f"  flagged by planted campaign: {', '.join(f'{kind} {n:,}' for kind, n in kinds.most_common())}")


if __name__ == "__main__":
    main()
