"""Synthetic data for mobtrace: a seeded social-platform generator with planted campaigns (see data.generator)."""
