"""One readiness attempt per server, through a real client: an open port is not enough."""

from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient
from redis.asyncio import Redis

__all__ = ["ping_kafka", "ping_mongodb", "ping_redis"]

_TIMEOUT_MS = 3000


async def ping_kafka(bootstrap_servers: str, brokers: int = 1) -> None:
    """A metadata round trip: the broker knows the cluster and its own listener, and the
    cluster reports at least ``brokers`` brokers."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers,
        client_id="mysessions-infra-probe",
        request_timeout_ms=_TIMEOUT_MS,
    )
    try:
        await admin.start()
        cluster = await admin.describe_cluster()
        found = len(cluster.get("brokers") or [])
        if found < brokers:
            raise RuntimeError(f"the cluster reports {found} of {brokers} brokers yet")
    finally:
        await admin.close()


async def ping_redis(url: str) -> None:
    client = Redis.from_url(
        url, socket_connect_timeout=_TIMEOUT_MS / 1000, socket_timeout=_TIMEOUT_MS / 1000
    )
    try:
        if not await client.ping():
            raise RuntimeError("PING was not answered with PONG")
    finally:
        await client.aclose()


async def ping_mongodb(url: str) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        url, serverSelectionTimeoutMS=_TIMEOUT_MS, connectTimeoutMS=_TIMEOUT_MS
    )
    try:
        await client.admin.command("hello")
    finally:
        await client.close()
