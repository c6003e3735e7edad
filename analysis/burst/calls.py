"""Calls to action across platforms: the links of every post are read (``links.link_target``, no network)
and matched against the episodes' targets by ``calls.sql`` (see there and the package docstring)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from mobtrace.analysis.burst.links import link_target
from mobtrace.analysis.burst.params import BurstParams
from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent
# Only links to these sites can name a profile or a post (links.py); the rest are not read in Python.
LINKABLE = r"^https?://([a-z0-9-]+\.)*(x\.com|twitter\.com|reddit\.com|redd\.it|bsky\.app|t\.me|telegram\.me)/|^https?://[^/]*(mastodon|mstdn|social)[^/]*/@"


def calls_to_action(con: duckdb.DuckDBPyConnection, params: BurstParams) -> int:
    """Find the calls to action of every episode and add their organisers; return how many calls."""
    register_link_targets(con)
    try:
        run_script(con, HERE / "calls.sql", lead_minutes=params.cta_lead_minutes, new_account_days=params.new_account_days)
    finally:
        con.unregister("burst_link_targets")
    return con.execute("SELECT count(*) FROM burst_calls").fetchall()[0][0]


def register_link_targets(con: duckdb.DuckDBPyConnection) -> None:
    """``burst_link_targets(url, link_platform, handle, post_id)`` (registered): the profile or post each link of the
    data points at, read in Python (links.py); calls.sql reads it. The caller unregisters it."""
    urls = [url for (url,) in con.execute(
        """SELECT DISTINCT url FROM (SELECT unnest(urls) AS url FROM interactions WHERE len(urls) > 0)
           WHERE regexp_matches(lower(url), $pattern)""",
        {"pattern": LINKABLE},
    ).fetchall()]
    rows = [(url, found.platform, found.handle, found.post_id) for url in urls if (found := link_target(url)) is not None]
    frame = pd.DataFrame(rows, columns=["url", "link_platform", "handle", "post_id"], dtype="string")
    con.register("burst_link_targets", frame)
