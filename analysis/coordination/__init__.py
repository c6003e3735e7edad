"""Coordination detectors: co-action networks and the clusters they form."""
