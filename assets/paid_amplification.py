"""Paid-amplification asset: for-hire pools among the co-action clusters, their members (the
``paid_amplification`` signal) and their clients (``signal_beneficiaries``)."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from mobtrace.analysis.engine.settings import record_execution
from mobtrace.analysis.ingest.core import prepare
from mobtrace.analysis.paid_amplification import build_paid_amplification
from mobtrace.analysis.paid_amplification.params import PaidAmplificationParams
from mobtrace.assets.kit import config_from, signal_tags, use_params
from mobtrace.assets.metadata import row_count, table_metadata
from mobtrace.assets.resources import EngineResource

PaidAmplificationConfig = config_from(PaidAmplificationParams)


@dg.asset(
    deps=["account_clusters"],
    tags=signal_tags("paid_amplification"),
    description="Account features of amplification (latency, cadence, creation batches, handles, profiles), and the co-action "
                "clusters that boost many unrelated clients: their working accounts carry the paid_amplification signal, "
                "their clients are listed as beneficiaries.",
)
def paid_amplification(context: dg.AssetExecutionContext, config: PaidAmplificationConfig, duckdb: DuckDBResource,
                       engine: EngineResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        prepare(con)
        params = use_params(con, config)
        execution = engine.settings()
        record_execution(con, PaidAmplificationParams.step, execution)
        pools, flagged = build_paid_amplification(con, params, execution=execution)
        clients = row_count(con, "signal_beneficiaries WHERE signal = 'paid_amplification'")
        context.log.info(f"{pools} for-hire pools, {flagged} accounts with the paid_amplification signal, {clients} clients")
        return dg.MaterializeResult(metadata=table_metadata(
            con, "amplification_pools", pools=pools, flagged_accounts=flagged, beneficiaries=clients,
            features=row_count(con, "amplification_features"), jobs=row_count(con, "amplification_jobs"),
        ))
