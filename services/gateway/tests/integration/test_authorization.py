"""Authorization over every route under /api: whatever identifiers a request carries and
whatever roles its token holds, another tenant's or another agent's tasks are never
returned or changed.

A victim agent's tasks are seeded through the real steps (live and ended calls, a caller
the address book names, a stored context record, a transcript, saved after-call work),
each carrying a secret marker. Hypothesis then aims requests at every route of the app
(``attack_surface``: routes other features add are covered as they appear), as attackers of
another tenant (even one using the victim's user id), another agent of the victim's tenant,
service owners with and without the victim's service and tenant admins of another tenant,
with path, query and body identifiers drawn from the victim's real ids and odd ones.
Every answer: no marker, no victim id the request did not carry itself, only refusals or
the attacker's own data (2xx, 401/403/404/405/409/422/429, a trailing-slash redirect),
never 5xx; afterwards the
victim's data in Redis and MongoDB is exactly as before.
"""

import asyncio
import json
from collections import Counter
from typing import Any
from urllib.parse import unquote

import contracts as c
import httpx
import pytest
from acw.service import SaveRequest, save_after_call_work
from gateway_service.app import create_app
from gateway_service.auth.principal import Role
from gateway_service.testing import RunningGateway, running_gateway
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .attack_surface import Target, encoded, identifiers, sweep, targets, value_for
from .seeding import ALL_ON, Seeder, Session, answered, hours_ago, seeder

pytestmark = pytest.mark.integration

TENANT, VICTIM, SERVICE = "victim-t7", "victor-7q", "vsvc-7q"
OTHER_TENANT, MALLORY, MALLORYS_SERVICE = "other-t7", "mallory-7q", "msvc-7q"
# Secrets: none of them is ever in a request, so none may ever be in an answer.
CALLER_NAME, CALLER_PHONE = "Quenby Marker9x1", "+41446689901"
PARAMETER, TRANSCRIPT, TAG = "Param-Marker9x1", "secret words marker9x1", "Tagmarker9x1"
SECRETS = (CALLER_NAME, CALLER_PHONE, PARAMETER, TRANSCRIPT, TAG, CALLER_PHONE.lstrip("+"))
STATUSES = {401, 403, 404, 405, 409, 422, 429}
REDIRECTS = {307, 308}
"""Starlette's trailing-slash redirect (before any route runs: it says only the path)."""

Attacker = tuple[str, str, tuple[Role, ...], tuple[str, ...]]
ATTACKERS: tuple[Attacker, ...] = (
    (OTHER_TENANT, VICTIM, ("agent",), ()),  # the victim's user id in another tenant
    (OTHER_TENANT, MALLORY, ("agent", "service_owner", "tenant_admin"), (SERVICE,)),
    (OTHER_TENANT, "admin-7q", ("tenant_admin",), ()),
    (TENANT, MALLORY, ("agent",), ()),
    (TENANT, MALLORY, ("agent", "service_owner"), (SERVICE,)),
    (TENANT, MALLORY, ("service_owner",), (SERVICE,)),
    (TENANT, MALLORY, ("service_owner",), (MALLORYS_SERVICE,)),
    (TENANT, "owner-7q", ("service_owner",), ()),
)


def spec(tenant: str, service: str) -> c.ServiceSettingsSpec:
    return c.ServiceSettingsSpec(
        tenant_id=tenant,
        service_id=service,
        service_name=f"Service {service}",
        widgets=ALL_ON,
        primary_codes=(c.Code(id="sale", label="Sale"),),
        context_links=(
            c.ContextLink(name="CRM", url_template="https://crm.example.com/?p={param.Ref}"),
        ),
        session_details_fields=c.SessionDetailsFields(parameters=("Ref",)),
        store_context=True,
    )


async def seed_victim(seed: Seeder) -> dict[str, str]:
    """The victim's tasks (and Mallory's own, in her own service); their ids by name."""
    for tenant in (TENANT, OTHER_TENANT):
        for service in (SERVICE, MALLORYS_SERVICE):
            await seed.settings(spec(tenant, service))
    await seed.contact(TENANT, "victim-contact", CALLER_NAME, CALLER_PHONE)

    def with_context(session: Session) -> Session:
        return session.add(
            c.CustomParametersUpdated,
            1,
            service_session_id=session.service_session_id,
            parameters={"Ref": PARAMETER},
        )

    live = with_context(
        Session(TENANT, "vsess-7q-live", hours_ago(0.1)).inbound(SERVICE, "S", CALLER_PHONE)
    )
    live = live.offered(2, VICTIM, SERVICE).task(c.TaskAccepted, 4, VICTIM)
    live.add(
        c.TranscriptSegment,
        6,
        service_session_id=live.service_session_id,
        user_session_id=live.user_session_id(VICTIM),
        segment_id="seg-1",
        speaker="caller",
        start_ms=0,
        end_ms=900,
        text=TRANSCRIPT,
        final=True,
    )
    incoming = Session(TENANT, "vsess-7q-ring", hours_ago(0.05)).inbound(SERVICE, "S", CALLER_PHONE)
    incoming.offered(1, VICTIM, SERVICE)
    done = with_context(
        Session(TENANT, "vsess-7q-done", hours_ago(3)).inbound(SERVICE, "S", CALLER_PHONE)
    )
    done.offered(5, VICTIM, SERVICE).task(c.TaskAccepted, 9, VICTIM)
    done.add(
        c.TranscriptFinal,
        200,
        service_session_id=done.service_session_id,
        user_session_id=done.user_session_id(VICTIM),
        service_id=SERVICE,
        lines=[c.FinalTranscriptLine(speaker="caller", text=TRANSCRIPT, offset_ms=0)],
    ).ended(300)
    saved_open = answered(TENANT, "vsess-7q-open", VICTIM, SERVICE, "S", CALLER_PHONE, hours_ago(2))
    mallorys = answered(
        TENANT, "msess-7q", MALLORY, MALLORYS_SERVICE, "M", "+41446680000", hours_ago(1)
    )
    await seed.feed(live, incoming, done, saved_open, mallorys)
    await save_after_call_work(
        SaveRequest(
            TENANT,
            VICTIM,
            done.session_id,
            done.user_session_id(VICTIM),
            primary_code="sale",
            tags=(TAG,),
        ),
        seed.gateway.resources.acw,
    )
    sessions = (live, incoming, done, saved_open)
    ids = {s.session_id: s.user_session_id(VICTIM) for s in sessions}
    ids["mallorys"] = mallorys.user_session_id(MALLORY)
    return ids


async def victim_state(gateway: RunningGateway) -> dict[str, Any]:
    """Every Redis key and MongoDB document that names the victim or their sessions."""
    resources = gateway.resources
    mine = ("vsess-7q", VICTIM)
    found: dict[str, Any] = {}
    async for raw in resources.redis.scan_iter(
        match=f"{gateway.settings.queue_key_prefix}*", count=1000
    ):
        key = raw.decode()
        rate_count = ":gateway:writes:" in key or ":gateway:reads:" in key  # the callers' own
        if any(part in key for part in mine) and not rate_count:
            found[f"redis {key}"] = await _value(resources.redis, key)
    for name in await resources.database.list_collection_names():
        async for document in resources.database[name].find({}, {"_id": 0}):
            text = json.dumps(document, default=str, sort_keys=True)
            if any(part in text for part in mine):
                found.setdefault(f"mongo {name}", []).append(text)
    return {
        key: sorted(value) if isinstance(value, list) else value for key, value in found.items()
    }


async def _value(redis: Any, key: str) -> Any:
    kind = (await redis.type(key)).decode()
    read = {
        "string": lambda: redis.get(key),
        "hash": lambda: redis.hgetall(key),
        "zset": lambda: redis.zrange(key, 0, -1, withscores=True),
        "set": lambda: redis.smembers(key),
        "list": lambda: redis.lrange(key, 0, -1),
        "stream": lambda: redis.xrange(key),
    }
    value = await read[kind]() if kind in read else kind
    return repr(sorted(value.items()) if isinstance(value, dict) else value)


def requests_for(
    every: list[Target], components: dict[str, Any], known: list[str]
) -> st.SearchStrategy[tuple[Target, str, dict[str, Any], Any]]:
    ids = identifiers(known)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Target, str, dict[str, Any], Any]:
        target = draw(st.sampled_from(every))
        path = target.path
        for name in target.path_params:
            segment = draw(ids.flatmap(encoded))
            path = path.replace(f"{{{name}}}", segment, 1)
        query = {
            name: draw(value_for(schema, components, ids).map(_as_query))
            for name, schema in target.query_params
            if draw(st.booleans())
        }
        body = draw(value_for(target.body, components, ids)) if target.body is not None else None
        return target, path, query, body

    return build()


def _as_query(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@pytest.mark.slow
async def test_no_request_reaches_another_agents_tasks(gateway: RunningGateway) -> None:
    async with seeder(gateway) as seed:
        ids = await seed_victim(seed)
    victim_ids = [v for k, v in ids.items() if k != "mallorys"] + [
        k for k in ids if k != "mallorys"
    ]
    known = [*victim_ids, TENANT, VICTIM, SERVICE, "sale", ids["mallorys"], "victim-contact"]
    app = create_app(gateway.settings)
    every = targets(app)
    components = app.openapi().get("components", {}).get("schemas", {})
    assert any(t.name == "POST /api/v1/tasks/{user_session_id}/acw" for t in every)
    before = await victim_state(gateway)
    assert any(CALLER_NAME in json.dumps(v) for v in before.values()), "the seeding named nobody"
    # Many requests in a minute: the rate limits would answer most of them 429 and test little.
    roomy = gateway.settings.model_copy(
        update={"writes_per_minute": 1_000_000, "reads_per_minute": 1_000_000}
    )
    async with running_gateway(roomy) as api:
        tokens = {attacker: api.headers(*attacker) for attacker in ATTACKERS}
        tokens[(TENANT, "nobody", (), ())] = {"Authorization": "Bearer not-a-token"}
        aimed: Counter[str] = Counter()
        with httpx.Client(base_url=api.base_url, timeout=httpx.Timeout(5, read=2)) as client:

            def check(
                attacker: Attacker, target: Target, path: str, query: dict[str, Any], body: Any
            ) -> None:
                aimed[target.name] += 1
                sent = {"params": query} | ({"json": body} if target.body is not None else {})
                if target.upload is not None:
                    sent["content"] = target.upload
                status, text = _send(client, target.method, path, tokens[attacker], sent)
                said = unquote(unquote(path)) + json.dumps([query, body]) + path
                where = f"{attacker} {target.method} {path} {sent}: {status} {text[:300]}"
                assert status < 500, where
                assert status < 300 or status in STATUSES | REDIRECTS, where
                for secret in SECRETS:
                    assert secret not in text, f"{secret!r} leaked: {where}"
                for victim_id in victim_ids:
                    if victim_id not in said:
                        assert victim_id not in text, f"{victim_id!r} leaked: {where}"

            def known_ids_first() -> None:
                for target, path, body in sweep(every, components, victim_ids, "sale"):
                    for attacker in tokens:
                        check(attacker, target, path, {}, body)

            @settings(
                max_examples=500,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                database=None,
            )
            @given(
                attacker=st.sampled_from(sorted(tokens)),
                aimed_request=requests_for(every, components, known),
            )
            def attack(
                attacker: Attacker, aimed_request: tuple[Target, str, dict[str, Any], Any]
            ) -> None:
                check(attacker, *aimed_request)

            await asyncio.to_thread(known_ids_first)
            await asyncio.to_thread(attack)
    missed = {t.name for t in every} - set(aimed)
    assert not missed, f"routes never aimed at: {missed}"
    assert await victim_state(gateway) == before, "an attacker changed the victim's data"


def _send(
    client: httpx.Client, method: str, path: str, headers: dict[str, str], sent: dict[str, Any]
) -> tuple[int, str]:
    """Status and everything the answer said (headers too); a stream (SSE) is read for a
    moment, then left."""
    chunks: list[bytes] = []
    with client.stream(method, path, headers=headers, **sent) as answer:
        streaming = answer.headers.get("content-type", "").startswith("text/event-stream")
        try:
            for chunk in answer.iter_bytes():
                chunks.append(chunk)
                if streaming and sum(map(len, chunks)) > 65_536:
                    break
        except httpx.ReadTimeout:
            if not streaming:
                raise
        said = b"".join(chunks).decode(errors="replace")
        return answer.status_code, json.dumps(dict(answer.headers)) + said


def test_the_attackers_are_who_they_claim() -> None:
    """No attacker is the victim: same tenant and user never both."""
    assert all((tenant, user) != (TENANT, VICTIM) for tenant, user, _, _ in ATTACKERS)
