"""Timing one stage of a benchmark: wall seconds and this process's peak RSS (sampled every 20 ms)."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import psutil


@contextmanager
def timed(rows: list[tuple[str, float, float, str]], name: str, width: int = 44):
    """Time the block, append ``(name, seconds, peak GiB, note)`` to ``rows`` and print it. The block may set
    ``info["note"]``. Each benchmark keeps its own ``rows`` (``python -m bench`` runs them in one process)."""
    process, info, done = psutil.Process(), {"note": ""}, threading.Event()
    peak = [process.memory_info().rss]

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], process.memory_info().rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    try:
        yield info
    finally:
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
        rows.append((name, elapsed, max(peak[0], process.memory_info().rss) / 2**30, info["note"]))
        print(f"{name:<{width}} {elapsed:8.1f} s {rows[-1][2]:6.2f} GiB  {info['note']}", flush=True)
