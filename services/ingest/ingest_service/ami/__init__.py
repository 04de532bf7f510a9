"""Asterisk Manager Interface (AMI) bridge: live queue events into session events.

Pure parts (no I/O): :class:`AmiReader` frames bytes into messages, :class:`AmiTranslator`
turns one call's events into contract events given its :class:`CallState`. Adapters:
:class:`AmiClient` (TCP, login, actions), :class:`RedisCalls` (per-call state and an outbox
in Redis), :func:`run_bridge` (reconnects with backoff, publishes, records).

Exceptions::

    ValueError
    └── AmiFieldError   an event with a missing or unreadable field (skipped and counted)
    ConnectionError
    └── AmiLoginError   Asterisk refused the login (not retried: the secret is wrong)
"""

from ingest_service.ami.bridge import BridgeStats, flush_pending, handle, run_bridge
from ingest_service.ami.client import AmiClient, AmiEndpoint, AmiLoginError
from ingest_service.ami.fields import AmiFieldError
from ingest_service.ami.frames import MAX_MESSAGE_BYTES, AmiMessage, AmiReader, encode_action
from ingest_service.ami.redis_calls import RedisCalls
from ingest_service.ami.state import CallState
from ingest_service.ami.translate import AmiTranslator, Translation

__all__ = [
    "MAX_MESSAGE_BYTES",
    "AmiClient",
    "AmiEndpoint",
    "AmiFieldError",
    "AmiLoginError",
    "AmiMessage",
    "AmiReader",
    "AmiTranslator",
    "BridgeStats",
    "CallState",
    "RedisCalls",
    "Translation",
    "encode_action",
    "flush_pending",
    "handle",
    "run_bridge",
]
