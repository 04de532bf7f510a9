"""Schemathesis against the gateway's published OpenAPI, over real HTTP: every operation the
live ``/openapi.json`` lists (so routes added later are covered without touching this
file), with valid and with invalid input, signed in as a user with every role who owns the
services it names. Checks: no server error, every status documented for its operation, every
body as its schema says. Plus: every input in the schema states its bound.

The gateway runs in this test's event loop, so schemathesis (synchronous, ``requests``)
runs in a thread. Writes are allowed generously here: the rate limit has its own tests, and
would otherwise turn most writes into (documented) 429s that test nothing else.
"""

import asyncio
import http.cookiejar
from collections.abc import Iterator
from typing import Any, Final

import hypothesis
import pytest
import requests
import schemathesis
from gateway_service.auth.principal import ROLES
from gateway_service.testing import RunningGateway
from hypothesis import HealthCheck, Phase, given
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.integration

EXAMPLES: Final = 40
"""Per operation and mode: about 1,000 requests in all today, well under a minute."""
CHECKS: Final = [not_a_server_error, status_code_conformance, response_schema_conformance]
STREAM_READ_S: Final = 2.0
SERVICES: Final = ("sales", "support", "emea/support")


@pytest.fixture
def gateway_overrides() -> dict[str, Any]:
    """The conftest's gateway, with room for schemathesis's writes and reads."""
    return {"writes_per_minute": 1_000_000, "reads_per_minute": 1_000_000}


def operations(schema: Any) -> Iterator[Any]:
    for result in schema.get_all_operations():
        yield result.ok()  # an operation schemathesis cannot read is itself a failure


def streams(operation: Any) -> bool:
    """Server-Sent Events: a body that never ends, so only its start is checked."""
    for response in operation.definition.raw.get("responses", {}).values():
        if "text/event-stream" in response.get("content", {}):
            return True
    return False


def exercise(
    operation: Any, mode: Any, headers: dict[str, str], session: requests.Session
) -> str | None:
    """Runs the operation's generated cases; the first failure as text, else None."""
    documented = {int(code) for code in operation.definition.raw["responses"] if code.isdigit()}
    problem: list[str] = []

    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        if streams(operation):
            kwargs = case.as_transport_kwargs(headers=headers)
            with session.request(**kwargs, stream=True, timeout=STREAM_READ_S) as answer:
                assert answer.status_code < 500, f"{answer.status_code} from {case.path}"
                assert answer.status_code in documented, f"undocumented {answer.status_code}"
            return
        case.call_and_validate(session=session, headers=headers, checks=CHECKS, timeout=10)

    try:
        run()
    except Unsatisfiable:
        if mode != schemathesis.GenerationMode.NEGATIVE:
            raise
        # An operation with no input to make invalid (GET /demo/jwks.json): nothing to try.
    except (Exception, FailureGroup) as failure:  # every operation is tried, all reported
        problem.append(f"{operation.label} ({mode.name.lower()}): {failure}")
    return problem[0] if problem else None


def run_schemathesis(base_url: str, token: str) -> tuple[list[str], list[str]]:
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    headers = {"Authorization": f"Bearer {token}"}
    tried, failures = [], []
    # One session: its connections are kept alive, where a connection per request cost
    # both sides a TCP handshake and uvicorn a new protocol each time. It keeps no cookie:
    # each case is sent with exactly the headers it was generated with.
    with requests.Session() as session:
        session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        for operation in operations(schema):
            tried.append(operation.label)
            for mode in (
                schemathesis.GenerationMode.POSITIVE,
                schemathesis.GenerationMode.NEGATIVE,
            ):
                if (failure := exercise(operation, mode, headers, session)) is not None:
                    failures.append(failure)
    return tried, failures


@pytest.mark.slow
async def test_no_server_error_and_every_answer_as_documented(gateway: RunningGateway) -> None:
    token = gateway.token("acme", "schemathesis", ROLES, SERVICES)
    tried, failures = await asyncio.to_thread(run_schemathesis, gateway.base_url, token)
    schema = await asyncio.to_thread(gateway_openapi, gateway)
    published = {
        f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item
    }
    assert set(tried) == published
    assert "PUT /api/v1/owner/services/{service_id}" in tried
    assert failures == [], "\n\n".join(failures)


def gateway_openapi(gateway: RunningGateway) -> dict[str, Any]:
    answer = requests.get(f"{gateway.base_url}/openapi.json", timeout=10)
    answer.raise_for_status()
    schema: dict[str, Any] = answer.json()
    return schema


def unbounded(schema: dict[str, Any], components: dict[str, Any], where: str) -> Iterator[str]:
    """Where a string has no maxLength (nor enum/const/format), an array no maxItems, or an
    object of free keys (a map) no maxProperties, no maxLength of its keys, or values
    unbounded themselves."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        yield from unbounded(components[name], components, f"{where}->{name}")
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for index, option in enumerate(schema.get(key, [])):
            yield from unbounded(option, components, f"{where}|{index}")
    kind = schema.get("type")
    if kind == "string" and not ({"maxLength", "enum", "const", "format"} & schema.keys()):
        yield where
    if kind == "array":
        if "maxItems" not in schema:
            yield where
        if "items" in schema:
            yield from unbounded(schema["items"], components, f"{where}[]")
    values = schema.get("additionalProperties")
    if kind == "object" and values not in (None, False):
        keys = schema.get("propertyNames", {})
        if "maxProperties" not in schema or "maxLength" not in keys or values is True:
            yield f"{where}{{}}"
        else:
            yield from unbounded(values, components, f"{where}{{}}")
    for name, property_schema in schema.get("properties", {}).items():
        yield from unbounded(property_schema, components, f"{where}.{name}")


async def test_every_input_states_its_bound(gateway: RunningGateway) -> None:
    """Every parameter and request body field that is a string or a list has a documented
    maximum (maxLength, maxItems; or is an enum), and every integer parameter a range."""
    schema = await asyncio.to_thread(gateway_openapi, gateway)
    components = schema.get("components", {}).get("schemas", {})
    missing: list[str] = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            label = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                where = f"{label} {parameter['in']} {parameter['name']}"
                found = parameter.get("schema", {})
                missing += unbounded(found, components, where)
                if found.get("type") == "integer" and "maximum" not in found:
                    missing.append(f"{where} (no maximum)")
            for media in operation.get("requestBody", {}).get("content", {}).values():
                missing += unbounded(media.get("schema", {}), components, f"{label} body")
    assert missing == []
    settings = components["SettingsUpdate"]["properties"]
    assert settings["service_name"]["maxLength"] == 256
    assert settings["primary_codes"]["maxItems"] == 200
    assert settings["acw_window_s"]["maximum"] == 7 * 24 * 3600
