"""How long ``mobtrace --help`` takes, as a user starts it (a fresh process each time).

Usage: .venv/bin/python bench/bench_startup.py [--runs 9] [--peer /work/base/.venv/bin/mobtrace]

Runs alternate between this tree's ``mobtrace`` and, when given (or when the frozen baseline of the session
exists at /work/base), a peer installation, so both see the same machine load; the medians are printed with
the target (<= 0.3 s) and, for a peer, the ratio. CPU seconds (user + system) are printed beside the wall
seconds: on a shared machine they vary less. ``python -c pass`` is timed the same way: the interpreter's own
start, which no change to mobtrace can remove.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
BASELINE = Path("/work/base/.venv/bin/mobtrace")
TARGET_SECONDS = 0.3


def seconds(command: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of ``command``."""
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--peer", type=Path, default=BASELINE if BASELINE.is_file() else None,
                        help="another installation's mobtrace script to time alternately (default: the baseline, if present)")
    args = parser.parse_args()
    ours = BIN / "mobtrace"
    commands = {"mobtrace --help": [str(ours) if ours.is_file() else sys.executable, *([] if ours.is_file() else
                                    ["-m", "mobtrace.pipelines.cli"]), "--help"],
                "python -c pass": [sys.executable, "-c", "pass"]}
    if args.peer:
        commands[f"peer {args.peer} --help"] = [str(args.peer), "--help"]
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for name, command in commands.items():  # warm the file cache once, untimed
        seconds(command)
    for _ in range(args.runs):
        for name, command in commands.items():
            wall, used = seconds(command)
            times[name].append(wall)
            cpu[name].append(used)
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:<52} median {median:6.3f} s wall, {statistics.median(cpu[name]):6.3f} s CPU  "
              f"(wall min {min(times[name]):.3f}, max {max(times[name]):.3f}; {args.runs} runs)")
    ours_median = medians["mobtrace --help"]
    print(f"mobtrace --help: {ours_median:.3f} s median (target <= {TARGET_SECONDS} s: "
          f"{'met' if ours_median <= TARGET_SECONDS else 'NOT met'})", end="")
    peer = next((name for name in medians if name.startswith("peer ")), None)
    print(f"; the peer's {medians[peer]:.3f} s, {medians[peer] / ours_median:.1f}x slower" if peer else "")


if __name__ == "__main__":
    main()
