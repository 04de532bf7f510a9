"""Reasons name schema fields and error kinds, never values (issue 13, finding 2)."""

import json
from typing import Any

import contracts as c
import pytest
from contracts.codec import TOPIC_ADAPTERS
from hypothesis import given, settings
from pydantic import ValidationError

from .examples import other_messages, session_events
from .sensitive_values import SENSITIVE, leaks, variants

pytestmark = pytest.mark.unit

PHONE = "+41446681800"
EMAIL = "jane.doe@example.com"


def _documents(topic: str) -> list[dict[str, Any]]:
    adapter = TOPIC_ADAPTERS[topic]
    found = []
    for message in [*session_events(), *other_messages()]:
        try:
            adapter.validate_python(message)
        except ValidationError:
            continue
        found.append(json.loads(c.encode(message)))
    return found


DOCUMENTS = {topic: _documents(topic) for topic in TOPIC_ADAPTERS}


def _reason(topic: str, document: Any) -> str | None:
    try:
        TOPIC_ADAPTERS[topic].validate_json(json.dumps(document))
    except ValidationError as error:
        return c.explain(error)
    return None


def _started() -> dict[str, Any]:
    return DOCUMENTS[c.topics.TELEPHONY_EVENTS][0]


def test_every_topic_has_examples() -> None:
    assert all(DOCUMENTS.values())


def test_an_unknown_type_is_an_unknown_type() -> None:
    assert _reason(c.topics.TELEPHONY_EVENTS, {**_started(), "type": PHONE}) == (
        "<message>: unknown type"
    )


def test_an_extra_key_is_an_unexpected_field_without_its_name() -> None:
    reason = _reason(c.topics.TELEPHONY_EVENTS, {**_started(), EMAIL: 1})
    assert reason == "session.started.<key>: unexpected field"


def test_an_extra_key_named_like_a_field_is_named() -> None:
    reason = _reason(c.topics.TELEPHONY_EVENTS, {**_started(), "user_id": "a"})
    assert reason == "session.started.user_id: unexpected field"


def test_a_parameter_is_named_by_its_place_only() -> None:
    (update,) = [d for d in DOCUMENTS[c.topics.TELEPHONY_EVENTS] if "parameters" in d]
    reason = _reason(c.topics.TELEPHONY_EVENTS, {**update, "parameters": {EMAIL: 5, "a{": "b"}})
    assert reason == (
        "context.parameters_updated.parameters.<key>: Input should be a valid string; "
        "context.parameters_updated.parameters.<key>.[key]: "
        "a parameter name has no braces or control characters"
    )


def test_limits_and_expected_values_come_from_the_schema() -> None:
    started = _started()
    reason = _reason(
        c.topics.TELEPHONY_EVENTS,
        {**started, "direction": PHONE, "service_name": "x" * 300, "event_id": PHONE},
    )
    assert reason is not None
    assert "session.started.direction: Input should be 'inbound' or 'outbound'" in reason
    assert "session.started.service_name: String should have at most 256 characters" in reason
    assert "session.started.event_id: Input should be a valid UUID" in reason
    assert PHONE not in reason


def test_a_time_beyond_utc_is_refused_not_raised() -> None:
    reason = _reason(
        c.topics.TELEPHONY_EVENTS, {**_started(), "occurred_at": "0001-01-01T00:00+01:00"}
    )
    assert reason == "session.started.occurred_at: a time outside the years 1 to 9999 once in UTC"


def test_repeated_tags_are_named_by_position() -> None:
    (acw,) = DOCUMENTS[c.topics.AFTER_CALL_WORK]
    reason = _reason(c.topics.AFTER_CALL_WORK, {**acw, "tags": ["Jane Doe", "jane doe"]})
    assert reason == "acw.submitted.tags: the tag at 1 appears twice (tags match ignoring case)"


def test_not_json_names_the_position_only() -> None:
    with pytest.raises(ValidationError) as refused:
        c.decode_session_event(b'{"type": "' + PHONE.encode())
    assert c.explain(refused.value) == (
        "<message>: Invalid JSON: EOF while parsing a string at line 1 column 22"
    )


# telephony.events and sessions.events share one union: tried once.
@pytest.mark.parametrize("topic", [t for t in TOPIC_ADAPTERS if t != c.topics.SESSION_EVENTS])
@given(value=SENSITIVE)
@settings(max_examples=60, deadline=None)
def test_no_reason_repeats_a_value_in_any_position(topic: str, value: str) -> None:
    for document in DOCUMENTS[topic]:
        for variant in variants(document, value):
            reason = _reason(topic, variant)
            assert reason is None or not leaks(value, reason), (reason, variant)
