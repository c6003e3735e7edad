"""Mass-reporting assets: report waves and notice waves per target, their calls to report and reporters (the
``mass_reporting`` signal)."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from mobtrace.analysis.engine.settings import record_execution
from mobtrace.analysis.ingest.core import prepare
from mobtrace.analysis.mass_reporting import build_mass_reporting
from mobtrace.analysis.mass_reporting.params import MassReportingParams
from mobtrace.assets.kit import config_from, signal_tags, use_params
from mobtrace.assets.metadata import row_count, table_metadata
from mobtrace.assets.resources import EngineResource

MassReportingConfig = config_from(MassReportingParams)

# A mass_reporting flag whose group is no coordinated wave, or a wave whose times or counts are out of order.
MALFORMED = """(SELECT s.account_id FROM account_signals AS s
                LEFT JOIN mass_report_waves AS w ON w.wave_id = s.group_key AND w.coordinated
                WHERE s.signal = 'mass_reporting' AND w.wave_id IS NULL
                UNION ALL
                SELECT wave_id FROM mass_report_waves
                WHERE NOT (start_ts <= end_ts AND peak_ts <= end_ts AND score BETWEEN 0 AND 1)
                   OR (side = 'reports' AND NOT (reports >= reporters AND reporters >= 1))
                   OR (side = 'notices' AND notices < 1))"""


@dg.asset(
    deps=["interactions", "accounts", "account_clusters", "burst_episodes"],
    tags=signal_tags("mass_reporting"),
    description="Report waves per reported account or post (Kleinberg's automaton on the platform's report rate, the target's "
                "robust baseline), notice waves from moderation notices, calls to report, reporter features and verdicts; "
                "the reporters of coordinated waves and the organisers of their calls carry the mass_reporting signal.",
)
def mass_report_waves(context: dg.AssetExecutionContext, config: MassReportingConfig, duckdb: DuckDBResource,
                      engine: EngineResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        prepare(con)
        params = use_params(con, config)
        execution = engine.settings()
        record_execution(con, MassReportingParams.step, execution)
        waves, coordinated, flagged = build_mass_reporting(con, params, execution=execution)
        context.log.info(f"{waves} report or notice waves, {coordinated} coordinated, {flagged} accounts with the mass_reporting signal")
        return dg.MaterializeResult(metadata=table_metadata(
            con, "mass_report_waves", coordinated_waves=coordinated, flagged_accounts=flagged,
            reports=row_count(con, "mass_report_reports"), notices=row_count(con, "notices"),
            calls_to_report=row_count(con, "mass_report_calls"),
        ))


@dg.asset_check(asset="mass_report_waves", description="Every mass_reporting flag belongs to a coordinated wave, and waves are well formed.")
def report_waves_well_formed(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        bad = row_count(con, MALFORMED)
    return dg.AssetCheckResult(passed=bad == 0, metadata={"malformed": bad})
