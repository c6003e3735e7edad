"""Benchmark of the mass-reporting detector (a benchmark, not a test): 1M report rows beside 10M interactions.

    .venv/bin/python bench/bench_mass_reporting.py                       # as reported
    .venv/bin/python bench/bench_mass_reporting.py --n 1000000 --reports 100000   # quicker

The interactions are the 10M-row workload of bench/workload.py (the same file bench_coordination.py writes to
``bench_out/``, generated when missing), loaded into DuckDB. ``--reports`` report rows are added (numpy, seed
``--seed``) in the proportions a platform sees, two thirds illegitimate but uncoordinated:

- trending: 2,000 controversial posts of the workload's accounts, each reported by a heavy-tailed number of
  accounts within about an hour, the reporters drawn by a lognormal habit (most report once or twice a month,
  a few serial reporters a few hundred times);
- legitimate: 20,000 spammers among the workload's accounts, each reported about 15 times over the month;
- the rest spread over the month and over the accounts;
- planted, to have work and a recall figure: ``--brigades`` one-shot brigades (25-45 accounts created two weeks
  before, one target, one hour, one reason) and ``--farms`` report farms (12 aged accounts hitting 10 targets,
  each time within 3 minutes).

Every reporter gets an accounts row with a creation date. Set-up, timed but not part of the figure: loading, the
report rows, and the co-action step for the ``co_report`` behaviour plus the clusters step (their own benchmarks
are bench_coordination.py's; the detector reads their co-report ties). The figure is one ``build_mass_reporting``
call with default parameters, as the pipeline makes it. DuckDB gets ``--threads`` threads (default 2) and
``--memory-limit``; peak RSS of the process is sampled every 20 ms per stage.
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from stages import timed  # noqa: E402
from workload import START_US, workload_database  # noqa: E402

from mobtrace.analysis.coordination import build_account_clusters, build_coaction_edges  # noqa: E402
from mobtrace.analysis.coordination.params import ClusterParams, CoactionParams  # noqa: E402
from mobtrace.analysis.mass_reporting import MassReportingParams, build_mass_reporting  # noqa: E402

ROWS: list[tuple[str, float, float, str]] = []
DAY_US = 86_400_000_000
REASONS = np.array(["spam", "scam", "harassment", "hate_speech", "misinformation", "impersonation", "other", "Spam", "hate speech"])


def stage(name: str):
    return timed(ROWS, name, width=44)


def _zipf(rng, n_items: int, size: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n_items + 1) ** exponent
    return rng.choice(n_items, size=size, p=weights / weights.sum())


def _reporters(rng, accounts: int, size: int) -> np.ndarray:
    """Reporters drawn by a lognormal reporting habit over every account: most report once or twice a month, a
    few serial reporters a few hundred times."""
    habit = rng.lognormal(0, 1.6, accounts)
    return rng.choice(accounts, size=size, p=habit / habit.sum())


def report_log(n: int, accounts: int, posts: int, brigades: int, farms: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, set[str]]:
    """(reports, accounts, planted accounts): see the module docstring."""
    rng = np.random.default_rng(seed)
    span = 30 * DAY_US
    parts = []
    # trending: heavy-tailed report counts per post; serial reporters report much of what trends
    trending = int(0.6 * n)
    sizes = rng.lognormal(0, 1.0, 2000)
    per_post = np.maximum(1, (sizes / sizes.sum() * trending).astype(np.int64))
    post = np.repeat(np.arange(2000), per_post)
    born = START_US + rng.integers(0, span - DAY_US, 2000)
    parts.append(pd.DataFrame({
        "account_id": np.char.add("u", _reporters(rng, accounts, len(post)).astype(str)),
        "target_account_id": np.char.add("u", (post * 97 % accounts).astype(str)),
        "target_post_id": np.char.add("e", (post * 4_999 % posts).astype(str)),
        "ts_us": born[post] + rng.exponential(1_200e6, len(post)).astype(np.int64),
        "text": REASONS[rng.integers(2, 7, len(post))],
    }))
    # legitimate: spammers reported over the month
    legit = int(0.3 * n)
    spammer = rng.integers(0, 20_000, legit)
    parts.append(pd.DataFrame({
        "account_id": np.char.add("u", rng.integers(0, accounts, legit).astype(str)),
        "target_account_id": np.char.add("u", (10_000 + spammer * 13 % accounts).astype(str)),
        "target_post_id": None,
        "ts_us": START_US + rng.integers(0, span, legit),
        "text": REASONS[rng.integers(0, 2, legit)],
    }))
    planted: set[str] = set()
    created = []
    rows = []
    for b in range(brigades):
        members = [f"brig{b}_{m}" for m in range(int(rng.integers(25, 46)))]
        start = START_US + int(rng.integers(0, span - DAY_US))
        target = f"u{int(rng.integers(0, accounts))}"
        rows += [(m, target, None, start + int(rng.integers(0, 3_600_000_000)), "harassment") for m in members]
        created += [(m, start - 14 * DAY_US) for m in members]
        planted |= set(members)
    for f in range(farms):
        members = [f"farm{f}_{m}" for m in range(12)]
        for _ in range(10):
            start = START_US + int(rng.integers(0, span - DAY_US))
            target = f"u{int(rng.integers(0, accounts))}"
            rows += [(m, target, None, start + int(rng.integers(0, 180_000_000)), "hate_speech") for m in members]
        created += [(m, START_US - 700 * DAY_US) for m in members]
        planted |= set(members)
    parts.append(pd.DataFrame(rows, columns=["account_id", "target_account_id", "target_post_id", "ts_us", "text"]))
    rest = n - sum(len(p) for p in parts)
    parts.append(pd.DataFrame({
        "account_id": np.char.add("u", rng.integers(0, accounts, rest).astype(str)),
        "target_account_id": np.char.add("u", _zipf(rng, accounts, rest, 0.6).astype(str)),
        "target_post_id": None,
        "ts_us": START_US + rng.integers(0, span, rest),
        "text": REASONS[rng.integers(0, len(REASONS), rest)],
    }))
    reports = pd.concat(parts, ignore_index=True)
    reports["event_id"] = [f"rep{i}" for i in range(len(reports))]
    reporters = pd.unique(reports.account_id[~reports.account_id.isin(planted)])
    created += zip(reporters, START_US - rng.integers(60, 4_000, len(reporters)) * DAY_US)
    return reports, pd.DataFrame(created, columns=["account_id", "created_us"]), planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000_000, help="interactions of the workload")
    parser.add_argument("--reports", type=int, default=1_000_000, help="report rows added")
    parser.add_argument("--brigades", type=int, default=60)
    parser.add_argument("--farms", type=int, default=20)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench_out")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="3GB")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.platform()}, {psutil.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.0f} GiB; "
          f"python {platform.python_version()}", flush=True)
    database = args.out / "bench_mass_reporting.duckdb"
    con = workload_database(database, args.n, stage, args.memory_limit, args.threads)
    with stage("add report rows and accounts (set-up)") as info:
        accounts = max(args.n // 20, 100)
        posts = con.sql("SELECT count(*) FROM interactions WHERE action = 'post'").fetchall()[0][0]
        reports, created, planted = report_log(args.reports, accounts, max(posts, 1), args.brigades, args.farms, args.seed)
        con.register("bench_reports", reports)
        con.register("bench_created", created)
        con.execute("""INSERT INTO interactions (platform, event_id, account_id, action, ts, target_account_id, target_post_id, text,
                                                 urls, hashtags, mentions, source_file, source_line)
                       SELECT 'synthetic', event_id, account_id, 'report', make_timestamp(ts_us), target_account_id, target_post_id, text,
                              [], [], [], 'bench-reports', row_number() OVER () FROM bench_reports""")
        con.execute("INSERT INTO accounts (platform, account_id, created_at) SELECT 'synthetic', account_id, make_timestamp(created_us) "
                    "FROM bench_created")
        con.unregister("bench_reports")
        con.unregister("bench_created")
        info["note"] = f"{len(reports):,} reports, {len(created):,} accounts, {len(planted):,} planted"
    with stage("co_report edges + clusters (set-up)") as info:
        edges = build_coaction_edges(con, CoactionParams(behaviours=("co_report",)))
        clusters, _ = build_account_clusters(con, ClusterParams())
        info["note"] = f"{edges:,} co_report edges, {clusters:,} clusters"
    with stage("mass_reporting (the figure)") as info:
        waves, coordinated, flagged = build_mass_reporting(con, MassReportingParams())
        info["note"] = f"{waves:,} waves, {coordinated:,} coordinated, {flagged:,} accounts flagged"
    found = {a for (a,) in con.sql("SELECT account_id FROM account_signals WHERE signal = 'mass_reporting'").fetchall()}
    hits = len(found & planted)
    precision = hits / len(found) if found else float("nan")
    print(f"planted brigade and farm members: precision {precision:.3f} ({hits} of {len(found)}), "
          f"recall {hits / len(planted):.3f} ({hits} of {len(planted)})", flush=True)
    con.close()
    database.unlink(missing_ok=True)
    figure = ROWS[-1]
    print(f"\nmass_reporting on {args.reports:,} reports + {args.n:,} interactions: {figure[1]:.1f} s wall, peak RSS {figure[2]:.2f} GiB "
          f"(target 30 s; {args.threads} threads)")
    print("\n| stage | wall s | peak RSS GiB | note |\n|---|---:|---:|---|")
    for name, seconds, peak, note in ROWS:
        print(f"| {name} | {seconds:.1f} | {peak:.2f} | {note} |")


if __name__ == "__main__":
    main()
