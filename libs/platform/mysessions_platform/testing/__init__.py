"""Test support: which real servers the tests use, unique names, and per-test cleanup.

The repo-root conftest.py turns these into fixtures; nothing here opens a connection at
import time.
"""
