"""What the AsyncAPI documents say a worker's topics carry: each topic's contract, found by
its role when its name is a test's; and the type that says so validates nothing, so the
records still reach the step as they are (a record that is no contract is dead-lettered
there, with its original bytes)."""

from typing import Any

import pytest
from contracts import topics
from mysessions_platform.kafka.documented import documented_type
from pydantic import TypeAdapter

pytestmark = pytest.mark.unit


def _title(documented: Any) -> str | None:
    schema = TypeAdapter(documented).json_schema()
    title = schema.get("title")
    return title if isinstance(title, str) else None


def test_a_topic_is_documented_with_its_contract_by_name_or_by_role() -> None:
    assert _title(documented_type([topics.SESSION_EVENTS], {})) == "SessionEvent"
    roles = {"test-raw-1234": topics.TELEPHONY_EVENTS}
    assert _title(documented_type(["test-raw-1234"], roles)) == "SessionEvent"


def test_a_subscription_of_two_topics_is_documented_with_both_contracts() -> None:
    documented = documented_type([topics.SESSION_EVENTS, topics.AFTER_CALL_WORK], {})
    schema = TypeAdapter(documented).json_schema()
    assert schema["title"] == "SessionEventOrAfterCallWork"
    assert "AfterCallWorkSubmitted" in schema["$defs"]
    assert "SessionStarted" in schema["$defs"]


def test_a_topic_of_no_known_contract_is_any_payload_even_beside_a_known_one() -> None:
    assert documented_type(["somewhere-else"], {}) is Any
    assert documented_type([topics.SESSION_EVENTS, "somewhere-else"], {}) is Any


def test_the_documented_type_validates_nothing_the_step_gets_the_records_untouched() -> None:
    """FastStream validates a handler's parameter with pydantic, as this adapter does: the
    raw records (here, a batch of bytes that is no event) must pass as they are."""
    documented = documented_type([topics.SESSION_EVENTS], {})
    records = (object(), b"not json at all")
    assert TypeAdapter(documented).validate_python(records) is records
