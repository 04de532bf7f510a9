"""What follows an attempt (``Dispatcher.settle``), on fakes: 2xx delivered, 410 disables
the endpoint and dead-letters, anything else is retried on the schedule until the last
attempt, then dead-lettered."""

from datetime import UTC, datetime
from typing import Any

import pytest
from webhooks_service.adapters.endpoints import Endpoint
from webhooks_service.adapters.outbox import Job
from webhooks_service.adapters.sender import Sent
from webhooks_service.dispatcher import Dispatcher
from webhooks_service.domain.schedule import RetrySchedule

pytestmark = pytest.mark.unit

ENDPOINT = Endpoint(
    endpoint_id="ep_1",
    tenant_id="acme",
    service_id="sales",
    url="https://crm.example.com/hook",
    event_types=("session.started",),
    include_caller=False,
    enabled=True,
    disabled_reason=None,
    created_at=datetime(2026, 12, 7, tzinfo=UTC),
)
JOB = Job(message_id="msg_1", event_type="session.started", body=b"{}", attempts=0)


class Recorder:
    """Stands in for the endpoint store and the outbox: records each call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        async def record(*args: Any) -> None:
            self.calls.append((name, args))

        return record


def dispatcher(recorder: Recorder) -> Dispatcher:
    return Dispatcher(
        recorder,  # type: ignore[arg-type]
        recorder,  # type: ignore[arg-type]
        recorder,  # type: ignore[arg-type]
        recorder,  # type: ignore[arg-type]
        RetrySchedule((1.0, 2.0)),
        interval_s=1,
        per_endpoint=1,
        lease_s=1,
    )


@pytest.mark.parametrize("status", [200, 201, 204, 299])
async def test_a_2xx_is_delivered(status: int) -> None:
    recorder = Recorder()
    outcome = await dispatcher(recorder).settle(ENDPOINT, JOB, 1, Sent(status, None, 5))
    assert outcome == "delivered"
    assert recorder.calls == [("delivered", ("ep_1", "msg_1"))]


async def test_410_disables_the_endpoint_and_dead_letters_at_once() -> None:
    recorder = Recorder()
    outcome = await dispatcher(recorder).settle(ENDPOINT, JOB, 1, Sent(410, None, 5))
    assert outcome == "endpoint-gone"
    assert [name for name, _ in recorder.calls] == ["disable", "dead_letter"]


@pytest.mark.parametrize(
    "sent", [Sent(500, None, 5), Sent(404, None, 5), Sent(301, None, 5), Sent(None, "timeout", 9)]
)
async def test_anything_else_is_retried_then_dead_lettered(sent: Sent) -> None:
    recorder = Recorder()
    settle = dispatcher(recorder).settle
    assert await settle(ENDPOINT, JOB, 1, sent) == "retrying"
    assert await settle(ENDPOINT, JOB, 2, sent) == "retrying"
    assert await settle(ENDPOINT, JOB, 3, sent) == "dead-lettered"
    assert [name for name, _ in recorder.calls] == ["retry_at", "retry_at", "dead_letter"]
