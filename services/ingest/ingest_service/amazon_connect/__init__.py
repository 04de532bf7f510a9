"""Amazon Connect's contact events (EventBridge) and agent event stream -> session events
(pure; the HTTP edge authenticates them: ``ingest_service.upstream_http``)."""

from ingest_service.amazon_connect.translate import (
    ConnectOptions,
    InvalidConnectEvent,
    translate_agent_event,
    translate_contact_event,
)

__all__ = [
    "ConnectOptions",
    "InvalidConnectEvent",
    "translate_agent_event",
    "translate_contact_event",
]
