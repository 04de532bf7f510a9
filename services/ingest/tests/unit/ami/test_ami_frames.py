"""Framing AMI bytes into messages: any chunking, bounded size, malformed input skipped."""

import pytest
from ingest_service.ami import MAX_MESSAGE_BYTES, AmiReader, encode_action
from mysessions_platform.testing.linear_time import assert_linear

pytestmark = pytest.mark.unit

STREAM = (
    b"Asterisk Call Manager/5.0.2\r\n"
    b"Response: Success\r\nActionID: 1\r\nMessage: Authentication accepted\r\n\r\n"
    b"Event: FullyBooted\r\nPrivilege: system,all\r\nStatus: Fully Booted\r\n\r\n"
    b"Event: QueueCallerJoin\r\nCallerIDName: Jane: Roe\r\nLinkedid: 17.1\r\n\r\n"
)


@pytest.mark.parametrize("chunk", [1, 2, 7, 64, len(STREAM)])
def test_messages_are_the_same_however_the_bytes_are_cut(chunk: int) -> None:
    reader = AmiReader()
    messages = [m for i in range(0, len(STREAM), chunk) for m in reader.feed(STREAM[i : i + chunk])]
    assert reader.banner == "Asterisk Call Manager/5.0.2"
    names = [m.response or m.event for m in messages]
    assert names == ["Success", "FullyBooted", "QueueCallerJoin"]
    assert messages[2].get("callerIDname") == "Jane: Roe"  # keys fold case; values keep ':'
    assert reader.skipped == {}


def test_bare_line_feeds_are_read_as_line_ends() -> None:
    [message] = AmiReader().feed(b"Event: Hangup\nUniqueid: 1.2\n\n")
    assert message.get("Uniqueid") == "1.2"


def test_an_oversized_message_is_skipped_whole_and_the_next_one_read() -> None:
    reader = AmiReader()
    huge = b"Event: Hangup\r\nCallerIDName: " + b"x" * MAX_MESSAGE_BYTES + b"\r\n\r\n"
    messages = reader.feed(huge + b"Event: DialEnd\r\n\r\n")
    assert [m.event for m in messages] == ["DialEnd"]
    assert reader.skipped == {f"longer than {MAX_MESSAGE_BYTES} bytes": 1}


def test_a_line_that_never_ends_holds_no_more_than_the_maximum() -> None:
    reader = AmiReader()
    for _ in range(10):
        reader.feed(b"y" * MAX_MESSAGE_BYTES)
    assert len(reader._pending) <= MAX_MESSAGE_BYTES
    assert reader.feed(b"\r\n\r\nEvent: DialEnd\r\n\r\n")[0].event == "DialEnd"
    assert sum(reader.skipped.values()) == 1


def test_a_malformed_message_is_named_by_field_never_by_value() -> None:
    reader = AmiReader()
    messages = reader.feed(
        b"Event: QueueCallerJoin\r\nCallerIDNum: +15551230001\r\n+15559990000 secret\r\n\r\n"
        b"Event: DialEnd\r\n\r\n"
    )
    assert [m.event for m in messages] == ["DialEnd"]
    assert reader.skipped == {"a line without ':'": 1}
    said = str(reader.last_skipped)
    assert "QueueCallerJoin" in said
    assert "CallerIDNum" in said
    assert "555" not in said


def test_an_action_cannot_smuggle_a_line() -> None:
    assert encode_action("Login", {"Username": "u"}) == b"Action: Login\r\nUsername: u\r\n\r\n"
    with pytest.raises(ValueError, match="Secret"):
        encode_action("Login", {"Secret": "s\r\nAction: Originate"})


@pytest.mark.serial
def test_reading_costs_time_linear_in_the_input() -> None:
    def many_fields(n: int) -> str:
        return "Event: X\r\n" + "K: v\r\n" * (n // 6)

    def read(text: str) -> None:
        reader = AmiReader()
        data = text.encode()
        for start in range(0, len(data), 512):
            reader.feed(data[start : start + 512])
        reader.feed(b"\r\n")

    assert_linear(read, lambda n: many_fields(n) * 8, MAX_MESSAGE_BYTES // 16, within_s=0.2)
