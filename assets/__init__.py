"""Thin Dagster assets over the analysis library; each names the table or file it produces."""

from mobtrace.assets.campaigns import campaign_fusion, flags_have_evidence
from mobtrace.assets.coordination import account_clusters, coaction_edges, edges_well_formed
from mobtrace.assets.exports import evidence_packages, transparency_export
from mobtrace.assets.ingest import ingested_exports, interactions_schema, rows_accounted_for, unique_events
from mobtrace.assets.report import report

ALL_ASSETS = [ingested_exports, coaction_edges, account_clusters, campaign_fusion, report, evidence_packages, transparency_export]
ALL_CHECKS = [interactions_schema, unique_events, rows_accounted_for, edges_well_formed, flags_have_evidence]
