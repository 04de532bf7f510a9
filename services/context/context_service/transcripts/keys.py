"""Every Redis key and channel of the transcripts, one hash slot per session.

``{p}:transcripts:{tenant:session}:ledger``   hash: which ids belong together (below)
``{p}:transcripts:{tenant:session}:order:SS``  sorted set: segment id → start offset (ms)
``{p}:transcripts:{tenant:session}:texts:SS``  hash: segment id → ``1``/``0`` (final) + JSON
``{p}:transcripts:{tenant:session}:captions``  channel: each caption taken, as
                                               ``contracts.LiveCaption`` JSON

Captions are published per session (not per agent: a caption does not always know its task);
the gateway subscribes to the sessions of the tasks an agent has open. Ids are encoded
(``mysessions_platform.key_parts``); SS is the encoded service session id.
"""

from mysessions_platform.key_parts import check_prefix, encode_part, glob_escape, hash_tag

__all__ = ["captions_channel", "ledger", "order", "tenant_pattern", "texts"]


def _session(prefix: str, tenant_id: str, session_id: str) -> str:
    return f"{check_prefix(prefix)}:transcripts:{hash_tag(tenant_id, session_id)}"


def ledger(prefix: str, tenant_id: str, session_id: str) -> str:
    """Hash of ids only: ``svc:SS`` → service id, ``task:US`` → service session id,
    ``left:SS`` → when the call left that service session (ms)."""
    return f"{_session(prefix, tenant_id, session_id)}:ledger"


def order(prefix: str, tenant_id: str, session_id: str, service_session_id: str) -> str:
    return f"{_session(prefix, tenant_id, session_id)}:order:{encode_part(service_session_id)}"


def texts(prefix: str, tenant_id: str, session_id: str, service_session_id: str) -> str:
    return f"{_session(prefix, tenant_id, session_id)}:texts:{encode_part(service_session_id)}"


def captions_channel(prefix: str, tenant_id: str, session_id: str) -> str:
    return f"{_session(prefix, tenant_id, session_id)}:captions"


def tenant_pattern(prefix: str, tenant_id: str) -> str:
    """SCAN pattern of every transcript key of the tenant (encoded ids hold no glob
    character, and the ``:`` after the tenant stops ``acme`` matching ``acme2``)."""
    return f"{glob_escape(prefix)}:transcripts:{{{encode_part(tenant_id)}:*"
