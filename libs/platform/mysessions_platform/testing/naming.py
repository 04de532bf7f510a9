"""Names unique per test, so tests share one real broker and database without collisions."""

import secrets

__all__ = ["unique_name"]


def unique_name(prefix: str = "t") -> str:
    """``<prefix>-<8 hex digits>``: valid as a Kafka topic, a Redis key prefix, a consumer
    group and a MongoDB database name."""
    return f"{prefix}-{secrets.token_hex(4)}"
