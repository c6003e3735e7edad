"""The mass-reporting detector: false report waves that knock a target offline, seen from the platform's side
(report logs) and from the victim's (moderation notices and the public calls to report).

Definition
----------
*Report waves* (``waves.py``). Every report (``interactions.action = 'report'``, read from report logs by the
``reports`` adapter) is about a *target*: the reported account, or the author of the reported post, or the post
when its author is unknown. A target with at least ``min_reports`` reports has a series of reports per bin
(``bin_minutes``). A *wave* is a run of bins that Kleinberg's automaton (``burst.kleinberg``) puts above its base
state on the target's share of the **platform-wide report rate**, whose report count is improbable against the
**target's own baseline** (``burst.baseline``: the robust rolling median of its daily reports, shrunk toward the
platform's report rate per reported target): at least ``min_ratio`` times the expected count, upper-tail
probability below ``alpha``.

*Victim side* (``notice_waves.sql``). The enforcement notices an account received (``notices`` table, read by
the ``notices`` adapter: post removed, account locked, suspended, restricted, warning) at most
``notice_gap_hours`` apart form a cluster; one of ``min_notices`` or more is a *notice wave*.

*Calls to report* (``calls.py``): a post not by the target that names it (aimed at it, mentions it, ``@handle``
in the text, or links to its profile or a post of it, on any platform) and asks for reports in any of the
languages of ``calls.REPORT_WORDS``, posted at most ``call_lead_hours`` before a wave and before its end. Their
authors are *organisers*; those who reposted or quoted them, *amplifiers*.

*Reporter features* (``features.sql``), for each reporter of a wave (an account with a report of the target
inside it):

F1. no prior interaction (``prior_contacts = 0``, ``stranger``): no interaction other than a report between it
    and the target before the wave: it did not act on the target or its posts nor mention it, the target did
    not act on it nor mention it;
F2. account age (``age_days``): days from its creation (``accounts.created_at``) to its first report in the
    wave, unknown when the export has no creation date; ``new_account`` at ``new_account_days`` or fewer;
F3. reporting many unrelated targets (``other_targets``): the other accounts it reported anywhere in the data
    with which it has no interaction other than reports, in either direction; ``serial`` from ``many_targets``;
F4. reason homogeneity: each report's reason is put in a category (``reasons.py``: "Harassment", "targeted
    harassment" and "harassment!!" are one); ``reason_share`` is the share of the wave's reports that give its
    most common category (``reason_mode``), and a reporter has ``same_reason`` when one of its reports does;
F5. faster than anyone could read (``unread_reports``): its reports filed at most ``read_seconds`` after the
    reported post was published (when the post is in the export) or after its own previous report of another
    item;
F6. in a harassment cluster or pile-on against the same target (``attack``): it carries ``coordination`` in a
    group at least two of whose members went after the target (replied to, quoted, mentioned or commented on
    it, or reposted, quoted or liked a post that mentions it) and that is held together by more than
    co-reporting, or it did more than report in a burst episode against it (the burst detector counts reports
    as inbound: a report wave is no pile-on against its own target);
F7. reached by a call to report (``called``): on the call's platform and before its first report in the wave,
    it engaged with a call of the wave, posted in the call's conversation (a Telegram chat, a thread), follows
    the call's author, or posted a call itself;
F8. co-report ties (``tie``): a significant ``co_report`` edge (co-action behaviour ``co_report``: reporting the
    same account within the co-action window, tested against the co-action null model) to another reporter of
    the same wave, the pair having also matched on at least ``min_tie_targets`` other targets more than half of
    whose reporters are this wave's: they report together where the crowd does not (a report farm), not only
    on the trending targets that every serial reporter reports.

*Verdict* (``features.judge``). A report wave is **coordinated** when it has at least ``min_reporters``
reporters, at least ``min_stranger_share`` of them strangers (F1), and at least one *coordination mark*: new
accounts (F2, share at least ``min_new_share`` and ``departure_ratio`` times the platform's level among
reporters outside the wave), harassment groups (F6, ``min_attack_share``), calls to report (F7,
``min_called_share``), reports faster than reading (F5, ``min_unread_share`` and ``departure_ratio`` times the
platform), co-report ties (F8, ``min_tie_share``). Reason homogeneity (F4, ``min_reason_share``), synchrony (the
middle 80% of first reports within ``sync_minutes``) and serial reporters (F3, ``min_serial_share``) are
*supporting marks*: reported and scored, never enough alone, because organic surges show them too (people who
all see the same abusive post report it within the hour, for the same reason; two thirds of the reports a
platform receives are illegitimate but uncoordinated). A wave that is not coordinated is a **surge, no
coordination found**: it is reported and flags nobody. The wave's score is ``0.25`` for strangers, ``0.2`` per
coordination mark and ``0.1`` per supporting mark, at most 1; its ``verdict`` is one sentence naming the numbers.
A notice wave is coordinated when calls to report came before it (score 0.6, plus 0.2 when amplified and 0.2
when the platform reversed an action on appeal).

*Flags* (``signal.sql``, signal ``mass_reporting``, group = the wave): in a coordinated report wave, the
reporters that are strangers and gave its most common reason or carry a coordination mark of their own; in any
coordinated wave, the organisers and amplifiers of its calls. Fusion (``link_report_wave.sql``) joins a
coordinated wave with the groups that went after its target: when the same accounts ran both, and for a notice
wave always.

Parameters
----------
``MassReportingParams`` (step ``mass_reporting``) in ``params.py``: each parameter's default and meaning are
written there. The co-report ties come from the co-action step (``coaction_edges``, behaviour ``co_report``).

Engine
------
``build_mass_reporting(..., execution=EngineSettings(engine="spark"))`` runs the step's relational statements
(``reports.sql``, ``notice_waves.sql``, ``calls.sql``, ``amplifications.sql``, ``features.sql``, ``signal.sql``
and the queries of the Python modules over reports and interactions) on Spark through ``engine.bridge``; on the
driver stay the statistics of each target's small report series (``waves.py``: Kleinberg's automaton, the
baseline, numpy and scipy), the reasons' categories (``reasons.py``), the reading of the candidate calls
(``calls.py``) and the verdicts and their sentences (``features.judge``), each reading the Spark statements'
small results. The same tables and ``account_signals`` rows as on DuckDB (tests/test_engine.py).

Known false positives
---------------------
A genuinely violating account reported by many strangers is a surge and flags nobody, unless its reporters are
young accounts or the wave followed a public warning ("report this scammer") that names it: a call to report is
a call, whatever its purpose; read its text. An organic reporter who reports the target during a coordinated
wave for the same reason is flagged with it (its evidence shows no mark of its own). Reporters reached by a
call are only seen on the call's platform: the same person's accounts on two platforms are not linked. A
notice wave after calls to report does not prove the calls caused the notices: the platform's own decision may
be right; an appeal granted is the strongest sign it was not. New accounts reach their floor on a young
platform or after a sign-up wave (the platform level guards against part of this). A post that names the target
and uses a report word as a noun in a language other than English ("la denuncia de @x") can be read as a call.
Co-report ties rest on the co-action null model, whose chance rate falls to the background when most
accounts on the busy targets have candidate edges (a co-action window as long as a trending burst, or one
hyperactive reporter tied to everyone): every pair then looks tied. The exclusivity rule of F8 keeps such ties
out of the verdict; the ``coordination`` clusters the co-action step builds from them are not.

Example
-------
>>> from datetime import datetime, timedelta
>>> from mobtrace.analysis.ingest import connect
>>> con = connect(":memory:")
>>> rows = [("x", f"b{i}", f"bot{i}", datetime(2025, 3, 20, 14) + timedelta(minutes=3 * i), "Harassment" if i % 4 else "targeted harassment")
...         for i in range(15)]
>>> rows += [("x", f"o{d}", f"user{d}", datetime(2025, 3, 1 + d, 9), "spam") for d in range(12)]
>>> _ = con.executemany(\"\"\"INSERT INTO interactions (platform, event_id, account_id, action, ts, target_account_id, text, source_file,
...     source_line) VALUES (?, ?, ?, 'report', ?, 'jane', ?, 'f', 1)\"\"\", rows)
>>> _ = con.executemany("INSERT INTO accounts (platform, account_id, created_at) VALUES ('x', ?, ?)",
...     [(f"bot{i}", datetime(2025, 3, 1)) for i in range(15)] + [(f"user{d}", datetime(2015, 1, 1)) for d in range(12)])
>>> build_mass_reporting(con, MassReportingParams())
(1, 1, 15)
>>> con.sql("SELECT verdict FROM mass_report_waves").fetchall()[0][0][:75]
'Coordinated report wave: 15 accounts filed 15 reports against jane on x fro'
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from mobtrace.analysis.engine.settings import EngineSettings
from mobtrace.analysis.ingest.notices import create_notices_table
from mobtrace.analysis.mass_reporting.calls import find_calls
from mobtrace.analysis.mass_reporting.features import table_names, wave_features
from mobtrace.analysis.mass_reporting.params import MassReportingParams
from mobtrace.analysis.mass_reporting.waves import detect_waves
from mobtrace.analysis.signals import SPARK_ROWS, create_signals_table, replace_signal_rows
from mobtrace.analysis.sql import first_row, run_script

HERE = Path(__file__).parent

__all__ = ["MassReportingParams", "build_mass_reporting"]


# On Spark: what the step reads (those of them the database holds; the others' absence is no error, see
# features.py) and the tables it writes besides its account_signals rows (loaded back into the database).
SPARK_INPUTS = ("interactions", "accounts", "notices", "account_signals", "coaction_edges", "coaction_pairs", "coordination_graph",
                "burst_episodes", "burst_events")
SPARK_OUTPUTS = ("mass_report_reports", "mass_report_waves", "mass_report_series", "mass_report_wave_notices", "mass_report_calls",
                 "mass_report_amplifications", "mass_report_ties", "mass_report_wave_reports", "mass_report_attack_groups",
                 "mass_report_participants", "mass_report_wave_features")


def build_mass_reporting(con: duckdb.DuckDBPyConnection, params: MassReportingParams = MassReportingParams(), *,
                         execution: EngineSettings = EngineSettings(), spark=None) -> tuple[int, int, int]:
    """Step ``mass_reporting``: report waves and notice waves, their calls to report, reporters' features,
    verdicts and the ``mass_reporting`` rows of ``account_signals``; returns (waves, coordinated waves,
    accounts flagged). With ``execution.engine == "spark"`` the step's statements run on Spark (``spark``, a
    ``SparkEngine``, or one made for ``execution.spark_master``) through ``engine.bridge.run_on_spark``: its
    inputs out as Parquet, its tables and its ``account_signals`` rows back. The statistics of each target's
    series (``waves.py``: Kleinberg, the baseline, numpy and scipy), the reasons' categories, the reading of calls
    and the verdicts and their sentences (``features.judge``) stay on the driver, on the small results of the
    Spark statements before them. The same tables and rows either way (tests/test_engine.py)."""
    create_signals_table(con)
    create_notices_table(con)
    if execution.engine == "duckdb":
        coordinated = mass_reporting_tables(con, params)
    else:
        from mobtrace.analysis.engine.bridge import run_on_spark

        present = table_names(con)
        coordinated = run_on_spark(con, _spark_stage, inputs=[t for t in SPARK_INPUTS if t in present],
                                   outputs=(*SPARK_OUTPUTS, SPARK_ROWS), spark=spark, master=execution.spark_master,
                                   shared_dir=execution.spark_dir or None, params=params)
        replace_signal_rows(con, "mass_reporting", SPARK_ROWS)
    waves, flagged = first_row(con, "SELECT (SELECT count(*) FROM mass_report_waves), "
                                    "(SELECT count(*) FROM account_signals WHERE signal = 'mass_reporting')")
    return waves, coordinated, flagged


def mass_reporting_tables(con, params: MassReportingParams) -> int:
    """The step's statements and driver parts in order, on a DuckDB connection or a Spark engine: waves, calls,
    features and verdicts, then the ``mass_reporting`` rows of ``account_signals`` and the participants'
    ``flagged`` column (signal.sql); returns the number of coordinated waves."""
    run_script(con, HERE / "reports.sql", bin_seconds=params.bin_minutes * 60)
    detect_waves(con, params)
    run_script(con, HERE / "notice_waves.sql", gap_seconds=params.notice_gap_hours * 3600, min_notices=params.min_notices,
               lead_hours=params.call_lead_hours)
    find_calls(con, params)
    coordinated = wave_features(con, params)
    run_script(con, HERE / "signal.sql", read_seconds=params.read_seconds)
    return coordinated


def _spark_stage(eng, *, params: MassReportingParams) -> int:
    """The step on a Spark engine whose ``account_signals`` holds the database's rows (the coordination and burst
    flags F6 reads): signal.sql replaces the ``mass_reporting`` rows there, which are left in ``SPARK_ROWS``."""
    coordinated = mass_reporting_tables(eng, params)
    eng.execute(f"CREATE OR REPLACE TABLE {SPARK_ROWS} AS SELECT * FROM account_signals WHERE signal = 'mass_reporting'")
    return coordinated
