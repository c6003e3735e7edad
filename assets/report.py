"""The report asset: the HTML report and the machine-readable outputs, written to the reports folder."""


import dagster as dg
from dagster_duckdb import DuckDBResource

from mobtrace.analysis.ingest.core import prepare
from mobtrace.dashboards.outputs import write_outputs
from mobtrace.dashboards.report import write_report
from mobtrace.assets.resources import ReportsDir


@dg.asset(
    deps=["campaigns", "flagged_accounts", "quarantine"],
    description="report.html (opens offline), flagged_accounts.csv, campaigns.json, and every detector's own files (e.g. coaction_edges.csv and the clustered graph).",
)
def report(context: dg.AssetExecutionContext, duckdb: DuckDBResource, reports: ReportsDir) -> dg.MaterializeResult:
    folder = reports.folder()
    with duckdb.get_connection() as con:
        prepare(con)
        outputs = write_outputs(con, folder)
        page = write_report(con, folder)
    context.log.info(f"report written to {page}")
    return dg.MaterializeResult(
        metadata={
            "report_path": dg.MetadataValue.path(str(page)),
            **{f"{name}_path": dg.MetadataValue.path(str(path)) for name, path in outputs.items()},
        }
    )
