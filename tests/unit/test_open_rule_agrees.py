"""The queue's open marker and the reporting service's open rule are one rule."""

from datetime import UTC, datetime
from typing import get_args

import pytest
from acw.domain import handled
from contracts import TaskOutcome
from queue_service.domain.draft import Draft
from queue_service.domain.session_state import is_open

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("attempt", [False, True])
@pytest.mark.parametrize("outcome", get_args(TaskOutcome))
def test_the_queue_marks_open_exactly_what_reporting_accepts(attempt: bool, outcome: str) -> None:
    at = datetime(2026, 12, 1, tzinfo=UTC)
    draft = Draft(
        user_session_id="us-1",
        user_id="agent-1",
        attempt=attempt,
        state="ended",
        service_session_id=None if attempt else "ss-1",
        created_at=at,
        updated_at=at,
    )
    draft.outcome = outcome  # type: ignore[assignment]
    assert is_open(draft) is handled("outbound" if attempt else "inbound", outcome)
