"""Log lines go to the stderr of the moment, even after the stream they were configured with
was closed (a test's capture in the same process; before the fix a worker's start-up then
raised "I/O operation on closed file")."""

import io
import sys

import pytest
import structlog
from mysessions_platform.logging import configure_logging

pytestmark = pytest.mark.unit


def test_a_log_line_after_the_configured_stderr_was_closed_goes_to_the_current_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    configure_logging("INFO")
    structlog.get_logger("test").info("first line")
    first.close()

    current = io.StringIO()
    monkeypatch.setattr(sys, "stderr", current)
    structlog.get_logger("test").warning("second line", field="name")

    assert '"event": "second line"' in current.getvalue()
