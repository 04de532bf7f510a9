"""Reporting: one immutable record per user session and per service session, for BI."""
