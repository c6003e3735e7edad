"""Dagster definitions, resources, jobs and the mobtrace command line."""
