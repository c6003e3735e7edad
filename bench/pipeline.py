"""Whole-pipeline benchmark: ``mobtrace run`` on a generated set, wall time and peak RSS per run.

Each size runs in a child process (``/usr/bin/time``-style peak RSS from ``resource``), three times;
the median is printed with its ratio to the 100k run measured in the same script.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mobtrace.data.generator import generate


def run_once(inputs: list[Path], out: Path) -> tuple[float, float]:
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-m", "mobtrace.pipelines.cli", "run", *map(str, inputs), "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return time.perf_counter() - started, max(peak_kib, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for scale in args.scales:
            folder = Path(tmp) / f"gen{scale}"
            generate(seed=3, scale=scale, out_dir=folder, fmt="parquet")
            inputs = [folder / "interactions.parquet", folder / "accounts.csv"]
            runs = [run_once(inputs, Path(tmp) / f"out{scale}_{n}") for n in range(args.repeats)]
            results[scale] = (statistics.median(t for t, _ in runs), max(m for _, m in runs))
        base = results[args.scales[0]][0]
        print(f"{'interactions':>14} {'median wall s':>14} {'ratio':>7} {'peak RSS MiB':>13}")
        for scale, (wall, peak) in results.items():
            print(f"{scale:>14,} {wall:>14.1f} {wall / base:>7.2f} {peak:>13.0f}")


if __name__ == "__main__":
    main()
