"""The admin's CRM test on a fake transport: what each answer is reported as, and that the
typed address only ever fills the template's placeholder."""

import asyncio
import json

import httpx
import pytest
from context_service.crm_probe import probe_crm

pytestmark = pytest.mark.unit

TEMPLATE = "https://crm.example.com/callers?q={system.caller}"


def crm(answer: httpx.Response, asked: list[httpx.URL] | None = None) -> httpx.AsyncClient:
    def handle(request: httpx.Request) -> httpx.Response:
        if asked is not None:
            asked.append(request.url)
        return answer

    return httpx.AsyncClient(transport=httpx.MockTransport(handle))


async def test_a_known_caller_is_reported_with_the_fields_the_worker_keeps() -> None:
    answer = httpx.Response(200, json={"display_name": " Jane ", "phone": 41, "ssn": "x"})
    async with crm(answer) as client:
        probe = await probe_crm(client, TEMPLATE, "+41446681800", 2.0)
    assert (probe.outcome, probe.fields, probe.reason) == (
        "found",
        {"display_name": "Jane", "phone": "41"},
        None,
    )


@pytest.mark.parametrize(
    ("answer", "outcome", "reason"),
    [
        (httpx.Response(404), "not_found", None),
        (httpx.Response(204), "not_found", None),
        (httpx.Response(200, json={}), "not_found", None),
        (httpx.Response(200, content=b"null"), "not_found", None),
        (httpx.Response(503), "failed", "the CRM answered HTTP 503"),
        (
            httpx.Response(302, headers={"Location": "http://10.0.0.1/"}),
            "failed",
            "the CRM answered HTTP 302",
        ),
        (httpx.Response(200, content=b"<html>"), "failed", "the CRM answer is not JSON"),
        (httpx.Response(200, json=[1]), "failed", "the CRM answer is not a JSON object"),
        (
            httpx.Response(200, content=json.dumps({"city": "x" * 70_000}).encode()),
            "failed",
            "the CRM answer exceeds 65536 bytes",
        ),
    ],
)
async def test_each_answer_is_reported_as_the_worker_would_take_it(
    answer: httpx.Response, outcome: str, reason: str | None
) -> None:
    async with crm(answer) as client:
        probe = await probe_crm(client, TEMPLATE, "+41446681800", 2.0)
    assert (probe.outcome, probe.reason, probe.fields) == (outcome, reason, {})


async def test_a_crm_slower_than_the_deadline_is_a_timeout() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(404)

    async with httpx.AsyncClient(transport=httpx.MockTransport(slow)) as client:
        probe = await probe_crm(client, TEMPLATE, "+41446681800", 0.05)
    assert (probe.outcome, probe.reason) == ("failed", "timeout")
    assert probe.elapsed_ms < 1_000


async def test_an_unreachable_crm_says_so_without_the_url() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect to {request.url}")

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as client:
        probe = await probe_crm(client, TEMPLATE, "+41446681800", 1.0)
    assert probe.reason == "the CRM cannot be reached (ConnectError)"


@pytest.mark.parametrize(
    "address", ["@evil.example", "x/../../admin", "a#b", "a?q=1&r=2", "http://evil.example/"]
)
async def test_the_typed_address_never_leaves_the_templates_placeholder(address: str) -> None:
    asked: list[httpx.URL] = []
    async with crm(httpx.Response(404), asked) as client:
        await probe_crm(client, TEMPLATE, address, 1.0)
    [url] = asked
    assert (url.scheme, url.host, url.path) == ("https", "crm.example.com", "/callers")
    assert url.params["q"] == address
