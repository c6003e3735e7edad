"""Benchmark of the co-action step on DuckDB and on Spark (issue #16): the same data, the same call, equal tables.

    .venv/bin/python bench/bench_engine.py                     # 1M interactions, both engines (make bench)
    .venv/bin/python bench/bench_engine.py --rows 100000       # smaller
    .venv/bin/python bench/bench_engine.py --10m               # 10M interactions
    .venv/bin/python bench/bench_engine.py --engines duckdb    # one engine only (no comparison)

The workload is bench/workload.py's (``workload_<rows>.parquet`` in ``--out``, generated when missing, as
bench_coordination.py makes it). Each engine runs in a process of its own (so that one's memory does not
count in the other's peak): the workload is loaded into a fresh DuckDB file (set-up, timed apart), then the
co-action step with every default behaviour (``CoactionParams()``: all ten, fixed 60 s window, null model
at alpha 0.01) runs through ``build_coaction_edges(con, params, execution=EngineSettings(engine=...))``:
on DuckDB in the database itself; on Spark (``local[2]`` by default, UI off) through the Parquet bridge
(``interactions`` and ``accounts`` out as Parquet, the step on a ``SparkEngine``, the five output tables
loaded back). Starting the SparkSession (the JVM) is timed apart from the step.

Printed per engine: wall seconds, CPU seconds and peak RSS of the process tree (Python, and for Spark the
JVM and its Python workers: RSS summed over the tree, sampled every 50 ms; CPU counted for the processes
alive at the end, plus the children already waited for), the time of each step of the co-action call
(inputs and behaviours, from its ``progress`` callback), and the Spark/DuckDB ratio. Then the five output
tables are compared row for row (``EXCEPT ALL`` both ways, every column, floats to the bit). On Spark the
engine's per-statement profile (``SparkEngine.profile``: seconds per SQL file or calling function) gives
what dominates; the top items are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from workload import fresh_database, generate, load  # noqa: E402

OUTPUT_TABLES = ("coaction_edges", "coaction_evidence", "coaction_pairs", "coaction_accounts", "coaction_windows_used")


class Tree:
    """Wall time, CPU time and peak RSS of this process and its descendants (the JVM, Spark's Python workers)."""

    def __init__(self):
        self.root = psutil.Process()
        self.peak, self.peak_python, self.done = 0, 0, threading.Event()
        self.cpu_start = self.cpu()
        self.start = time.perf_counter()
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sample()
        self.sampler.start()

    def processes(self) -> list[psutil.Process]:
        return [self.root, *self.root.children(recursive=True)]

    def cpu(self) -> float:
        total = 0.0
        for process in self.processes():
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system
            if process is self.root:
                total += times.children_user + times.children_system
        return total

    def sample(self) -> None:
        rss = 0
        for process in self.processes():
            try:
                rss += process.memory_info().rss
            except psutil.Error:
                continue
        self.peak = max(self.peak, rss)
        self.peak_python = max(self.peak_python, self.root.memory_info().rss)

    def _sample(self) -> None:
        while not self.done.wait(0.05):
            self.sample()

    def stop(self) -> dict:
        self.sample()
        self.done.set()
        self.sampler.join()
        return {"wall_s": time.perf_counter() - self.start, "cpu_s": self.cpu() - self.cpu_start,
                "peak_rss_gib": self.peak / 2**30, "peak_rss_python_gib": self.peak_python / 2**30}


def child(args) -> None:
    """One engine: load the workload into a fresh database, run the co-action step, write the figures as JSON."""
    from mobtrace.analysis.coordination import build_coaction_edges
    from mobtrace.analysis.coordination.params import CoactionParams
    from mobtrace.analysis.engine.settings import EngineSettings

    database = args.out / f"engine_{args.child}_{args.rows}.duckdb"
    con = fresh_database(database, args.memory_limit)
    figures: dict = {"engine": args.child, "rows": args.rows, "load_average_start": os.getloadavg()}
    tree = Tree()
    figures["interactions"] = load(con, args.out / f"workload_{args.rows}.parquet")
    figures["load"] = tree.stop()

    spark = None
    if args.child == "spark":
        import shutil
        import tempfile

        from mobtrace.analysis.engine.spark import SparkEngine

        # the bridge's Parquet folder (tempfile.mkdtemp, which it leaves behind) goes under --out: measured, then removed
        bridge = args.out / "bridge"
        shutil.rmtree(bridge, ignore_errors=True)
        bridge.mkdir(parents=True)
        tempfile.tempdir = str(bridge)

        tree = Tree()
        spark = SparkEngine(args.master, shuffle_partitions=args.shuffle_partitions,
                            conf={"spark.driver.memory": args.spark_memory,
                                  "spark.local.dir": str(args.out / "spark-local"),
                                  **dict(item.split("=", 1) for item in args.spark_conf)})
        spark.profile = {}
        figures["session"] = tree.stop()

    steps, last = [], [time.perf_counter()]

    def progress(step: str) -> None:
        now = time.perf_counter()
        steps.append((step, now - last[0]))
        last[0] = now
        print(f"  [{args.child}] {step:<16} {steps[-1][1]:8.1f} s", flush=True)

    tree = Tree()
    edges = build_coaction_edges(con, CoactionParams(), progress,
                                 execution=EngineSettings(engine=args.child, spark_master=args.master), spark=spark)
    figures["step"] = tree.stop()
    steps.append(("after the last behaviour (outputs collected, loaded back)", time.perf_counter() - last[0]))
    figures["steps"] = steps
    figures["edges"] = edges
    figures["significant"] = con.sql("SELECT count(*) FROM coaction_edges WHERE significant").fetchall()[0][0]
    figures["load_average_end"] = os.getloadavg()
    if spark is not None:
        figures["profile"] = sorted(([label, n, seconds] for label, (n, seconds) in spark.profile.items()),
                                    key=lambda item: -item[2])
        figures["render_s"] = spark.render_seconds
        spark.spark.stop()
        figures["bridge_bytes"] = sum(f.stat().st_size for f in bridge.rglob("*") if f.is_file())
        shutil.rmtree(bridge, ignore_errors=True)
    con.close()
    figures["database_bytes"] = database.stat().st_size  # the DuckDB file: interactions and the five outputs
    (args.out / f"engine_{args.child}_{args.rows}.json").write_text(json.dumps(figures, indent=1))


def compare(out: Path, rows: int) -> list[tuple[str, int, int, int, int]]:
    """(table, rows on DuckDB, rows on Spark, rows only on DuckDB, rows only on Spark) for each output table."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"ATTACH '{out / f'engine_duckdb_{rows}.duckdb'}' AS d (READ_ONLY)")
    con.execute(f"ATTACH '{out / f'engine_spark_{rows}.duckdb'}' AS s (READ_ONLY)")
    result = []
    for table in OUTPUT_TABLES:
        count_d, count_s = (con.sql(f"SELECT count(*) FROM {db}.{table}").fetchall()[0][0] for db in "ds")
        only_d = con.sql(f"SELECT count(*) FROM (FROM d.{table} EXCEPT ALL FROM s.{table})").fetchall()[0][0]
        only_s = con.sql(f"SELECT count(*) FROM (FROM s.{table} EXCEPT ALL FROM d.{table})").fetchall()[0][0]
        result.append((table, count_d, count_s, only_d, only_s))
    con.close()
    return result


def report(figures: dict, top: int) -> None:
    engine = figures["engine"]
    load_, step = figures["load"], figures["step"]
    print(f"\n{engine}: {figures['interactions']:,} interactions; load {load_['wall_s']:.1f} s (set-up, not in the step); "
          f"database file afterwards {figures['database_bytes'] / 2**20:,.0f} MiB")
    if "bridge_bytes" in figures:
        print(f"{engine}: the bridge's Parquet (inputs out, outputs back) {figures['bridge_bytes'] / 2**20:,.0f} MiB on disk")
    if "session" in figures:
        session = figures["session"]
        print(f"{engine}: SparkSession start {session['wall_s']:.1f} s wall, {session['cpu_s']:.1f} cpu-s (not in the step)")
    print(f"{engine}: co-action step {step['wall_s']:.1f} s wall, {step['cpu_s']:.1f} cpu-s, peak RSS "
          f"{step['peak_rss_gib']:.2f} GiB (tree), {step['peak_rss_python_gib']:.2f} GiB (Python); "
          f"{figures['edges']:,} edges, {figures['significant']:,} significant; load average "
          f"{figures['load_average_start'][0]:.1f} -> {figures['load_average_end'][0]:.1f}")
    for name, seconds in figures["steps"]:
        print(f"    {name:<58} {seconds:8.1f} s")
    if "profile" in figures:
        timed = sum(item[2] for item in figures["profile"])
        print(f"{engine}: top {top} of {len(figures['profile'])} statement sources (seconds in the engine, fetching "
              f"included; SQLGlot parsing and rendering {figures['render_s']:.1f} s in all; {timed:.1f} s timed of "
              f"{step['wall_s']:.1f} s, the rest is Python on the driver and the bridge's DuckDB side):")
        for label, statements, seconds in figures["profile"][:top]:
            print(f"    {label:<58} {statements:5d} stmts {seconds:8.1f} s  {seconds / step['wall_s']:5.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="interactions to generate (default 1M)")
    parser.add_argument("--10m", dest="ten_million", action="store_true", help="10M interactions (--rows 10000000)")
    parser.add_argument("--engines", default="duckdb,spark", help="comma-separated: duckdb, spark")
    parser.add_argument("--out", type=Path, default=ROOT / "bench_out")
    parser.add_argument("--memory-limit", default="3GB", help="DuckDB's memory_limit (both runs' databases)")
    parser.add_argument("--master", default="local[2]", help="Spark master URL")
    parser.add_argument("--spark-memory", default="4g", help="spark.driver.memory (in local mode, the executors')")
    parser.add_argument("--shuffle-partitions", type=int, default=4)
    parser.add_argument("--spark-conf", action="append", default=[], metavar="KEY=VALUE",
                        help="an extra Spark setting for the engine's session (repeatable), for experiments")
    parser.add_argument("--top", type=int, default=15, help="Spark statement sources to print")
    parser.add_argument("--child", choices=("duckdb", "spark"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ten_million:
        args.rows = 10_000_000
    args.out.mkdir(parents=True, exist_ok=True)
    if args.child:
        return child(args)

    print(f"machine: {platform.platform()}, {psutil.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.0f} GiB; "
          f"python {platform.python_version()}; load average {os.getloadavg()[0]:.1f}", flush=True)
    workload = args.out / f"workload_{args.rows}.parquet"
    if not workload.exists():
        start = time.perf_counter()
        generate(workload, n=args.rows)
        print(f"generated {workload.name} in {time.perf_counter() - start:.1f} s (not timed)", flush=True)
    print(f"workload: {workload} ({workload.stat().st_size / 2**20:,.0f} MiB of Parquet)", flush=True)
    engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    figures = {}
    for engine in engines:
        result = args.out / f"engine_{engine}_{args.rows}.json"
        result.unlink(missing_ok=True)
        command = [sys.executable, __file__, "--child", engine, "--rows", str(args.rows), "--out", str(args.out),
                   "--memory-limit", args.memory_limit, "--master", args.master, "--spark-memory", args.spark_memory,
                   "--shuffle-partitions", str(args.shuffle_partitions),
                   *(f"--spark-conf={item}" for item in args.spark_conf)]
        print(f"\n--- {engine}: {' '.join(command[1:])}", flush=True)
        subprocess.run(command, check=True)
        figures[engine] = json.loads(result.read_text())
        report(figures[engine], args.top)

    if {"duckdb", "spark"} <= figures.keys():
        d, s = figures["duckdb"]["step"], figures["spark"]["step"]
        print(f"\nSpark/DuckDB, co-action step at {args.rows:,} rows: wall {s['wall_s'] / d['wall_s']:.1f}x, "
              f"CPU {s['cpu_s'] / max(d['cpu_s'], 1e-9):.1f}x, peak RSS {s['peak_rss_gib'] / d['peak_rss_gib']:.1f}x "
              f"(Spark's session start not included)")
        differences = 0
        print("\n| table | rows DuckDB | rows Spark | only DuckDB | only Spark |\n|---|---:|---:|---:|---:|")
        for table, count_d, count_s, only_d, only_s in compare(args.out, args.rows):
            differences += only_d + only_s + (count_d != count_s)
            print(f"| {table} | {count_d:,} | {count_s:,} | {only_d:,} | {only_s:,} |")
        print("tables equal: " + ("yes, row for row" if differences == 0 else "NO"), flush=True)
        if differences:
            sys.exit(1)
    print(f"load average of the machine now: {os.getloadavg()[0]:.1f} (1 min), {os.getloadavg()[1]:.1f} (5 min)")


if __name__ == "__main__":
    main()
