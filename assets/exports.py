"""Export assets: one evidence package per campaign, and the publishable transparency export.

``evidence_packages`` writes REPORTS/evidence/<campaign>/ and <campaign>.zip for every campaign (and
removes packages of campaigns that no longer exist, so the folder always matches the database). A package
it replaces that came from another database is named in a warning, so it is never overwritten silently.

``transparency_export`` writes REPORTS/transparency/ when the environment variable
``MOBTRACE_PSEUDONYM_KEY`` holds the publisher's secret key; without it the asset logs why, writes no
file (an earlier export is left as it was) and records ``skipped`` in its metadata. It runs in the main
job so that ``mobtrace run`` with the key set produces everything in one go; ``mobtrace transparency``
makes the same export later from the database.
"""

import hashlib
import re
import shutil

import dagster as dg
from dagster_duckdb import DuckDBResource

from mobtrace.analysis.ingest.core import prepare
from mobtrace.dashboards.evidence import foreign_package, write_evidence_package
from mobtrace.dashboards.transparency import KEY_ENV, MissingKeyError, TransparencyParams, key_from_env, write_transparency
from mobtrace.assets.kit import config_from, params_of
from mobtrace.assets.resources import ReportsDir

CAMPAIGN_ENTRY = re.compile(r"C[0-9]{3,}(\.zip)?")


# Not recorded in the parameters table: the export is optional (needs the key), and its own README and
# metadata state k.
TransparencyConfig = config_from(TransparencyParams)


@dg.asset(
    deps=["campaigns", "flagged_accounts"],
    description="One evidence package per campaign (accounts, posts with source file/line and links, hashes, README), as folder and zip.",
)
def evidence_packages(context: dg.AssetExecutionContext, duckdb: DuckDBResource, reports: ReportsDir) -> dg.MaterializeResult:
    folder = reports.folder() / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    with duckdb.get_connection() as con:
        prepare(con)
        campaigns = [c for (c,) in con.execute("SELECT campaign_id FROM campaigns ORDER BY campaign_id").fetchall()]
        for campaign in sorted({entry.name.removesuffix(".zip") for entry in folder.iterdir() if CAMPAIGN_ENTRY.fullmatch(entry.name)}):
            if note := foreign_package(con, campaign, folder):
                context.log.warning(f"{note}: replaced by this run's" if campaign in campaigns else f"{note}: removed, as this run has no {campaign}")
        for stale in sorted(folder.iterdir()):
            if CAMPAIGN_ENTRY.fullmatch(stale.name) and stale.name.removesuffix(".zip") not in campaigns:
                shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
        packages = {campaign: write_evidence_package(con, campaign, folder) for campaign in campaigns}
    zips = {campaign: path.with_suffix(".zip") for campaign, path in packages.items()}
    context.log.info(f"{len(packages)} evidence package(s) written to {folder}")
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(folder)),
            "packages": len(packages),
            **{f"{campaign}_zip": dg.MetadataValue.path(str(path)) for campaign, path in zips.items()},
            "zip_sha256": dg.MetadataValue.json({c: hashlib.sha256(p.read_bytes()).hexdigest() for c, p in zips.items()}),
        }
    )


@dg.asset(
    deps=["campaigns", "flagged_accounts"],
    description=f"Aggregate tables with small-cell suppression and HMAC-pseudonymised ids; needs {KEY_ENV}, else skipped.",
)
def transparency_export(
    context: dg.AssetExecutionContext, config: TransparencyConfig, duckdb: DuckDBResource, reports: ReportsDir
) -> dg.MaterializeResult:
    try:
        key = key_from_env()
    except MissingKeyError as error:
        context.log.info(f"transparency export skipped, no file written: {error}")
        return dg.MaterializeResult(metadata={"skipped": str(error)})
    folder = reports.folder() / "transparency"
    with duckdb.get_connection() as con:
        prepare(con)
        written = write_transparency(con, folder, key, k=params_of(config).k)
    context.log.info(f"transparency export (k = {config.k}) written to {folder}")
    return dg.MaterializeResult(
        metadata={"folder": dg.MetadataValue.path(str(folder)), "k": config.k,
                  **{f"{name}_path": dg.MetadataValue.path(str(path)) for name, path in written.items() if path.suffix == ".csv"}}
    )
