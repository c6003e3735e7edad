"""Coordination assets: co-action edges between accounts, and the clusters they form (the ``coordination`` signal)."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from mobtrace.analysis.coordination import build_account_clusters, build_coaction_edges
from mobtrace.analysis.coordination.params import ClusterParams, CoactionParams
from mobtrace.analysis.engine.settings import record_execution
from mobtrace.analysis.ingest.core import prepare
from mobtrace.assets.kit import config_from, signal_tags, use_params
from mobtrace.assets.metadata import row_count, table_metadata
from mobtrace.assets.resources import EngineResource

CoactionConfig = config_from(CoactionParams)
ClusterConfig = config_from(ClusterParams)


@dg.asset(
    deps=["interactions"],
    description="Pairs of accounts that acted on the same objects within the window, thresholded; with the matched event pairs as evidence.",
)
def coaction_edges(context: dg.AssetExecutionContext, config: CoactionConfig, duckdb: DuckDBResource,
                   engine: EngineResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        prepare(con)
        params = use_params(con, config)
        execution = engine.settings()
        record_execution(con, CoactionParams.step, execution)
        edges = build_coaction_edges(con, params, progress=lambda step: context.log.info(f"co-action: {step} done"),
                                     execution=execution)
        significant = row_count(con, "coaction_edges WHERE significant")
        context.log.info(f"{edges} co-action edges with weight >= {params.min_weight}, {significant} significant at alpha {params.alpha}")
        return dg.MaterializeResult(metadata=table_metadata(con, "coaction_edges", evidence_rows=row_count(con, "coaction_evidence")))


@dg.asset_check(asset="coaction_edges", description="Edges join two different accounts in canonical order, and every edge has evidence.")
def edges_well_formed(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        bad = row_count(
            con,
            "coaction_edges AS e WHERE (a_platform, a_account) >= (b_platform, b_account) "
            "OR weight < 1 OR NOT EXISTS (SELECT 1 FROM coaction_evidence AS v WHERE v.behaviour = e.behaviour "
            "AND v.a_platform = e.a_platform AND v.a_account = e.a_account AND v.b_platform = e.b_platform AND v.b_account = e.b_account)",
        )
    return dg.AssetCheckResult(passed=bad == 0, metadata={"malformed_edges": bad})


@dg.asset(
    deps=["coaction_edges"],
    tags=signal_tags("coordination"),
    description="Louvain communities (seeded) of the multiplex graph of significant co-action edges, with cluster statistics; their members carry the coordination signal.",
)
def account_clusters(context: dg.AssetExecutionContext, config: ClusterConfig, duckdb: DuckDBResource,
                     engine: EngineResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        prepare(con)
        params = use_params(con, config)
        execution = engine.settings()
        record_execution(con, ClusterParams.step, execution)
        clusters, flagged = build_account_clusters(con, params, execution=execution)
        context.log.info(f"{clusters} clusters, {flagged} accounts with the coordination signal")
        return dg.MaterializeResult(metadata=table_metadata(con, "account_clusters", clusters=clusters, flagged_accounts=flagged))
