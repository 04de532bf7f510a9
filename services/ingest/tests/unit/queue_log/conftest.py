from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from contracts import SessionEvent
from ingest_service.queue_log import QueueLogOptions, QueueLogTranslator

SAMPLE = Path(__file__).parent / "data" / "queue_log.sample"

AGENTS = {"PJSIP/1001": "alice", "PJSIP/1002": "bob", "Local/1003@agents": "carol"}

Translate = Callable[..., tuple[list[SessionEvent], QueueLogTranslator]]


def _translate(
    lines: Iterable[str], time_zone: str = "UTC", finish: bool = True
) -> tuple[list[SessionEvent], QueueLogTranslator]:
    options = QueueLogOptions(
        tenant_id="acme",
        time_zone=time_zone,
        agents=AGENTS,
        services={"billing": "svc-billing"},
        service_names={"billing": "Billing"},
    )
    translator = QueueLogTranslator(options)
    events = [event for line in lines for event in translator.feed(line)]
    if finish:
        events += translator.finish()
    return events, translator


@pytest.fixture
def translate() -> Translate:
    """Translates lines with the test tenant's mappings: (events, translator)."""
    return _translate


@pytest.fixture
def sample_lines() -> list[str]:
    return SAMPLE.read_text().splitlines()
