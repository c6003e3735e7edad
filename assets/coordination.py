"""Coordination assets: co-action edges between accounts, and the clusters they form."""


import dagster as dg
from dagster_duckdb import DuckDBResource
from pydantic import Field

from mobtrace.analysis.coordination.cluster_stats import cluster_stats
from mobtrace.analysis.coordination.clusters import account_clusters as compute_clusters
from mobtrace.analysis.coordination.coaction import coaction_edges as compute_edges
from mobtrace.analysis.coordination.signal import coordination_signal
from mobtrace.analysis.ingest.core import prepare
from mobtrace.analysis.provenance import parameters, record_parameters
from mobtrace.assets.metadata import row_count, table_metadata


class CoactionConfig(dg.Config):
    window_seconds: float = Field(default=60, description="Largest gap (inclusive) between two accounts' actions on the same object.")
    min_weight: int = Field(default=3, description="Fewest distinct shared objects for an edge to be kept.")
    auto_window: bool = Field(default=False, description="Estimate a window per object (CooRnet-style) instead of window_seconds.")
    behaviours: list[str] = Field(default=["all"], description='Co-action behaviours to compute, or ["all"].')
    evidence_per_edge: int = Field(default=20, description="Matched event pairs kept per edge as evidence.")
    alpha: float = Field(default=0.01, description="False-discovery rate of the null-model test an edge must pass to be clustered.")
    seed: int = Field(default=0, description="Random state of the null model's sampling and of MinHash.")


class ClusterConfig(dg.Config):
    seed: int = Field(default=42, description="Random state of the Louvain heuristic.")
    resolution: float = Field(default=1.0, description="Louvain resolution (above 1: smaller clusters).")
    min_cluster_size: int = Field(default=3, description="Fewest accounts for a cluster to be kept.")


@dg.asset(
    deps=["interactions"],
    description="Pairs of accounts that acted on the same objects within the window, thresholded; with the matched event pairs as evidence.",
)
def coaction_edges(context: dg.AssetExecutionContext, config: CoactionConfig, duckdb: DuckDBResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        prepare(con)
        record_parameters(con, "coaction_edges", config.model_dump())
        behaviours = "all" if config.behaviours == ["all"] else tuple(config.behaviours)
        edges = compute_edges(
            con, config.window_seconds, config.min_weight, behaviours, config.evidence_per_edge,
            window="auto" if config.auto_window else None, alpha=config.alpha, seed=config.seed,
            progress=lambda step: context.log.info(f"co-action: {step} done"),
        )
        significant = con.sql("SELECT count(*) FILTER (WHERE significant) FROM coaction_edges").fetchall()[0][0]
        context.log.info(f"{edges} co-action edges with weight >= {config.min_weight}, {significant} significant at alpha {config.alpha}")
        return dg.MaterializeResult(metadata=table_metadata(con, "coaction_edges", evidence_rows=row_count(con, "coaction_evidence")))


@dg.asset_check(asset="coaction_edges", description="Edges join two different accounts in canonical order, and every edge has evidence.")
def edges_well_formed(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        bad = con.sql(
            "SELECT count(*) FROM coaction_edges AS e WHERE (a_platform, a_account) >= (b_platform, b_account) "
            "OR weight < 1 OR NOT EXISTS (SELECT 1 FROM coaction_evidence AS v WHERE v.behaviour = e.behaviour "
            "AND v.a_platform = e.a_platform AND v.a_account = e.a_account AND v.b_platform = e.b_platform AND v.b_account = e.b_account)"
        ).fetchall()[0][0]
    return dg.AssetCheckResult(passed=bad == 0, metadata={"malformed_edges": bad})


@dg.asset(
    deps=["coaction_edges"],
    description="Louvain communities (seeded) of the multiplex graph of significant co-action edges, with cluster statistics; their members carry the coordination signal.",
)
def account_clusters(context: dg.AssetExecutionContext, config: ClusterConfig, duckdb: DuckDBResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        prepare(con)
        record_parameters(con, "account_clusters", config.model_dump())
        clusters = compute_clusters(con, seed=config.seed, resolution=config.resolution, min_cluster_size=config.min_cluster_size)
        cluster_stats(con)
        window = parameters(con).get("coaction_edges", {}).get("window_seconds", 60)
        flagged = coordination_signal(con, window_seconds=float(window))
        context.log.info(f"{clusters} clusters, {flagged} accounts with the coordination signal")
        return dg.MaterializeResult(metadata=table_metadata(con, "account_clusters", clusters=clusters, flagged_accounts=flagged))

