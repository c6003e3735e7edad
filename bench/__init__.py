"""Benchmarks (``make bench``): large generated data sets, wall time and peak memory. Not part of CI."""
