"""Amazon Connect events as AWS documents them, for tests: contact events in their
EventBridge envelope ("Amazon Connect Contact Event", ``detail`` with ``eventType``,
``contactId``, ``initialContactId``, ``queueInfo``, ``agentInfo``, ...; AWS's own samples mix
``agentInfo`` and ``AgentInfo``, so these do too) and agent event stream records
(``AgentARN``, ``EventType: STATE_CHANGE``, ``CurrentAgentSnapshot.Contacts[].State``)."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

INSTANCE = "arn:aws:connect:us-west-2:111122223333:instance/12345678-1234-1234-1234-123456789012"


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def queue_arn(queue_id: str) -> str:
    return f"{INSTANCE}/queue/{queue_id}"


def agent_arn(agent_id: str) -> str:
    return f"{INSTANCE}/agent/{agent_id}"


@dataclass
class ConnectContact:
    queue_id: str
    contact_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    previous_contact_id: str | None = None
    initial_contact_id: str | None = None

    def _envelope(self, at: datetime, detail: dict[str, Any]) -> dict[str, Any]:
        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Amazon Connect Contact Event",
            "source": "aws.connect",
            "account": "111122223333",
            "time": iso(at),
            "region": "us-west-2",
            "resources": [f"{INSTANCE}/contact/{self.contact_id}", INSTANCE],
            "detail": {
                "contactId": self.contact_id,
                "initialContactId": self.initial_contact_id or self.contact_id,
                **(
                    {"previousContactId": self.previous_contact_id}
                    if self.previous_contact_id
                    else {}
                ),
                "channel": "VOICE",
                "instanceArn": INSTANCE,
                **detail,
            },
        }

    def transferred_to(self, queue_id: str) -> "ConnectContact":
        return ConnectContact(
            queue_id,
            previous_contact_id=self.contact_id,
            initial_contact_id=self.initial_contact_id or self.contact_id,
        )

    def initiated(self, at: datetime) -> dict[str, Any]:
        method = "TRANSFER" if self.previous_contact_id else "INBOUND"
        return self._envelope(
            at,
            {"eventType": "INITIATED", "initiationMethod": method, "initiationTimestamp": iso(at)},
        )

    def _queue(self, entered: datetime) -> dict[str, Any]:
        return {
            "queueArn": queue_arn(self.queue_id),
            "queueType": "STANDARD",
            "enqueueTimestamp": iso(entered),
        }

    def queued(self, at: datetime) -> dict[str, Any]:
        self.entered = at
        return self._envelope(
            at,
            {"eventType": "QUEUED", "initiationMethod": "INBOUND", "queueInfo": self._queue(at)},
        )

    def connected(self, at: datetime, agent: str) -> dict[str, Any]:
        return self._envelope(
            at,
            {
                "eventType": "CONNECTED_TO_AGENT",
                "queueInfo": self._queue(self.entered),
                "AgentInfo": {"AgentArn": agent_arn(agent), "connectedToAgentTimestamp": iso(at)},
            },
        )

    def disconnected(
        self, at: datetime, agent: str | None = None, reason: str = "CUSTOMER_DISCONNECT"
    ) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "eventType": "DISCONNECTED",
            "disconnectTimestamp": iso(at),
            "disconnectReason": reason,
            "queueInfo": self._queue(self.entered),
        }
        if agent is not None:
            detail["agentInfo"] = {"agentArn": agent_arn(agent)}
        return self._envelope(at, detail)

    def agent_state(self, at: datetime, agent: str, state: str) -> dict[str, Any]:
        """An agent event stream record: this contact in the agent's current snapshot."""
        contact: dict[str, Any] = {
            "ContactId": self.contact_id,
            "InitialContactId": self.initial_contact_id or self.contact_id,
            "Channel": "VOICE",
            "InitiationMethod": "INBOUND",
            "State": state,
            "StateStartTimestamp": iso(at),
            "QueueTimestamp": iso(self.entered),
            "Queue": {"ARN": queue_arn(self.queue_id), "Name": self.queue_id},
        }
        if state == "CONNECTED":
            contact["ConnectedToAgentTimestamp"] = iso(at)
        return {
            "AWSAccountId": "111122223333",
            "AgentARN": agent_arn(agent),
            "EventId": str(uuid.uuid4()),
            "EventTimestamp": iso(at),
            "EventType": "STATE_CHANGE",
            "InstanceARN": INSTANCE,
            "Version": "2019-05-25",
            "CurrentAgentSnapshot": {
                "AgentStatus": {"Name": "Available", "Type": "ROUTABLE"},
                "Configuration": {"Username": agent},
                "Contacts": [contact],
            },
        }
