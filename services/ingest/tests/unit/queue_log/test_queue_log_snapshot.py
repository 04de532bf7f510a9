"""A translator resumed from its snapshot (through JSON) after any line translates the rest
exactly as one that never stopped: the reference is the sample translated in one go."""

import json

import pytest
from contracts import SessionEvent
from ingest_service.queue_log import QueueLogOptions, QueueLogTranslator
from ingest_service.queue_log.snapshot import MAX_ENDED

from .conftest import SAMPLE

pytestmark = pytest.mark.unit

OPTIONS = QueueLogOptions(tenant_id="acme", agents={"PJSIP/1002": "bob"})


def one_go(lines: list[str]) -> list[SessionEvent]:
    translator = QueueLogTranslator(OPTIONS)
    return [event for line in lines for event in translator.feed(line)]


def test_resuming_after_every_line_changes_no_event() -> None:
    lines = SAMPLE.read_text().splitlines()
    reference = one_go(lines)
    translator = QueueLogTranslator(OPTIONS)
    events: list[SessionEvent] = []
    for line in lines:
        events += translator.feed(line)
        snapshot = json.loads(json.dumps(translator.snapshot()))
        translator = QueueLogTranslator.resume(OPTIONS, snapshot)
    assert events == reference
    assert len(reference) > 20


def test_a_call_entering_again_after_its_end_is_still_a_new_session_after_resuming() -> None:
    lines = [
        "1718000000|c.1|support|NONE|ENTERQUEUE||+15551230001|1|",
        "1718000010|c.1|support|NONE|ABANDON|1|1|10",
        "1718000020|c.1|overflow|NONE|ENTERQUEUE||+15551230001|1|",
    ]
    translator = QueueLogTranslator(OPTIONS)
    for line in lines[:2]:
        translator.feed(line)
    resumed = QueueLogTranslator.resume(OPTIONS, json.loads(json.dumps(translator.snapshot())))
    assert resumed.feed(lines[2])[0].session_id == "c.1-r2"


def test_the_snapshot_forgets_ended_calls_beyond_its_bound() -> None:
    translator = QueueLogTranslator(OPTIONS)
    for n in range(MAX_ENDED + 50):
        translator.feed(f"1718000000|c.{n}|support|NONE|ENTERQUEUE||+15551230001|1|")
        translator.feed(f"1718000001|c.{n}|support|NONE|ABANDON|1|1|1")
    translator.feed("1718000002|open.1|support|NONE|ENTERQUEUE||+15551230001|1|")
    snapshot = translator.snapshot()
    assert list(snapshot["open"]) == ["open.1"]
    assert len(snapshot["incarnations"]) == MAX_ENDED + 1
