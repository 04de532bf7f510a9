import json

import pytest
import structlog
from mysessions_platform.logging import configure_logging
from mysessions_platform.redaction import mask_text

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "text",
    [
        "call from +15551234567 queued",
        "call from 555-123-4567 queued",
        "call from (555) 123 4567 queued",
        "mail from jane.doe@example.com",
    ],
)
def test_phone_numbers_and_emails_are_masked(text: str) -> None:
    masked = mask_text(text)
    assert "***" in masked
    assert not any(part in masked for part in ("1234567", "123-4567", "123 4567", "jane.doe"))


def test_ids_and_counts_survive() -> None:
    text = "session s-42 of tenant-1 took 1234 ms at 2026-11-21T10:00:00Z"
    assert mask_text(text) == text


def test_configured_logger_masks_fields_and_message(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")  # here, so the logger writes to this test's captured stderr
    try:
        structlog.get_logger().info(
            "offered call from +4930123456789",
            caller="+4930123456789",
            parameters={"ticket": "T-1"},
            note="reply to bob@example.org",
            session_id="s-1",
        )
    finally:
        # Loggers configured here would otherwise keep writing to a closed capture later.
        structlog.reset_defaults()
    line = capsys.readouterr().err.strip().splitlines()[-1]
    record = json.loads(line)
    assert record["caller"] == "***"
    assert record["parameters"] == "***"
    assert record["note"] == "reply to ***"
    assert record["session_id"] == "s-1"
    assert "4930123456789" not in line
