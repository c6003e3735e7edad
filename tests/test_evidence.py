"""The evidence package: complete, traceable to the inputs, safe in a spreadsheet, byte-for-byte reproducible."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from mobtrace.dashboards.evidence import post_url, write_evidence_package
from mobtrace.pipelines.cli import main
from mobtrace.pipelines.run import RunOptions, execute

ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def package(hostile_con, tmp_path_factory) -> Path:
    return write_evidence_package(hostile_con, "C001", tmp_path_factory.mktemp("evidence"))


def test_every_flagged_account_appears_with_evidence_posts(package, hostile_con):
    flagged = set(hostile_con.sql("SELECT platform, account_id FROM flagged_accounts WHERE campaign_id = 'C001'").fetchall())
    accounts = _csv(package / "accounts.csv")
    assert {(a["platform"], a["account_id"]) for a in accounts} == flagged
    assert all(int(a["evidence_posts"]) >= 1 and a["evidence"] for a in accounts)
    posts = _csv(package / "posts.csv")
    pairs = _csv(package / "pairs.csv")
    originators = set(hostile_con.sql("SELECT platform, account_id FROM coordination_originators").fetchall())
    assert originators & flagged  # the rings' posters, whose posts only the rings amplify
    for platform, account in flagged:
        own = [p for p in posts if (p["platform"], p["account_id"]) == (platform, account)]
        in_pairs = [p for p in pairs if (p["platform_a"], p["account_a"]) == (platform, account)
                    or (p["platform_b"], p["account_b"]) == (platform, account)]
        assert own and (in_pairs or (platform, account) in originators), account
        if (platform, account) in originators:
            assert any("coordination: its post, reposted by cluster" in p["cited_for"] for p in own)


def test_posts_are_traceable_to_the_input_line(package, hostile_con):
    posts = _csv(package / "posts.csv")
    sources = {Path(f).name: (f, sha) for f, sha in hostile_con.sql("SELECT source_file, sha256 FROM sources").fetchall()}
    for post in posts:
        assert ISO_MS.fullmatch(post["timestamp_utc"])
        source_file, sha = sources[post["source_file"]]
        assert post["source_sha256"] == sha
        assert hashlib.sha256(Path(source_file).read_bytes()).hexdigest() == sha
        line = Path(source_file).read_text(encoding="utf-8").splitlines()[int(post["source_line"]) - 1]
        assert post["event_id"] in line
    assert {p["post_url"].split("/status/")[0] for p in posts if p["platform"] == "x"} == {"https://x.com/i"}
    assert all(p["post_url"].startswith("https://bsky.app/profile/did:plc:") for p in posts if p["platform"] == "bluesky"
               and p["action"] == "post")
    reposts = [p for p in posts if p["action"] == "repost"]
    assert reposts and all(p["target_post_url"] for p in reposts)


def test_hashes_match_the_sources_table(package, hostile_con):
    expected = dict(hostile_con.sql("SELECT source_file, sha256 FROM sources").fetchall())
    listed = {row["source_file"]: row["sha256"] for row in _csv(package / "sources.csv")}
    assert listed == {Path(f).name: sha for f, sha in expected.items()}
    document = json.loads((package / "campaign.json").read_text(encoding="utf-8"))
    assert {item["sha256"] for item in document["inputs"]} == set(expected.values())
    assert document["software"]["mobtrace"] and document["parameters"]["coaction_edges"]["window_seconds"] == 60
    assert document["campaign"]["reasons"] and document["campaign"]["links"]
    for line in (package / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((package / name).read_bytes()).hexdigest() == digest


def test_text_is_verbatim_in_jsonl_and_spreadsheet_safe_in_csv(package, hostile):
    records = [json.loads(line) for line in (package / "posts.jsonl").read_text(encoding="utf-8").splitlines()]
    amplified = {r["target_post_text"] for r in records}
    assert {hostile.SCRIPT_POST, hostile.CLOSE_POST, hostile.FORMULA_POST} <= amplified
    assert "@jane_doe leave the internet" in {r["text"] for r in records}
    csv_texts = {p["target_post_text"] for p in _csv(package / "posts.csv")}
    assert "'" + hostile.FORMULA_POST in csv_texts and hostile.FORMULA_POST not in csv_texts
    assert hostile.HOSTILE_HANDLE in {r["handle"] for r in records}


def test_zip_is_byte_identical_across_runs(hostile_con, tmp_path):
    first = write_evidence_package(hostile_con, "C001", tmp_path / "one").with_suffix(".zip").read_bytes()
    second = write_evidence_package(hostile_con, "C001", tmp_path / "two").with_suffix(".zip").read_bytes()
    again = write_evidence_package(hostile_con, "C001", tmp_path / "one").with_suffix(".zip").read_bytes()
    assert first == second == again
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        names = archive.namelist()
        assert names == sorted(names) and all(name.startswith("C001/") for name in names)
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.read("C001/README.txt").startswith(b"mobtrace evidence package for campaign C001")


def test_unknown_campaign_is_a_clear_error(hostile_con, tmp_path):
    with pytest.raises(ValueError, match="no campaign 'C999': the database has C001, C002"):
        write_evidence_package(hostile_con, "C999", tmp_path)


def test_links_are_built_from_ids_only(hostile):
    assert post_url("twitter", "1") == "https://x.com/i/status/1"
    ring = hostile.BSKY_RING[0]
    assert post_url("bluesky", f"at://{ring}/app.bsky.feed.post/abc") == f"https://bsky.app/profile/{ring}/post/abc"
    assert post_url("mastodon", "https://social.example/@a/1") == "https://social.example/@a/1"
    assert post_url("mastodon", "1", "alice") is None  # no instance in the handle
    assert post_url("reddit", "t3_abc") == "https://www.reddit.com/comments/abc/"
    assert post_url("telegram", "channel_x/99") == "https://t.me/channel_x/99"
    assert post_url("bluesky", "at://did:plc:x/app.bsky.feed.repost/abc") is None
    assert post_url("mastodon", 'https://a.example/"><script>') is None
    assert post_url("generic", "123") is None


def test_pipeline_writes_packages_and_skips_transparency_without_key(tmp_path, monkeypatch, capsys, build_files):
    monkeypatch.delenv("MOBTRACE_PSEUDONYM_KEY", raising=False)
    files = build_files(tmp_path / "data")
    out = tmp_path / "out"
    result = execute(RunOptions(inputs=[str(f) for f in files], out_dir=out, database=out / "mobtrace.duckdb"))
    assert result.success
    assert sorted(p.name for p in (out / "evidence").iterdir()) == ["C001", "C001.zip", "C002", "C002.zip"]
    assert not (out / "transparency").exists()
    skipped = result.asset_materializations_for_node("transparency_export")[0].metadata["skipped"].value
    assert "MOBTRACE_PSEUDONYM_KEY is not set" in skipped
    # The CLI makes the same package from the database, into OUT/evidence/.
    assert main(["evidence", "C002", "--db", str(out / "mobtrace.duckdb"), "--out", str(tmp_path / "cli")]) == 0
    assert (tmp_path / "cli" / "evidence" / "C002.zip").read_bytes() == (out / "evidence" / "C002.zip").read_bytes()
    assert "SHA-256" in capsys.readouterr().out
