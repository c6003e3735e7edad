"""Shared helpers for the coordination tests: insert hand-made events into ``interactions``."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from mobtrace.analysis.ingest import connect

T0 = datetime(2025, 3, 1)
COLUMNS = ("platform", "event_id", "account_id", "account_handle", "action", "ts", "target_account_id", "target_post_id",
           "text", "urls", "hashtags", "mentions", "conversation_id", "lang", "source_file", "source_line")


def event(account: str, seconds: float, action: str = "post", platform: str = "x", **fields) -> dict:
    """One interactions row, ``seconds`` after T0 (microsecond precision)."""
    row = {"platform": platform, "account_id": account, "action": action,
           "ts": T0 + timedelta(microseconds=round(seconds * 1_000_000)),
           "urls": [], "hashtags": [], "mentions": []}
    row.update(fields)
    return row


def database(rows: list[dict]):
    """A fresh in-memory mobtrace database holding the rows (event ids and source lines numbered)."""
    con = connect(":memory:")
    frame = pd.DataFrame([{**{c: None for c in COLUMNS}, "event_id": f"e{i}", "source_file": "fixture",
                           "source_line": i + 1, **row} for i, row in enumerate(rows)], columns=list(COLUMNS))
    for column in ("urls", "hashtags", "mentions"):
        frame[column] = frame[column].map(lambda v: list(v) if v is not None else [])
    con.register("_rows", frame)
    con.execute("""INSERT INTO interactions SELECT platform, event_id, account_id, account_handle, action,
                   CAST(ts AS TIMESTAMP), target_account_id, target_post_id, text, CAST(urls AS VARCHAR[]),
                   CAST(hashtags AS VARCHAR[]), CAST(mentions AS VARCHAR[]), conversation_id, lang, source_file,
                   source_line FROM _rows""")
    con.unregister("_rows")
    return con


def edge_weights(con, behaviour: str | None = None) -> dict:
    """{(a_account, b_account): weight} of coaction_edges (optionally one behaviour)."""
    where = "" if behaviour is None else f"WHERE behaviour = '{behaviour}'"
    return {(a, b): w for a, b, w in con.sql(f"SELECT a_account, b_account, weight FROM coaction_edges {where}").fetchall()}
