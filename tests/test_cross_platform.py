"""One campaign spread over three platforms' native exports (X via twarc2, Telegram, Reddit) is found as one."""

from __future__ import annotations

import json
import random

import duckdb

from mobtrace.pipelines.cli import main

T0 = 1_740_830_400  # 2025-03-01 12:00 UTC
STORIES = 4
MOB = {"x": ["101", "102", "103"], "telegram": ["user201", "user202", "user203"], "reddit": ["mob_r1", "mob_r2", "mob_r3"]}


def _iso(ts: float) -> str:
    return f"{__import__('datetime').datetime.fromtimestamp(ts, __import__('datetime').timezone.utc):%Y-%m-%dT%H:%M:%S.%f}"[:-3] + "Z"


def _link_posts(rng: random.Random) -> list[tuple[str, str, str, float, str]]:
    """(platform, account, event id, time, url): the mob shares each smear story within seconds on every
    platform (tracking parameters differ per platform); organic accounts share unrelated links."""
    posts = []
    for story in range(STORIES):
        base = T0 + story * 7200
        for platform, accounts in MOB.items():
            for n, account in enumerate(accounts):
                url = f"https://smear.example/story/{story}?utm_source={platform}&utm_medium=social"
                posts.append((platform, account, f"{platform}-{account}-{story}", base + rng.uniform(0, 40), url))
    for n in range(90):
        platform = ("x", "telegram", "reddit")[n % 3]
        account = {"x": f"9{n:03d}", "telegram": f"user9{n:03d}", "reddit": f"organic_{n}"}[platform]
        for m in range(3):
            url = f"https://news.example/{rng.randrange(40)}"
            posts.append((platform, account, f"o-{n}-{m}", T0 + rng.uniform(0, 4 * 86400), url))
    return posts


def _write_exports(folder, posts) -> list:
    tweets = [
        {"id": str(1_900_000_000_000_000_000 + i), "author_id": account, "created_at": _iso(ts), "text": f"read this {i}",
         "entities": {"urls": [{"url": f"https://t.co/{i}", "expanded_url": url}]},
         "author": {"id": account, "username": f"x_{account}"}}
        for i, (platform, account, _, ts, url) in enumerate(posts) if platform == "x"
    ]
    messages = [
        {"id": i, "type": "message", "date": _iso(ts)[:19], "date_unixtime": str(int(ts)), "from": account, "from_id": account,
         "text": [f"look {i} ", {"type": "link", "text": url}],
         "text_entities": [{"type": "plain", "text": f"look {i} "}, {"type": "link", "text": url}]}
        for i, (platform, account, _, ts, url) in enumerate(posts) if platform == "telegram"
    ]
    submissions = [
        {"author": account, "id": f"s{i}", "name": f"t3_s{i}", "created_utc": int(ts), "title": f"thread {i}",
         "selftext": "", "url": url, "subreddit": "news", "permalink": f"/r/news/comments/s{i}/"}
        for i, (platform, account, _, ts, url) in enumerate(posts) if platform == "reddit"
    ]
    x_file, telegram_file, reddit_file = folder / "x.jsonl", folder / "result.json", folder / "reddit.ndjson"
    x_file.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tweets), encoding="utf-8")
    telegram_file.write_text(json.dumps({"name": "chat", "type": "public_supergroup", "id": 42, "messages": messages}), encoding="utf-8")
    reddit_file.write_text("".join(json.dumps(s) + "\n" for s in submissions), encoding="utf-8")
    return [x_file, telegram_file, reddit_file]


def test_a_mob_across_x_telegram_and_reddit_is_one_campaign(tmp_path):
    files = _write_exports(tmp_path, _link_posts(random.Random(5)))
    out = tmp_path / "out"
    assert main(["run", *map(str, files), "--out", str(out)]) == 0
    with duckdb.connect(str(out / "mobtrace.duckdb"), read_only=True) as con:
        formats = dict(con.sql("SELECT source_file, format FROM sources").fetchall())
        flagged = con.sql("SELECT campaign_id, platform, account_id FROM flagged_accounts ORDER BY ALL").fetchall()
    assert sorted(formats.values()) == ["reddit", "telegram", "twarc2"]
    assert {campaign for campaign, _, _ in flagged} == {"C001"}, "the mob must be one campaign"
    assert {(platform, account) for _, platform, account in flagged} == {
        (platform, account) for platform, accounts in MOB.items() for account in accounts}
