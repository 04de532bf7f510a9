"""Tasks to JSON and back, for Redis. Sorted keys make equal tasks byte-equal, which lets
the upsert script skip a write (and a publish) when nothing changed."""

import json
from dataclasses import fields
from datetime import datetime
from typing import Any, get_type_hints

from queue_service.domain import Task
from queue_service.domain.instants import from_iso, to_iso

_INSTANTS = frozenset(
    name for name, hint in get_type_hints(Task).items() if "datetime" in str(hint)
)
_FIELDS = tuple(field.name for field in fields(Task))


RECENT_KEPT = 4096
"""Tasks whose JSON is kept, by identity: a batch's task is written to its agent's keys and
then to the changelog, and was serialized for each (~7 % of the queue's step, profiled).
A task is immutable, and each entry holds its task, so an id is never another task's."""
_recent: dict[int, tuple[Task, str]] = {}


def task_to_json(task: Task) -> str:
    kept = _recent.get(id(task))
    if kept is not None and kept[0] is task:
        return kept[1]
    data: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(task, name)
        data[name] = to_iso(value) if isinstance(value, datetime) else value
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    if len(_recent) >= RECENT_KEPT:
        del _recent[next(iter(_recent))]
    _recent[id(task)] = (task, text)
    return text


def task_from_json(raw: str | bytes) -> Task:
    data = json.loads(raw)
    for name in _INSTANTS:
        if data.get(name) is not None:
            data[name] = from_iso(data[name])
    return Task(**{name: data.get(name) for name in _FIELDS})
