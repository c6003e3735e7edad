"""Run the whole asset graph in-process for the CLI, with a compact progress display and a summary.

A step that fails is shown with its error's own message (not only Dagster's "Execution of step X
failed"); an input file of which no row landed is named with the reason and makes the exit status 1."""

from __future__ import annotations

import logging
import sys
import time
import typing
from dataclasses import dataclass, field, replace
from pathlib import Path

import dagster as dg
import duckdb

from mobtrace.analysis.engine.settings import EngineSettings
from mobtrace.analysis.ingest.params import IngestParams
from mobtrace.analysis.params import Params
from mobtrace.assets.kit import params_class
from mobtrace.dashboards.safety import show_bidi
from mobtrace.pipelines.compat import why_nothing_landed
from mobtrace.pipelines.definitions import definitions

PROGRESS_EVENTS = {"STEP_START", "STEP_SUCCESS", "STEP_FAILURE", "ASSET_CHECK_EVALUATION"}


@dataclass
class RunOptions:
    """One run: its inputs, where it writes, and the parameters of the steps that differ from their defaults."""

    inputs: list[str]
    out_dir: Path
    database: Path
    params: list[Params] = field(default_factory=list)
    execution: EngineSettings = EngineSettings()  # where the heavy stages run; not a parameter

    def params_for(self, kind: type[Params]) -> Params:
        """The parameters this run gives a step: those set here, else the step's defaults."""
        given = next((params for params in self.params if type(params) is kind), kind())
        return replace(given, paths=tuple(self.inputs)) if kind is IngestParams else given


def run_config(options: RunOptions, assets: list[dg.AssetsDefinition], progress: bool = False) -> dg.RunConfig:
    """Every configurable step's config for these options; ``progress`` also enables the CLI's progress logger."""
    ops = {}
    for asset in assets:
        config = typing.get_type_hints(asset.op.compute_fn.decorated_fn).get("config")
        if params_class(config) is not None:
            ops[asset.op.name] = config(**options.params_for(params_class(config)).as_record())
    return dg.RunConfig(ops=ops, loggers={"progress": {}} if progress else None)


class _ProgressHandler(logging.Handler):
    """Prints one line per step start/end and per check, and the assets' own messages."""

    def __init__(self) -> None:
        super().__init__()
        self.started: dict[str, float] = {}
        self.check_steps: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", {}) or {}
        event = meta.get("dagster_event")
        step = meta.get("step_key") or ""
        if event is None:
            if step and record.levelno >= logging.INFO:
                print(f"    {step}: {show_bidi(str(meta.get('orig_message', record.getMessage())))}", flush=True)
            return
        kind = event.event_type_value
        if kind not in PROGRESS_EVENTS:
            return
        if kind == "STEP_START":
            self.started[step] = time.perf_counter()
        elif kind == "STEP_SUCCESS" and step not in self.check_steps:
            print(f"  ✓ {step} ({time.perf_counter() - self.started.get(step, time.perf_counter()):.1f} s)", flush=True)
        elif kind == "STEP_FAILURE":
            print(f"  ✗ {step} failed: {show_bidi(failure_message(event))}", flush=True)
        elif kind == "ASSET_CHECK_EVALUATION":
            self.check_steps.add(step)
            evaluation = event.event_specific_data
            state = "passed" if evaluation.passed else "FAILED"
            print(f"    check {evaluation.asset_check_key.name} on {evaluation.asset_key.to_user_string()}: {state}", flush=True)


def failure_message(event) -> str:
    """The underlying error of a failed step: the innermost cause's own message (the user's code's error,
    not Dagster's wrapper), or the event's message when it carries none."""
    error = getattr(event.event_specific_data, "error", None)
    while error is not None and error.cause is not None:
        error = error.cause
    if error is None or not error.message:
        return event.message or "unknown error"
    return error.message.strip()


@dg.logger
def progress_logger(_init_context) -> logging.Logger:
    logger = logging.getLogger("mobtrace.progress")
    logger.setLevel(logging.DEBUG)  # step events are logged at DEBUG
    logger.handlers = [_ProgressHandler()]
    logger.propagate = False
    return logger


def execute(options: RunOptions) -> dg.ExecuteInProcessResult:
    """Materialise every asset and check in one in-process run."""
    options.out_dir.mkdir(parents=True, exist_ok=True)
    defs = definitions(options.database, options.out_dir, execution=options.execution, loggers={"progress": progress_logger})
    assets = [asset for asset in defs.assets if isinstance(asset, dg.AssetsDefinition)]
    with dg.DagsterInstance.ephemeral() as instance:
        return defs.resolve_job_def("mobtrace").execute_in_process(
            run_config=run_config(options, assets, progress=True), instance=instance, raise_on_error=False
        )


def run_pipeline(options: RunOptions) -> int:
    started = time.perf_counter()
    print(f"mobtrace: {_count(len(options.inputs), 'input')} -> {options.database}")
    result = execute(options)
    if not result.success:
        print("mobtrace: the run failed; see the step marked ✗ above.")
        return 1
    print_summary(options, time.perf_counter() - started)
    unread = files_that_landed_nothing(result)
    for summary in unread:
        print(f"mobtrace: nothing was ingested from {summary['source_file']}: {why_nothing_landed(summary)}", file=sys.stderr)
    return 1 if unread else 0


def files_that_landed_nothing(result: dg.ExecuteInProcessResult) -> list[dict]:
    """The ingest summaries (``SourceSummary`` as the ``interactions`` materialisation records them) of the
    input files of which no row was stored."""
    found = []
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        if materialization.asset_key == dg.AssetKey("interactions") and "files" in materialization.metadata:
            found += [item for item in materialization.metadata["files"].value
                      if not item.get("skipped") and not item.get("ingested")]
    return found


def _count(n: int, noun: str) -> str:
    """'1 row', '2 rows', '1,000 rows'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def print_summary(options: RunOptions, seconds: float) -> None:
    with duckdb.connect(str(options.database), read_only=True) as con:
        interactions, quarantined = con.sql("SELECT (SELECT count(*) FROM interactions), (SELECT count(*) FROM quarantine)").fetchall()[0]
        per_signal = con.sql("SELECT signal, count(*) FROM account_signals GROUP BY ALL ORDER BY ALL").fetchall()
        campaigns = con.sql(
            """SELECT c.campaign_id, c.n_accounts, c.score, array_to_string(c.signals, ', '),
                      coalesce(string_agg(coalesce('@' || t.handle, t.account_id), ', ' ORDER BY t.members_engaged DESC, t.account_id), '-')
               FROM campaigns AS c LEFT JOIN campaign_targets AS t USING (campaign_id)
               GROUP BY ALL ORDER BY c.score DESC, c.n_accounts DESC, c.campaign_id"""
        ).fetchall()
    print()
    print(f"Analysed {_count(interactions, 'interaction')} ({_count(quarantined, 'row')} quarantined) in {seconds:.1f} s.")
    print(f"Campaigns found: {len(campaigns)}")
    for campaign_id, size, score, signals, targets in campaigns[:10]:
        print(f"  {campaign_id}: {_count(size, 'account')}, score {score:.2f}, signals {signals}; targets {show_bidi(targets)}")
    if len(campaigns) > 10:
        print(f"  ... and {len(campaigns) - 10} more (see the report)")
    print("Accounts flagged per signal: " + (", ".join(f"{signal} {count}" for signal, count in per_signal) or "none"))
    print(f"Report: {(options.out_dir / 'report.html').resolve()}")
