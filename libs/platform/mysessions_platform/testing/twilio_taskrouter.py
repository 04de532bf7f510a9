"""TaskRouter workspace event callbacks as Twilio posts them (form fields of the TaskRouter
Events reference: EventType, Sid, Timestamp, TimestampMs, TaskSid, TaskQueueSid, WorkerSid,
ReservationSid, TaskAttributes, ...), for tests."""

import itertools
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime


def sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


@dataclass
class TaskRouterTask:
    """One Task of one workspace; each method is one callback's form."""

    queue_sid: str
    queue_name: str
    caller: str = "+15551230001"
    task_sid: str = field(default_factory=lambda: sid("WT"))
    account_sid: str = "AC" + "0" * 32
    workspace_sid: str = "WS" + "1" * 32
    reservations: dict[str, str] = field(default_factory=dict)
    _serial: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def _form(self, event_type: str, at: datetime, resource: str, **extra: str) -> dict[str, str]:
        ms = round(at.timestamp() * 1000)
        return {
            "EventType": event_type,
            "Sid": sid("EV"),
            "AccountSid": self.account_sid,
            "WorkspaceSid": self.workspace_sid,
            "WorkspaceName": "Contact Center",
            "EventDescription": f"{event_type} event",
            "ResourceType": resource,
            "ResourceSid": extra.get("ReservationSid", self.task_sid),
            "Timestamp": str(ms // 1000),
            "TimestampMs": str(ms),
            "TaskSid": self.task_sid,
            "TaskQueueSid": self.queue_sid,
            "TaskQueueName": self.queue_name,
            "TaskAttributes": json.dumps({"from": self.caller, "call_sid": "CA" + "2" * 32}),
            "TaskChannelUniqueName": "voice",
            **extra,
        }

    def entered(self, at: datetime) -> dict[str, str]:
        return self._form("task-queue.entered", at, "Task")

    def moved_to(self, queue_sid: str, queue_name: str) -> None:
        self.queue_sid, self.queue_name = queue_sid, queue_name

    def reservation(
        self, event_type: str, at: datetime, worker_sid: str, worker_name: str
    ) -> dict[str, str]:
        """reservation.created (a new ReservationSid) or its later events (the same one)."""
        if event_type == "reservation.created" or worker_sid not in self.reservations:
            self.reservations[worker_sid] = sid("WR")
        return self._form(
            event_type,
            at,
            "Reservation",
            ReservationSid=self.reservations[worker_sid],
            WorkerSid=worker_sid,
            WorkerName=worker_name,
        )

    def task_event(self, event_type: str, at: datetime, **extra: str) -> dict[str, str]:
        return self._form(event_type, at, "Task", **extra)

    def transfer(self, at: datetime, kind: str, to: str, mode: str = "COLD") -> dict[str, str]:
        return self._form(
            "task.transfer-initiated",
            at,
            "Task",
            TransferType=kind,
            TransferTo=to,
            TransferMode=mode,
        )
