"""E-mail tasks through a real gateway: the mail sanitized, the draft, one reply.

The task is put where the queue worker keeps it (its agent hash, as the ``QueueTask``
contract the gateway's reader validates), the mail where the context worker keeps it (its
own adapter), the settings in the real settings store; the reply is read back from Kafka.
"""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import contracts as c
import httpx
import pytest
from context_service.adapters.live_store import LiveContextStore
from gateway_service.email.send import outbox_round, send_reply
from gateway_service.testing import RunningGateway
from mysessions_platform.testing.kafka_reading import read_records
from mysessions_platform.testing.kafka_topics import KafkaTopics
from queue_service.adapters.keys import agent_tasks

pytestmark = pytest.mark.integration

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
SENDER = c.Party(address="jane@example.com", address_kind="email", display_name="Jane Doe")
HTML = (
    '<p onclick="steal()">Hello, my <b>invoice</b> is wrong.</p><script>alert(1)</script>'
    '<img src="http://tracker.example/pixel.gif"><a href="https://shop.example/o/1">order</a>'
)


@pytest.fixture
def gateway_overrides(kafka_topics: KafkaTopics) -> dict[str, Any]:
    """The conftest's gateway, with its replies on a topic of this test's own."""
    return {
        "email_topic": kafka_topics.name("replies"),  # the gateway creates it
        "email_outbox_interval_s": 0.2,
    }


def task(tenant: str, user: str, us: str, **changes: Any) -> c.QueueTask:
    fields: dict[str, Any] = {
        "tenant_id": tenant,
        "session_id": f"s-{us}",
        "service_session_id": f"ss-{us}",
        "user_session_id": us,
        "user_id": user,
        "service_id": "support",
        "service_name": "Support",
        "priority": 0,
        "modality": "email",
        "direction": "inbound",
        "state": "connected",
        "outcome": None,
        "end_reason": None,
        "inferred": False,
        "open": False,
        "caller_display_name": SENDER.display_name,
        "caller_address": SENDER.address,
        "caller_kind": "email",
        "started_at": T0,
        "queued_at": T0,
        "offered_at": T0,
        "ring_ended_at": T0,
        "accepted_at": T0,
        "ended_at": None,
        "dialing_at": None,
        "ringing_at": None,
        "answered_at": None,
        "updated_at": T0,
        "subject": "My invoice",
        "snippet": "Hello, my invoice is wrong.",
        "chat_url": None,
        "rev": 3,
    }
    return c.QueueTask(**{**fields, **changes})


def mail(tenant: str, session: str) -> c.EmailReceived:
    return c.EmailReceived(
        event_id=uuid4(),
        occurred_at=T0,
        tenant_id=tenant,
        session_id=session,
        sender=SENDER,
        subject="My invoice",
        html_body=HTML,
        received_at=T0,
    )


async def put_task(gateway: RunningGateway, found: c.QueueTask) -> None:
    key = agent_tasks(gateway.settings.queue_key_prefix, found.tenant_id, found.user_id)
    await gateway.resources.redis.hset(key, found.user_session_id, found.model_dump_json())


async def email_task(
    gateway: RunningGateway, tenant: str, user: str, us: str, *, widget: bool = True, **kw: Any
) -> c.QueueTask:
    """An e-mail task with its mail kept, of a service whose E-mail widget is ``widget``."""
    found = task(tenant, user, us, **kw)
    await put_task(gateway, found)
    live = LiveContextStore(
        gateway.resources.redis,
        gateway.settings.queue_key_prefix,
        timedelta(hours=1),
        timedelta(hours=1),
    )
    await live.write_many([], [], [mail(tenant, found.session_id)])
    spec = c.ServiceSettingsSpec(
        tenant_id=tenant,
        service_id="support",
        service_name="Support",
        widgets=c.Widgets(email=widget),
    )
    await gateway.resources.service_settings.apply(spec, T0 - timedelta(days=1))
    return found


def client(gateway: RunningGateway, tenant: str, user: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=gateway.base_url, headers=gateway.headers(tenant, user))


async def test_the_mail_is_shown_sanitized_to_its_own_agent(gateway: RunningGateway) -> None:
    await email_task(gateway, "acme", "alice", "us-1")
    async with client(gateway, "acme", "alice") as alice:
        answer = await alice.get("/api/v1/tasks/us-1/email")
    assert answer.status_code == 200, answer.text
    shown = answer.json()
    assert shown["subject"] == "My invoice"
    assert shown["sender"] == {"display_name": "Jane Doe", "address": "jane@example.com"}
    assert (shown["draft"], shown["sent"]) == (None, None)
    assert "<b>invoice</b>" in shown["html"]
    for gone in ("script", "onclick", "tracker.example"):
        assert gone not in shown["html"]
    assert 'rel="noopener noreferrer"' in shown["html"]


async def test_another_agents_or_tenants_task_is_no_such_task(gateway: RunningGateway) -> None:
    await email_task(gateway, "acme", "alice", "us-1")
    await put_task(gateway, task("acme", "alice", "us-1"))
    for tenant, user in (("acme", "bob"), ("other", "alice")):
        async with client(gateway, tenant, user) as other:
            for method, path, body in (
                ("GET", "/api/v1/tasks/us-1/email", None),
                ("PUT", "/api/v1/tasks/us-1/email/draft", {"body": "hi"}),
                ("POST", "/api/v1/tasks/us-1/email/send", None),
                ("GET", "/api/v1/tasks/nope/email", None),
                ("GET", f"/api/v1/tasks/{'x' * 500}/email", None),
            ):
                answer = await other.request(method, path, json=body)
                assert (answer.status_code, answer.json()) == (404, {"detail": "no such task"})


@pytest.mark.parametrize(
    ("widget", "changes"),
    [
        (False, {}),  # the service's E-mail widget is off
        (True, {"modality": "voice"}),  # not an e-mail task
        (True, {"state": "ended", "outcome": "accepted", "ended_at": T0}),  # the task ended
    ],
    ids=["widget off", "not email", "ended"],
)
async def test_no_mail_to_show_is_no_such_email(
    gateway: RunningGateway, widget: bool, changes: dict[str, Any]
) -> None:
    await email_task(gateway, "acme", "alice", "us-2", widget=widget, **changes)
    async with client(gateway, "acme", "alice") as alice:
        for method, path, body in (
            ("GET", "/api/v1/tasks/us-2/email", None),
            ("PUT", "/api/v1/tasks/us-2/email/draft", {"body": "hi"}),
            ("POST", "/api/v1/tasks/us-2/email/send", None),
        ):
            answer = await alice.request(method, path, json=body)
            assert (answer.status_code, answer.json()) == (404, {"detail": "no such email"})


async def test_the_mail_dropped_with_the_session_is_no_such_email(
    gateway: RunningGateway,
) -> None:
    found = await email_task(gateway, "acme", "alice", "us-3")
    prefix = gateway.settings.queue_key_prefix
    await gateway.resources.redis.delete(f"{prefix}:ctx:{{acme:{found.session_id}}}:mail")
    async with client(gateway, "acme", "alice") as alice:
        answer = await alice.get("/api/v1/tasks/us-3/email")
    assert (answer.status_code, answer.json()) == (404, {"detail": "no such email"})


async def test_draft_then_one_reply_on_its_own_topic(gateway: RunningGateway) -> None:
    found = await email_task(gateway, "acme", "alice", "us-4")
    async with client(gateway, "acme", "alice") as alice:
        empty = await alice.post("/api/v1/tasks/us-4/email/send")
        assert empty.status_code == 422, empty.text
        too_long = await alice.put("/api/v1/tasks/us-4/email/draft", json={"body": "x" * 32_769})
        assert too_long.status_code == 422
        saved = await alice.put(
            "/api/v1/tasks/us-4/email/draft", json={"body": "Dear Jane,\n\nfixed."}
        )
        assert saved.status_code == 200, saved.text
        assert saved.json()["body"] == "Dear Jane,\n\nfixed."
        full = await alice.put("/api/v1/tasks/us-4/email/draft", json={"body": "y" * 32_768})
        assert full.status_code == 200
        await alice.put("/api/v1/tasks/us-4/email/draft", json={"body": "Dear Jane,\n\nfixed."})
        shown = (await alice.get("/api/v1/tasks/us-4/email")).json()
        assert shown["draft"]["body"] == "Dear Jane,\n\nfixed."

        sent = await alice.post("/api/v1/tasks/us-4/email/send")
        assert sent.status_code == 202, sent.text
        again = await alice.post("/api/v1/tasks/us-4/email/send")
        assert again.status_code == 409
        assert set(again.json()) == {"detail", "sent_at"}
        assert again.json()["sent_at"] == sent.json()["sent_at"]
        shown = (await alice.get("/api/v1/tasks/us-4/email")).json()
        assert shown["draft"] is None  # the text went with the reply
        assert shown["sent"] == sent.json()

    records = await read_records(
        gateway.settings.kafka_bootstrap_servers, gateway.settings.email_topic, 2, timeout_s=3
    )
    assert len(records) == 1
    assert records[0].key == found.session_id.encode()
    reply = c.EmailReplyRequested.model_validate_json(records[0].value or b"")
    assert str(reply.event_id) == sent.json()["event_id"]
    assert (reply.tenant_id, reply.session_id, reply.user_session_id, reply.user_id) == (
        "acme",
        found.session_id,
        "us-4",
        "alice",
    )
    assert (reply.to, reply.subject, reply.text_body) == (
        SENDER,
        "Re: My invoice",
        "Dear Jane,\n\nfixed.",
    )
    # Published: the record keeps no address and no text any more.
    record = await gateway.resources.database["email_replies"].find_one({"user_session_id": "us-4"})
    assert record is not None
    assert "event" not in record
    assert record["published_at"] is not None


async def test_a_reply_waits_for_the_task_to_be_connected(gateway: RunningGateway) -> None:
    await email_task(gateway, "acme", "alice", "us-5", state="incoming", accepted_at=None)
    async with client(gateway, "acme", "alice") as alice:
        await alice.put("/api/v1/tasks/us-5/email/draft", json={"body": "Hi"})
        answer = await alice.post("/api/v1/tasks/us-5/email/send")
    assert answer.status_code == 422
    assert "connected" in answer.json()["detail"]


class KafkaAway:
    async def publish_all(self, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
        raise ConnectionError("broker away")


async def test_a_reply_kafka_never_confirmed_is_republished_with_its_id(
    gateway: RunningGateway,
) -> None:
    found = await email_task(gateway, "acme", "alice", "us-6")
    ports = gateway.resources.email
    principal = await gateway.resources.verifier.verify(gateway.token("acme", "alice"))
    await ports.drafts.save("acme", "alice", "us-6", "Dear Jane", datetime.now(UTC))
    sent = await send_reply(replace(ports, publisher=KafkaAway()), principal, found)
    record = await ports.replies.find("acme", "us-6")
    assert record is not None
    assert record["published_at"] is None  # recorded, not published: the crash window

    # Not yet due: nothing is sent twice while the first publish may still land.
    assert await outbox_round(ports) == 0
    later = replace(ports, clock=lambda: datetime.now(UTC) + timedelta(seconds=6))
    assert await outbox_round(later) == 1
    assert await outbox_round(later) == 0
    records = await read_records(
        gateway.settings.kafka_bootstrap_servers, gateway.settings.email_topic, 2, timeout_s=3
    )
    assert [
        c.EmailReplyRequested.model_validate_json(r.value or b"").event_id for r in records
    ] == [sent.event_id]


async def test_the_gateways_own_outbox_loop_finishes_a_lost_publish(
    gateway: RunningGateway,
) -> None:
    found = await email_task(gateway, "acme", "alice", "us-7")
    ports = gateway.resources.email
    principal = await gateway.resources.verifier.verify(gateway.token("acme", "alice"))
    await ports.drafts.save("acme", "alice", "us-7", "Dear Jane", datetime.now(UTC))
    earlier = replace(
        ports, publisher=KafkaAway(), clock=lambda: datetime.now(UTC) - timedelta(seconds=10)
    )
    sent = await send_reply(earlier, principal, found)
    for _ in range(50):  # the loop runs every 0.2 s here
        record = await ports.replies.find("acme", "us-7")
        if record is not None and record["published_at"] is not None:
            break
        await asyncio.sleep(0.1)
    records = await read_records(
        gateway.settings.kafka_bootstrap_servers, gateway.settings.email_topic, 1, timeout_s=3
    )
    assert [
        UUID(str(c.EmailReplyRequested.model_validate_json(r.value or b"").event_id))
        for r in records
    ] == [sent.event_id]
