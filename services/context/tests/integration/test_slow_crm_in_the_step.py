"""A CRM that hangs and one that fails (real local HTTP servers) leave their callers
"Anonymous", and the batch they are in, with many other sessions, is done within about one
CRM deadline (2 s), not one per hanging lookup: sessions are resolved concurrently."""

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from uuid import uuid4

import contracts as c
import httpx
import pytest
from aiokafka import ConsumerRecord
from context_service.adapters.live_store import LiveContextStore
from context_service.adapters.stored_context import StoredContextStore
from context_service.caller_resolver import make_caller_resolver
from context_service.crm_templates import SettingsCallers, TenantCrmTemplates
from context_service.step import ContextStep
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.catalog_store import TenantCatalogs
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys

pytestmark = pytest.mark.integration

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)


@pytest.fixture
def crm() -> Iterator[str]:
    """``/hang/…`` never answers (until the test ends), ``/fail/…`` answers 500."""
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/hang/"):
                release.wait(30)
                return
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"boom")

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        release.set()
        server.shutdown()
        server.server_close()


def record(event: c.SessionEvent, offset: int) -> ConsumerRecord[bytes, bytes]:
    value = c.encode(event)
    key = event.session_id.encode()
    built: ConsumerRecord[bytes, bytes] = ConsumerRecord(
        topic="sessions",
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=key,
        value=value,
        checksum=None,
        serialized_key_size=len(key),
        serialized_value_size=len(value),
        headers=(),
    )
    return built


def started(tenant: str, session: str, number: str) -> c.SessionStarted:
    return c.SessionStarted(
        event_id=uuid4(),
        occurred_at=T0,
        tenant_id=tenant,
        session_id=session,
        direction="inbound",
        modality="voice",
        service_id="svc",
        service_name="Service",
        caller=c.Party(address=number, address_kind="pstn"),
    )


async def test_hanging_and_failing_crms_leave_callers_anonymous_without_stalling_others(
    crm: str, redis_keys: RedisKeys, mongo_databases: MongoDatabases
) -> None:
    database = mongo_databases.create("ctx")
    tenants = TenantSettingsStore(database)
    await tenants.ensure_indexes()
    for tenant, route in (("t-hang", "hang"), ("t-fail", "fail")):
        template = f"{crm}/{route}/{{system.caller}}"
        await tenants.apply(c.TenantSettingsSpec(tenant_id=tenant, crm_url_template=template), T0)
    cache = SettingsCache(
        ServiceSettingsStore(database), tenants, 60, catalogs=TenantCatalogs(database)
    )
    templates = TenantCrmTemplates(cache)
    live = LiveContextStore(
        redis_keys.client, redis_keys.prefix, timedelta(hours=1), timedelta(hours=1)
    )
    async with httpx.AsyncClient() as http:
        step = ContextStep(
            live=live,
            stored=StoredContextStore(database),
            settings=cache,
            callers=SettingsCallers(make_caller_resolver(database, http, templates), templates),
        )
        # Three hanging lookups (below the breaker's threshold: each waits its deadline).
        events = [started("t-hang", f"s-hang-{n}", f"+4144000000{n}") for n in range(3)]
        events.append(started("t-fail", "s-fail", "+41440000009"))
        events += [started("t-plain", f"s-{n}", f"+4144100{n:04d}") for n in range(100)]
        began = time.monotonic()
        rejected = await step([record(event, n) for n, event in enumerate(events)])
        took = time.monotonic() - began
    assert rejected == []
    assert took < 4.0, f"the batch took {took:.1f} s: sessions waited for the hanging CRM"
    for tenant, session in (("t-hang", "s-hang-2"), ("t-fail", "s-fail"), ("t-plain", "s-7")):
        context, _ = await live.load(tenant, session)
        assert context is not None
        assert context.caller is not None
        assert context.caller.is_anonymous
        assert context.caller.label == "Anonymous"
        assert context.caller.address == context.caller_address
    stored = await redis_keys.client.get(f"{redis_keys.prefix}:ctx:{{t-plain:s-99}}:live")
    assert stored is not None
    assert json.loads(stored)["caller"]["source"] == "none"
