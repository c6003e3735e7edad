"""``--compat cnt``: coordination-network-toolkit 1.5.2's networks, reproduced exactly on ``interactions``.

Definition (read from CNT's ``compute_networks.py``, ``preprocess.py``, ``similarity.py``, ``graph.py``)
--------------------------------------------------------------------------------------------------------
A *message* is an event that CNT would store: post, reply, repost, quote, comment or mention (not likes,
follows, reports), ``message_id = event_id`` (first row of an id wins, as CNT's ``insert or ignore``),
``user_id = account_id``. ``repost_id`` is the reposted post of a repost, ``reply_id`` the replied-to post of
a reply or comment. Per behaviour, each message has a key:

* ``co_retweet``: its ``repost_id`` (reposts only);
* ``co_reply``: its ``reply_id`` (non-repost messages with one);
* ``co_link``: each URL of a non-repost message, compared as the exact string (CNT does not normalise
  links unless they were resolved over the network, which mobtrace never does); empty strings are no URL;
* ``co_tweet``: the text of a non-repost message (replies included) after CNT's ``message_preprocessor``:
  lower-case, ``@``-mentions removed up to the next whitespace, whitespace collapsed. An empty result is a
  key like any other: CNT pairs empty texts too.

The directed weight of ``source -> target`` is the number of the source's messages with at least one
message of the target with the same key and ``|t1 - t2| <= time_window`` (inclusive); edges with
``weight >= min_edge_weight`` are kept and self-loops dropped (CNT's default export). Timestamps compare to
the microsecond (CNT's are float seconds: identical for whole or binary-exact fractional seconds).

Differences, on purpose: accounts are identified by ``account_id`` alone, as in CNT, so the same id on two
platforms is one user. CNT's CSV preprocessing splits the last column on " " and so stores an empty URL ""
for every link-less message, which its co_link then pairs; that is a bug and is not reproduced (CNT's
Python ``preprocess_data`` with URL lists does not have it, and that is what parity is tested against).

Parameters
----------
time_window : float, seconds (CNT's ``--time_window``); min_edge_weight : int (``--min_edge_weight``).

Example
-------
>>> from mobtrace.analysis.ingest import connect
>>> con = connect(":memory:")
>>> _ = con.execute(\"\"\"INSERT INTO interactions (platform, event_id, account_id, action, ts, target_post_id,
...     source_file, source_line) VALUES
...     ('x', 'm1', 'a', 'repost', TIMESTAMP '2025-01-01 00:00:00', 'p1', 'f', 1),
...     ('x', 'm2', 'b', 'repost', TIMESTAMP '2025-01-01 00:01:00', 'p1', 'f', 2),
...     ('x', 'm3', 'b', 'repost', TIMESTAMP '2025-01-01 00:01:01', 'p1', 'f', 3)\"\"\")
>>> cnt_edges(con, "co_retweet", time_window=60, min_edge_weight=1).values.tolist()
[['a', 'b', 1, 'co_retweet'], ['b', 'a', 1, 'co_retweet']]
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from mobtrace.analysis.compat.params import BEHAVIOURS
from mobtrace.analysis.sql import run_script, statements

HERE = Path(__file__).parent

# CNT strips "@..." up to whitespace with the `regex` module, whose \s (unlike re's) excludes \x1c-\x1f.
_CNT_MENTION = re.compile(r"@.*?(?=(?:[^\S\x1c-\x1f]|$))")

_KEYS_SQL = {
    "co_retweet": "SELECT repost_id AS key, user_id, message_id, t_us FROM cnt_messages WHERE repost_id IS NOT NULL",
    "co_reply": """SELECT reply_id AS key, user_id, message_id, t_us FROM cnt_messages
                   WHERE repost_id IS NULL AND reply_id IS NOT NULL""",
    "co_link": """SELECT DISTINCT url AS key, user_id, message_id, t_us
                  FROM (SELECT unnest(urls) AS url, user_id, message_id, t_us FROM cnt_messages
                        WHERE repost_id IS NULL AND len(urls) > 0)
                  WHERE url IS NOT NULL AND url <> ''""",
}


def cnt_preprocess(text: str) -> str:
    """CNT's co_tweet text key: lower-case, @mentions removed, whitespace collapsed.

    >>> cnt_preprocess("Vote  @Bob.x NOW\\n@ann")
    'vote now'
    """
    return " ".join(_CNT_MENTION.sub("", text.lower()).split())


def cnt_edges(con: duckdb.DuckDBPyConnection, behaviour: str, time_window: float, min_edge_weight: int) -> pd.DataFrame:
    """CNT's directed network for one behaviour: columns source, target, weight, behaviour."""
    return cnt_networks(con, time_window, min_edge_weight, (behaviour,))


def cnt_networks(
    con: duckdb.DuckDBPyConnection, time_window: float, min_edge_weight: int, behaviours: tuple[str, ...] = BEHAVIOURS
) -> pd.DataFrame:
    """All requested CNT networks, one after the other (columns source, target, weight, behaviour)."""
    unknown = set(behaviours) - set(BEHAVIOURS)
    if unknown:
        raise ValueError(f"unknown CNT network(s) {sorted(unknown)}: use some of {', '.join(BEHAVIOURS)}")
    run_script(con, HERE / "cnt_messages.sql")
    frames = [_edges_of_messages(con, b, time_window, min_edge_weight) for b in behaviours]
    return pd.concat(frames, ignore_index=True)


def _edges_of_messages(con: duckdb.DuckDBPyConnection, behaviour: str, time_window: float, min_edge_weight: int) -> pd.DataFrame:
    """One network from the ``cnt_messages`` table already built."""
    if behaviour == "co_tweet":
        _register_tweet_keys(con)
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE cnt_keys AS {_KEYS_SQL[behaviour]}")
    run_script(con, HERE / "cnt_edges.sql", window_us=round(time_window * 1_000_000), min_edge_weight=min_edge_weight)
    frame = con.sql("SELECT source, target, weight FROM cnt_result").df()
    frame["behaviour"] = behaviour
    return frame


def _register_tweet_keys(con: duckdb.DuckDBPyConnection) -> None:
    """co_tweet keys: all-ASCII texts preprocessed in DuckDB (cnt_tweet_keys.sql, the same rules in ASCII), the
    others by ``cnt_preprocess`` in Python."""
    in_sql, in_python = statements(HERE / "cnt_tweet_keys.sql")
    con.execute(in_sql)
    table = con.sql(in_python).to_arrow_table()
    keys = pa.array([cnt_preprocess(m) for m in table.column("message").to_pylist()], pa.string())
    con.register("_cnt_tweet_keys", table.drop(["message"]).append_column("key", keys))
    try:
        con.execute("INSERT INTO cnt_keys SELECT key, user_id, message_id, t_us FROM _cnt_tweet_keys")
    finally:
        con.unregister("_cnt_tweet_keys")


def write_edges_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write edges like CNT's CSV export (every field quoted), with the header source,target,weight,behaviour."""
    frame[["source", "target", "weight", "behaviour"]].to_csv(path, index=False, quoting=csv.QUOTE_ALL)
