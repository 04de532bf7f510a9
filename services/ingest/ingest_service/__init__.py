"""Ingest: validates upstream events, drops duplicates, dead-letters the invalid, and
republishes the rest keyed by session id."""
