"""Deterministic synthetic demo data for Pantau (clearly marked as simulated, never official)."""
