"""Benchmark of the coordination detectors (a benchmark, not a test): wall time and peak RSS per stage.

    .venv/bin/python bench/bench_coordination.py                 # 10M interactions, as reported
    .venv/bin/python bench/bench_coordination.py --n 1000000 --cnt   # smaller, plus the CNT comparison

Stages: generate the skewed workload (bench/workload.py: Zipf accounts, heavy-tailed reposts with posts
reposted 100,000 times over hours, multilingual texts, links, hashtags, campaigns; not timed), load the
file into a DuckDB file, then all exact behaviours in one ``coaction_edges(alpha=0.01)`` call as the pipeline
makes it (each input some behaviours share, split URLs, hashtags or texts, before the first of them, and
each behaviour's edges, significance test and evidence, timed through its ``progress`` callback), the
clusters as the pipeline makes them (``account_clusters``: the multiplex graph and seeded Louvain) and the
cluster statistics. The headline, ``TOTAL file -> clusters``, is the whole path from the workload's file on
disk to the clusters, loading included; the co-action part alone is printed below it. Near-duplicate text
over ``--near-posts`` posts comes after, outside the total. With
``--cnt`` it also runs coordination-network-toolkit 1.5.2 (bench/cnt_oracle.py) and mobtrace's identical
``--compat cnt`` mode on the same workload for a speed ratio.

The connection uses ``memory_limit`` (default 3GB) and a ``temp_directory`` so DuckDB spills to disk
instead of failing; peak RSS is sampled every 20 ms per stage, and the process's CPU seconds are reported
next to wall seconds (on a shared machine the wall time also measures the neighbours). So is each stage's
*idle-machine bound*: the larger of its busiest thread's CPU seconds and its CPU seconds over the cores, the
least wall time the stage could take on this machine with no neighbours (a single-threaded step shows as a
bound equal to its CPU time), which does not depend on how busy the machine was.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from workload import fresh_database, generate, load  # noqa: E402

from mobtrace.analysis.coordination.cluster_stats import cluster_stats  # noqa: E402
from mobtrace.analysis.coordination.clusters import account_clusters  # noqa: E402
from mobtrace.analysis.coordination.coaction import coaction_edges  # noqa: E402
from mobtrace.analysis.ingest import connect  # noqa: E402

EXACT = ("co_repost", "co_link", "co_domain", "co_hashtag", "co_hashtag_seq", "co_reply", "co_mention", "co_text")
ROWS: list[tuple[str, float, float, float, str, float]] = []  # name, wall s, CPU s, peak GiB, note, idle bound s


class Stage:
    """A running stage: wall and CPU time from now, and this process's RSS sampled every 20 ms; named when
    it stops (a step of coaction_edges is known once it reports itself done)."""

    def __init__(self):
        self.process = psutil.Process()
        self.peak, self.done = self.process.memory_info().rss, threading.Event()
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()
        self.start, self.cpu_start = time.perf_counter(), _cpu_seconds(self.process)
        self.threads_start = _thread_cpu_seconds(self.process)

    def _sample(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def stop(self, name: str, note: str = "") -> None:
        elapsed = time.perf_counter() - self.start
        cpu = _cpu_seconds(self.process) - self.cpu_start
        busiest = max((seconds - self.threads_start.get(thread, 0.0)
                       for thread, seconds in _thread_cpu_seconds(self.process).items()), default=0.0)
        self.done.set()
        self.sampler.join()
        bound = max(busiest, cpu / (psutil.cpu_count() or 1))
        ROWS.append((name, elapsed, cpu, max(self.peak, self.process.memory_info().rss) / 2**30, note, bound))
        print(f"{name:<28} {elapsed:8.1f} s {cpu:8.1f} cpu-s {bound:8.1f} s idle bound  {ROWS[-1][3]:6.2f} GiB  {note}",
              flush=True)


@contextmanager
def stage(name: str, note: str = ""):
    """Time the block as one stage; the block may set info["note"]."""
    running, info = Stage(), {"note": note}
    try:
        yield info
    finally:
        running.stop(name, info["note"])


def exact_behaviours(con, args) -> None:
    """All exact behaviours in one coaction_edges call, as the pipeline runs them, one stage per step."""
    running = [Stage()]

    def step_done(step: str) -> None:
        if not step.startswith("co_"):
            running[0].stop(f"input: {step}")
        else:
            running[0].stop(f"{step} + significance", behaviour_note(con))
        running[0] = Stage()

    coaction_edges(con, window_seconds=args.window, min_weight=args.min_weight, behaviours=EXACT, alpha=args.alpha,
                   seed=0, progress=step_done)
    running[0].stop("collect outputs")


def behaviour_note(con) -> str:
    actions, edges, significant, pairs = con.sql(
        """SELECT (SELECT count(*) FROM coaction_actions), (SELECT count(*) FROM coaction_edges),
                  (SELECT count(*) FROM coaction_edges WHERE significant), (SELECT count(*) FROM coaction_pairs)"""
    ).fetchall()[0]
    return f"{actions:,} actions, {edges:,} edges, {significant:,} significant, {pairs:,} evidence pairs"


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def _thread_cpu_seconds(process: psutil.Process) -> dict[int, float]:
    return {thread.id: thread.user_time + thread.system_time for thread in process.threads()}


def add_total(name: str, rows: list, note: str) -> None:
    """A row summing the wall and CPU seconds of ``rows`` (consecutive stages), with their peak RSS."""
    total = (name, sum(row[1] for row in rows), sum(row[2] for row in rows), max(row[3] for row in rows), note,
             sum(row[5] for row in rows))
    ROWS.append(total)
    print(f"{name:<28} {total[1]:8.1f} s {total[2]:8.1f} cpu-s {total[5]:8.1f} s idle bound  {total[3]:6.2f} GiB  {note}",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000_000, help="interactions to generate")
    parser.add_argument("--out", type=Path, default=ROOT / "bench_out")
    parser.add_argument("--window", type=float, default=60)
    parser.add_argument("--min-weight", type=int, default=3)
    parser.add_argument("--alpha", type=float, default=0.01, help="false discovery rate of the null model")
    parser.add_argument("--memory-limit", default="3GB")
    parser.add_argument("--near-posts", type=int, default=1_000_000, help="posts for the near-duplicate stage")
    parser.add_argument("--cnt", action="store_true", help="also run coordination-network-toolkit for a speed ratio")
    parser.add_argument("--cnt-n", type=int, default=1_000_000, help="workload size for the CNT comparison")
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.platform()}, {psutil.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.0f} GiB; "
          f"python {platform.python_version()}; load average {os.getloadavg()[0]:.1f}", flush=True)
    workload = args.out / f"workload_{args.n}.parquet"
    if not workload.exists():
        with stage("generate workload (not timed)", str(workload.name)):
            generate(workload, n=args.n)
    database = args.out / "bench.duckdb"
    con = fresh_database(database, args.memory_limit)

    first = len(ROWS)
    with stage("load the file into DuckDB") as info:
        info["note"] = f"{load(con, workload):,} interactions from {workload.name}"
    exact_behaviours(con, args)
    with stage("clusters (multiplex graph, Louvain seed 42)") as info:
        info["note"] = f"{account_clusters(con, seed=42):,} clusters"
    with stage("cluster statistics") as info:
        info["note"] = f"{cluster_stats(con):,} clusters"
    add_total("TOTAL file -> clusters", ROWS[first:], "headline: the whole path, loading included")
    add_total("of which co-action, significance, clusters", ROWS[first + 1:-1], "the same without loading")
    print(f"load average of the machine now: {os.getloadavg()[0]:.1f} (1 min), {os.getloadavg()[1]:.1f} (5 min)", flush=True)

    con.execute(f"""CREATE OR REPLACE TEMP TABLE near_subset AS
                    SELECT * FROM interactions WHERE action IN ('post', 'reply', 'quote') AND text IS NOT NULL
                    ORDER BY hash(event_id) LIMIT {args.near_posts}""")
    con.execute("ALTER TABLE interactions RENAME TO interactions_all")
    con.execute("CREATE TEMP VIEW interactions AS SELECT * FROM near_subset")
    try:
        with stage("co_text_near") as info:
            shared = []  # (coaction_objects numbers only the objects of two or more accounts)

            def count_shared(step: str) -> None:
                if step == "co_text_near":
                    shared.append(con.sql("SELECT count(*) FROM coaction_objects").fetchall()[0][0])

            edges = coaction_edges(con, window_seconds=args.window, min_weight=args.min_weight, behaviours=("co_text_near",),
                                   alpha=None, progress=count_shared)
            info["note"] = f"{args.near_posts:,} posts, {shared[0]:,} texts of two or more accounts, {edges:,} edges"
    finally:
        con.execute("DROP VIEW interactions")
        con.execute("ALTER TABLE interactions_all RENAME TO interactions")
    con.close()

    if args.cnt:
        compare_with_cnt(args)
    print("\n| stage | wall s | CPU s | idle-machine bound s | peak RSS GiB | note |\n|---|---:|---:|---:|---:|---|")
    for name, seconds, cpu, rss, note, bound in ROWS:
        print(f"| {name.strip()} | {seconds:.1f} | {cpu:.1f} | {bound:.1f} | {rss:.2f} | {note} |")


def compare_with_cnt(args) -> None:
    """CNT 1.5.2 and mobtrace's --compat cnt on the same (smaller) workload, all four networks."""
    workload = args.out / f"workload_{args.cnt_n}_viral2.parquet"  # not the main workload: fewer viral posts
    if not workload.exists():
        generate(workload, n=args.cnt_n, viral=2)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "cnt_oracle.py"), str(workload), str(args.out / "cnt"),
                             "co_retweet,co_link,co_reply,co_tweet", str(int(args.window)), str(args.min_weight)],
                            capture_output=True, text=True, check=True)
    cnt_seconds = time.perf_counter() - start
    stages = [line for line in result.stdout.splitlines() if line.startswith("cnt_")]
    ROWS.append(("CNT 1.5.2 (4 networks)", cnt_seconds, float("nan"), float("nan"), "; ".join(stages), float("nan")))
    print(f"CNT 1.5.2 total {cnt_seconds:.1f} s: {stages}", flush=True)
    from mobtrace.analysis.compat.cnt import cnt_networks

    database = args.out / "cnt_compare.duckdb"
    database.unlink(missing_ok=True)
    con = connect(database)
    con.execute(f"SET memory_limit = '{args.memory_limit}'")
    with stage("mobtrace load for --compat cnt") as info:
        info["note"] = f"{load(con, workload):,} interactions"
    with stage("mobtrace --compat cnt (4 networks)") as info:
        frame = cnt_networks(con, time_window=args.window, min_edge_weight=args.min_weight)
        info["note"] = f"{len(frame):,} directed edges"
    ours_load, ours_compute = ROWS[-2][1], ROWS[-1][1]
    cnt_compute = sum(float(part.split()[1]) for part in stages if not part.startswith("cnt_preprocess"))
    for label, ratio in [("speed ratio CNT / mobtrace, loading included", cnt_seconds / (ours_load + ours_compute)),
                         ("speed ratio CNT / mobtrace, networks only", cnt_compute / ours_compute)]:
        ROWS.append((label, ratio, float("nan"), float("nan"), "same workload, same four networks", float("nan")))
        print(f"{label}: {ratio:.1f}x", flush=True)
    con.close()


if __name__ == "__main__":
    main()
