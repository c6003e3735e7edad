"""The burst signal's parts of the report, the evidence package and the outputs (``SIGNAL_REPORT``).

- methods: the inbound series, the two detectors, episodes, the concerted rule and calls to action in plain
  language, with the parameters the run used;
- section, in every campaign with burst flags (``templates/burst.html``): one part per target of the
  campaign's episodes: the inbound timeline with the expected baseline and the episodes shaded, the episode
  table with every feature and the verdict, arrivals coloured by account age and prior contact, the calls to
  action with links, and the flagged participants, each clickable through to its events;
- evidence: every event of the campaign's episodes by its flagged accounts (participants, organisers,
  amplifiers); the package's ``burst_events.csv`` has every event of those episodes, flagged or not, with
  the UTC time, source file and line and a link;
- outputs: ``burst_targets.csv``, ``burst_episodes.csv``, ``burst_participants.csv`` and ``burst_targets.html``,
  a page with the same part for every named target (shown even when quiet) and every target with an episode.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import plotly.graph_objects as go

from mobtrace.analysis.burst.params import BurstParams
from mobtrace.dashboards.evidence import csv_bytes, iso_ms, post_url, profile_url
from mobtrace.dashboards.html import (
    BOOT_SCRIPT, CONTENT_SECURITY_POLICY, MEMBER_COLOUR, NEUTRAL_COLOUR, OTHER_COLOUR, PALETTE, Column, Figures, Markup,
    clip, hover, render_macro, table, timestamp,
)
from mobtrace.dashboards.outputs import copy_csv
from mobtrace.dashboards.signals import EvidenceRow, SignalReport

MAX_PARTICIPANTS = 300      # flagged participants listed per target (all are in burst_participants.csv)
MAX_EVENTS_SHOWN = 20       # events listed under each participant
MAX_PAGE_TARGETS = 60       # targets on burst_targets.html: named ones first, then by concerted episodes and volume
EPISODE_COLUMNS = [
    "episode_id", "platform", "target_kind", "target_id", "start_ts", "peak_ts", "end_ts", "events", "participants", "peak_events",
    "expected_at_peak", "min_p_value", "kleinberg_level", "stranger_share", "new_share", "clustered_share", "duplication",
    "coaction_share", "arrival_span_s", "organic_span_s", "synchrony", "calls_to_action", "concerted", "verdict",
]
PARTICIPANT_COLUMNS = ["episode_id", "platform", "account_id", "role", "first_ts", "last_ts", "events", "prior_contacts", "created_at",
                       "new_account", "clustered", "flagged"]
TARGET_COLUMNS = ["platform", "target_kind", "target_id", "handle", "named", "named_as", "status", "inbound_events", "inbound_accounts",
                  "first_ts", "last_ts", "episodes", "concerted_episodes", "flagged_accounts"]
EVENT_COLUMNS = ["episode_id", "role", "flagged", "platform", "event_id", "account_id", "handle", "action", "time_utc", "text",
                 "post_url", "source_file", "source_line"]
EVENTS_README = """burst_events.csv  For the burst signal: every event of the pile-on episodes behind this campaign (flagged
               or not: participants, organisers of a call to action and its amplifiers), with the UTC time,
               a link built from its id, and the source file and line it was read from.
"""


# --- methods ------------------------------------------------------------------------------------------


def methods(con: duckdb.DuckDBPyConnection, parameters: dict[str, dict[str, object]]) -> str:
    return render_macro("burst.html", "methods", params=BurstParams.from_record(parameters.get(BurstParams.step, {})))


# --- the section in a campaign --------------------------------------------------------------------------


def section(con: duckdb.DuckDBPyConnection, campaign_id: str, figures: Figures) -> str:
    if not _has_tables(con):
        return render_macro("burst.html", "section", targets=[])
    targets = con.execute(
        """SELECT DISTINCT e.platform, e.target_kind, e.target_id
           FROM account_signals AS s JOIN campaign_accounts AS c USING (platform, account_id)
           JOIN burst_episodes AS e ON e.episode_id = s.group_key
           WHERE c.campaign_id = ? AND s.signal IN ('burst', 'coordination') ORDER BY ALL""",
        [campaign_id],
    ).fetchall()
    return render_macro("burst.html", "section", targets=[target_part(con, *target, figures) for target in targets])


def target_part(con: duckdb.DuckDBPyConnection, platform: str, kind: str, target_id: str, figures: Figures) -> dict[str, object]:
    """One target's part: its facts, timeline, episodes, arrivals, calls to action and flagged participants."""
    key = [platform, kind, target_id]
    facts = con.execute(
        """SELECT handle, named, named_as, inbound_events, inbound_accounts, episodes, concerted_episodes, flagged_accounts
           FROM burst_targets WHERE platform = ? AND target_kind = ? AND target_id = ?""", key).fetchall()
    handle, named, named_as, inbound, accounts, episodes, concerted, flagged = facts[0] if facts else (None, False, None, 0, 0, 0, 0, 0)
    label = _label(kind, target_id, handle)
    anchor = f"burst-{platform}-{kind}-{target_id}"
    return {
        "anchor": "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in anchor)[:120],
        "label": label, "platform": platform, "named": named, "named_as": named_as or "",
        "profile": profile_url(platform, target_id, handle) if kind == "account" else post_url(platform, target_id),
        "summary": (f"{inbound:,} inbound events from {accounts:,} accounts; {episodes} episode{'s' if episodes != 1 else ''}, "
                    f"{concerted} concerted; {flagged} accounts flagged."),
        "timeline": figures.add(*timeline_figure(con, key, label), height=340) if _has_series(con, key) else None,
        "episodes": episode_table(con, key),
        "arrivals": figures.add(*arrivals_figure(con, key), height=360) if episodes else None,
        "calls": calls_table(con, key),
        "participants": participant_list(con, key),
    }


def _label(kind: str, target_id: str, handle: str | None) -> str:
    if kind == "post":
        return f"the thread {target_id}"
    return f"@{handle}" if handle else target_id


def _has_series(con, key: list[str]) -> bool:
    return con.execute("SELECT count(*) FROM burst_series WHERE platform = ? AND target_kind = ? AND target_id = ?", key).fetchall()[0][0] > 0


def timeline_figure(con, key: list[str], label: str) -> tuple[go.Figure, str]:
    """Inbound events per bin, the baseline's expected count, and every episode shaded (concerted darker)."""
    rows = con.execute(
        """SELECT bin_start, events, expected, burst_bin FROM burst_series
           WHERE platform = ? AND target_kind = ? AND target_id = ? ORDER BY bin_start""", key).fetchall()
    episodes = con.execute(
        """SELECT episode_id, start_ts, end_ts, concerted FROM burst_episodes
           WHERE platform = ? AND target_kind = ? AND target_id = ? ORDER BY start_ts""", key).fetchall()
    figure = go.Figure()
    figure.add_trace(go.Bar(x=[r[0] for r in rows], y=[r[1] for r in rows], name="inbound events", marker={"color": OTHER_COLOUR},
                            hovertemplate="%{x|%Y-%m-%d %H:%M} UTC: %{y} inbound events<extra></extra>"))
    figure.add_trace(go.Scatter(x=[r[0] for r in rows], y=[round(r[2], 2) for r in rows], name="expected (baseline)", mode="lines",
                                line={"color": "#000000", "width": 1.5, "dash": "dot"},
                                hovertemplate="%{x|%Y-%m-%d %H:%M} UTC: %{y} expected<extra></extra>"))
    for episode_id, start, end, concerted in episodes:
        figure.add_vrect(x0=start, x1=end, fillcolor=MEMBER_COLOUR if concerted else NEUTRAL_COLOUR, opacity=0.25, line_width=0,
                         annotation_text=episode_id, annotation_position="top left", annotation_font_size=10)
    figure.update_layout(height=340, template="plotly_white", yaxis_title="inbound events per bin", bargap=0,
                         legend={"orientation": "h", "y": 1.15}, margin={"l": 60, "r": 10, "t": 40, "b": 40})
    caption = (f"Replies, quotes, mentions, comments and reports addressed to {label} per bin (UTC), with the count the baseline "
               f"expected from the target's own past; {len(episodes)} episode(s) shaded, concerted ones in orange.")
    return figure, caption


def arrivals_figure(con, key: list[str]) -> tuple[go.Figure, str]:
    """Each participant's first arrival in each episode: account age (days) against time, coloured by new
    account and prior contact."""
    rows = con.execute(
        """SELECT p.episode_id, p.platform, p.account_id, a.handle, p.first_ts, p.events, p.prior_contacts, p.new_account, p.flagged, p.role,
                  CASE WHEN p.created_at IS NULL THEN NULL ELSE greatest(epoch(e.start_ts) - epoch(p.created_at), 0) / 86400 END AS age_days
           FROM burst_participants AS p JOIN burst_episodes AS e USING (episode_id)
           LEFT JOIN accounts AS a ON a.platform = p.platform AND a.account_id = p.account_id
           WHERE e.platform = ? AND e.target_kind = ? AND e.target_id = ?
           ORDER BY p.first_ts, p.platform, p.account_id""", key).fetchall()
    groups = [("new account", PALETTE[5]), ("no earlier contact", PALETTE[1]), ("earlier contact", PALETTE[0]),
              ("organiser or amplifier", PALETTE[3])]
    figure = go.Figure()
    for name, colour in groups:
        points = [r for r in rows if _arrival_group(r) == name]
        if not points:
            continue
        figure.add_trace(go.Scatter(
            x=[r[4] for r in points], y=[max(r[10], 0.5) if r[10] is not None else 0.5 for r in points], mode="markers", name=name,
            marker={"color": colour, "size": 8, "symbol": ["circle" if r[8] else "circle-open" for r in points]},
            hovertext=[hover(r[3] and f"@{r[3]}" or r[2], f"{r[1]}, {r[9]} in {r[0]}", f"first arrival {timestamp(r[4])} UTC, {r[5]} event(s)",
                             "account age unknown" if r[10] is None else f"account {r[10]:.0f} days old",
                             f"{r[6]} earlier contact(s)", "flagged" if r[8] else "not flagged") for r in points],
            hoverinfo="text",
        ))
    figure.update_layout(height=360, template="plotly_white", yaxis={"type": "log", "title": "account age at the episode (days)"},
                         legend={"orientation": "h", "y": 1.12}, margin={"l": 60, "r": 10, "t": 30, "b": 40})
    caption = ("Each participant's first arrival in an episode. Height: how old the account was; colour: new account, no earlier "
               "contact with the target, or earlier contact (friends); filled: flagged. A wall of young strangers arriving "
               "together is the shape of a pile-on; accounts of unknown age sit at the bottom.")
    return figure, caption


def _arrival_group(row: tuple) -> str:
    *_, prior, new, _flagged, role, _age = row
    if role != "participant":
        return "organiser or amplifier"
    if new:
        return "new account"
    return "no earlier contact" if prior == 0 else "earlier contact"


def episode_table(con, key: list[str]):
    rows = con.execute(
        """SELECT episode_id, start_ts, peak_ts, end_ts, events, participants, stranger_share, new_share, clustered_share, duplication,
                  coaction_share, arrival_span_s, organic_span_s, synchrony, min_p_value, kleinberg_level, calls_to_action, concerted, verdict
           FROM burst_episodes WHERE platform = ? AND target_kind = ? AND target_id = ? ORDER BY start_ts""", key).fetchall()
    columns = [Column("episode"), Column("start, peak, end (UTC)"), Column("events", True), Column("participants", True),
               Column("no earlier contact", True), Column("new accounts", True), Column("in clusters", True), Column("texts templated", True),
               Column("co-acted", True), Column("arrival span (min)", True), Column("organic span (min)", True),
               Column("baseline p / Kleinberg level"), Column("calls to action", True), Column("verdict", css="evidence")]
    body = []
    for (episode, start, peak, end, events, participants, strangers, new, clustered, dup, coaction, span, organic, _sync, p_value,
         level, calls, concerted, verdict) in rows:
        body.append([
            Markup("<b>{}</b>").format(episode) if concerted else episode,
            Markup("{}<br>{}<br>{}").format(timestamp(start), timestamp(peak), timestamp(end)), events, participants,
            _percent(strangers), _percent(new), _percent(clustered), _percent(dup), _percent(coaction),
            (f"{span / 60:.0f}", span), (f"{organic / 60:.0f}", organic) if organic is not None else "",
            f"{p_value:.1e} / {level}", calls or 0, verdict,
        ])
    return table(columns, body, sortable=True)


def _percent(value):
    return (f"{value:.0%}", value) if value is not None else ("unknown", -1)


def calls_table(con, key: list[str]):
    rows = con.execute(
        """SELECT c.episode_id, c.platform, c.event_id, c.account_id, a.handle, i.conversation_id, c.ts, c.lead_s, c.url, i.text,
                  (SELECT count(*) FROM burst_participants AS p WHERE p.episode_id = c.episode_id AND p.role = 'amplifier'
                   AND p.call_event_id = c.event_id) AS amplifiers
           FROM burst_calls AS c JOIN burst_episodes AS e USING (episode_id)
           JOIN interactions AS i ON i.platform = c.platform AND i.event_id = c.event_id
           LEFT JOIN accounts AS a ON a.platform = c.platform AND a.account_id = c.account_id
           WHERE e.platform = ? AND e.target_kind = ? AND e.target_id = ? ORDER BY c.ts, c.platform, c.event_id""", key).fetchall()
    columns = [Column("episode"), Column("posted (UTC)"), Column("minutes before the episode", True), Column("where and by whom"),
               Column("link in the post"), Column("text", css="evidence"), Column("amplifiers", True)]
    body = [[episode, timestamp(ts), (f"{lead / 60:.0f}", lead),
             _linked(f"{platform}: {'@' + handle if handle else account}", post_url(platform, event_id, handle, conversation)),
             url, clip(text), amplifiers]
            for episode, platform, event_id, account, handle, conversation, ts, lead, url, text, amplifiers in rows]
    return table(columns, body, sortable=True)


def _linked(text: str, url: str | None) -> Markup:
    """``text`` as a link to ``url`` (a URL built from ids by dashboards.evidence, never one read from the data)."""
    if not url:
        return Markup("{}").format(text)
    return Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(url, text)


def participant_list(con, key: list[str]) -> list[dict[str, object]]:
    """The flagged participants, organisers and amplifiers, each with its evidence sentence and events."""
    rows = con.execute(
        f"""SELECT p.episode_id, p.platform, p.account_id, a.handle, p.role, p.events, p.first_ts, s.evidence, s.score
            FROM burst_participants AS p JOIN burst_episodes AS e USING (episode_id)
            JOIN account_signals AS s ON s.signal = 'burst' AND s.platform = p.platform AND s.account_id = p.account_id
                                     AND s.group_key = p.episode_id
            LEFT JOIN accounts AS a ON a.platform = p.platform AND a.account_id = p.account_id
            WHERE e.platform = ? AND e.target_kind = ? AND e.target_id = ? AND p.flagged
            ORDER BY p.role DESC, s.score DESC, p.first_ts, p.platform, p.account_id LIMIT {MAX_PARTICIPANTS}""", key).fetchall()
    events = con.execute(
        """SELECT ev.episode_id, ev.platform, ev.account_id, ev.event_id, ev.ts, ev.action, i.text, i.source_file, i.source_line,
                  i.account_handle, i.conversation_id
           FROM burst_events AS ev JOIN burst_episodes AS e USING (episode_id)
           JOIN interactions AS i ON i.platform = ev.platform AND i.event_id = ev.event_id
           WHERE e.platform = ? AND e.target_kind = ? AND e.target_id = ? ORDER BY ev.ts, ev.event_id""", key).fetchall()
    by_account: dict[tuple, list] = {}
    for episode, platform, account, event_id, ts, action, text, source, line, handle, conversation in events:
        by_account.setdefault((episode, platform, account), []).append({
            "time": timestamp(ts), "action": action, "text": clip(text), "source": f"{Path(source).name}:{line}",
            "link": _linked(event_id, post_url(platform, event_id, handle, conversation)),
        })
    listed = []
    for n, (episode, platform, account, handle, role, count, first, evidence, score) in enumerate(rows, start=1):
        own = by_account.get((episode, platform, account), [])
        listed.append({
            "id": f"{'-'.join(key)}-{n}"[:100].replace("/", "_").replace(":", "_").replace(" ", "_"),
            "name": f"@{handle}" if handle else account, "platform": platform, "role": role, "episode": episode,
            "profile": profile_url(platform, account, handle), "events": count, "first": timestamp(first), "score": f"{score:.2f}",
            "evidence": evidence, "event_rows": own[:MAX_EVENTS_SHOWN], "more": max(0, len(own) - MAX_EVENTS_SHOWN),
        })
    return listed


# --- evidence package and outputs ---------------------------------------------------------------------


def _campaign_episodes(con, campaign_id: str) -> list[str]:
    """The episodes behind a campaign's burst and episode coordination flags (none when the detector did not run)."""
    if not _has_tables(con):
        return []
    return [e for (e,) in con.execute(
        """SELECT DISTINCT s.group_key FROM account_signals AS s JOIN campaign_accounts AS c USING (platform, account_id)
           JOIN burst_episodes AS e ON e.episode_id = s.group_key
           WHERE c.campaign_id = ? AND s.signal IN ('burst', 'coordination') ORDER BY 1""", [campaign_id]).fetchall()]


def evidence(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[EvidenceRow]:
    """Every event of the campaign's episodes (the package keeps those of its members)."""
    episodes = _campaign_episodes(con, campaign_id)
    if not episodes:
        return []
    return con.execute(
        """SELECT platform, account_id, platform, event_id, 'burst: ' || role || ' in ' || episode_id
           FROM burst_events WHERE list_contains(?, episode_id) ORDER BY ALL""", [episodes]).fetchall()


def package_files(con: duckdb.DuckDBPyConnection, campaign_id: str) -> dict[str, bytes]:
    """``burst_events.csv``: every event of the campaign's episodes, flagged or not."""
    episodes = _campaign_episodes(con, campaign_id)
    rows = con.execute(
        """SELECT ev.episode_id, ev.role, coalesce(p.flagged, FALSE), ev.platform, ev.event_id, ev.account_id, i.account_handle, ev.action,
                  ev.ts, i.text, i.conversation_id, i.source_file, i.source_line
           FROM burst_events AS ev JOIN interactions AS i ON i.platform = ev.platform AND i.event_id = ev.event_id
           LEFT JOIN burst_participants AS p
             ON p.episode_id = ev.episode_id AND p.platform = ev.platform AND p.account_id = ev.account_id
           WHERE list_contains(?, ev.episode_id)
           ORDER BY ev.episode_id, ev.ts, ev.platform, ev.event_id, ev.role""", [episodes]).fetchall() if episodes else []
    events = [
        dict(zip(EVENT_COLUMNS, [episode, role, "yes" if flagged else "no", platform, event_id, account, handle or "", action, iso_ms(ts),
                                 text or "", post_url(platform, event_id, handle, conversation) or "", Path(source).name, line]))
        for episode, role, flagged, platform, event_id, account, handle, action, ts, text, conversation, source, line in rows
    ]
    return {"burst_events.csv": csv_bytes(events, EVENT_COLUMNS)}


def outputs(con: duckdb.DuckDBPyConnection, out_dir: Path) -> dict[str, Path]:
    """Write the burst tables as CSV and ``burst_targets.html``; return their paths by name."""
    if not _has_tables(con):
        return {}
    paths = {"burst_targets": out_dir / "burst_targets.csv", "burst_episodes": out_dir / "burst_episodes.csv",
             "burst_participants": out_dir / "burst_participants.csv", "burst_page": out_dir / "burst_targets.html"}
    copy_csv(con, f"SELECT {', '.join(TARGET_COLUMNS)} FROM burst_targets ORDER BY ALL", paths["burst_targets"])
    copy_csv(con, f"SELECT {', '.join(EPISODE_COLUMNS)} FROM burst_episodes ORDER BY episode_id", paths["burst_episodes"])
    copy_csv(con, f"SELECT {', '.join(PARTICIPANT_COLUMNS)} FROM burst_participants ORDER BY ALL", paths["burst_participants"])
    paths["burst_page"].write_text(targets_page(con), encoding="utf-8")
    return paths


def _has_tables(con) -> bool:
    """Whether the burst step ran on this database."""
    found = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    return {"burst_targets", "burst_episodes", "burst_participants", "burst_series"} <= found


def targets_page(con: duckdb.DuckDBPyConnection) -> str:
    """The page of every named target and every target with an episode (named first)."""
    figures = Figures()
    targets = con.execute(
        f"""SELECT platform, target_kind, target_id FROM burst_targets
            WHERE status = 'analysed' AND (named OR episodes > 0)
            ORDER BY named DESC, concerted_episodes DESC, inbound_events DESC, platform, target_kind, target_id
            LIMIT {MAX_PAGE_TARGETS}""").fetchall()
    unresolved = con.execute("SELECT named_as, status FROM burst_targets WHERE status <> 'analysed' ORDER BY ALL").fetchall()
    parts = [target_part(con, *target, figures) for target in targets]
    return str(render_macro("burst.html", "page", content_security_policy=CONTENT_SECURITY_POLICY, boot_script=Markup(BOOT_SCRIPT),
                            targets=parts, unresolved=unresolved, figures=figures))


SIGNAL_REPORT = SignalReport(
    "burst", "Pile-on bursts", methods=methods, section=section, evidence=evidence, outputs=outputs,
    package_files=package_files, package_readme=EVENTS_README,
)
