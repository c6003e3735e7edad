"""``mobtrace run --compat cnt`` against coordination-network-toolkit 1.5.2 on one CNT-layout CSV of retweets.

Usage: .venv/bin/python bench/bench_cnt.py [--n 2500000] [--runs 3] [--out bench_out] [--peer /work/base/.venv/bin/python]

Both tools are run as a user runs them, each a fresh process (sub-processes) from the CSV file to its edges:

- mobtrace: ``mobtrace run --compat cnt FILE --window 60 --min-weight 2 --cnt-behaviours co_retweet`` on a new
  database (ingest with quarantine, the co-retweet network, ``coaction_edges.csv``);
- CNT: ``compute_networks DB preprocess --format csv FILE`` then ``compute_networks DB compute co_retweet
  --time_window 60 --min_edge_weight 2 --n_cpus 2 --output_file edges.csv`` on a new SQLite file.

The ingest part is also timed alone ("mobtrace ingest": ``ingest_paths`` of the file into a new database in a
fresh process, what the run starts with); ``--peer PYTHON`` adds the same run and ingest by another install's
mobtrace (the previous version: ``/work/base/.venv/bin/python``), its edges checked to be mobtrace's.

The runs alternate (mobtrace, CNT, mobtrace, ...: both see the same machine load) and the medians and their
ratio are printed (target: mobtrace >= 10x faster). Every run's edges are checked to be the same: mobtrace's
``coaction_edges.csv`` against CNT's ``co_retweet_network`` table without self-loops (CNT's own export
leaves those out too), as sets of (source, target) with equal weights. Peak RSS is the largest sum over the
process and its children (CNT computes with worker processes), sampled every 50 ms.

The file (generated once, seeded, kept in ``--out``): retweets only, over 30 days, by accounts of Zipf-like
activity (40 retweets each on average); the retweet counts of the original tweets are heavy-tailed (Lomax,
3,000 at most) and a cascade's retweets follow it with log-normal delays (median an hour); 60 coordinated
groups of 25 accounts retweet the same 40 tweets within 20 s of each other. Integer Unix seconds, as CNT's
documentation asks. At 2.5M rows it gives about 175,000 directed co-retweet edges (weight >= 2 within 60 s),
the order of the 250,036 of the 2.46M IRA tweets in issue #19.
"""

from __future__ import annotations

import argparse
import csv
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import psutil
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
START = 1_735_689_600  # 2025-01-01 UTC
WINDOW, MIN_WEIGHT = 60, 2
# the workload's shape (see the docstring)
RETWEETS_PER_ACCOUNT = 40            # on average; Zipf-like (exponent 0.9) over the accounts
RETWEET_COUNT_TAIL = (1.4, 3, 3_000)  # retweets of a tweet: 1 + Lomax(shape) * scale, at most the cap
DELAY_MEDIAN, DELAY_SIGMA = 3_600, 2.0  # seconds from a tweet to its retweets: log-normal


# --- the workload -----------------------------------------------------------------------------------------


def generate_cnt_csv(path: Path, n: int = 2_500_000, seed: int = 0, days: int = 30, groups: int = 60,
                     group_size: int = 25, group_tweets: int = 40) -> Path:
    """Write ``n`` retweets in CNT's CSV layout to ``path`` (see the module's docstring) and return it."""
    rng = np.random.default_rng(seed)
    n_accounts, span = max(n // RETWEETS_PER_ACCOUNT, 1_000), days * 86_400
    coordinated = groups * group_size * group_tweets
    organic = n - coordinated
    # heavy-tailed retweet counts: tweets are drawn until their counts add up to the organic retweets
    shape, scale, cap = RETWEET_COUNT_TAIL
    counts = np.minimum(np.ceil(rng.pareto(shape, size=organic) * scale).astype(np.int64) + 1, cap)
    counts = counts[: int(np.searchsorted(np.cumsum(counts), organic)) + 1]
    counts[-1] -= int(counts.sum()) - organic
    n_tweets = len(counts)
    tweet_author = _zipf(rng, n_accounts, n_tweets, 0.9)
    tweet_time = START + rng.integers(0, span, size=n_tweets)

    tweet = np.repeat(np.arange(n_tweets), counts)
    delay = np.minimum(rng.lognormal(np.log(DELAY_MEDIAN), DELAY_SIGMA, size=organic), 7 * 86_400).astype(np.int64)
    user = _zipf(rng, n_accounts, organic, 0.9)
    when = tweet_time[tweet] + 1 + delay

    # coordinated groups: their own accounts, each group retweeting the same tweets within 20 s of its leader
    member = n_accounts + np.arange(groups * group_size).reshape(groups, group_size)
    chosen = rng.integers(0, n_tweets, size=(groups, group_tweets))
    lead = tweet_time[chosen] + rng.integers(30, 6 * 3_600, size=(groups, group_tweets))
    g_tweet = np.broadcast_to(chosen[:, None, :], (groups, group_size, group_tweets)).ravel()
    g_user = np.broadcast_to(member[:, :, None], (groups, group_size, group_tweets)).ravel()
    g_when = (np.broadcast_to(lead[:, None, :], (groups, group_size, group_tweets))
              + rng.integers(0, 21, size=(groups, group_size, group_tweets))).ravel()

    tweet, user, when = np.concatenate([tweet, g_tweet]), np.concatenate([user, g_user]), np.concatenate([when, g_when])
    # an account retweets a tweet once: a repeated (account, tweet) draw is moved to the account's next tweet
    key = user.astype(np.int64) * n_tweets + tweet
    _, first = np.unique(key, return_index=True)
    repeated = np.setdiff1d(np.arange(len(key)), first)
    tweet[repeated] = (tweet[repeated] + 1 + rng.integers(0, 1_000, size=len(repeated))) % n_tweets
    when[repeated] = tweet_time[tweet[repeated]] + 1 + rng.lognormal(np.log(DELAY_MEDIAN), DELAY_SIGMA, size=len(repeated)).astype(np.int64)
    order = np.argsort(when, kind="stable")
    tweet, user, when = tweet[order], user[order], when[order]

    texts = _texts(rng, n_tweets)
    table = pa.table({
        "message_id": pa.array(10**12 + np.arange(n)).cast(pa.string()),
        "user_id": pa.array(10**9 + user).cast(pa.string()),
        "user": pa.array(user),
        "author": pa.array(tweet_author[tweet]),
        "repost_id": pa.array(10**11 + tweet).cast(pa.string()),
        "tweet": pa.array(tweet),
        "timestamp": pa.array(when),
    })
    con = duckdb.connect()
    con.register("retweets", table)
    con.register("texts", pa.table({"tweet": np.arange(n_tweets), "text": texts}))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    con.execute(f"""COPY (SELECT r.message_id, r.user_id, 'user' || r.user AS username, r.repost_id, NULL::VARCHAR AS reply_id,
                                 'RT @user' || r.author || ': ' || t.text AS message, r.timestamp, NULL::VARCHAR AS urls
                          FROM retweets AS r JOIN texts AS t USING (tweet) ORDER BY r.timestamp, r.message_id)
                    TO '{partial}' (HEADER, DELIMITER ',')""")
    con.close()
    partial.rename(path)
    return path


def _zipf(rng: np.random.Generator, n_items: int, size: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n_items + 1) ** exponent
    return rng.permutation(n_items)[rng.choice(n_items, size=size, p=weights / weights.sum())]


def _texts(rng: np.random.Generator, n: int) -> list[str]:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = np.array(["".join(rng.choice(letters, size=rng.integers(2, 9))) for _ in range(5_000)])
    lengths = rng.integers(5, 16, size=n)
    words = vocab[rng.integers(0, len(vocab), size=int(lengths.sum()))]
    ends = np.cumsum(lengths)
    return [" ".join(words[end - length:end]) for end, length in zip(ends.tolist(), lengths.tolist())]


# --- running and checking ---------------------------------------------------------------------------------


def measured(command: list[str], log: Path) -> tuple[float, int, float]:
    """Run ``command`` (output to ``log``); its wall seconds, the peak RSS of it and its children in bytes, and
    the CPU seconds (user + system) of it and the children it waited for."""
    with open(log, "ab") as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        watched, peak = psutil.Process(process.pid), 0
        while process.poll() is None:
            try:
                tree = [watched, *watched.children(recursive=True)]
                peak = max(peak, sum(_rss(p) for p in tree))
            except psutil.NoSuchProcess:
                pass
            time.sleep(0.05)  # psutil walks every process for the children: a finer step costs a core
        seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} failed (exit {process.returncode}): see {log}")
    return seconds, peak, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.NoSuchProcess:
        return 0


INGEST_ONLY = ("import sys; from mobtrace.analysis.ingest import connect, ingest_paths; "
               "con = connect(sys.argv[2]); summary = ingest_paths(con, [sys.argv[1]], 'cnt')[0]; con.close(); "
               "assert summary.ingested > 0, summary")


def run_ingest(export: Path, work: Path, python: str = sys.executable) -> tuple[float, int, float]:
    """The ingest part alone (``ingest_paths`` of the file into a new database, as ``mobtrace run --compat cnt``
    starts), in a fresh process: seconds, peak RSS, CPU seconds."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    return measured([python, "-c", INGEST_ONLY, str(export), str(work / "ingest.duckdb")], work.parent / "ingest.log")


def run_mobtrace(export: Path, work: Path, mobtrace: list[str] | None = None) -> tuple[float, int, dict, float]:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    command = [*(mobtrace or _mobtrace()), "run", "--compat", "cnt", str(export), "--out", str(work), "--db", str(work / "run.duckdb"),
               "--window", str(WINDOW), "--min-weight", str(MIN_WEIGHT), "--cnt-behaviours", "co_retweet"]
    seconds, peak, cpu = measured(command, work.parent / "mobtrace.log")
    with open(work / "coaction_edges.csv", newline="", encoding="utf-8") as handle:
        edges = {(row["source"], row["target"]): int(row["weight"]) for row in csv.DictReader(handle)}
    return seconds, peak, edges, cpu


def run_cnt(export: Path, work: Path) -> tuple[float, int, dict, float]:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    database, log = work / "cnt.db", work.parent / "cnt.log"
    tool = str(BIN / "compute_networks")
    first = measured([tool, str(database), "preprocess", "--format", "csv", str(export)], log)
    second = measured([tool, str(database), "compute", "co_retweet", "--time_window", str(WINDOW), "--min_edge_weight",
                       str(MIN_WEIGHT), "--n_cpus", "2", "--output_file", str(work / "edges.csv")], log)
    with sqlite3.connect(database) as con:
        edges = {(a, b): w for a, b, w in con.execute("SELECT user_1, user_2, weight FROM co_retweet_network WHERE user_1 != user_2")}
    return first[0] + second[0], max(first[1], second[1]), edges, first[2] + second[2]


def _mobtrace() -> list[str]:
    script = BIN / "mobtrace"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "mobtrace.pipelines.cli"]


def same_edges(ours: dict, theirs: dict) -> str:
    """'' when both have the same edges with the same weights, else a sentence saying how they differ."""
    if ours == theirs:
        return ""
    only_ours, only_theirs = ours.keys() - theirs.keys(), theirs.keys() - ours.keys()
    weights = sum(1 for key in ours.keys() & theirs.keys() if ours[key] != theirs[key])
    return f"{len(only_ours):,} edges only in mobtrace's, {len(only_theirs):,} only in CNT's, {weights:,} with other weights"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2_500_000, help="retweets in the file")
    parser.add_argument("--runs", type=int, default=3, help="runs of each tool, alternating")
    parser.add_argument("--out", type=Path, default=ROOT / "bench_out")
    parser.add_argument("--peer", metavar="PYTHON", help="also run another install's mobtrace (e.g. /work/base/.venv/bin/python: "
                        "the previous version), alternating, with its ingest part")
    args = parser.parse_args()

    export = args.out / f"cnt_retweets_{args.n}.csv"
    if not export.exists():
        start = time.perf_counter()
        generate_cnt_csv(export, n=args.n)
        print(f"generated {export.name} in {time.perf_counter() - start:.1f} s (not timed)", flush=True)
    work = args.out / "cnt_compare"
    work.mkdir(parents=True, exist_ok=True)
    for log in ("mobtrace.log", "cnt.log"):
        (work / log).unlink(missing_ok=True)
    print(f"{args.n:,} retweets, {export.stat().st_size / 2**20:,.0f} MiB; {psutil.cpu_count()} CPUs; "
          f"co_retweet, window {WINDOW} s, min weight {MIN_WEIGHT}", flush=True)

    names = ["mobtrace", "mobtrace ingest", *(["peer", "peer ingest"] if args.peer else []), "CNT 1.5.2"]
    times: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    peaks: dict[str, list[int]] = {name: [] for name in names}
    problems = []
    for run in range(1, args.runs + 1):
        ours = run_mobtrace(export, work / "mobtrace")
        measures = {"mobtrace": ours, "mobtrace ingest": run_ingest(export, work / "ingest")}
        if args.peer:
            peer = run_mobtrace(export, work / "peer", [str(Path(args.peer).parent / "mobtrace")])
            measures |= {"peer": peer, "peer ingest": run_ingest(export, work / "peer_ingest", args.peer)}
            difference = same_edges(peer[2], ours[2])
            problems += [f"run {run}: the peer's edges differ from mobtrace's: {difference}"] if difference else []
        theirs = run_cnt(export, work / "cnt")
        measures["CNT 1.5.2"] = theirs
        for name, (seconds, peak, *rest) in measures.items():
            times[name].append(seconds)
            cpu[name].append(rest[-1])
            peaks[name].append(peak)
        difference = same_edges(ours[2], theirs[2])
        problems += [f"run {run}: {difference}"] if difference else []
        print("        " + "   ".join(f"{name} {times[name][-1]:.1f} s ({cpu[name][-1]:.1f} CPU-s, {peaks[name][-1] / 2**30:.2f} GiB)"
                                      for name in names if name not in ("mobtrace", "CNT 1.5.2")), flush=True)
        print(f"run {run}: mobtrace {ours[0]:6.1f} s ({ours[3]:.1f} CPU-s, {ours[1] / 2**30:.2f} GiB)   CNT {theirs[0]:6.1f} s "
              f"({theirs[3]:.1f} CPU-s, {theirs[1] / 2**30:.2f} GiB)   edges: {len(ours[2]):,} mobtrace, {len(theirs[2]):,} CNT, "
              f"{'the same' if not difference else 'DIFFERENT: ' + difference}", flush=True)

    ours_median, theirs_median = statistics.median(times["mobtrace"]), statistics.median(times["CNT 1.5.2"])
    ratio = theirs_median / ours_median
    print("\n| --compat cnt, 2 cores | median wall s | runs | median CPU s | peak RSS GiB (max) |\n|---|---:|---|---:|---:|")
    for name in times:
        print(f"| {name} | {statistics.median(times[name]):.1f} | {', '.join(f'{t:.1f}' for t in times[name])} | "
              f"{statistics.median(cpu[name]):.1f} | {max(peaks[name]) / 2**30:.2f} |")
    cpu_ratio = statistics.median(cpu["CNT 1.5.2"]) / statistics.median(cpu["mobtrace"])
    print(f"CPU seconds ratio CNT / mobtrace (medians): {cpu_ratio:.1f}x (less sensitive to other load on the machine)")
    print(f"speed ratio CNT / mobtrace (medians): {ratio:.1f}x (target >= 10x: {'met' if ratio >= 10 else 'NOT met'}); "
          f"edges {'the same in every run' if not problems else 'DIFFERENT'} ({len(theirs[2]):,} directed co-retweet edges)")
    if problems:
        raise SystemExit("mobtrace's edges differ from CNT's: " + "; ".join(problems))


if __name__ == "__main__":
    main()
