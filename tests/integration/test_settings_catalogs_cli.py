"""``mysessions settings apply`` with tenant catalogs, against the MongoDB-wire server: items
under their tenant, applied before the services that enable them, versioned and reported
like settings; an enabled id the tenant's catalog lacks applies nothing."""

import json
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.cli import run_cli
from mysessions_platform.testing.mongo_databases import MongoDatabases

pytestmark = [pytest.mark.integration, pytest.mark.slow]

FILE = """
tenants:
  - tenant_id: acme
    code_sets:
      - id: standard
        name: Standard outcomes
        primary_codes: [{id: sale, label: Sale}]
        secondary_codes: [{id: upsell, label: Upsell}]
    conversation_contexts:
      - id: crm
        name: CRM
        context_links: [{name: Customer, url_template: "https://crm.example/c/{system.caller}"}]
services:
  - tenant_id: acme
    service_id: sales
    service_name: Sales
    widgets: {codes_and_tags: true, context_links: true}
    code_sets: [standard]
    conversation_contexts: [crm]
"""


def env_for(servers: Endpoints, database: str) -> dict[str, str]:
    url = urlsplit(servers.mongodb_url)
    return {"MONGODB_URL": urlunsplit(url._replace(path=f"/{database}")), "PATH": "/usr/bin"}


async def test_catalogs_are_applied_like_settings(
    servers: Endpoints, mongo_databases: MongoDatabases, tmp_path: Path
) -> None:
    database = mongo_databases.create("catalogs")
    env = env_for(servers, database.name)
    path = tmp_path / "settings.yaml"
    path.write_text(FILE)

    dry = await run_cli("settings", "apply", "--dry-run", str(path), env=env)
    assert dry.code == 0, dry.err
    assert "code set acme/standard: would be created (version 1)" in dry.out
    assert "conversation context acme/crm: would be created (version 1)" in dry.out
    assert "service acme/sales: would be created (version 1)" in dry.out
    assert await database.list_collection_names() == []

    first = await run_cli("settings", "apply", str(path), env=env)
    assert (first.code, first.out.splitlines()[-1]) == (0, "4 created, 0 changed, 0 unchanged")
    lines = first.out.splitlines()
    assert lines.index("code set acme/standard: created (version 1)") < lines.index(
        "service acme/sales: created (version 1)"
    )
    again = await run_cli("settings", "apply", str(path), env=env)
    assert again.out.splitlines()[-1] == "0 created, 0 changed, 4 unchanged"
    assert "code set acme/standard: unchanged (version 1)" in again.out

    path.write_text(FILE.replace("label: Sale}", "label: Sold}"))
    edited = await run_cli("settings", "apply", "--dry-run", str(path), env=env)
    assert "code set acme/standard: would change primary_codes (version 1 -> 2)" in edited.out
    edited = await run_cli("settings", "apply", str(path), env=env)
    assert "code set acme/standard: changed primary_codes (version 1 -> 2)" in edited.out
    assert "service acme/sales: unchanged (version 1)" in edited.out  # enabled by id

    shown = json.loads(
        (await run_cli("settings", "show", "--tenant", "acme", "--json", env=env)).out
    )
    assert [(i["id"], i["version"]) for i in shown["code_sets"]] == [("standard", 2)]
    assert shown["code_sets"][0]["primary_codes"] == [{"id": "sale", "label": "Sold"}]
    assert [i["id"] for i in shown["conversation_contexts"]] == ["crm"]
    assert shown["services"][0]["code_sets"] == ["standard"]


async def test_an_unknown_enabled_item_or_an_invalid_one_applies_nothing(
    servers: Endpoints, mongo_databases: MongoDatabases, tmp_path: Path
) -> None:
    database = mongo_databases.create("catalogs")
    env = env_for(servers, database.name)
    path = tmp_path / "settings.yaml"

    path.write_text(FILE.replace("code_sets: [standard]", "code_sets: [standard, premium]"))
    unknown = await run_cli("settings", "apply", str(path), env=env)
    assert unknown.code == 1
    assert (
        "services[0] (tenant acme, service sales): code_sets.1: no such item in the tenant's "
        "catalog" in unknown.err
    )
    assert "nothing applied (1 problem(s))" in unknown.err
    assert await database.list_collection_names() == []

    path.write_text(FILE.replace("https://crm.example/c/", "https://{caller.email}/"))
    invalid = await run_cli("settings", "apply", str(path), env=env)
    assert invalid.code == 1
    assert (
        "tenants[0] (tenant acme).conversation_contexts[0] (id crm): "
        "context_links.0.url_template" in invalid.err
    )
    assert await database.list_collection_names() == []
