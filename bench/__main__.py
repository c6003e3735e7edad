"""Run every benchmark in turn: ``python -m bench`` (``make bench``)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).parent
# Whole runs first, then every bench_*.py (a detector's benchmark is picked up without an edit here).
BENCHES = ["pipeline", *sorted(path.stem for path in HERE.glob("bench_*.py"))]

if __name__ == "__main__":
    for name in BENCHES:
        if not (HERE / f"{name}.py").is_file():
            continue
        print(f"\n=== bench/{name}.py ===", flush=True)
        sys.argv = [f"bench/{name}.py"]
        runpy.run_path(str(HERE / f"{name}.py"), run_name="__main__")
