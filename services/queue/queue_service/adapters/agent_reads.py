"""Reads of the agents' lists: no retention policy, no write, so a reader (the gateway, the
CLI, after-call work, through ``queue_service.read``) never builds the queue's writer.

``TaskStore`` (the worker's writer) reads through the same class, so there is one reading
of the agents' keys (``adapters.keys``), whoever reads.
"""

from contracts import QueueTask
from mysessions_platform.lua import run_pipeline
from pydantic import ValidationError
from redis.asyncio import Redis

from queue_service.adapters import keys
from queue_service.adapters.scripts import READ_AGENT
from queue_service.adapters.task_codec import task_from_json
from queue_service.domain import Task

__all__ = ["AgentReads"]


class AgentReads:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix

    async def read_agent(self, tenant_id: str, user_id: str, history_limit: int) -> list[Task]:
        """The agent's live tasks and newest history, in one consistent snapshot."""
        raw = await run_pipeline(
            self._redis,
            (READ_AGENT,),
            lambda pipe: READ_AGENT.queue(
                pipe,
                [
                    keys.agent_tasks(self._prefix, tenant_id, user_id),
                    keys.agent_live(self._prefix, tenant_id, user_id),
                    keys.agent_history(self._prefix, tenant_id, user_id),
                ],
                [history_limit],
            ),
        )
        return [task_from_json(item) for item in raw[0] if item is not None]

    async def read_task(self, tenant_id: str, user_id: str, user_session_id: str) -> Task | None:
        """One of the agent's tasks by its user session id; None when the agent has none of
        that id (the key names tenant and user, so nobody reads another agent's task)."""
        raw = await self._redis.hget(
            keys.agent_tasks(self._prefix, tenant_id, user_id), user_session_id
        )
        return task_from_json(raw) if raw is not None else None

    async def stored_task(
        self, tenant_id: str, user_id: str, user_session_id: str
    ) -> QueueTask | None:
        """The same task as the changelog contract ``QueueTask`` carries it: the stored
        value is exactly its fields, so it is validated by the contract."""
        raw = await self._redis.hget(
            keys.agent_tasks(self._prefix, tenant_id, user_id), user_session_id
        )
        return _contract(raw) if raw is not None else None

    async def stored_tasks_of_session(
        self, tenant_id: str, user_id: str, session_id: str
    ) -> list[QueueTask]:
        """The user's tasks of one session, oldest first (an agent may have several: a
        transfer back). A scan of the agent's hash: its history holds at most 1,000."""
        key = keys.agent_tasks(self._prefix, tenant_id, user_id)
        found: list[QueueTask] = []
        async for _, raw in self._redis.hscan_iter(key, count=500):
            task = _contract(raw)
            if task.session_id == session_id:
                found.append(task)
        return sorted(found, key=lambda task: task.started_at)

    async def snapshot(self) -> dict[str, dict[str, str]]:
        """Every agent's stored tasks by key (without the prefix): an admin scan, for
        comparing a rebuild with the live state and for the demo's summary."""
        found: dict[str, dict[str, str]] = {}
        async for key in self._redis.scan_iter(
            match=keys.all_agent_tasks(self._prefix), count=1000
        ):
            name = _text(key)
            tasks = await self._redis.hgetall(name)
            found[name.removeprefix(self._prefix)] = {_text(k): _text(v) for k, v in tasks.items()}
        return found

    async def tenants_with_tasks_of(self, user_id: str) -> list[str]:
        """Every tenant holding tasks of a user of this id (for a hint, not a hot path)."""
        found = set()
        match = keys.tasks_of_user_anywhere(self._prefix, user_id)
        async for key in self._redis.scan_iter(match=match, count=1000):
            name = _text(key)
            tenant_id, user = keys.agent_of(name.removeprefix(self._prefix))
            if user == user_id and name == keys.agent_tasks(self._prefix, tenant_id, user_id):
                found.add(tenant_id)
        return sorted(found)


def _contract(raw: bytes | str) -> QueueTask:
    try:
        return QueueTask.model_validate_json(raw)
    except ValidationError as error:
        raise ValueError("a stored task does not match the QueueTask contract") from error


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
