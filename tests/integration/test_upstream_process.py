"""``mysessions run upstream`` as an operator starts it: its settings from the environment,
the tenants from UPSTREAM_TENANTS_FILE, behind a proxy (UPSTREAM_PUBLIC_BASE_URL); a signed
TaskRouter callback is published to the raw topic, a Connect event with the bearer secret
too, and SIGTERM stops it without an error."""

import asyncio
import hashlib
import json
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from ingest_service.upstream_http.app import create_upstream_app
from ingest_service.upstream_http.settings import UpstreamSettings
from ingest_service.upstream_http.tenants import TenantUpstream
from ingest_service.upstream_http.testing import running_upstream
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.amazon_connect import ConnectContact
from mysessions_platform.testing.kafka_reading import read_records
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.ports import free_port
from mysessions_platform.testing.twilio_taskrouter import TaskRouterTask
from pydantic import SecretStr
from twilio.request_validator import RequestValidator

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PUBLIC = "https://hooks.example.test"


async def test_the_upstream_process_publishes_authenticated_callbacks(
    servers: Endpoints, kafka_topics: KafkaTopics, tmp_path: Path
) -> None:
    raw = await kafka_topics.create("raw")
    token, secret = "twilio-token-for-the-test", "connect-secret-for-the-test"
    tenants = tmp_path / "tenants.json"
    tenants.write_text(
        json.dumps(
            {
                "acme": {
                    "twilio_auth_token": token,
                    "connect_secret_sha256": hashlib.sha256(secret.encode()).hexdigest(),
                }
            }
        )
    )
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "mysessions"),
        *("run", "upstream", "--port", str(port)),
        env={
            "KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers,
            "UPSTREAM_TOPIC": raw,
            "UPSTREAM_TENANTS_FILE": str(tenants),
            "UPSTREAM_PUBLIC_BASE_URL": PUBLIC,
            "LOG_LEVEL": "WARNING",
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=20) as client:
            for _ in range(200):
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            form = TaskRouterTask("WQ" + "a" * 32, "Support").entered(datetime.now(UTC))
            path = "/twilio/acme/taskrouter"
            # Twilio signs the public URL it posted to, not the address behind the proxy.
            signature = RequestValidator(token).compute_signature(PUBLIC + path, form)
            answer = await client.post(path, data=form, headers={"X-Twilio-Signature": signature})
            assert answer.status_code == 204, answer.text
            contact = ConnectContact("q-support")
            event = contact.queued(datetime.now(UTC))
            answer = await client.post(
                "/amazon-connect/acme/contact-events",
                json=event,
                headers={"Authorization": f"Bearer {secret}"},
            )
            assert answer.status_code == 204, answer.text
        records = await read_records(servers.kafka_bootstrap_servers, raw, 4)
        types = sorted(json.loads(r.value)["type"] for r in records)
        assert types == ["session.queued"] * 2 + ["session.started"] * 2
        assert {r.key for r in records} == {
            form["TaskSid"].encode(),
            contact.contact_id.encode(),
        }
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = await asyncio.wait_for(process.communicate(), 30)
    # uvicorn stops gracefully, then re-raises the signal it caught (as the gateway does).
    assert process.returncode in (0, -signal.SIGTERM), out.decode()
    assert "Traceback" not in out.decode()
    assert token not in out.decode()


async def test_the_edge_answers_503_while_kafka_is_unreachable(
    servers: Endpoints, kafka_topics: KafkaTopics
) -> None:
    """Kafka away from the start (nothing listens on its port): the edge still starts, and
    answers 503 at once, so the provider retries, and /readyz says it waits for Kafka (a load
    balancer sends it nothing); once it is back, ready and 204."""
    token = "twilio-token-for-the-test"
    tenants = {"acme": TenantUpstream(twilio_auth_token=SecretStr(token))}
    away = UpstreamSettings().model_copy(
        update={"kafka_bootstrap_servers": f"127.0.0.1:{free_port()}", "publish_timeout_s": 2.0}
    )
    form = TaskRouterTask("WQ" + "a" * 32, "Support").entered(datetime.now(UTC))
    async with (
        running_upstream(create_upstream_app(away, tenants)) as base_url,
        httpx.AsyncClient(timeout=20) as client,
    ):
        url = f"{base_url}/twilio/acme/taskrouter"
        signature = RequestValidator(token).compute_signature(url, form)
        answer = await client.post(url, data=form, headers={"X-Twilio-Signature": signature})
        assert answer.status_code == 503
        assert answer.json() == {"detail": "publishing: unavailable, retry"}
        ready = await client.get(f"{base_url}/readyz")
        assert (ready.status_code, ready.json()) == (
            503,
            {"ready": False, "waiting_for": ["kafka"]},
        )
        assert (await client.get(f"{base_url}/healthz")).status_code == 200

    back = away.model_copy(
        update={
            "kafka_bootstrap_servers": servers.kafka_bootstrap_servers,
            "topic": await kafka_topics.create("raw"),
        }
    )
    async with (
        running_upstream(create_upstream_app(back, tenants)) as base_url,
        httpx.AsyncClient(timeout=20) as client,
    ):
        url = f"{base_url}/twilio/acme/taskrouter"
        signature = RequestValidator(token).compute_signature(url, form)
        for _ in range(100):  # the producer connects in the background
            answer = await client.post(url, data=form, headers={"X-Twilio-Signature": signature})
            if answer.status_code != 503:
                break
            await asyncio.sleep(0.1)
        assert answer.status_code == 204
        ready = await client.get(f"{base_url}/readyz")
        assert (ready.status_code, ready.json()) == (200, {"ready": True, "waiting_for": []})
