"""Every big event type, built as large as its contract allows, fits in one Kafka record."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import contracts as c
import pytest
from contracts import limits as lim
from pydantic import ValidationError

pytestmark = pytest.mark.unit

T0 = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
WIDE = "\U0001f600"  # 4 bytes in UTF-8: the widest real text character
ESCAPED = "\x01"  # 6 bytes in JSON (\u0001): the widest character of all


def common() -> dict[str, Any]:
    return {
        "event_id": uuid4(),
        "occurred_at": T0,
        "tenant_id": "t" * 128,
        "session_id": "s" * 128,
    }


def final_ids() -> dict[str, Any]:
    ids = {"service_session_id": "s" * 128, "user_session_id": "u" * 128, "service_id": "v" * 128}
    return {**common(), **ids}


def largest_email(char: str) -> c.EmailReceived:
    # Subject and display name are single lines: no control characters, so WIDE at most.
    line = WIDE if char == ESCAPED else char
    return c.EmailReceived(
        **common(),
        sender=c.Party(
            address="a" * 300 + "@example.com", address_kind="email", display_name=line * 256
        ),
        subject=line * lim.MAX_EMAIL_SUBJECT_CHARS,
        html_body=char * lim.MAX_HTML_BODY_CHARS,
        received_at=T0,
    )


def largest_transcript(char: str) -> c.TranscriptFinal:
    per_line = lim.MAX_TRANSCRIPT_TEXT_CHARS // lim.MAX_TRANSCRIPT_LINES
    line = c.FinalTranscriptLine(
        speaker="caller", text=char * per_line, offset_ms=lim.MAX_OFFSET_MS
    )
    return c.TranscriptFinal(**final_ids(), lines=[line] * lim.MAX_TRANSCRIPT_LINES)


def largest_parameters(char: str) -> c.CustomParametersUpdated:
    name_chars = 64
    value_chars = lim.MAX_PARAMETERS_TOTAL_CHARS // lim.MAX_PARAMETERS - name_chars
    parameters = {
        f"{n:03d}" + "n" * (name_chars - 3): char * value_chars for n in range(lim.MAX_PARAMETERS)
    }
    return c.CustomParametersUpdated(
        **common(), service_session_id="s" * 128, parameters=parameters
    )


def largest_segment(char: str) -> c.TranscriptSegment:
    return c.TranscriptSegment(
        **common(),
        service_session_id="s" * 128,
        user_session_id="u" * 128,
        segment_id="g" * 128,
        speaker="agent",
        start_ms=lim.MAX_OFFSET_MS,
        end_ms=lim.MAX_OFFSET_MS,
        text=char * lim.MAX_UTTERANCE_CHARS,
        final=True,
    )


BUILDERS = [largest_email, largest_transcript, largest_parameters, largest_segment]


@pytest.mark.parametrize("build", BUILDERS)
def test_the_largest_event_of_real_text_is_valid_and_fits(build: Any) -> None:
    event = build(WIDE)
    assert len(c.encode(event)) <= lim.MAX_EVENT_BYTES


@pytest.mark.parametrize("build", [largest_parameters, largest_segment])
def test_small_types_fit_even_with_the_widest_escapes(build: Any) -> None:
    assert len(c.encode(build(ESCAPED))) <= lim.MAX_EVENT_BYTES


@pytest.mark.parametrize("build", [largest_email, largest_transcript])
def test_big_types_refuse_an_encoding_above_the_limit_naming_sizes_only(build: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        build(ESCAPED)
    reason = c.explain(refused.value)
    assert f"above the {lim.MAX_EVENT_BYTES} limit" in reason
    assert ESCAPED not in reason, "sizes, never values"
    assert "\\u0001" not in reason


def test_an_event_exactly_at_the_limit_is_valid() -> None:
    base = largest_email("a").model_copy(update={"html_body": ""})
    room = lim.MAX_EVENT_BYTES - len(c.encode(base))
    escaped, plain = divmod(room, 6)
    body = ESCAPED * escaped + "a" * plain
    event = c.EmailReceived.model_validate({**base.model_dump(), "html_body": body})
    assert len(c.encode(event)) == lim.MAX_EVENT_BYTES
    with pytest.raises(ValidationError):
        c.EmailReceived.model_validate({**base.model_dump(), "html_body": body + "a"})


def test_a_transcript_is_capped_in_total_characters() -> None:
    line = c.FinalTranscriptLine(speaker="caller", text="a" * lim.MAX_UTTERANCE_CHARS, offset_ms=0)
    too_many = lim.MAX_TRANSCRIPT_TEXT_CHARS // lim.MAX_UTTERANCE_CHARS + 1
    with pytest.raises(ValidationError, match="transcript text totals"):
        c.TranscriptFinal(**final_ids(), lines=[line] * too_many)
    with pytest.raises(ValidationError):
        c.TranscriptFinal(**final_ids(), lines=[line.model_copy(update={"text": ""})] * 2_501)


def test_the_derived_limits_leave_room_for_what_each_topic_carries() -> None:
    assert lim.MAX_EVENT_BYTES < lim.MAX_NORMALIZED_EVENT_BYTES < lim.MAX_RAW_RECORD_BYTES
    assert lim.SESSION_TOPIC_MAX_MESSAGE_BYTES > lim.MAX_NORMALIZED_EVENT_BYTES
    # base64 of the largest whole original, plus the other fields
    assert lim.MAX_DEAD_LETTER_BYTES > lim.MAX_EVENT_BYTES * 4 // 3 + 60_000
    assert lim.PRODUCER_MAX_REQUEST_BYTES >= lim.DEAD_LETTER_TOPIC_MAX_MESSAGE_BYTES
    assert lim.PRODUCER_MAX_REQUEST_BYTES >= lim.SESSION_TOPIC_MAX_MESSAGE_BYTES
    assert lim.CONSUMER_MAX_PARTITION_FETCH_BYTES >= lim.RAW_TOPIC_MAX_MESSAGE_BYTES


def test_a_caption_ends_at_or_after_its_start() -> None:
    segment = largest_segment("a")
    with pytest.raises(ValidationError, match="end_ms is before its start_ms"):
        c.TranscriptSegment.model_validate({**segment.model_dump(), "end_ms": 0})
    assert segment.caption().text == segment.text
