"""Unprovisioning the queue's Redis state: a tenant's, or one of its services'.

A tenant's: every key of its agents (tasks, revisions, live and history lists, the events
stream with its bounds and live-entry index), every session's facts, and its sessions'
entries in the watchdog's idle indexes. A service's: its tasks out of every agent's lists
(and the stream entries showing them), and the facts of its sessions; a session that also
visited another service keeps what names that service, and its watchdog entry.

The erased tasks are returned too: the changelog must forget them (``tombstones``), else a
``mysessions rebuild`` would bring them back. Keys are found by SCAN with the tenant in
the pattern (see ``mysessions_platform.erasure`` about Redis Cluster).
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, get_args

from aiokafka import AIOKafkaProducer
from contracts import task_key
from mysessions_platform.erasure import (
    Counts,
    Scope,
    delete_keys,
    scan_keys,
    tenant_tag_glob,
)
from mysessions_platform.key_parts import encode_part, split_tag
from redis.asyncio import Redis

from queue_service.adapters import keys
from queue_service.adapters.erasures import REGISTER_KEEP, ErasureRegister, Subject
from queue_service.adapters.forget import ErasedTask, forget_tasks
from queue_service.domain import LimitClass

__all__ = [
    "ErasedTask",
    "QueueErasure",
    "erase_queue",
    "erasure_register",
    "publish_tombstones",
]

TASKS = "queue: agents' tasks"
STREAM_ENTRIES = "queue: agents' live-stream entries"
AGENT_KEYS = "queue: agents' keys"
SESSIONS = "queue: sessions' facts"
WATCHDOG = "queue: watchdog entries"


@dataclass(slots=True)
class QueueErasure:
    counts: Counts
    tasks: list[ErasedTask] = field(default_factory=list)
    """Every task erased (or, in a dry run, that would be): the changelog's keys."""


async def erase_queue(
    redis: Redis, prefix: str, scope: Scope, register: ErasureRegister, now: datetime
) -> QueueErasure:
    """Erases (a dry run: counts) the scope's queue state, and registers what it erased so
    a rebuild's replay of the session events skips it."""
    if scope.whole_tenant:
        erasure = await _erase_tenant(redis, prefix, scope)
        subjects: list[Subject] = [("tenant", scope.tenant_id)]
    else:
        assert scope.service_id is not None
        erasure, sessions = await _erase_service(redis, prefix, scope)
        subjects = [
            ("service", scope.tenant_id, scope.service_id),
            *[("session", scope.tenant_id, s) for s in sessions],
            *[("task", scope.tenant_id, t.user_session_id) for t in erasure.tasks],
        ]
    if not scope.dry_run:
        await register.remember(subjects, now)
    return erasure


async def _erase_tenant(redis: Redis, prefix: str, scope: Scope) -> QueueErasure:
    client: Any = redis
    agent_keys = [
        k async for k in scan_keys(redis, tenant_tag_glob(prefix, "agent", scope.tenant_id))
    ]
    erased: list[ErasedTask] = []
    for name in agent_keys:
        if name.endswith(":tasks"):
            tenant_id, user_id = split_tag(name)
            if tenant_id == scope.tenant_id:
                for usid in await client.hkeys(name):
                    erased.append(ErasedTask(tenant_id, user_id, _text(usid)))
    session_keys = [
        k async for k in scan_keys(redis, tenant_tag_glob(prefix, "session", scope.tenant_id))
    ]
    watchdog = 0
    member_prefix = f"{encode_part(scope.tenant_id)}|"
    for limit_class in get_args(LimitClass):
        index = keys.idle_index(prefix, limit_class)
        members = [
            _text(m)
            async for m, _ in client.zscan_iter(index, match=f"{member_prefix}*", count=1000)
        ]
        watchdog += len(members)
        if members and not scope.dry_run:
            await client.zrem(index, *members)
    counts = {
        TASKS: len(erased),
        AGENT_KEYS: await delete_keys(redis, agent_keys, scope.dry_run),
        SESSIONS: await delete_keys(redis, session_keys, scope.dry_run),
        WATCHDOG: watchdog,
    }
    return QueueErasure(counts, erased)


async def _erase_service(redis: Redis, prefix: str, scope: Scope) -> tuple[QueueErasure, list[str]]:
    client: Any = redis
    erased: list[ErasedTask] = []
    entries = 0
    pattern = tenant_tag_glob(prefix, "agent", scope.tenant_id)
    for name in [k async for k in scan_keys(redis, pattern) if k.endswith(":tasks")]:
        tenant_id, user_id = split_tag(name)
        if tenant_id != scope.tenant_id:
            continue
        stored = await client.hgetall(name)
        doomed = [
            _text(usid)
            for usid, raw in stored.items()
            if json.loads(raw).get("service_id") == scope.service_id
        ]
        erased += [ErasedTask(tenant_id, user_id, usid) for usid in doomed]
        entries += await _erase_stream_entries(redis, prefix, tenant_id, user_id, scope)
        if doomed and not scope.dry_run:
            await forget_tasks(redis, prefix, [ErasedTask(tenant_id, user_id, u) for u in doomed])
    sessions, whole, watchdog = await _erase_service_facts(redis, prefix, scope)
    counts = {TASKS: len(erased), STREAM_ENTRIES: entries, SESSIONS: sessions, WATCHDOG: watchdog}
    return QueueErasure(counts, erased), whole


async def _erase_stream_entries(
    redis: Redis, prefix: str, tenant_id: str, user_id: str, scope: Scope
) -> int:
    """The agent's events-stream entries whose view is of the service's task."""
    client: Any = redis
    stream = keys.agent_events(prefix, tenant_id, user_id)
    doomed = []
    for entry_id, entry in await client.xrange(stream):
        view = entry.get(b"view") or entry.get("view")
        if view is not None and json.loads(view).get("service_id") == scope.service_id:
            doomed.append(entry_id)
    if doomed and not scope.dry_run:
        await client.xdel(stream, *doomed)
    return len(doomed)


async def _erase_service_facts(
    redis: Redis, prefix: str, scope: Scope
) -> tuple[int, list[str], int]:
    """Facts naming the service; a session that visited no other service goes whole, with
    its watchdog entries. Returns (sessions touched, sessions gone whole, watchdog entries)."""
    client: Any = redis
    touched = watchdog = 0
    whole: list[str] = []
    pattern = tenant_tag_glob(prefix, "session", scope.tenant_id)
    for name in [k async for k in scan_keys(redis, pattern)]:
        tenant_id, session_id = split_tag(name)
        if tenant_id != scope.tenant_id:
            continue
        facts = {
            _text(f): json.loads(raw).get("service_id")
            for f, raw in (await client.hgetall(name)).items()
        }
        services = set(facts.values()) - {None}
        if scope.service_id not in services:
            continue
        touched += 1
        if services == {scope.service_id}:
            whole.append(session_id)
            member = keys.idle_member(tenant_id, session_id)
            for limit_class in get_args(LimitClass):
                index = keys.idle_index(prefix, limit_class)
                if await client.zscore(index, member) is not None:
                    watchdog += 1
                    if not scope.dry_run:
                        await client.zrem(index, member)
            await delete_keys(redis, [name], scope.dry_run)
        elif not scope.dry_run:
            await client.hdel(name, *[f for f, s in facts.items() if s == scope.service_id])
    return touched, whole, watchdog


async def publish_tombstones(
    producer: AIOKafkaProducer, topic: str, tasks: Sequence[ErasedTask]
) -> int:
    """A null value under each task's changelog key: compaction then drops every version
    of it, and a rebuild skips (and forgets) it. Returns once Kafka confirmed each."""
    pending = [
        await producer.send(
            topic, None, key=task_key(task.tenant_id, task.user_id, task.user_session_id)
        )
        for task in tasks
    ]
    for sent in pending:
        await sent
    return len(pending)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def erasure_register(redis: Redis, prefix: str) -> ErasureRegister:
    """The register of erased subjects, kept as long as the queue keeps session facts (plus
    a day), so callers outside the queue need not know its adapter or its retention."""
    return ErasureRegister(redis, prefix, REGISTER_KEEP)
