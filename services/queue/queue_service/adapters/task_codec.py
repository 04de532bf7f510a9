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


def task_to_json(task: Task) -> str:
    data: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(task, name)
        data[name] = to_iso(value) if isinstance(value, datetime) else value
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def task_from_json(raw: str | bytes) -> Task:
    data = json.loads(raw)
    for name in _INSTANTS:
        if data.get(name) is not None:
            data[name] = from_iso(data[name])
    return Task(**{name: data.get(name) for name in _FIELDS})
