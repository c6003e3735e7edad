"""Ingest assets: exported files into the canonical interactions / accounts / quarantine tables."""

import dataclasses

import dagster as dg
from dagster_duckdb import DuckDBResource

from mobtrace.analysis.engine.settings import record_execution
from mobtrace.analysis.ingest.core import prepare
from mobtrace.analysis.ingest import ingest_paths
from mobtrace.analysis.ingest.checks import accounting_mismatches, duplicate_events, schema_differences
from mobtrace.analysis.ingest.params import IngestParams
from mobtrace.analysis.provenance import record_parameters
from mobtrace.analysis.timing import record_time_resolution
from mobtrace.assets.kit import config_from, params_of
from mobtrace.assets.metadata import table_metadata
from mobtrace.assets.resources import EngineResource, sample_inputs

IngestConfig = config_from(IngestParams)


@dg.multi_asset(
    specs=[
        dg.AssetSpec("interactions", description="Every ingested event, one row per post/repost/reply/report/..., UTC times."),
        dg.AssetSpec("accounts", description="What the exports say about each account: handle, creation date, followers."),
        dg.AssetSpec("quarantine", description="Rows that could not be ingested, with source file, line and reason."),
    ],
    name="ingested_exports",
    description="Read the export files (adapter per file) into DuckDB; re-ingesting the same bytes adds nothing.",
)
def ingested_exports(context: dg.AssetExecutionContext, config: IngestConfig, duckdb: DuckDBResource,
                     engine: EngineResource):
    with duckdb.get_connection() as con:
        prepare(con)
        params = params_of(config)
        params = dataclasses.replace(params, paths=params.paths or tuple(sample_inputs()))
        execution = engine.settings()  # spark: Parquet files of the column-mapping formats are mapped on Spark
        record_execution(con, params.step, execution)
        summaries = ingest_paths(con, list(params.paths), params.format, execution=execution)
        record_time_resolution(con)
        record_parameters(con, params.step, params.as_record())
        for summary in summaries:
            state = "already ingested" if summary.skipped else f"{summary.ingested} ingested, {summary.quarantined} quarantined"
            rows = f"{summary.rows_read} row{'' if summary.rows_read == 1 else 's'} read"
            context.log.info(f"{summary.source_file} [{summary.format}]: {rows}, {state}")
        files = dg.MetadataValue.json([summary.__dict__ for summary in summaries])
        yield dg.MaterializeResult(asset_key="interactions", metadata=table_metadata(con, "interactions", files=files))
        yield dg.MaterializeResult(asset_key="accounts", metadata=table_metadata(con, "accounts"))
        yield dg.MaterializeResult(asset_key="quarantine", metadata=table_metadata(con, "quarantine"))


@dg.asset_check(asset="interactions", blocking=True, description="interactions has exactly the columns and types of schema.sql.")
def interactions_schema(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        differences = schema_differences(con, "interactions")
    return dg.AssetCheckResult(passed=not differences, metadata={"differences": differences})


@dg.asset_check(asset="interactions", blocking=True, description="No (platform, event_id) is stored twice.")
def unique_events(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        duplicates = duplicate_events(con)
    return dg.AssetCheckResult(passed=not duplicates, metadata={"duplicates": duplicates})


@dg.asset_check(asset="quarantine", blocking=True, description="For every input file, ingested + quarantined = rows read, and the tables hold exactly those rows.")
def rows_accounted_for(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        mismatches = accounting_mismatches(con)
    return dg.AssetCheckResult(passed=not mismatches, metadata={"mismatches": mismatches})
