"""A skewed synthetic social-media workload for the coordination benchmark (numpy, seeded).

What it holds, for ``n`` interactions over ``days`` days (defaults: 10M over 30 days):

* organic accounts with Zipf-like activity (a few hyperactive, most post a handful of times);
* posts whose repost counts are heavy-tailed, including ``viral`` posts reposted ``viral_reposts`` times
  (default 100,000) over hours with an exponentially decaying rate, as real cascades do;
* texts made of words from a vocabulary (a fifth Cyrillic, a tenth CJK), some organic copy-pasta; links
  to a few hundred domains with tracking parameters; Zipf hashtags; replies with mentions;
* coordinated campaigns: groups of accounts that repost the same posts, post the same text, links and
  hashtag blocks within seconds of each other.

Writes a Parquet file with the columns of ``interactions``; ``load(con, path)`` inserts it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

START_US = 1_735_689_600_000_000  # 2025-01-01 UTC


def _zipf_choice(rng: np.random.Generator, n_items: int, size: int, exponent: float = 1.1) -> np.ndarray:
    weights = 1.0 / np.arange(1, n_items + 1) ** exponent
    return rng.choice(n_items, size=size, p=weights / weights.sum())


def _words(rng: np.random.Generator, n: int, alphabet: str, low: int = 2, high: int = 9) -> list[str]:
    letters = np.array(list(alphabet))
    return ["".join(rng.choice(letters, size=rng.integers(low, high))) for _ in range(n)]


def _texts(rng: np.random.Generator, n: int, vocab: np.ndarray) -> list[str]:
    lengths = rng.integers(6, 18, size=n)
    words = vocab[_zipf_choice(rng, len(vocab), int(lengths.sum()), 1.0)]
    ends = np.cumsum(lengths)
    starts = ends - lengths
    return [" ".join(words[s:e]) for s, e in zip(starts.tolist(), ends.tolist())]


def generate(
    path: Path,
    n: int = 10_000_000,
    seed: int = 0,
    days: int = 30,
    accounts: int | None = None,
    viral: int = 5,
    viral_reposts: int = 100_000,
    campaigns: int = 40,
    campaign_size: int = 25,
    campaign_actions: int = 60,
) -> Path:
    """Write the workload to ``path`` (Parquet) and return it."""
    rng = np.random.default_rng(seed)
    span_us = days * 86_400 * 1_000_000
    accounts = accounts or max(n // 20, 100)
    vocab = np.array(
        _words(rng, 20_000, "abcdefghijklmnopqrstuvwxyz")
        + _words(rng, 4_000, "абвгдежзийклмнопрстуфхцчшщыэюя")
        + _words(rng, 2_000, "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年", 1, 4)
    )
    domains = np.array([f"site{i}.example.org" for i in range(300)] + ["www.news.example.com", "youtube.example"])
    tags = np.array(_words(rng, 5_000, "abcdefghijklmnopqrstuvwxyz", 3, 10))

    n_viral = viral * viral_reposts if n >= 4 * viral * viral_reposts else 0
    n_campaign = campaigns * campaign_size * campaign_actions
    n_organic = n - n_viral - n_campaign
    kinds = rng.choice(np.array(["post", "repost", "reply", "quote", "like"]), size=n_organic,
                       p=[0.30, 0.40, 0.15, 0.05, 0.10])
    actor = _zipf_choice(rng, accounts, n_organic, 0.9)
    ts = START_US + rng.integers(0, span_us, size=n_organic)
    n_posts = int((kinds == "post").sum())
    post_ids = np.flatnonzero(kinds == "post")
    # Reposts, replies, quotes and likes target earlier posts with heavy-tailed popularity, a bit later.
    targets = post_ids[_zipf_choice(rng, n_posts, n_organic, 0.8)]
    is_reaction = kinds != "post"
    ts = np.where(is_reaction, ts[targets] + rng.exponential(3_600e6, size=n_organic).astype(np.int64), ts)
    frame = {
        "event_id": np.char.add("e", np.arange(n_organic).astype(str)),
        "account_id": np.char.add("u", actor.astype(str)),
        "action": kinds,
        "ts_us": ts,
        "target_post_id": np.where(is_reaction, np.char.add("e", targets.astype(str)), None),
        "target_account_id": np.where(is_reaction, np.char.add("u", actor[targets].astype(str)), None),
    }
    texts = np.full(n_organic, None, dtype=object)
    has_text = np.isin(kinds, ["post", "reply", "quote"])
    written = _texts(rng, int(has_text.sum()), vocab)
    pasta = _texts(rng, 2_000, vocab)
    copy = rng.random(len(written)) < 0.02
    for i in np.flatnonzero(copy):
        written[i] = pasta[rng.integers(0, len(pasta))]
    texts[has_text] = written
    frame["text"] = texts
    n_urls = _counts(rng, has_text, 0.25)
    url_domain = domains[_zipf_choice(rng, len(domains), int(n_urls.sum()))]
    url_path = rng.integers(0, 200_000, size=len(url_domain)).astype(str)
    url_values = np.char.add(np.char.add(np.char.add("https://", url_domain), "/a/"), np.char.add(url_path, "?utm_source=tw"))
    frame["urls"] = _list_array(n_urls, url_values)
    n_tags = _counts(rng, has_text, 0.3)
    frame["hashtags"] = _list_array(n_tags, tags[_zipf_choice(rng, len(tags), int(n_tags.sum()))])
    n_mentions = _counts(rng, has_text, 0.2)
    frame["mentions"] = _list_array(n_mentions, np.char.add("u", _zipf_choice(rng, accounts, int(n_mentions.sum())).astype(str)))
    parts = [pa.table(frame)]

    if n_viral:
        parts.append(_viral(rng, viral, viral_reposts, accounts, span_us))
    parts.append(_campaigns(rng, campaigns, campaign_size, campaign_actions, span_us, vocab, tags))
    table = pa.concat_tables(parts, promote_options="permissive")
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, row_group_size=1_000_000)
    return path


def _counts(rng, eligible: np.ndarray, share: float) -> np.ndarray:
    """List lengths: 1-3 items for a ``share`` of the eligible rows, none elsewhere."""
    return np.where(eligible & (rng.random(len(eligible)) < share), rng.integers(1, 4, size=len(eligible)), 0)


def _list_array(lengths: np.ndarray, values: np.ndarray) -> pa.Array:
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int32)
    items = pa.array(values.astype(str))
    if isinstance(items, pa.ChunkedArray):  # numpy string arrays over a size limit come back chunked
        items = items.combine_chunks()
    return pa.ListArray.from_arrays(pa.array(offsets), items)


def _viral(rng, count: int, reposts: int, accounts: int, span_us: int) -> pa.Table:
    """Posts reposted ``reposts`` times each by distinct organic accounts over hours (decaying rate)."""
    rows = count * reposts
    post = np.repeat(np.arange(count), reposts)
    born = START_US + rng.integers(0, span_us - 86_400_000_000, size=count)
    delay = rng.exponential(2 * 3_600e6, size=rows).astype(np.int64)
    # Viral posts reach far beyond the active accounts: most reposters are drawn from a wider audience.
    audience = max(accounts, 3 * reposts)
    actor = np.concatenate([rng.choice(audience, size=reposts, replace=False) for _ in range(count)])
    return pa.table({
        "event_id": np.char.add("v", np.arange(rows).astype(str)),
        "account_id": np.char.add("u", actor.astype(str)),
        "action": np.full(rows, "repost"),
        "ts_us": born[post] + delay,
        "target_post_id": np.char.add("viral", post.astype(str)),
        "target_account_id": np.full(rows, "u0"),
    })


def _campaigns(rng, campaigns: int, size: int, actions: int, span_us: int, vocab, tags) -> pa.Table:
    """Groups of accounts acting together: each action of the script is done by every member within seconds."""
    rows = []
    for c in range(campaigns):
        members = [f"bot{c}_{m}" for m in range(size)]
        for a in range(actions):
            t0 = START_US + int(rng.integers(0, span_us))
            kind = ("repost", "post")[a % 2]
            text = " ".join(vocab[rng.integers(0, len(vocab), size=12)]) if kind == "post" else None
            url = f"https://campaign{c}.example.net/story/{a}?utm_campaign=c{c}" if kind == "post" else None
            tag_block = list(tags[rng.integers(0, len(tags), size=3)]) if kind == "post" else None
            for m, member in enumerate(members):
                if rng.random() < 0.15:  # not every bot does every step
                    continue
                rows.append((f"c{c}_{a}_{m}", member, kind, t0 + int(rng.integers(0, 20_000_000)),
                             f"camp{c}_{a}" if kind == "repost" else None, text,
                             [url] if url else None, tag_block))
    event_id, account_id, action, ts_us, target, text, urls, hashtags = map(list, zip(*rows))
    return pa.table({
        "event_id": event_id, "account_id": account_id, "action": action, "ts_us": ts_us,
        "target_post_id": target, "target_account_id": [None] * len(rows), "text": text,
        "urls": pa.array(urls, pa.list_(pa.string())), "hashtags": pa.array(hashtags, pa.list_(pa.string())),
    })


def load(con: duckdb.DuckDBPyConnection, path: Path, platform: str = "synthetic") -> int:
    """Insert the workload into ``interactions`` (bypassing the file adapters: this measures the detectors).

    ``source_line`` is the row's 1-based position in the file, read from the Parquet reader's
    ``file_row_number``: numbering with ``row_number() OVER ()`` gave the same values but put the scan and
    the insert in one single-threaded pipeline (a window over the whole file), which made loading take
    about as long in wall time as its CPU time on two cores."""
    con.execute(
        f"""INSERT INTO interactions (platform, event_id, account_id, action, ts, target_account_id, target_post_id,
                                      text, urls, hashtags, mentions, source_file, source_line)
            SELECT '{platform}', event_id, account_id, action, make_timestamp(ts_us), target_account_id,
                   target_post_id, text, coalesce(urls, []), coalesce(hashtags, []), coalesce(mentions, []),
                   $path, file_row_number + 1
            FROM read_parquet($path, file_row_number = true)""",
        {"path": str(path)},
    )
    return con.sql("SELECT count(*) FROM interactions").fetchall()[0][0]


def fresh_database(database: Path, memory_limit: str) -> duckdb.DuckDBPyConnection:
    """An empty mobtrace database file (an earlier one removed) with the benches' settings: ``memory_limit``,
    spilling to ``spill/`` beside it, no insertion order kept."""
    from mobtrace.analysis.ingest import connect

    for leftover in (database, Path(f"{database}.wal")):
        leftover.unlink(missing_ok=True)
    con = connect(database)
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET temp_directory = '{database.parent / 'spill'}'")
    con.execute("SET preserve_insertion_order = false")
    return con


def workload_database(database: Path, n: int, stage, memory_limit: str, threads: int) -> duckdb.DuckDBPyConnection:
    """A fresh mobtrace database file holding the ``n``-interaction workload (``workload_<n>.parquet`` beside it,
    generated when missing), with the detector benches' settings; ``stage(title)`` times generating and loading
    as set-up."""
    out = database.parent
    workload = out / f"workload_{n}.parquet"
    if not workload.exists():
        with stage("generate workload (not timed)") as info:
            generate(workload, n=n)
            info["note"] = workload.name
    con = fresh_database(database, memory_limit)
    con.execute(f"SET threads = {threads}")
    with stage("load into DuckDB (set-up)") as info:
        info["note"] = f"{load(con, workload):,} interactions"
    return con
