"""Pantau: election-supervision analytics for Bawaslu (command line, settings, demo data)."""
