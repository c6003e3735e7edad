"""Shared fixtures: a fresh in-memory mobtrace database and a tiny generic-CSV writer."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from mobtrace.analysis.ingest import connect

GENERIC_COLUMNS = [
    "platform", "event_id", "account_id", "account_handle", "action", "timestamp",
    "target_account_id", "target_post_id", "text", "urls", "hashtags", "mentions",
]


@pytest.fixture
def con():
    connection = connect(":memory:")
    yield connection
    connection.close()


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write rows (dicts with generic column names) to a CSV file under tmp_path."""

    def write(rows: list[dict[str, object]], name: str = "input.csv", columns: list[str] | None = None) -> Path:
        path = tmp_path / name
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns or GENERIC_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        return path

    return write


def repost(event_id: str, account: str, post: str, ts: float, platform: str = "x", author: str = "author") -> dict[str, object]:
    """A generic-format repost row; ``ts`` in Unix seconds (fractions allowed)."""
    return {"platform": platform, "event_id": event_id, "account_id": account, "action": "repost",
            "timestamp": f"{ts:.6f}", "target_post_id": post, "target_account_id": author}
