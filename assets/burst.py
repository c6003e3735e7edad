"""Burst assets: pile-on episodes against every target and the accounts of the concerted ones (the ``burst`` signal)."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from mobtrace.analysis.burst import build_bursts
from mobtrace.analysis.burst.params import BurstParams
from mobtrace.analysis.engine.settings import record_execution
from mobtrace.analysis.ingest.core import prepare
from mobtrace.assets.kit import config_from, signal_tags, use_params
from mobtrace.assets.metadata import row_count, table_metadata
from mobtrace.assets.resources import EngineResource

BurstConfig = config_from(BurstParams)

# A burst flag whose group is no concerted episode, or an episode whose times are out of order.
MALFORMED = """(SELECT s.account_id FROM account_signals AS s
                LEFT JOIN burst_episodes AS e ON e.episode_id = s.group_key AND e.concerted
                WHERE s.signal = 'burst' AND e.episode_id IS NULL
                UNION ALL
                SELECT episode_id FROM burst_episodes
                WHERE NOT (start_ts <= end_ts AND peak_ts <= end_ts AND participants >= 1 AND events >= participants))"""


@dg.asset(
    deps=["interactions", "accounts", "account_clusters"],
    tags=signal_tags("burst"),
    description="Inbound series per target (discovered and named), burst episodes found by Kleinberg's automaton and a "
                "robust baseline, their features and calls to action; participants of concerted episodes carry the burst signal.",
)
def burst_episodes(context: dg.AssetExecutionContext, config: BurstConfig, duckdb: DuckDBResource,
                   engine: EngineResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        prepare(con)
        params = use_params(con, config)
        execution = engine.settings()
        record_execution(con, BurstParams.step, execution)
        episodes, concerted, flagged = build_bursts(con, params, progress=lambda stage: context.log.info(f"burst: {stage} done"),
                                                    execution=execution)
        context.log.info(f"{episodes} burst episodes, {concerted} concerted, {flagged} accounts with the burst signal")
        return dg.MaterializeResult(metadata=table_metadata(
            con, "burst_episodes", concerted_episodes=concerted, flagged_accounts=flagged,
            targets=row_count(con, "burst_targets"), calls_to_action=row_count(con, "burst_calls"),
        ))


@dg.asset_check(asset="burst_episodes", description="Every burst flag belongs to a concerted episode, and episodes are well formed.")
def bursts_well_formed(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        bad = row_count(con, MALFORMED)
    return dg.AssetCheckResult(passed=bad == 0, metadata={"malformed": bad})
