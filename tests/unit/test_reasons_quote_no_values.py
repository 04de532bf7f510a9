"""No dead-letter reason and no log line repeats a value of the message (issue 13, finding 2).

Sensitive values (phone numbers, e-mail addresses, names, long texts) go into every
position of every session event (every field, ``type``, extra keys, ``parameters`` names,
nested models) and through the ingest step as the worker runs it: validation, dead letters
and the structured log with the worker's own processors.
"""

import asyncio
import importlib.util
import io
import json
from collections.abc import Sequence
from contextlib import redirect_stderr
from pathlib import Path
from types import ModuleType
from unittest import mock

import contracts as c
import pytest
import structlog
from aiokafka import ConsumerRecord
from hypothesis import given, settings
from ingest_service.keys import SeenKey
from ingest_service.step import IngestStep
from mysessions_platform.kafka import batches
from mysessions_platform.kafka.batches import BatchDelivery
from mysessions_platform.logging import configure_logging
from mysessions_platform.testing.fakes import RecordingPublisher
from mysessions_platform.testing.records import consumer_record
from pydantic import ValidationError

pytestmark = pytest.mark.unit

CONTRACT_TESTS = Path(__file__).parents[2] / "libs" / "contracts" / "tests" / "unit"
DEAD = "deadletter.test"


def _contract_test_module(name: str) -> ModuleType:
    """The contracts' own example messages and sensitive values (one definition of each);
    loaded by path, as ``tests`` names another package here."""
    spec = importlib.util.spec_from_file_location(
        f"contract_tests_{name}", CONTRACT_TESTS / f"{name}.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


examples = _contract_test_module("examples")
sensitive = _contract_test_module("sensitive_values")
EVENTS = [json.loads(c.encode(event)) for event in examples.session_events()]


class EveryEventIsNew:
    """Seen events that never remember: the variants of one example share its event id,
    and each must reach validation."""

    async def claim(self, keys: Sequence[SeenKey]) -> list[bool]:
        return [True] * len(keys)

    async def confirm(self, keys: Sequence[SeenKey]) -> None:
        return None


def _is_invalid(raw: bytes) -> bool:
    try:
        c.decode_session_event(raw)
    except ValidationError:
        return True
    return False


async def _ingest(raws: list[bytes]) -> RecordingPublisher:
    out = RecordingPublisher()
    step = IngestStep(EveryEventIsNew(), out, "sessions.test", "p")
    delivery = BatchDelivery(consumer_group="ingest", dead_letters=out, dead_letter_topic=DEAD)
    records: list[ConsumerRecord[bytes, bytes]] = [
        consumer_record(raw, offset=offset, topic="raw.test", key=b"s")
        for offset, raw in enumerate(raws)
    ]
    await delivery.run(records, step)
    return out


def test_no_dead_letter_and_no_log_line_repeats_a_value() -> None:
    log = io.StringIO()
    # Log lines go to the stderr of the moment, so it stays redirected for the whole check.
    with redirect_stderr(log):
        configure_logging("INFO")
        try:
            # The module's logger may have been bound by an earlier test: bind it to this one.
            with mock.patch.object(batches, "log", structlog.get_logger(batches.__name__)):
                _every_value_in_every_position(log)
        finally:
            structlog.reset_defaults()


def _every_value_in_every_position(log: io.StringIO) -> None:
    @given(value=sensitive.SENSITIVE)
    @settings(max_examples=25, deadline=None)
    def check(value: str) -> None:
        log.seek(0)
        log.truncate()
        raws = [
            json.dumps(variant).encode()
            for event in EVENTS
            for variant in sensitive.variants(event, value)
        ]
        out = asyncio.run(_ingest(raws))
        letters = [c.DeadLetter.model_validate_json(raw) for raw in out.values(DEAD)]
        assert len(letters) == sum(map(_is_invalid, raws))
        assert {letter.error_kind for letter in letters} <= {"invalid"}, "none raised"
        for letter in letters:
            assert not sensitive.leaks(value, letter.error), letter.error
        lines = log.getvalue().splitlines()
        assert len(lines) >= len(letters)
        for line in lines:
            assert not sensitive.leaks(value, line), line

    check()


def test_a_header_injection_is_dead_lettered_naming_the_field_only() -> None:
    (mail,) = [e for e in EVENTS if e["type"] == "email.received"]
    injected = {**mail, "subject": "Invoice\r\nBcc: victim@example.com"}
    out = asyncio.run(_ingest([json.dumps(mail).encode(), json.dumps(injected).encode()]))
    (letter,) = [c.DeadLetter.model_validate_json(raw) for raw in out.values(DEAD)]
    assert letter.offset == 1
    assert letter.error.startswith("email.received.subject: a control character")
    assert "victim" not in letter.error
    assert len(out.values("sessions.test")) == 1
