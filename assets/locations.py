"""Where a run's files go, and the run lock: the half of ``resources`` without Dagster, so the command
line (``mobtrace --help``, ``--compat`` runs) finds the database by the same rule without importing it.

Where things go, one rule for every command and for ``dagster dev``: the output folder is ``--out``, else
$MOBTRACE_REPORTS, else ``reports/``; the database is ``--db``, else $MOBTRACE_DB, else
``OUT/mobtrace.duckdb``. So ``mobtrace run X`` then ``mobtrace evidence C001`` read the same database.

A run holds the database for its whole length (``database_lock``): the lock file ``DB.lock`` beside it
names the process. A second run on the same database waits for it (``--wait``) or stops with a sentence
naming the holder, so no run ever reads another's half-written tables.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"
DEFAULT_REPORTS = os.environ.get("MOBTRACE_REPORTS", str(PROJECT_ROOT / "reports"))
DATABASE_NAME = "mobtrace.duckdb"
LOCK_SUFFIX = ".lock"
LOCK_POLL_SECONDS = 0.2


def default_database(out: str | Path | None = None) -> str:
    """The database a command uses when ``--db`` is not given: $MOBTRACE_DB, else ``OUT/mobtrace.duckdb``."""
    return os.environ.get("MOBTRACE_DB") or str(Path(out if out is not None else DEFAULT_REPORTS) / DATABASE_NAME)


DEFAULT_DATABASE = default_database()


def sample_inputs() -> list[str]:
    """The bundled sample data set: interactions plus the accounts table beside them."""
    return [str(SAMPLE_DIR / "interactions.csv"), str(SAMPLE_DIR / "accounts.csv")]


# --- the run lock -----------------------------------------------------------------------------------------


class DatabaseBusyError(RuntimeError):
    """Another run holds the database; the message names it and says what to do."""


def lock_path(database: str | Path) -> Path:
    return Path(f"{Path(database).resolve()}{LOCK_SUFFIX}")


def lock_holder(database: str | Path) -> dict[str, object] | None:
    """What the lock file says about the run holding the database (None when there is no readable one)."""
    try:
        return json.loads(lock_path(database).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _wait_for_holder(database: str | Path, patience: float = 2.0) -> dict[str, object] | None:
    """The holder's record, waiting up to ``patience`` s for it: a run writes it just after taking the lock,
    so a run arriving in between would otherwise find the file empty and could not name the holder."""
    deadline = time.monotonic() + patience
    while (holder := lock_holder(database)) is None and time.monotonic() < deadline:
        time.sleep(0.02)
    return holder


def describe_holder(holder: dict[str, object] | None) -> str:
    if not holder:
        return "another mobtrace run"
    command = str(holder.get("command", ""))
    command = command if len(command) <= 400 else command[:399] + "…"
    return f"mobtrace run pid {holder.get('pid')} on {holder.get('host')} (`{command}`, started {holder.get('started')})"


_held: dict[str, list] = {}  # lock path -> [open lock file, depth]: a process re-entering its own lock
_held_guard = threading.Lock()


@contextmanager
def database_lock(database: str | Path, *, wait: float = 0, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold ``database`` for the block: an exclusive ``flock`` on ``DB.lock``, which names this process.

    A lock held by another process is waited for up to ``wait`` seconds (``on_wait`` is told once, with the
    holder's description), then ``DatabaseBusyError``. The kernel drops the lock when a process dies, so a
    killed run never leaves the database locked; the file is removed on release. The same process may
    take the lock again (the CLI takes it before Dagster starts, the run's resource inside)."""
    if str(database) == ":memory:":
        yield
        return
    path = lock_path(database)
    key = str(path)
    with _held_guard:
        if key in _held:
            _held[key][1] += 1
            entered = True
        else:
            entered = False
    if entered:
        try:
            yield
        finally:
            _release(key)
        return
    handle = _acquire(path, database, wait, on_wait)
    with _held_guard:
        _held[key] = [handle, 1]
    try:
        yield
    finally:
        _release(key)


def _acquire(path: Path, database: str | Path, wait: float, on_wait: Callable[[str], None] | None):
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + max(wait, 0)
    told = False
    while True:
        handle = open(path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            holder = describe_holder(_wait_for_holder(database))
            if time.monotonic() >= deadline:
                advice = "wait for it to finish" if wait <= 0 else f"it did not finish within --wait {wait:g} s"
                raise DatabaseBusyError(
                    f"the database {database} is in use by {holder}: {advice}, pass --wait SECONDS to wait for it, "
                    f"or give this run another --db"
                ) from None
            if on_wait is not None and not told:
                on_wait(f"the database {database} is in use by {holder}; waiting up to {wait:g} s for it to finish")
                told = True
            time.sleep(LOCK_POLL_SECONDS)
            continue
        try:  # the holder we waited for may have removed the file as it let go: lock the file the path names
            same = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if not same:
            handle.close()
            continue
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({
            "pid": os.getpid(), "host": socket.gethostname(), "command": " ".join(["mobtrace", *sys.argv[1:]]),
            "started": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        }))
        handle.flush()
        return handle


def _release(key: str) -> None:
    with _held_guard:
        entry = _held[key]
        entry[1] -= 1
        if entry[1]:
            return
        del _held[key]
    handle = entry[0]
    try:
        os.unlink(key)  # before unlocking: a waiter then finds the file gone and locks a new one
    except FileNotFoundError:
        pass
    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    handle.close()
