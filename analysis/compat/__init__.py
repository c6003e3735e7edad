"""Compatibility modes: mobtrace reproducing established coordination tools exactly."""
