"""Named targets: the people and posts a user protects (``--targets FILE``), always analysed and shown.

The file has one target per line; blank lines and lines starting with ``#`` are skipped:

- a profile or post URL (``https://x.com/jane_doe``, ``https://www.reddit.com/r/x/comments/abc123/...``),
  read by ``links.link_target`` without any network access;
- ``platform:name`` (``x:jane_doe``, ``reddit:@JaneDoe``, ``x:1234567``): an account on that platform by
  handle (case-insensitive, ``@`` optional) or id;
- ``name`` alone: that account on every platform where it is found.

A line that names nothing recognisable is kept with the reason, never fatal; a target with no inbound event
in the data is still listed ("no inbound events"). The file is read as UTF-8 with undecodable bytes
replaced, and at most ``MAX_LINES`` lines.

>>> [(e.platform, e.kind, e.key) for e in parse_targets("# mine\\nhttps://x.com/Jane_Doe\\nreddit:@JDoe\\n  1234\\n")]
[('x', 'account', 'jane_doe'), ('reddit', 'account', 'jdoe'), (None, 'account', '1234')]
>>> parse_targets("https://example.com/nothing")[0].problem
'not a profile or post URL of a known platform'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from mobtrace.analysis.burst.links import link_target

MAX_LINES = 10_000
PLATFORMS = ("x", "reddit", "telegram", "bluesky", "mastodon", "synthetic", "generic", "twitter")
_NAME = re.compile(r"@?([^\s@]{1,200})")


@dataclass(frozen=True)
class NamedTarget:
    """One line of a targets file: what it names (``kind`` 'account' or 'post'), or why it names nothing."""

    line: int
    text: str
    platform: str | None
    kind: str
    key: str
    handle: str | None = None  # a post URL's author handle, where the URL gives one
    problem: str | None = None


def parse_targets(text: str) -> list[NamedTarget]:
    """The targets a file's text names (see the module docstring)."""
    targets = []
    for number, raw in enumerate(text.splitlines()[:MAX_LINES], start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        targets.append(_parse_line(number, line[:500]))
    return targets


def read_targets(path: str | Path | None) -> tuple[list[NamedTarget], str | None]:
    """The targets of a file and, when it cannot be read, why (no targets then)."""
    if not path:
        return [], None
    try:
        text = Path(path).read_bytes().decode("utf-8", errors="replace")
    except OSError as error:
        return [], f"the targets file {path} could not be read ({error.strerror or error}): no named targets"
    return parse_targets(text), None


def _parse_line(number: int, line: str) -> NamedTarget:
    if "://" in line:
        found = link_target(line)
        if found is None:
            return NamedTarget(number, line, None, "account", "", problem="not a profile or post URL of a known platform")
        if found.post_id is not None:
            return NamedTarget(number, line, found.platform, "post", found.post_id, handle=found.handle)
        return NamedTarget(number, line, found.platform, "account", found.handle or "")
    platform, _, name = line.rpartition(":") if ":" in line and line.split(":", 1)[0].lower() in PLATFORMS else ("", "", line)
    platform = platform.lower() or None
    if platform == "twitter":
        platform = "x"
    match = _NAME.fullmatch(name.strip())
    if not match:
        return NamedTarget(number, line, platform, "account", "", problem="not a handle or an account id")
    return NamedTarget(number, line, platform, "account", match.group(1).lower())


def resolve_named_targets(con: duckdb.DuckDBPyConnection, targets: list[NamedTarget], file_problem: str | None) -> int:
    """Write ``burst_named_targets(line, entry, platform, target_kind, target_id, status)``: each named target
    matched against the data (accounts by id or handle, posts by id; several rows when a name is found on
    several platforms), and add the inbound events of named posts to ``burst_inbound``. Returns the number
    of targets found."""
    rows = pd.DataFrame(
        [(t.line, t.text, t.platform, t.kind, t.key, t.handle, t.problem) for t in targets],
        columns=["line", "entry", "platform", "kind", "key", "handle", "problem"],
    ).astype({"line": "int64", **{c: "string" for c in ("entry", "platform", "kind", "key", "handle", "problem")}})
    con.register("burst_named_rows", rows)
    try:
        con.execute(
            """CREATE OR REPLACE TABLE burst_named_targets AS
               WITH known AS (
                   SELECT DISTINCT platform, account_id, lower(handle) AS handle FROM accounts
                   UNION SELECT DISTINCT platform, target_id, NULL FROM burst_inbound WHERE target_kind = 'account'
               ),
               accounts_found AS (
                   SELECT n.line, k.platform, 'account' AS target_kind, k.account_id AS target_id
                   FROM burst_named_rows AS n JOIN known AS k
                     ON (n.platform IS NULL OR n.platform = k.platform)
                    AND (lower(k.account_id) = n.key OR k.handle = n.key)
                   WHERE n.kind = 'account' AND n.problem IS NULL
               ),
               posts_found AS (
                   SELECT n.line, i.platform, 'post' AS target_kind, i.event_id AS target_id
                   FROM burst_named_rows AS n JOIN interactions AS i
                     ON i.platform = n.platform AND (lower(i.event_id) = n.key OR lower(i.event_id) LIKE '%/' || n.key)
                   WHERE n.kind = 'post' AND n.problem IS NULL
               ),
               found AS (SELECT DISTINCT * FROM accounts_found UNION SELECT DISTINCT * FROM posts_found)
               SELECT n.line, n.entry, coalesce(f.platform, n.platform) AS platform, coalesce(f.target_kind, n.kind) AS target_kind,
                      coalesce(f.target_id, n.key) AS target_id,
                      CASE WHEN n.problem IS NOT NULL THEN n.problem
                           WHEN f.target_id IS NULL THEN 'not found in the data'
                           ELSE 'found' END AS status
               FROM burst_named_rows AS n LEFT JOIN found AS f USING (line)
               ORDER BY ALL"""
        )
    finally:
        con.unregister("burst_named_rows")
    if file_problem:
        con.execute("INSERT INTO burst_named_targets VALUES (0, '', NULL, 'account', '', ?)", [file_problem])
    # A named post: its replies, quotes, comments and reports, in it or in the thread it starts.
    con.execute(
        """INSERT INTO burst_inbound
           SELECT n.platform, 'post', n.target_id, i.event_id, i.account_id, i.ts, i.action
           FROM burst_named_targets AS n
           JOIN interactions AS p ON p.platform = n.platform AND p.event_id = n.target_id
           JOIN interactions AS i ON i.platform = n.platform
            AND (i.target_post_id = n.target_id OR i.conversation_id = n.target_id)
           WHERE n.status = 'found' AND n.target_kind = 'post' AND i.account_id <> p.account_id
             AND i.action IN ('reply', 'quote', 'comment', 'report')
             AND NOT EXISTS (SELECT 1 FROM burst_inbound AS b WHERE b.platform = n.platform AND b.target_kind = 'post'
                             AND b.target_id = n.target_id AND b.event_id = i.event_id)"""
    )
    return con.execute("SELECT count(*) FROM burst_named_targets WHERE status = 'found'").fetchall()[0][0]
