"""Task changes written through the queue's own write path (``TaskStore.write``, the Lua
step the queue worker runs), for the live stream's tests."""

from datetime import UTC, datetime, timedelta

from queue_service.adapters.live_events import LiveEventsPolicy
from queue_service.adapters.store import SessionKey, SessionTasks, TaskStore
from queue_service.domain import Fact, FactKind, HistoryPolicy, fold
from redis.asyncio import Redis

START = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
STEPS = ("incoming", "connected", "ended")


def store(redis: Redis, prefix: str, max_entries: int = 1000) -> TaskStore:
    return TaskStore(
        redis,
        prefix,
        HistoryPolicy(),
        timedelta(days=7),
        LiveEventsPolicy(max_entries=max_entries),
    )


def call(tenant_id: str, user_id: str, session_id: str, state: str) -> SessionTasks:
    """An inbound call offered to the agent, as far as ``state`` (one of STEPS)."""
    task: dict[str, object] = {
        "service_session_id": f"{session_id}:1",
        "user_session_id": user_session_id(session_id, user_id),
        "user_id": user_id,
    }
    plan: list[tuple[FactKind, dict[str, object]]] = [
        (FactKind.SESSION_STARTED, {"direction": "inbound", "modality": "voice"}),
        (FactKind.TASK_OFFERED, {**task, "service_id": "support"}),
        (FactKind.TASK_ACCEPTED, task),
        (FactKind.SESSION_ENDED, {"ended_by": "caller"}),
    ]
    facts = [
        Fact(
            event_id=f"{session_id}-{n}",
            kind=kind,
            at=START + timedelta(seconds=10 * n),
            tenant_id=tenant_id,
            session_id=session_id,
            **fields,  # type: ignore[arg-type]
        )
        for n, (kind, fields) in enumerate(plan[: STEPS.index(state) + 2])
    ]
    return SessionTasks(SessionKey(tenant_id, session_id), fold(facts), max(f.at for f in facts))


def user_session_id(session_id: str, user_id: str) -> str:
    return f"{session_id}:1:{user_id}"


async def change(
    tasks: TaskStore, tenant_id: str, user_id: str, session_id: str, state: str
) -> None:
    written = await tasks.write([call(tenant_id, user_id, session_id, state)], datetime.now(UTC))
    assert written.changed == 1
