"""Every Redis key of the webhooks worker, in one place.

An endpoint's keys share the hash tag of its id, so each of the outbox's scripts touches
one slot (Redis Cluster); ids are escaped (``key_parts``) like every other worker's.
"""

from mysessions_platform.key_parts import encode_part, glob_escape, hash_tag

__all__ = ["EndpointKeys", "session_map_key"]


class EndpointKeys:
    def __init__(self, prefix: str, endpoint_id: str) -> None:
        self.base = f"{prefix}:wh:{hash_tag(endpoint_id)}"

    @property
    def due(self) -> str:
        """Sorted set: message id → when its next attempt is due (epoch seconds)."""
        return f"{self.base}:due"

    @property
    def dead(self) -> str:
        """Sorted set: message id → when it was dead-lettered."""
        return f"{self.base}:dead"

    @property
    def log(self) -> str:
        """List of the most recent attempts (newest first), no payload values."""
        return f"{self.base}:log"

    def job(self, message_id: str) -> str:
        """Hash: the body to send and the attempts made."""
        return f"{self.base}:job:{encode_part(message_id)}"

    def seen(self, message_id: str) -> str:
        """Marker: this event was queued for this endpoint (an event read again is not)."""
        return f"{self.base}:seen:{encode_part(message_id)}"

    def pattern(self) -> str:
        """Every key of the endpoint, for SCAN (erasure)."""
        return glob_escape(self.base) + ":*"


def session_map_key(prefix: str, tenant_id: str, session_id: str) -> str:
    """Hash: which service the session (and each of its offers) is in."""
    return f"{prefix}:wh:session:{hash_tag(tenant_id, session_id)}"
