"""Plotly reports and the files a run writes for people and other tools."""
