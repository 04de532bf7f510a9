"""Tenant admins' CRM settings and CRM test through the real gateway, on real MongoDB and
Redis, against a CRM on a local port: versions in the store ``mysessions settings apply``
writes, 422 naming the field without its value, 409 on a stale version, the token's tenant
only, and a test that reports what the CRM answered, stores nothing, asks no other host
and is rate-limited per tenant."""

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from gateway_service.auth.principal import Role
from gateway_service.testing import RunningGateway, isolated_gateway
from mysessions_platform.infra import Endpoints
from mysessions_platform.service_settings.store import TenantSettingsStore
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from mysessions_platform.testing.stub_crm import KNOWN, StubCrm, stub_crm

pytestmark = pytest.mark.integration

SETTINGS = "/api/v1/admin/tenant-settings"
CRM_TEST = f"{SETTINGS}/crm-test"
SECRET = "s3cr3t-api-key"


@pytest.fixture
def crm() -> Iterator[StubCrm]:
    with stub_crm() as stub:
        yield stub


def client(
    gateway: RunningGateway, tenant: str = "acme", *roles: Role, user: str = "ada"
) -> httpx.AsyncClient:
    headers = gateway.headers(tenant, user, roles or ("tenant_admin",), ("sales",))
    return httpx.AsyncClient(base_url=gateway.base_url, headers=headers, timeout=30)


async def save(admin: httpx.AsyncClient, **body: Any) -> httpx.Response:
    return await admin.put(SETTINGS, json=body)


async def test_each_change_is_a_new_version_in_the_settings_store(
    gateway: RunningGateway, crm: StubCrm
) -> None:
    store = TenantSettingsStore(gateway.resources.database)
    async with client(gateway) as admin:
        never_set = (await admin.get(SETTINGS)).json()
        assert (never_set["version"], never_set["crm_url_template"]) == (0, None)
        assert never_set["crm_timeout_s"] == 2.0

        first = await save(admin, crm_url_template=crm.template(), crm_timeout_s=1.5)
        assert first.status_code == 200, first.text
        assert first.json()["version"] == 1
        same = await save(admin, crm_url_template=crm.template(), crm_timeout_s=1.5)
        assert same.json()["version"] == 1  # unchanged: no new version
        second = await save(admin, crm_url_template=None, crm_timeout_s=1.5, base_version=1)
        assert second.json()["version"] == 2

        shown = (await admin.get(SETTINGS)).json()
    assert (shown["version"], shown["crm_url_template"]) == (2, None)
    history = await store.history("acme")
    assert [(v.version, v.crm_url_template) for v in history] == [
        (1, crm.template()),
        (2, None),
    ]


async def test_a_broken_rule_is_422_on_its_field_and_never_echoes_the_value(
    gateway: RunningGateway,
) -> None:
    host_from_data = f"https://{{system.caller}}.example.com/c?key={SECRET}"
    async with client(gateway) as admin:
        cases: list[tuple[dict[str, Any], str]] = [
            ({"crm_url_template": host_from_data}, "crm_url_template"),
            ({"crm_url_template": f"ftp://crm.example.com/{SECRET}"}, "crm_url_template"),
            (
                {"crm_url_template": f"https://crm.example.com/{SECRET}", "crm_timeout_s": 60},
                "crm_timeout_s",
            ),
            ({"crm_timeout_s": SECRET}, "crm_timeout_s"),
            (
                {"crm_url_template": f"https://crm.example.com/{SECRET}", "tenant_id": "globex"},
                "tenant_id",
            ),
        ]
        for body, field in cases:
            answer = await save(admin, **body)
            assert answer.status_code == 422, (field, answer.text)
            assert [p["loc"] for p in answer.json()["detail"]] == [["body", field]]
            assert SECRET not in answer.text
            assert "example.com" not in answer.text
        assert (await admin.get(SETTINGS)).json()["version"] == 0  # nothing was applied


async def test_a_change_made_on_a_stale_version_is_409_and_writes_nothing(
    gateway: RunningGateway, crm: StubCrm
) -> None:
    async with client(gateway) as admin, client(gateway, user="bob") as other:
        assert (await save(admin, crm_url_template=crm.template())).json()["version"] == 1
        # Both read version 1; the other admin saves first.
        assert (await save(other, crm_url_template=crm.template("fail"), base_version=1)).json()[
            "version"
        ] == 2
        late = await save(admin, crm_url_template=crm.template("text"), base_version=1)
        assert late.status_code == 409, late.text
        assert "reload" in late.json()["detail"]
        shown = (await admin.get(SETTINGS)).json()
    assert (shown["version"], shown["crm_url_template"]) == (2, crm.template("fail"))


async def test_only_the_tokens_tenant_is_read_and_written_and_service_owners_are_refused(
    gateway: RunningGateway, crm: StubCrm
) -> None:
    async with (
        client(gateway) as acme,
        client(gateway, "globex") as globex,
        client(gateway, "acme", "service_owner", "agent") as owner,
    ):
        assert (await save(acme, crm_url_template=crm.template())).status_code == 200
        for refused in (
            await owner.get(SETTINGS),
            await save(owner, crm_url_template=crm.template("fail")),
            await owner.post(CRM_TEST, json={"address": KNOWN}),
        ):
            assert refused.status_code == 403, refused.text
        # Another tenant's admin sees and changes their own tenant only.
        assert (await globex.get(SETTINGS)).json()["crm_url_template"] is None
        no_crm = await globex.post(CRM_TEST, json={"address": KNOWN})
        assert no_crm.status_code == 409  # globex has no CRM; acme's is never asked
        assert (await save(globex, crm_url_template=crm.template("fail"))).status_code == 200
        assert (await acme.get(SETTINGS)).json()["crm_url_template"] == crm.template()
    assert crm.hits == {}


async def test_the_crm_test_reports_what_the_stored_crm_answered_and_stores_nothing(
    gateway: RunningGateway, crm: StubCrm
) -> None:
    async def tried(route: str, address: str = KNOWN, timeout_s: float = 2.0) -> dict[str, Any]:
        saved = await save(admin, crm_url_template=crm.template(route), crm_timeout_s=timeout_s)
        assert saved.status_code == 200, saved.text
        answer = await admin.post(CRM_TEST, json={"address": address})
        assert answer.status_code == 200, answer.text
        assert KNOWN not in answer.text.replace("Jane", "")  # the address is not repeated
        result: dict[str, Any] = answer.json()
        return result

    async with client(gateway) as admin:
        found = await tried("crm")
        assert found["outcome"] == "found"
        assert found["fields"] == {
            "display_name": "Jane Doe",
            "company": "ACME AG",
            "city": "Zurich",
        }
        assert (await tried("crm", "+41440000000"))["outcome"] == "not_found"
        assert (await tried("fail"))["reason"] == "the CRM answered HTTP 500"
        assert (await tried("big"))["reason"] == "the CRM answer exceeds 65536 bytes"
        assert (await tried("text"))["reason"] == "the CRM answer is not JSON"
        slow = await tried("slow", timeout_s=0.3)
        assert (slow["outcome"], slow["reason"], slow["timeout_s"]) == ("failed", "timeout", 0.3)
        assert slow["elapsed_ms"] < 2_000
        # A redirect is not followed, as the worker does not follow one: no other path or
        # host is asked than the template's.
        redirected = await tried("redirect")
        assert redirected["reason"] == "the CRM answered HTTP 302"
        assert crm.hits["crm"] == 2
        # The address only ever fills the placeholder, percent-encoded: it cannot move the
        # request to another host or path.
        escape = await tried("crm", "@evil.example/../../fail#")
        assert escape["outcome"] == "not_found"
        assert crm.hits["fail"] == 1
        assert crm.asked[-1] == "@evil.example/../../fail#"
    store = TenantSettingsStore(gateway.resources.database)
    names = await gateway.resources.database.list_collection_names()
    assert not {"contacts", "directory_users"} & set(names)  # the test wrote no caller
    # One version per change above (the second "crm" save changed nothing), none per test.
    assert len(await store.history("acme")) == 7


async def test_an_address_beyond_the_limits_is_422(gateway: RunningGateway, crm: StubCrm) -> None:
    async with client(gateway) as admin:
        await save(admin, crm_url_template=crm.template())
        for address in ("", "   ", "x" * 321):
            answer = await admin.post(CRM_TEST, json={"address": address})
            assert answer.status_code == 422, answer.text
            assert answer.json()["detail"][0]["loc"] == ["body", "address"]
    assert crm.hits == {}


@pytest.mark.slow  # waits for a fresh minute when the current one is nearly over
async def test_crm_tests_are_limited_per_tenant(
    servers: Endpoints,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    kafka_topics: KafkaTopics,
    crm: StubCrm,
) -> None:
    if time.time() % 60 > 50:  # one minute's count throughout
        await asyncio.sleep(61 - time.time() % 60)
    async with (
        isolated_gateway(
            servers, redis_keys, mongo_databases, kafka_topics, crm_tests_per_minute=3
        ) as gateway,
        client(gateway) as ada,
        client(gateway, user="bob") as bob,
        client(gateway, "globex") as globex,
    ):
        await save(ada, crm_url_template=crm.template())
        await save(globex, crm_url_template=crm.template())
        statuses = [
            (await who.post(CRM_TEST, json={"address": KNOWN})).status_code
            for who in (ada, bob, ada)
        ]
        assert statuses == [200, 200, 200]
        beyond = await bob.post(CRM_TEST, json={"address": KNOWN})
        assert beyond.status_code == 429
        assert "at most 3 CRM tests a minute" in beyond.json()["detail"]
        assert int(beyond.headers["Retry-After"]) <= 60
        # Another tenant's budget is its own; saving settings is not held either.
        assert (await globex.post(CRM_TEST, json={"address": KNOWN})).status_code == 200
        assert (await save(ada, crm_url_template=crm.template("fail"))).status_code == 200
    assert crm.hits["crm"] == 4
