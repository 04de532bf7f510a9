"""The gateway's edge limits on a real uvicorn: bodies over GATEWAY_MAX_BODY_BYTES are 413
(declared or streamed without a length), writes beyond GATEWAY_WRITES_PER_MINUTE and reads
beyond GATEWAY_READS_PER_MINUTE (each its own budget) are 429 with Retry-After, per user,
and a Redis that cannot count is 503, never an unlimited request."""

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from gateway_service.testing import RunningGateway, gateway_settings, running_gateway
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import with_database
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.private_redis import private_redis
from mysessions_platform.testing.redis_keys import RedisKeys

pytestmark = pytest.mark.integration

MAX_BODY = 2048
WRITES = 3
READS = 5
DRAFT = "/api/v1/tasks/us-1/email/draft"
PAUSE_MS = 6000


@pytest.fixture
def gateway_overrides() -> dict[str, Any]:
    """The conftest's gateway, with small limits to reach."""
    return {"max_body_bytes": MAX_BODY, "writes_per_minute": WRITES, "reads_per_minute": READS}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: nothing listens there


async def _chunks(size: int, chunk: int = 512) -> AsyncIterator[bytes]:
    for start in range(0, size, chunk):
        yield b"x" * min(chunk, size - start)


async def test_a_declared_body_over_the_limit_is_413(gateway: RunningGateway) -> None:
    headers = gateway.headers("acme", "alice")
    async with httpx.AsyncClient(base_url=gateway.base_url, headers=headers) as client:
        answer = await client.put(DRAFT, content=b"{" + b" " * MAX_BODY + b"}")
    assert answer.status_code == 413
    assert answer.json() == {"detail": f"the request body exceeds {MAX_BODY} bytes"}


async def test_a_streamed_body_without_a_length_over_the_limit_is_413(
    gateway: RunningGateway,
) -> None:
    headers = {**gateway.headers("acme", "alice"), "Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=gateway.base_url, headers=headers) as client:
        answer = await client.put(DRAFT, content=_chunks(MAX_BODY + 1))
    assert "content-length" not in answer.request.headers
    assert answer.request.headers["transfer-encoding"] == "chunked"
    assert answer.status_code == 413, answer.text
    assert answer.json() == {"detail": f"the request body exceeds {MAX_BODY} bytes"}


async def test_a_streamed_body_within_the_limit_reaches_the_route(
    gateway: RunningGateway,
) -> None:
    headers = {**gateway.headers("acme", "alice"), "Content-Type": "application/json"}
    body = b'{"body": "' + b"y" * (MAX_BODY - 20) + b'"}'

    async def stream() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 100):
            yield body[start : start + 100]

    async with httpx.AsyncClient(base_url=gateway.base_url, headers=headers) as client:
        answer = await client.put(DRAFT, content=stream())
    # Read whole and parsed: the route answers (no such task), not a parse error or 413.
    assert (answer.status_code, answer.json()) == (404, {"detail": "no such task"})


async def _same_minute(margin_s: float = 3.0) -> None:
    """Waits into the next minute when this one is nearly over (the count is per minute)."""
    left = 60 - time.time() % 60
    if left < margin_s:
        await asyncio.sleep(left + 0.1)


async def test_writes_beyond_the_allowance_are_429_per_user(gateway: RunningGateway) -> None:
    await _same_minute()
    alice = gateway.headers("acme", "alice")
    async with httpx.AsyncClient(base_url=gateway.base_url) as client:
        for _ in range(WRITES):
            answer = await client.put(DRAFT, json={"body": "hi"}, headers=alice)
            assert answer.status_code == 404  # counted: a write, whatever its answer
        refused = await client.put(DRAFT, json={"body": "hi"}, headers=alice)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json()["detail"].startswith(f"at most {WRITES} changes a minute")
        # Reads are not counted; another user, or the same name in another tenant, is not held.
        assert (await client.get("/api/v1/me", headers=alice)).status_code == 200
        for tenant, user in (("acme", "bob"), ("globex", "alice")):
            other = gateway.headers(tenant, user)
            answer = await client.put(DRAFT, json={"body": "hi"}, headers=other)
            assert answer.status_code == 404


async def test_reads_beyond_their_own_allowance_are_429_per_user(gateway: RunningGateway) -> None:
    await _same_minute()
    alice = gateway.headers("acme", "alice")
    async with httpx.AsyncClient(base_url=gateway.base_url) as client:
        for path in ["/api/v1/me", "/api/v1/tasks", "/api/v1/tasks/us-1"] + ["/api/v1/me"] * 2:
            answer = await client.get(path, headers=alice)
            assert answer.status_code in (200, 404)  # counted: a read, whatever its answer
        refused = await client.get("/api/v1/tasks", headers=alice)
        stream = await client.get("/api/v1/live", headers=alice)  # a stream is a read too
        # Writes have their own budget; another user, or the same name elsewhere, is not held.
        write = await client.put(DRAFT, json={"body": "hi"}, headers=alice)
        others = [
            await client.get("/api/v1/me", headers=gateway.headers(tenant, user))
            for tenant, user in (("acme", "bob"), ("globex", "alice"))
        ]
    for answer in (refused, stream):
        assert answer.status_code == 429, answer.text
        assert 1 <= int(answer.headers["retry-after"]) <= 60
        assert answer.json()["detail"].startswith(f"at most {READS} reads a minute; try again in")
    assert write.status_code == 404
    assert [answer.status_code for answer in others] == [200, 200]


async def test_the_openapi_documents_429_on_every_read(gateway: RunningGateway) -> None:
    async with httpx.AsyncClient(base_url=gateway.base_url) as client:
        schema = (await client.get("/openapi.json")).json()
    reads = [
        (path, operation)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/")
        for method, operation in operations.items()
        if method == "get"
    ]
    assert len(reads) > 5
    for path, operation in reads:
        documented = operation["responses"].get("429")
        assert documented is not None, path
        # The connector API counts per API key, not per user's reads: its own budget.
        budget = "key's requests" if path.startswith("/api/v1/connector/") else "reads"
        assert budget in documented["description"], path
        assert "Retry-After" in documented["headers"], path


async def test_redis_away_is_503_with_retry_after(
    servers: Endpoints, redis_keys: RedisKeys, mongo_databases: MongoDatabases
) -> None:
    settings = gateway_settings(
        servers.kafka_bootstrap_servers,
        f"redis://127.0.0.1:{_closed_port()}/0",
        with_database(servers.mongodb_url, mongo_databases.create("gw").name),
        queue_key_prefix=redis_keys.prefix,
    )
    async with (
        running_gateway(settings) as gateway,
        httpx.AsyncClient(base_url=gateway.base_url, headers=gateway.headers("a", "b")) as client,
    ):
        write = await client.put(DRAFT, json={"body": "hi"})
        read = await client.get("/api/v1/tasks/us-1/email")
    for answer in (write, read):
        assert answer.status_code == 503, answer.text
        assert int(answer.headers["retry-after"]) > 0
        assert set(answer.json()) == {"detail"}


async def test_a_redis_that_hangs_is_503_within_the_timeout(
    servers: Endpoints, redis_keys: RedisKeys, mongo_databases: MongoDatabases
) -> None:
    async with private_redis() as hanging:
        settings = gateway_settings(
            servers.kafka_bootstrap_servers,
            hanging.url,
            with_database(servers.mongodb_url, mongo_databases.create("gw").name),
            queue_key_prefix=redis_keys.prefix,
            redis_timeout_s=1.0,
        )
        async with (
            running_gateway(settings) as gateway,
            httpx.AsyncClient(
                base_url=gateway.base_url, headers=gateway.headers("a", "b"), timeout=30
            ) as client,
        ):
            # Every client waits (the admin's too) until the pause ends by itself.
            await hanging.admin.client_pause(PAUSE_MS, all=True)
            began = time.monotonic()
            answer = await client.get("/api/v1/tasks")
            waited = time.monotonic() - began
    assert answer.status_code == 503, answer.text
    assert int(answer.headers["retry-after"]) > 0
    assert waited < PAUSE_MS / 1000 - 1  # the timeout ended the wait, not the pause's end
