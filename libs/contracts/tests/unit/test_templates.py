"""URL templates: the grammar, the reasons for rejecting one, and encoding on render."""

import re
from urllib.parse import unquote, urlsplit

import pytest
from contracts.templates import (
    MAX_TEMPLATE_CHARS,
    SYSTEM_FIELDS,
    Placeholder,
    Text,
    parse_url_template,
    placeholders,
    render_url_template,
)
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.unit


def test_parts_of_a_template_with_every_namespace() -> None:
    parts = parse_url_template(
        "https://crm.example.com/c?n={caller.display_name}&s={system.session_id}"
        "&t={param.Ticket ID}"
    )
    assert parts == (
        Text("https://crm.example.com/c?n="),
        Placeholder("caller", "display_name"),
        Text("&s="),
        Placeholder("system", "session_id"),
        Text("&t="),
        Placeholder("param", "Ticket ID"),
    )
    assert [p.key for p in placeholders(parts)] == [
        "caller.display_name",
        "system.session_id",
        "param.Ticket ID",
    ]


def test_doubled_braces_are_literal_braces() -> None:
    parts = parse_url_template("https://example.com/{{x}}/{system.caller}")
    assert parts == (Text("https://example.com/{x}/"), Placeholder("system", "caller"))


def test_a_template_without_placeholders_is_one_text() -> None:
    assert parse_url_template("http://example.com") == (Text("http://example.com"),)


@pytest.mark.parametrize("field", SYSTEM_FIELDS)
def test_every_system_field_is_a_placeholder(field: str) -> None:
    parse_url_template(f"https://example.com/?v={{system.{field}}}")


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("ftp://example.com/{system.caller}", "http:// or https://"),
        ("javascript:alert(1)", "http:// or https://"),
        ("{system.caller}", "http:// or https://"),
        ("https://{param.Host}/x", "only after the host"),
        ("https://example.com{param.x}", "only after the host"),
        ("https://example.com:{param.port}/", "only after the host"),
        ("https://evil.com@example.com/", "user name or password"),
        ("https:///path", "names a host"),
        ("https://exa{{mple.com/", "names a host"),
        ("https://example.com:99999/", "port"),
        ("https://example.com/{nope.x}", "unknown namespace in the placeholder at position 20"),
        ("https://example.com/{caller.phone}", "unknown caller field in the placeholder at"),
        ("https://example.com/{system.agent}", "unknown system field in the placeholder at"),
        ("https://example.com/{param. Ticket}", "white space"),
        ("https://example.com/{param.}", "missing the name"),
        ("https://example.com/{caller}", "missing the name"),
        ("https://example.com/{system.caller", "unclosed '{' at position 20"),
        ("https://example.com/}", "unmatched '}' at position 20"),
        ("https://example.com/{a{b}", "'{' inside a placeholder"),
        ("https://example.com/a b", "white space"),
        ("https://example.com/" + "a" * MAX_TEMPLATE_CHARS, "at most 2048 characters"),
        ("https://example.com/{param." + "x" * 65 + "}", "1 to 64 characters"),
    ],
)
def test_invalid_templates_say_why(template: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        parse_url_template(template)


def test_values_are_percent_encoded_and_missing_ones_empty() -> None:
    parts = parse_url_template("https://example.com/search?q={caller.address}&t={param.T}#x")
    url = render_url_template(parts, {"caller.address": "Bahnhofstr. 1/3, 8001 Zürich?&#"})
    assert url == (
        "https://example.com/search?q=Bahnhofstr.%201%2F3%2C%208001%20Z%C3%BCrich%3F%26%23&t=#x"
    )


def test_values_cannot_become_a_path_or_an_authority() -> None:
    parts = parse_url_template("https://example.com/{param.p}")
    url = render_url_template(parts, {"param.p": "../@evil.com:80/x"})
    assert urlsplit(url).path == "/..%2F%40evil.com%3A80%2Fx"


hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,10}){0,3}", fullmatch=True)
literals = st.text(alphabet="abcxyz019-._~/?&=#+:@", max_size=12)
names = st.sampled_from(["caller.display_name", "system.caller", "param.Ticket ID", "param.x"])


@given(
    scheme=st.sampled_from(["http", "https", "HTTPS"]),
    host=hosts,
    port=st.none() | st.integers(0, 65535),
    terminator=st.sampled_from(["/", "?", "#"]),
    pieces=st.lists(st.tuples(names, literals), max_size=5),
    values=st.dictionaries(names, st.text(max_size=40)),
)
def test_rendered_scheme_and_host_are_the_templates_own(
    scheme: str,
    host: str,
    port: int | None,
    terminator: str,
    pieces: list[tuple[str, str]],
    values: dict[str, str],
) -> None:
    authority = host if port is None else f"{host}:{port}"
    template = f"{scheme}://{authority}{terminator}" + "".join(
        f"{{{name}}}{literal}" for name, literal in pieces
    )
    rendered = urlsplit(render_url_template(parse_url_template(template), values))
    assert rendered.scheme == scheme.lower()
    assert rendered.hostname == host
    assert rendered.port == port
    for name, _ in pieces:
        # Each value arrives whole: decoding the URL gives it back, nothing is reinterpreted.
        assert values.get(name, "") in unquote(rendered.geturl())
