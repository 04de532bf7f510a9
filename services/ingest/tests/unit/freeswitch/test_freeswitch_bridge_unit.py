"""The bridge's order of effects and its limits, on fakes: an event is published before its
call's state is saved, retried (never dropped) while publishing fails, and ESL frames are
bounded."""

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from contracts import SessionEvent
from ingest_service.freeswitch import Backoff, FreeSwitchBridge, FreeSwitchOptions
from ingest_service.freeswitch.esl import (
    MAX_FRAME_BYTES,
    EslEvent,
    EslProtocolError,
    content_length,
    encode_command,
    parse_event_plain,
)
from ingest_service.freeswitch.state import CallState
from mysessions_platform.testing.freeswitch import FreeSwitchCall, event_plain

pytestmark = pytest.mark.unit

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class MemoryStore:
    def __init__(self, log: list[str]) -> None:
        self.states: dict[str, CallState] = {}
        self.log = log

    async def load(self, session_id: str) -> CallState | None:
        return self.states.get(session_id)

    async def save(self, state: CallState) -> None:
        self.log.append("saved")
        self.states[state.session_id] = state


class FlakyKafka:
    def __init__(self, log: list[str], failures: int) -> None:
        self.log = log
        self.failures = failures
        self.events: list[SessionEvent] = []

    async def __call__(self, events: Sequence[SessionEvent]) -> None:
        if self.failures:
            self.failures -= 1
            self.log.append("refused")
            raise ConnectionError("broker away")
        self.log.append("published")
        self.events.extend(events)


async def test_an_event_is_retried_until_published_and_only_then_its_state_saved() -> None:
    log: list[str] = []
    kafka = FlakyKafka(log, failures=2)
    store = MemoryStore(log)
    bridge = FreeSwitchBridge(FreeSwitchOptions("acme"), store, kafka)  # type: ignore[arg-type]
    start = EslEvent(FreeSwitchCall().queue_start(T0))
    await asyncio.wait_for(bridge.handle_until_done(start, Backoff(0.001, 0.002)), 5)
    assert log == ["refused", "refused", "published", "saved"]
    assert [e.type for e in kafka.events] == ["session.started", "session.queued"]
    assert bridge.counts["retries"] == 2


def test_a_frame_longer_than_the_limit_is_refused() -> None:
    assert content_length({"Content-Length": str(MAX_FRAME_BYTES)}) == MAX_FRAME_BYTES
    for bad in (str(MAX_FRAME_BYTES + 1), "-1", "ten"):
        with pytest.raises(EslProtocolError):
            content_length({"Content-Length": bad})


def test_event_plain_values_are_url_decoded() -> None:
    call = FreeSwitchCall(cid_name="Zoë O'Brien: VIP")
    frame = event_plain(call.queue_start(T0))
    body = frame.split(b"\n\n", 1)[1]
    assert b"Zo%C3%AB" in body
    assert parse_event_plain(body).get("CC-Member-CID-Name") == "Zoë O'Brien: VIP"


def test_a_command_is_one_line() -> None:
    assert encode_command("auth ClueCon") == b"auth ClueCon\n\n"
    with pytest.raises(ValueError, match="single line"):
        encode_command("auth x\n\nevent plain ALL")
