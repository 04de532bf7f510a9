"""What live streams share: their own Redis client, and the bound on open streams."""

from dataclasses import dataclass

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from gateway_service.live.slots import StreamSlots
from gateway_service.settings import GatewaySettings

__all__ = ["LiveResources", "open_live"]


@dataclass(frozen=True)
class LiveResources:
    redis: Redis
    """No retries: a connection error ends the stream (the client resumes with its
    Last-Event-ID) instead of a silent reconnect that could have missed a message. Its
    connections are named ``<prefix>:gateway-live`` (CLIENT LIST)."""
    slots: StreamSlots


def open_live(settings: GatewaySettings) -> LiveResources:
    redis = settings.redis_client(
        retry=Retry(NoBackoff(), 0),
        socket_timeout=10,
        socket_connect_timeout=5,
        client_name=f"{settings.queue_key_prefix}:gateway-live",
        # One pub/sub connection per stream, and a few for the streams' reads: redis-py's
        # own default (100) would refuse the 101st stream.
        max_connections=settings.sse_max_streams + 64,
    )
    return LiveResources(
        redis, StreamSlots(settings.sse_max_streams_per_user, settings.sse_max_streams)
    )
