import json
from typing import get_args

import contracts as c
import pytest
from contracts.codec import TOPIC_ADAPTERS
from pydantic import BaseModel, TypeAdapter, ValidationError

from .examples import other_messages, session_events

pytestmark = pytest.mark.unit


def _members(union: object) -> set[type[BaseModel]]:
    inner = get_args(union)[0]
    return set(get_args(inner))


def test_there_is_an_example_of_every_session_event_type() -> None:
    assert {type(event) for event in session_events()} == _members(c.SessionEvent)


@pytest.mark.parametrize("event", session_events(), ids=lambda e: str(e.type))
def test_session_event_survives_the_wire(event: c.Event) -> None:
    assert c.decode_session_event(c.encode(event)) == event


@pytest.mark.parametrize("message", other_messages(), ids=lambda m: type(m).__name__)
def test_other_message_survives_its_topic(message: c.Message) -> None:
    topic = {
        c.AfterCallWorkSubmitted: c.topics.AFTER_CALL_WORK,
        c.SessionRecord: c.topics.REPORTING_SESSIONS,
        c.DeadLetter: c.topics.DEAD_LETTERS,
        c.EmailReplyRequested: c.topics.EMAIL_REPLIES,
        c.QueueTask: c.topics.TASK_CHANGELOG,
    }[type(message)]
    adapter: TypeAdapter[object] = TOPIC_ADAPTERS[topic]
    assert adapter.validate_json(c.encode(message)) == message


def test_times_are_utc_milliseconds() -> None:
    raw = session_events()[0].model_dump(mode="json")
    raw["occurred_at"] = "2026-11-21T11:00:00.123456+01:00"
    event = c.decode_session_event(c.SessionStarted.model_validate(raw).model_dump_json())
    assert event.occurred_at.isoformat() == "2026-11-21T10:00:00.123000+00:00"


def _invalid(**changes: object) -> str:
    raw = session_events()[0].model_dump(mode="json")
    raw.update(changes)
    return json.dumps(raw)


@pytest.mark.parametrize(
    "changes",
    [
        {"occurred_at": "2026-11-21T10:00:00"},  # naive time
        {"type": "session.exploded"},
        {"event_id": "not-a-uuid"},
        {"tenant_id": "has space"},
        {"surprise": 1},  # unknown field
        {"caller": {"address": "12ab", "address_kind": "pstn"}},
    ],
)
def test_invalid_events_are_rejected(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        c.decode_session_event(_invalid(**changes))


def test_messages_are_frozen() -> None:
    event = session_events()[0]
    with pytest.raises(ValidationError):
        event.tenant_id = "other"  # type: ignore[misc]


def test_custom_parameters_are_capped() -> None:
    base = session_events()[21].model_dump()
    too_long_name = {"x" * 65: "v"}
    too_long_value = {"ticket": "v" * 5121}
    too_much = {f"p{i}": "v" * 5000 for i in range(7)}
    for parameters in (too_long_name, too_long_value, too_much):
        with pytest.raises(ValidationError):
            c.CustomParametersUpdated(**{**base, "parameters": parameters})


def test_transfer_target_names_its_target() -> None:
    with pytest.raises(ValidationError):
        c.TransferTarget(kind="user")
    with pytest.raises(ValidationError):
        c.TransferTarget(kind="service", user_id="agent-1")


def test_only_an_external_transfer_target_has_an_address_and_it_is_valid() -> None:
    assert c.TransferTarget(kind="external").address is None
    assert c.TransferTarget(kind="external", address="alice@example.com").address
    for bad in ("not a number", "12", "a@b@c"):
        with pytest.raises(ValidationError):
            c.TransferTarget(kind="external", address=bad)
    with pytest.raises(ValidationError):
        c.TransferTarget(kind="unknown", address="+15551230002")


def _acw(tags: tuple[str, ...]) -> c.AfterCallWorkSubmitted:
    (example,) = [m for m in other_messages() if isinstance(m, c.AfterCallWorkSubmitted)]
    return c.AfterCallWorkSubmitted.model_validate({**example.model_dump(), "tags": tags})


def test_after_call_work_tags_are_trimmed_and_unique_ignoring_case() -> None:
    assert _acw(("  VIP ", "refund")).tags == ("VIP", "refund")
    with pytest.raises(ValidationError, match="appears twice"):
        _acw(("VIP", "vip "))
    with pytest.raises(ValidationError):
        _acw(tuple(f"t{n}" for n in range(21)))
    with pytest.raises(ValidationError):
        _acw(("x" * 65,))
