"""Catalog items follow the rules of a service's own codes and links, and the resolution
rule (service settings + enabled items -> what the service shows) matches a plain
reference written the obvious way."""

from typing import Any

import pytest
from contracts import (
    CodeSetSpec,
    ConversationContextSpec,
    ServiceSettings,
    ServiceSettingsSpec,
    effective_settings,
)
from contracts.codec import explain
from contracts.service_settings import MAX_CODES, MAX_CONTEXT_LINKS, MAX_ENABLED_CATALOG_ITEMS
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

pytestmark = pytest.mark.unit


def service(**fields: Any) -> ServiceSettings:
    return ServiceSettings.model_validate(
        {
            "tenant_id": "acme",
            "service_id": "sales",
            "service_name": "Sales",
            "version": 1,
            "updated_at": "2026-12-01T09:00:00Z",
            "store_context_enabled_at": None,
            **fields,
        }
    )


def code_set(item: str, primary: list[str], secondary: tuple[str, ...] = ()) -> CodeSetSpec:
    return CodeSetSpec.model_validate(
        {
            "id": item,
            "name": item.title(),
            "primary_codes": [{"id": c, "label": f"{item} {c}"} for c in primary],
            "secondary_codes": [{"id": c, "label": f"{item} {c}"} for c in secondary],
        }
    )


def context(item: str, links: list[str], embedded: str | None = None) -> ConversationContextSpec:
    return ConversationContextSpec.model_validate(
        {
            "id": item,
            "name": item.title(),
            "context_links": [
                {"name": n, "url_template": f"https://{item}.example/{n}"} for n in links
            ],
            "embedded_context_url": embedded,
        }
    )


def reference(
    own: ServiceSettings,
    code_sets: dict[str, CodeSetSpec],
    contexts: dict[str, ConversationContextSpec],
) -> dict[str, Any]:
    """The rule as the README states it, written the slow obvious way."""
    primary: list[tuple[str, str]] = [(c.id, c.label) for c in own.primary_codes]
    secondary: list[tuple[str, str]] = [(c.id, c.label) for c in own.secondary_codes]
    links: list[tuple[str, str]] = [(x.name, x.url_template) for x in own.context_links]
    embedded = own.embedded_context_url
    for item in own.code_sets:
        if item not in code_sets:
            continue
        for code in code_sets[item].primary_codes:
            if code.id not in [i for i, _ in primary] and len(primary) < MAX_CODES:
                primary.append((code.id, code.label))
        for code in code_sets[item].secondary_codes:
            if code.id not in [i for i, _ in secondary] and len(secondary) < MAX_CODES:
                secondary.append((code.id, code.label))
    for item in own.conversation_contexts:
        if item not in contexts:
            continue
        for link in contexts[item].context_links:
            if link.name not in [n for n, _ in links] and len(links) < MAX_CONTEXT_LINKS:
                links.append((link.name, link.url_template))
        if embedded is None:
            embedded = contexts[item].embedded_context_url
    return {"primary": primary, "secondary": secondary, "links": links, "embedded": embedded}


def resolved(
    own: ServiceSettings,
    code_sets: dict[str, CodeSetSpec],
    contexts: dict[str, ConversationContextSpec],
) -> dict[str, Any]:
    found = effective_settings(own, code_sets, contexts)
    return {
        "primary": [(c.id, c.label) for c in found.primary_codes],
        "secondary": [(c.id, c.label) for c in found.secondary_codes],
        "links": [(x.name, x.url_template) for x in found.context_links],
        "embedded": found.embedded_context_url,
    }


def test_a_service_enabling_nothing_shows_its_own_settings_unchanged() -> None:
    own = service(primary_codes=[{"id": "a", "label": "A"}])
    assert effective_settings(own, {"s": code_set("s", ["b"])}, {}) is own


def test_enabled_items_follow_the_services_own_in_the_order_enabled() -> None:
    own = service(
        primary_codes=[{"id": "lead", "label": "Own lead"}],
        code_sets=["second", "first"],
        conversation_contexts=["crm"],
        context_links=[{"name": "Wiki", "url_template": "https://wiki.example/"}],
    )
    sets = {"first": code_set("first", ["lead", "x"]), "second": code_set("second", ["y"], ("z",))}
    contexts = {"crm": context("crm", ["Wiki", "CRM"], "https://crm.example/embed")}
    found = effective_settings(own, sets, contexts)
    assert [(c.id, c.label) for c in found.primary_codes] == [
        ("lead", "Own lead"),  # the service's own label wins over the set's
        ("y", "second y"),
        ("x", "first x"),
    ]
    assert [c.id for c in found.secondary_codes] == ["z"]
    assert [x.name for x in found.context_links] == ["Wiki", "CRM"]
    assert found.context_links[0].url_template == "https://wiki.example/"
    assert found.embedded_context_url == "https://crm.example/embed"


def test_an_enabled_item_the_catalog_no_longer_has_adds_nothing() -> None:
    own = service(code_sets=["gone"], conversation_contexts=["gone"])
    found = effective_settings(own, {}, {})
    assert found.primary_codes == ()
    assert found.context_links == ()


def test_the_services_own_embedded_page_wins() -> None:
    own = service(conversation_contexts=["crm"], embedded_context_url="https://own.example/")
    found = effective_settings(own, {}, {"crm": context("crm", [], "https://crm.example/")})
    assert found.embedded_context_url == "https://own.example/"


_IDS = st.sampled_from(["a", "b", "c", "d", "e"])
_ITEMS = st.sampled_from(["s1", "s2", "s3", "s4"])


@settings(max_examples=300, deadline=None)
@given(
    own_primary=st.lists(_IDS, unique=True),
    own_links=st.lists(_IDS, unique=True),
    enabled_sets=st.lists(_ITEMS, unique=True),
    enabled_contexts=st.lists(_ITEMS, unique=True),
    catalog=st.dictionaries(_ITEMS, st.tuples(st.lists(_IDS, unique=True), st.booleans())),
)
def test_the_resolution_matches_the_reference(
    own_primary: list[str],
    own_links: list[str],
    enabled_sets: list[str],
    enabled_contexts: list[str],
    catalog: dict[str, tuple[list[str], bool]],
) -> None:
    own = service(
        primary_codes=[{"id": i, "label": f"own {i}"} for i in own_primary],
        context_links=[{"name": n, "url_template": f"https://own.example/{n}"} for n in own_links],
        code_sets=enabled_sets,
        conversation_contexts=enabled_contexts,
    )
    sets = {item: code_set(item, ids, tuple(ids[::-1])) for item, (ids, _) in catalog.items()}
    contexts = {
        item: context(item, ids, f"https://{item}.example/e" if embeds else None)
        for item, (ids, embeds) in catalog.items()
    }
    assert resolved(own, sets, contexts) == reference(own, sets, contexts)


def test_each_list_stops_at_its_maximum() -> None:
    own = service(
        primary_codes=[{"id": f"own-{i}", "label": "Own"} for i in range(MAX_CODES - 1)],
        code_sets=["big"],
        conversation_contexts=["many"],
    )
    sets = {"big": code_set("big", [f"set-{i}" for i in range(5)])}
    contexts = {"many": context("many", [f"l{i}" for i in range(MAX_CONTEXT_LINKS)])}
    found = effective_settings(own, sets, contexts)
    assert len(found.primary_codes) == MAX_CODES
    assert found.primary_codes[-1].id == "set-0"
    assert len(found.context_links) == MAX_CONTEXT_LINKS
    assert resolved(own, sets, contexts) == reference(own, sets, contexts)


def test_settings_written_before_catalogs_existed_stay_valid() -> None:
    old = {"tenant_id": "acme", "service_id": "sales", "service_name": "Sales"}
    loaded = ServiceSettingsSpec.model_validate(old)
    assert loaded.code_sets == ()
    assert loaded.conversation_contexts == ()


def test_a_service_enables_each_item_once_and_at_most_the_maximum() -> None:
    base = {"tenant_id": "acme", "service_id": "sales", "service_name": "Sales"}
    with pytest.raises(ValidationError) as twice:
        ServiceSettingsSpec.model_validate({**base, "code_sets": ["a", "b", "a"]})
    assert "catalog item at 2 appears twice" in explain(twice.value)
    too_many = [f"c{i}" for i in range(MAX_ENABLED_CATALOG_ITEMS + 1)]
    with pytest.raises(ValidationError):
        ServiceSettingsSpec.model_validate({**base, "conversation_contexts": too_many})


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"primary_codes": [{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]}, "code id"),
        ({"primary_codes": [{"id": "has space", "label": "A"}]}, "primary_codes"),
        ({"secondary_codes": [{"id": "a", "label": ""}]}, "secondary_codes"),
        ({"primary_codes": [{"id": f"c{i}", "label": "C"} for i in range(MAX_CODES + 1)]}, "200"),
        ({"name": "x" * 65}, "name"),
        ({"id": "no spaces allowed"}, "id"),
    ],
)
def test_a_code_set_follows_the_rules_of_a_services_codes(
    fields: dict[str, Any], where: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        CodeSetSpec.model_validate({"id": "sales", "name": "Sales", **fields})
    assert where in explain(raised.value)


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"context_links": [{"name": "A", "url_template": "ftp://x.example/"}]}, "context_links"),
        ({"context_links": [{"name": "A", "url_template": "https://{caller.email}/"}]}, "host"),
        (
            {"context_links": [{"name": "A", "url_template": "https://a.example/"}] * 2},
            "link name",
        ),
        ({"embedded_context_url": "javascript:alert(1)"}, "embedded_context_url"),
        (
            {
                "context_links": [
                    {"name": f"L{i}", "url_template": "https://a.example/"}
                    for i in range(MAX_CONTEXT_LINKS + 1)
                ]
            },
            "20",
        ),
    ],
)
def test_a_conversation_context_follows_the_rules_of_a_services_links(
    fields: dict[str, Any], where: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        ConversationContextSpec.model_validate({"id": "crm", "name": "CRM", **fields})
    assert where in explain(raised.value)
