"""Header-bound fields refuse control characters (issue 13, finding 8c: CR/LF in a received
subject or sender name flowed into ``email.reply_requested``, a header injection)."""

import json
import re
from typing import Any

import contracts as c
import pytest
from contracts.codec import TOPIC_ADAPTERS
from contracts.single_line import SINGLE_LINE_PATTERN
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from .examples import other_messages, session_events

pytestmark = pytest.mark.unit

REFUSED = ["\r", "\n", "\r\n", "\x00", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"]
INJECTION = "Invoice\r\nBcc: victim@example.com"


def _example(kind: type[c.Message]) -> dict[str, Any]:
    found = next(m for m in [*session_events(), *other_messages()] if type(m) is kind)
    return dict(json.loads(c.encode(found)))


def _set(document: dict[str, Any], path: tuple[str, ...], value: str) -> dict[str, Any]:
    node = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return document


def _email_reply() -> dict[str, Any]:
    return _example(c.EmailReplyRequested)


def _email() -> dict[str, Any]:
    return _example(c.EmailReceived)


def _with_display_name(document: dict[str, Any], party: str) -> dict[str, Any]:
    document[party]["display_name"] = "Jane"
    return document


def _session_started() -> dict[str, Any]:
    return _example(c.SessionStarted)


def _dialing() -> dict[str, Any]:
    return _example(c.OutboundDialing)


def _chat() -> dict[str, Any]:
    return _example(c.ChatReceived)


def _external_transfer() -> dict[str, Any]:
    document = _example(c.SessionTransferred)
    document["target"] = {"kind": "external", "address": "+15551230002"}
    return document


# (topic, a valid document, the path of a header-bound field, the field as a reason names it)
FIELDS = [
    (c.topics.TELEPHONY_EVENTS, _email, ("subject",), "email.received.subject"),
    (
        c.topics.TELEPHONY_EVENTS,
        lambda: _with_display_name(_email(), "sender"),
        ("sender", "display_name"),
        "email.received.sender.display_name",
    ),
    (c.topics.TELEPHONY_EVENTS, _email, ("sender", "address"), "email.received.sender.address"),
    (
        c.topics.TELEPHONY_EVENTS,
        _session_started,
        ("caller", "display_name"),
        "session.started.caller.display_name",
    ),
    (
        c.topics.TELEPHONY_EVENTS,
        _dialing,
        ("destination", "display_name"),
        "outbound.dialing.destination.display_name",
    ),
    (c.topics.TELEPHONY_EVENTS, _chat, ("sender", "address"), "chat.received.sender.address"),
    (
        c.topics.TELEPHONY_EVENTS,
        _external_transfer,
        ("target", "address"),
        "session.transferred.target.address",
    ),
    (c.topics.EMAIL_REPLIES, _email_reply, ("subject",), "email.reply_requested.subject"),
    (
        c.topics.EMAIL_REPLIES,
        lambda: _with_display_name(_email_reply(), "to"),
        ("to", "display_name"),
        "email.reply_requested.to.display_name",
    ),
    (c.topics.EMAIL_REPLIES, _email_reply, ("to", "address"), "email.reply_requested.to.address"),
]
IDS = [field for _, _, _, field in FIELDS]


def _reason(topic: str, document: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as refused:
        TOPIC_ADAPTERS[topic].validate_json(json.dumps(document))
    return c.explain(refused.value)


@pytest.mark.parametrize(("topic", "build", "path", "field"), FIELDS, ids=IDS)
@pytest.mark.parametrize("control", REFUSED, ids=repr)
def test_a_control_character_is_refused_naming_the_field(
    topic: str, build: Any, path: tuple[str, ...], field: str, control: str
) -> None:
    document = build()
    value = f"{document[path[0]] if len(path) == 1 else 'jane'}{control}x"
    if path[-1] == "address" and "@" not in value:
        value = f"jane{control}@example.com"
    reason = _reason(topic, _set(document, path, value))
    assert reason.startswith(f"{field}: ")
    assert "control character" in reason
    assert control not in reason


@pytest.mark.parametrize(("topic", "build", "path", "field"), FIELDS, ids=IDS)
def test_a_header_injection_is_refused_without_quoting_it(
    topic: str, build: Any, path: tuple[str, ...], field: str
) -> None:
    reason = _reason(topic, _set(build(), path, INJECTION))
    assert field in reason
    assert "Bcc" not in reason
    assert "victim" not in reason


def test_tab_and_ordinary_text_stay_valid() -> None:
    document = _set(_email(), ("subject",), "Re:\tInvoice — ünïcödé 😀")
    subject = c.decode_session_event(json.dumps(document))
    assert isinstance(subject, c.EmailReceived)
    assert subject.subject == "Re:\tInvoice — ünïcödé 😀"


def test_the_json_schema_states_the_rule() -> None:
    schema = json.dumps(TOPIC_ADAPTERS[c.topics.EMAIL_REPLIES].json_schema())
    assert json.dumps(SINGLE_LINE_PATTERN) in schema


@given(st.text(max_size=40))
def test_the_schema_pattern_and_the_validator_agree(text: str) -> None:
    document = _set(_email(), ("subject",), text)
    try:
        c.decode_session_event(json.dumps(document))
        valid = True
    except ValidationError:
        valid = False
    assert valid == bool(re.fullmatch(SINGLE_LINE_PATTERN.strip("^$"), text))
