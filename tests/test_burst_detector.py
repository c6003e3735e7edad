"""The burst detector on hand-made targets: pile-ons flagged, hard negatives (viral moments, friends rallying
round, onlookers) not, named targets shown, calls to action across platforms joined into one campaign."""

from __future__ import annotations

import csv
import io
import random
import pytest
from dagster_duckdb import DuckDBResource

from mobtrace.analysis.burst import BurstParams, build_bursts
from mobtrace.analysis.campaigns import fuse_campaigns
from mobtrace.analysis.coordination.clusters import account_clusters
from mobtrace.analysis.coordination.coaction import coaction_edges
from mobtrace.analysis.coordination.signal import coordination_signal
from mobtrace.assets.burst import bursts_well_formed
from mobtrace.dashboards import burst as burst_report
from mobtrace.dashboards.html import Figures

DAY, HOUR, MINUTE = 86_400, 3_600, 60
WORDS = ("morning river garden concert budget street holiday market podcast train season recipe window city coffee "
         "harbour library meadow lantern orchard pebble quartz saddle thimble velvet walnut yonder zephyr anchor bramble "
         "cobble dapple ember fennel gossamer hazel indigo juniper kestrel lilac marigold nutmeg").split()


def _varied(rng: random.Random, n: int) -> list[str]:
    """Texts that share no template: five random words each."""
    return [" ".join(rng.sample(WORDS, 6)) for _ in range(n)]


def _history(event, target="jane", friends=6, days=10):
    """Organic replies to the target from her friends, a few a day around noon: her baseline and their contact."""
    rng = random.Random(1)
    return [event(f"friend{(d + k) % friends}", d * DAY + 12 * HOUR + k * 900, "reply", target_account_id=target,
                  text=_varied(rng, 1)[0]) for d in range(days) for k in range(2)]


def _pile_on(event, start, n=30, target="jane", prefix="mob", platform="x", **fields):
    """Strangers swarming the target within 20 minutes with one template and a hashtag made for it."""
    return [event(f"{prefix}{i}", start + 40 * i, "reply", platform=platform, target_account_id=target, hashtags=["shamejane"],
                  text=f"@{target} you are a liar and a fraud, everyone knows it, step down now number {i % 4}", **fields)
            for i in range(n)]


def _viral(event, start, n=60, target="jane", prefix="fan"):
    """A viral moment: strangers reply over two hours with their own words."""
    rng = random.Random(2)
    return [event(f"{prefix}{i}", start + 120 * i, "reply", target_account_id=target, text=text)
            for i, text in enumerate(_varied(rng, n))]


def _flags(con, signal="burst"):
    return {account: group for account, group in con.execute(
        "SELECT account_id, group_key FROM account_signals WHERE signal = ? ORDER BY ALL", [signal]).fetchall()}


def _episodes(con):
    return con.execute("SELECT episode_id, target_id, concerted, verdict FROM burst_episodes ORDER BY episode_id").fetchall()


def test_pile_on_flags_the_strangers_and_not_the_friend_who_joins(event, database):
    con = database(_history(event) + _pile_on(event, 10 * DAY + 15 * HOUR)
                   + [event("friend1", 10 * DAY + 15 * HOUR + 300, "reply", target_account_id="jane", text="hang in there, we are with you")])
    episodes, concerted, flagged = build_bursts(con, BurstParams())
    assert (episodes, concerted, flagged) == (1, 1, 30)
    (episode_id, target, _, verdict), = _episodes(con)
    assert target == "jane" and verdict.startswith("Concerted: 97% of 31 participants had no earlier contact")
    flags = _flags(con)
    assert set(flags) == {f"mob{i}" for i in range(30)} and set(flags.values()) == {episode_id}
    evidence, score = con.execute("SELECT evidence, score FROM account_signals WHERE account_id = 'mob0' AND signal = 'burst'").fetchall()[0]
    assert "of the 31 inbound events that 31 accounts sent jane on x" in evidence and "used #shamejane with 29 other participants" in evidence
    assert 0 < score <= 1
    # the co-action inside the episode is coordination too, grouped by the episode
    assert set(_flags(con, "coordination").values()) == {episode_id} and len(_flags(con, "coordination")) == 30


def test_existing_coordination_row_is_kept_and_the_step_is_idempotent(event, database):
    con = database(_history(event) + _pile_on(event, 10 * DAY + 15 * HOUR))
    build_bursts(con, BurstParams())
    # the clusters step (re)writes its coordination rows: mob0 is in one of its clusters
    con.execute("DELETE FROM account_signals WHERE signal = 'coordination' AND account_id = 'mob0'")
    con.execute("""INSERT INTO account_signals (signal, platform, account_id, group_key, score, evidence)
                   VALUES ('coordination', 'x', 'mob0', 'cluster-7', 0.9, 'tied to 5 accounts')""")
    first = build_bursts(con, BurstParams())
    rows = con.execute("SELECT signal, account_id, group_key, evidence FROM account_signals ORDER BY ALL").fetchall()
    assert build_bursts(con, BurstParams()) == first
    assert con.execute("SELECT signal, account_id, group_key, evidence FROM account_signals ORDER BY ALL").fetchall() == rows
    coordination = _flags(con, "coordination")
    assert coordination["mob0"] == "cluster-7" and len(coordination) == 30
    assert con.execute("SELECT clustered_share FROM burst_episodes").fetchall()[0][0] == pytest.approx(1 / 30)


def test_a_viral_moment_is_an_episode_that_flags_nobody(event, database):
    con = database(_history(event) + _viral(event, 10 * DAY + 15 * HOUR))
    assert build_bursts(con, BurstParams()) == (1, 0, 0)
    (_, _, concerted, verdict), = _episodes(con)
    assert not concerted and verdict.startswith("Not concerted (a burst alone flags nobody)")
    assert _flags(con) == {} and _flags(con, "coordination") == {}


def test_viral_moment_and_pile_on_in_the_same_week(event, database):
    con = database(_history(event) + _viral(event, 8 * DAY + 15 * HOUR) + _pile_on(event, 10 * DAY + 15 * HOUR))
    assert build_bursts(con, BurstParams()) == (2, 1, 30)
    assert [concerted for _, _, concerted, _ in _episodes(con)] == [False, True]
    assert not any(account.startswith("fan") for account in _flags(con))


def test_who_engaged_in_her_viral_moment_knew_her_and_who_joined_a_wave_before_did_not(event, database):
    """fan0 replied in her viral moment (an episode, not concerted) and replies again inside the pile-on: organic
    contact, not flagged. mob0 swarmed her in a first concerted wave and comes back in the second: that earlier
    contact was the pile-on itself, so it is flagged in both."""
    second_wave = [event(f"mob{i}", 12 * DAY + 15 * HOUR + 40 * i, "reply", target_account_id="jane", hashtags=["shamejane"],
                         text=f"@jane you are a liar and a fraud, everyone knows it, step down now number {i % 4}") for i in range(30)]
    onlooker = [event("fan0", 10 * DAY + 15 * HOUR + 90, "reply", target_account_id="jane", text="what is going on here today")]
    con = database(_history(event) + _viral(event, 8 * DAY + 15 * HOUR) + _pile_on(event, 10 * DAY + 15 * HOUR) + onlooker
                   + second_wave)
    episodes, concerted, _ = build_bursts(con, BurstParams())
    assert (episodes, concerted) == (3, 2)
    flags = _flags(con)
    assert "fan0" not in flags
    assert {f"mob{i}" for i in range(30)} <= set(flags)


def test_friends_rallying_round_a_survivor_are_not_flagged(event, database):
    """Many replies to her post, from established accounts with earlier contact, in their own words."""
    rng = random.Random(3)
    friends = [f"friend{i}" for i in range(25)]
    history = [event(friend, (i % 9) * DAY + 11 * HOUR + i * 60, "reply", target_account_id="jane", text=_varied(rng, 1)[0])
               for i, friend in enumerate(friends)]
    rally = [event(friend, 10 * DAY + 15 * HOUR + i * 90, "reply", target_account_id="jane", text=text)
             for i, (friend, text) in enumerate(zip(friends, _varied(rng, 25)))]
    con = database(history + rally)
    con.execute("INSERT INTO accounts (platform, account_id, created_at) SELECT 'x', 'friend' || i, TIMESTAMP '2015-01-01' FROM range(25) t(i)")
    episodes, concerted, flagged = build_bursts(con, BurstParams())
    assert episodes == 1 and (concerted, flagged) == (0, 0)
    assert "0% of participants had no earlier contact" in _episodes(con)[0][3]


def test_onlookers_asking_what_happened_flag_nobody(event, database):
    onlookers = [event(f"onlooker{i}", 10 * DAY + 15 * HOUR + 100 * i, "reply", target_account_id="jane",
                       text=random.Random(i).choice(["what happened?", "wait what happened", "what happened??"]))
                 for i in range(30)]
    con = database(_history(event) + onlookers)
    assert build_bursts(con, BurstParams()) == (1, 0, 0)  # short stock phrases are no template


def test_a_target_with_no_history_is_judged_against_the_platform(event, database):
    """A target first seen in the data when the swarm hits her (the platform has other, quiet targets)."""
    others = [event(f"a{i}", d * DAY + 9 * HOUR, "reply", target_account_id=f"quiet{i}", text="nice photo from the weekend trip")
              for d in range(6) for i in range(3)]
    con = database(others + _pile_on(event, 6 * DAY + 2 * HOUR, target="newcomer"))
    assert build_bursts(con, BurstParams()) == (1, 1, 30)
    first_bin = con.execute("SELECT expected FROM burst_series WHERE target_id = 'newcomer' AND burst_bin").fetchall()
    assert len(first_bin) == 1 and first_bin[0][0] < 1  # the platform's prior rate, not her own (she has none)


def test_new_accounts_make_an_episode_concerted_only_above_the_organic_level(event, database):
    rng = random.Random(4)
    swarm = [event(f"mob{i}", 10 * DAY + 15 * HOUR + 40 * i, "reply", target_account_id="jane", text=text)
             for i, text in enumerate(_varied(rng, 30))]
    con = database(_history(event) + swarm)
    con.execute("""INSERT INTO accounts (platform, account_id, created_at)
                   SELECT 'x', 'mob' || i, CASE WHEN i < 12 THEN TIMESTAMP '2025-03-05' ELSE TIMESTAMP '2019-01-01' END FROM range(30) t(i)
                   UNION ALL SELECT 'x', 'friend' || i, TIMESTAMP '2016-01-01' FROM range(6) t(i)""")
    assert build_bursts(con, BurstParams()) == (1, 1, 30)  # 40% created 6 days before, against 0% organically
    assert "40% new accounts (organic level 0%)" in _episodes(con)[0][3]
    assert build_bursts(con, BurstParams(min_new_share=0.5)) == (1, 0, 0)


def test_named_targets_are_shown_even_when_quiet(event, database, tmp_path):
    con = database(_history(event) + [event("someone", 3 * DAY, "reply", target_account_id="quietperson", text="hello there")])
    con.execute("INSERT INTO accounts (platform, account_id, handle) VALUES ('x', 'quietperson', 'Quiet_Person')")
    targets = tmp_path / "targets.txt"
    targets.write_text("# people we protect\nhttps://x.com/quiet_person\nx:@nobody_here\nhttps://example.com/x\n", encoding="utf-8")
    build_bursts(con, BurstParams(targets_file=str(targets)))
    rows = con.execute("SELECT target_id, named, status, inbound_events FROM burst_targets ORDER BY ALL").fetchall()
    assert ("quietperson", True, "analysed", 1) in rows
    assert ("nobody_here", True, "not found in the data", 0) in rows
    assert ("", True, "not a profile or post URL of a known platform", 0) in rows
    assert con.execute("SELECT count(*) FROM burst_series WHERE target_id = 'quietperson'").fetchall()[0][0] > 24
    build_bursts(con, BurstParams(targets_file=str(tmp_path / "missing.txt")))  # an unreadable file is reported, not fatal
    assert con.execute("SELECT status FROM burst_targets WHERE named").fetchall()[0][0].startswith("the targets file")


def _cross_platform(event):
    """A Telegram call to action linking to @jane_doe's X profile and her Reddit thread, forwarded by three
    members; half an hour later an X swarm of new accounts, and a Reddit comment pile-on in her thread."""
    call = "https://t.me/s/x"  # not a profile: ignored
    rows = [event("tg_boss", 5 * DAY + 14 * HOUR, "post", platform="telegram", event_id="-1001/5",
                  text="everyone go, now", urls=["https://x.com/Jane_Doe", "https://www.reddit.com/r/town/comments/abc123/her_post/", call])]
    rows += [event(f"tg_member{i}", 5 * DAY + 14 * HOUR + 60 * (i + 1), "repost", platform="telegram", event_id=f"-1001/{6 + i}",
                   text="everyone go, now", urls=["https://x.com/Jane_Doe"]) for i in range(3)]
    rows += _pile_on(event, 5 * DAY + 14 * HOUR + 30 * MINUTE, n=25, target="1001", prefix="xmob")
    rows += [event(f"redditor{i}", 5 * DAY + 14 * HOUR + 40 * MINUTE + 50 * i, "reply", platform="reddit", event_id=f"c{i}",
                   conversation_id="abc123", target_post_id="abc123", text=f"this woman is a liar and a fraud, everyone knows it {i % 3}")
             for i in range(20)]
    rng = random.Random(5)
    rows += [event(f"xfriend{i % 4}", d * DAY + 10 * HOUR + i, "reply", target_account_id="1001", text=_varied(rng, 1)[0])
             for d in range(5) for i in range(2)]
    return rows


def _analysed(event, database):
    con = database(_cross_platform(event))
    con.execute("""INSERT INTO accounts (platform, account_id, handle, created_at) VALUES
                   ('x', '1001', 'jane_doe', TIMESTAMP '2012-01-01')""")
    coaction_edges(con, 60, 3, ("co_repost",), 20)
    account_clusters(con, seed=42, resolution=1.0, min_cluster_size=3)
    coordination_signal(con)
    build_bursts(con, BurstParams())
    fuse_campaigns(con)  # default rules: the target has no account on reddit, only the call joins the two swarms
    return con


def test_call_to_action_across_platforms_makes_one_campaign(event, database):
    con = _analysed(event, database)
    assert [concerted for (concerted,) in con.execute("SELECT concerted FROM burst_episodes ORDER BY platform").fetchall()] == [True, True]
    calls = con.execute("SELECT episode_id, platform, event_id, account_id FROM burst_calls ORDER BY ALL").fetchall()
    assert {(platform, event_id, account) for _, platform, event_id, account in calls} == {("telegram", "-1001/5", "tg_boss")}
    assert len(calls) == 2  # one call, two episodes (X and the Reddit thread)
    (campaign_id, platforms, reasons), = con.execute("SELECT campaign_id, platforms, reasons FROM campaigns").fetchall()
    assert sorted(platforms) == ["reddit", "telegram", "x"]
    members = {a for (a,) in con.execute("SELECT account_id FROM campaign_accounts").fetchall()}
    assert members == {"tg_boss", *(f"tg_member{i}" for i in range(3)), *(f"xmob{i}" for i in range(25)), *(f"redditor{i}" for i in range(20))}
    joined = [reason for reason in reasons if "(call_to_action)" in reason]
    assert len(joined) == 1 and "were called in by the same post on telegram (telegram:-1001/5 by tg_boss" in joined[0]
    roles = dict(con.execute("SELECT account_id, role FROM burst_participants WHERE platform = 'telegram'").fetchall())
    assert roles == {"tg_boss": "organiser", "tg_member0": "amplifier", "tg_member1": "amplifier", "tg_member2": "amplifier"}
    # the amplifiers reposted the same call within the window: coordination with the episode as group
    assert {a for a, g in _flags(con, "coordination").items() if a.startswith("tg_")} == {f"tg_member{i}" for i in range(3)}


def test_report_section_evidence_rows_and_package(event, database):
    con = _analysed(event, database)
    (campaign_id,), = con.execute("SELECT campaign_id FROM campaigns").fetchall()
    figures = Figures()
    html = burst_report.section(con, campaign_id, figures)
    assert "Calls to action" in html and "@jane_doe" in html and html.count('class="burst-target"') == 2
    # the link read from the call is shown as text, never followed: only links built from ids are hrefs
    assert "https://x.com/Jane_Doe" in html and 'href="https://x.com/Jane_Doe"' not in html
    assert len(figures.blocks) == 4  # a timeline and an arrivals chart per target
    rows = burst_report.evidence(con, campaign_id)
    # the call is cited for both episodes it called in; its three forwards for the X one (they carry the X link)
    assert len(rows) == 2 + 3 + 25 + 20 and all(reason.startswith("burst: ") for *_, reason in rows)
    events = list(csv.DictReader(io.StringIO(burst_report.package_files(con, campaign_id)["burst_events.csv"].decode("utf-8"))))
    assert len(events) == 50 and {e["source_file"] for e in events} == {"fixture"}
    assert all(e["time_utc"].endswith("Z") and int(e["source_line"]) >= 1 for e in events)


def test_hostile_text_is_escaped_in_the_section(event, database):
    con = database(_history(event, target="1001") + _pile_on(event, 10 * DAY + 15 * HOUR, target="1001"))
    con.execute("INSERT INTO accounts (platform, account_id, handle) VALUES ('x', '1001', '<script>alert(1)</script>')")
    build_bursts(con, BurstParams())
    part = burst_report.render_macro("burst.html", "target", part=burst_report.target_part(con, "x", "account", "1001", Figures()))
    assert "<script>alert" not in part and "&lt;script&gt;alert(1)&lt;/script&gt;" in part


def test_the_check_passes_and_fails(event, database, tmp_path):
    path = tmp_path / "bursts.duckdb"
    from mobtrace.analysis.ingest import connect

    con = connect(str(path))
    rows = database(_history(event) + _pile_on(event, 10 * DAY + 15 * HOUR))
    con.register("rows_table", rows.sql("SELECT * FROM interactions").arrow())
    con.execute("INSERT INTO interactions SELECT * FROM rows_table")
    build_bursts(con, BurstParams())
    con.close()
    resource = DuckDBResource(database=str(path))
    assert bursts_well_formed(duckdb=resource).passed
    with connect(str(path)) as tampered:
        tampered.execute("UPDATE account_signals SET group_key = 'episode-999' WHERE account_id = 'mob3' AND signal = 'burst'")
    result = bursts_well_formed(duckdb=resource)
    assert not result.passed and result.metadata["malformed"].value == 1


def test_reposting_the_same_call_inside_the_window_is_co_action(event, database):
    """Strangers in their own words, but each reposted the same call post minutes before replying: concerted.
    The same number of strangers reposting a post that everyone reposts (a viral one) is no co-action."""
    rng = random.Random(6)
    start = 10 * DAY + 15 * HOUR
    call = [event("caller", start - 20 * MINUTE, "post", event_id="call1", text="you know what to do")]
    swarm = [event(f"mob{i}", start + 40 * i, "reply", target_account_id="jane", text=text) for i, text in enumerate(_varied(rng, 30))]
    reposts = [event(f"mob{i}", start - 10 * MINUTE + i, "repost", target_post_id="call1", target_account_id="caller") for i in range(30)]
    con = database(_history(event) + call + reposts + swarm)
    assert build_bursts(con, BurstParams()) == (1, 1, 30)
    assert con.execute("SELECT DISTINCT kind, object, accounts FROM burst_coaction").fetchall() == [("same_post", "call1", 30)]
    crowd = [event(f"crowd{i}", start - 15 * MINUTE + i, "repost", target_post_id="call1", target_account_id="caller") for i in range(40)]
    con = database(_history(event) + call + reposts + crowd + swarm)
    assert build_bursts(con, BurstParams()) == (1, 0, 0)  # 30 of its 70 reposters: not the episode's own


def test_named_targets_file_is_a_run_flag():
    from mobtrace.pipelines.cli import _parser, step_params

    assert step_params(_parser().parse_args(["run", "in.csv", "--targets", "people.txt"]), BurstParams).targets_file == "people.txt"
    assert step_params(_parser().parse_args(["run", "in.csv"]), BurstParams) == BurstParams()
