"""Every route of the gateway under /api, as a request an attacker can aim at it: the path,
query and body parameters each route takes (read from the app's own routes and OpenAPI),
and hypothesis strategies that fill them with identifiers of the attacker's choosing.

A route under /api the test cannot aim at (not an HTTP route, a body that is neither JSON
nor a CSV file) fails the test loudly: the authorization test must cover every route there is.
"""

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from hypothesis import strategies as st

_PATH_PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")
_METHODS_SKIPPED = {"HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Target:
    method: str
    path: str
    """The route's template, e.g. ``/api/v1/tasks/{user_session_id}``."""
    path_params: tuple[str, ...]
    query_params: tuple[tuple[str, dict[str, Any]], ...]
    """(name, schema) of each query parameter."""
    body: dict[str, Any] | None
    """The JSON body's schema (refs into ``components``), or None for no body."""
    upload: bytes | None = None
    """For a route that takes a CSV file (the admin's imports): the file sent."""

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


class Unexercisable(AssertionError):
    pass


def targets(app: FastAPI) -> list[Target]:
    spec = app.openapi()
    found: list[Target] = []
    # Included routers are walked as FastAPI itself walks them (with their prefixes).
    for context in iter_route_contexts(app.routes):
        # The schema's form: ``{service_id:path}`` is ``{service_id}`` there and in requests.
        path = _PATH_PARAM.sub(r"{\1}", context.path or "")
        if not path.startswith("/api"):
            continue
        route = context.original_route
        if not isinstance(route, APIRoute):
            raise Unexercisable(f"{path}: not an HTTP route; teach the authorization test it")
        for method in sorted((context.methods or set()) - _METHODS_SKIPPED):
            found.append(_target(route, path, method, spec))
    if not found:
        raise Unexercisable("no route under /api found: the test walks nothing")
    return found


def _target(route: APIRoute, path: str, method: str, spec: dict[str, Any]) -> Target:
    path_params = tuple(_PATH_PARAM.findall(path))
    operation = spec.get("paths", {}).get(path, {}).get(method.lower())
    if operation is None:  # left out of the schema: only its path can be known
        if route.body_field is not None:
            raise Unexercisable(f"{method} {path}: a body but no OpenAPI schema for it")
        return Target(method, path, path_params, (), None)
    query = tuple(
        (p["name"], p.get("schema", {}))
        for p in operation.get("parameters", [])
        if p["in"] == "query"
    )
    body = None
    if "requestBody" in operation:
        content = operation["requestBody"].get("content", {})
        if "text/csv" in content:
            return Target(method, path, path_params, query, None, CSV_UPLOAD)
        if "application/json" not in content:
            raise Unexercisable(f"{method} {path}: a body that is not JSON ({list(content)})")
        body = content["application/json"].get("schema", {})
    return Target(method, path, path_params, query, body)


CSV_UPLOAD = b"id,display_name,emails\r\nvictim-contact,Mallory,mallory@example.com\r\n"
"""An address book naming the victim's contact id: imported, if at all, into the
attacker's own tenant (the victim's book must be unchanged afterwards)."""

ODD_IDS = (
    "",
    ".",
    "..",
    "../..",
    "%2e%2e",
    "a/../b",
    "%2F",
    "%252F",
    "a%00b",
    " ",
    "\u202e",
    "ünï",
    "*",
    "?",
    "#",
    "{x}",
    "x" * 129,
    "x" * 2000,
)


def identifiers(known: list[str]) -> st.SearchStrategy[str]:
    """The victim's real ids (and variants of them), odd ids, and arbitrary text."""
    real = st.sampled_from(known)
    variants = real.map(str.upper) | real.map(lambda v: v + "/") | real.map(lambda v: " " + v)
    return st.one_of(
        real,
        real,
        variants,
        st.sampled_from(ODD_IDS),
        st.text(max_size=40),
        st.from_regex(r"[A-Za-z0-9._:@/-]{1,40}", fullmatch=True),
    )


def encoded(value: str) -> st.SearchStrategy[str]:
    """A path segment as a client may send it: fully encoded, slashes left raw, or twice."""
    return st.sampled_from(
        [quote(value, safe=""), quote(value, safe="/"), quote(quote(value, safe=""), safe="")]
    )


def value_for(
    schema: dict[str, Any], components: dict[str, Any], ids: st.SearchStrategy[str], depth: int = 0
) -> st.SearchStrategy[Any]:
    """A JSON value shaped by ``schema``, its strings drawn from ``ids``; anything at all
    now and then (the edge must refuse what the schema does not allow)."""
    if depth > 4:
        return st.none()
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return value_for(components[name], components, ids, depth + 1)
    for union in ("anyOf", "oneOf", "allOf"):
        if union in schema:
            return st.one_of([value_for(s, components, ids, depth + 1) for s in schema[union]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"]) | ids
    if "const" in schema:
        return st.just(schema["const"])
    shaped = _typed(schema, components, ids, depth)
    return st.one_of(shaped, shaped, shaped, ids, st.none(), st.integers())


def _typed(
    schema: dict[str, Any], components: dict[str, Any], ids: st.SearchStrategy[str], depth: int
) -> st.SearchStrategy[Any]:
    kind = schema.get("type")
    if kind == "array":
        return st.lists(value_for(schema.get("items", {}), components, ids, depth + 1), max_size=4)
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        optional = {
            name: value_for(sub, components, ids, depth + 1) for name, sub in properties.items()
        }
        return st.fixed_dictionaries({}, optional=optional)
    scalars: dict[str, st.SearchStrategy[Any]] = {
        "string": ids,
        "integer": st.integers(-3, 5000),
        "number": st.floats(-3, 5000, allow_nan=False),
        "boolean": st.booleans(),
        "null": st.none(),
    }
    return scalars.get(str(kind), ids)


def plausible(schema: dict[str, Any], components: dict[str, Any], word: str, depth: int = 0) -> Any:
    """A value the schema accepts, its strings ``word``: what a request that means it sends
    (a victim's code id in an after-call work body, say)."""
    if depth > 4:
        return None
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return plausible(components[name], components, word, depth + 1)
    for union in ("anyOf", "oneOf", "allOf"):
        if union in schema:
            choices = [s for s in schema[union] if s.get("type") != "null"] or schema[union]
            return plausible(choices[0], components, word, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "array":
        return [plausible(schema.get("items", {}), components, word, depth + 1)]
    if kind == "object" or "properties" in schema:
        return {
            name: plausible(sub, components, word, depth + 1)
            for name, sub in schema.get("properties", {}).items()
        }
    return {"integer": 1, "number": 1.0, "boolean": True, "null": None}.get(str(kind), word)


def sweep(
    every: list[Target], components: dict[str, Any], victim_ids: list[str], word: str
) -> list[tuple[Target, str, Any]]:
    """Each route once per victim id, exactly encoded, with a plausible body: the requests
    an attacker who knows the ids would try first (hypothesis then tries the odd ones)."""
    aimed = []
    for target in every:
        values = victim_ids if target.path_params else victim_ids[:1]
        for value in values:
            path = target.path
            for name in target.path_params:
                path = path.replace(f"{{{name}}}", quote(value, safe=""), 1)
            for body in _bodies(target.body, components, word):
                aimed.append((target, path, body))
    return aimed


def _bodies(schema: dict[str, Any] | None, components: dict[str, Any], word: str) -> list[Any]:
    """No body, or the plausible one whole and with each of its fields alone (a body that
    sets every optional field at once is often refused for one of them)."""
    if schema is None:
        return [None]
    whole = plausible(schema, components, word)
    if not isinstance(whole, dict):
        return [whole]
    return [whole, *({name: value} for name, value in whole.items())]
