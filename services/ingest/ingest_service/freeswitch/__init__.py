"""FreeSWITCH mod_callcenter over the inbound event socket (``mysessions connect freeswitch``).

``translate`` is pure (a call's state and one event in, events and the next state out);
``bridge.follow`` connects, reads, keeps each call's state in Redis (``store``) and publishes
to the raw topic, reconnecting with backoff.
"""

from ingest_service.freeswitch.bridge import Backoff, FreeSwitchBridge, follow
from ingest_service.freeswitch.connection import SUBSCRIPTION, EslAuthError, EslConnection
from ingest_service.freeswitch.esl import EslEvent, parse_event_plain
from ingest_service.freeswitch.mapping import FreeSwitchOptions
from ingest_service.freeswitch.store import DEFAULT_TTL_S, CallStore
from ingest_service.freeswitch.translate import translate

__all__ = [
    "DEFAULT_TTL_S",
    "SUBSCRIPTION",
    "Backoff",
    "CallStore",
    "EslAuthError",
    "EslConnection",
    "EslEvent",
    "FreeSwitchBridge",
    "FreeSwitchOptions",
    "follow",
    "parse_event_plain",
    "translate",
]
