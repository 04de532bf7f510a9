"""Reporting: immutable per-session records for BI (not built yet)."""
