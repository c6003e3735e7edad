"""Incremental ingest: files dropped into the inbox folder start a run that reads only them.

The cursor remembers each file seen (path, size, modification time); a file is new when that triple
is unseen. A run request carries only the new files, so old files are never read again (and were
they passed again, ingest would skip their known bytes anyway). Downstream assets are recomputed
over everything ingested so far.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import dagster as dg

from mobtrace.assets.resources import PROJECT_ROOT

DEFAULT_INBOX = os.environ.get("MOBTRACE_INBOX", str(PROJECT_ROOT / "data" / "inbox"))
IGNORED_PREFIXES = (".", "~", "_")  # partial downloads and editor files


def inbox_files(inbox: Path) -> dict[str, list[float]]:
    """Every regular file in the inbox (not in sub-folders) with its [size, mtime]."""
    if not inbox.is_dir():
        return {}
    return {
        str(path): [path.stat().st_size, path.stat().st_mtime]
        for path in sorted(inbox.iterdir())
        if path.is_file() and not path.name.startswith(IGNORED_PREFIXES)
    }


def new_files(seen: dict[str, list[float]], current: dict[str, list[float]]) -> list[str]:
    return [path for path, stamp in current.items() if seen.get(path) != stamp]


def inbox_run_request(paths: list[str]) -> dg.RunRequest:
    key = hashlib.sha256(json.dumps(paths).encode()).hexdigest()[:16]
    return dg.RunRequest(run_key=f"inbox-{key}", run_config={"ops": {"ingested_exports": {"config": {"paths": paths}}}})


@dg.sensor(job_name="mobtrace", minimum_interval_seconds=30, description="Ingest new files dropped into the inbox folder (MOBTRACE_INBOX, default data/inbox).")
def inbox_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    seen = json.loads(context.cursor) if context.cursor else {}
    current = inbox_files(Path(DEFAULT_INBOX))
    fresh = new_files(seen, current)
    if not fresh:
        return dg.SensorResult(skip_reason=f"no new files in {DEFAULT_INBOX}", cursor=json.dumps(current))
    context.log.info(f"{len(fresh)} new file(s) in the inbox")
    return dg.SensorResult(run_requests=[inbox_run_request(fresh)], cursor=json.dumps(current))
