"""``mysessions settings`` as an operator runs it, against the MongoDB-wire server."""

import json
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.cli import run_cli
from mysessions_platform.testing.mongo_databases import MongoDatabases

pytestmark = pytest.mark.integration

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "settings.example.yaml"


async def mysessions(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    result = await run_cli(*args, env=env)
    return result.code, result.out, result.err


def env_for(servers: Endpoints, database: str) -> dict[str, str]:
    url = urlsplit(servers.mongodb_url)
    return {"MONGODB_URL": urlunsplit(url._replace(path=f"/{database}")), "PATH": "/usr/bin"}


@pytest.mark.slow
async def test_apply_is_idempotent_and_show_prints_what_is_stored(
    servers: Endpoints, mongo_databases: MongoDatabases, tmp_path: Path
) -> None:
    database = mongo_databases.create("settings")
    env = env_for(servers, database.name)

    code, out, _ = await mysessions("settings", "apply", "--dry-run", str(EXAMPLE), env=env)
    assert code == 0
    assert "service acme/sales: would be created (version 1)" in out
    assert "(dry run: nothing written)" in out
    assert await database.list_collection_names() == []

    code, out, _ = await mysessions("settings", "apply", str(EXAMPLE), env=env)
    assert (code, out.splitlines()[-1]) == (0, "7 created, 0 changed, 0 unchanged")
    code, out, _ = await mysessions("settings", "apply", str(EXAMPLE), env=env)
    assert (code, out.splitlines()[-1]) == (0, "0 created, 0 changed, 7 unchanged")

    edited = tmp_path / "edited.yaml"
    edited.write_text(EXAMPLE.read_text().replace("acw_window_s: 3600", "acw_window_s: 7200"))
    code, out, _ = await mysessions("settings", "apply", str(edited), env=env)
    assert "service acme/sales: changed acw_window_s (version 1 -> 2)" in out

    code, out, _ = await mysessions(
        "settings", "show", "--tenant", "acme", "--service", "sales", "--json", env=env
    )
    shown = json.loads(out)
    [sales] = shown["services"]
    assert (sales["version"], sales["acw_window_s"], sales["store_context"]) == (2, 7200, True)
    assert sales["store_context_enabled_at"] is not None
    assert shown["tenant"]["crm_url_template"].startswith("https://crm.acme.example/")

    code, out, _ = await mysessions("settings", "show", "--tenant", "acme", "--json", env=env)
    assert [s["service_id"] for s in json.loads(out)["services"]] == [
        "sales",
        "support",
        "support-email",
        "webchat",
    ]


async def test_an_invalid_file_applies_nothing_and_exits_1(
    servers: Endpoints, mongo_databases: MongoDatabases, tmp_path: Path
) -> None:
    database = mongo_databases.create("settings")
    env = env_for(servers, database.name)
    mixed = tmp_path / "mixed.yaml"
    mixed.write_text(
        EXAMPLE.read_text()
        + "  - tenant_id: acme\n"
        + "    service_id: broken\n"
        + "    service_name: '+41 79 123 45 67'\n"
        + "    context_links: [{name: x, url_template: 'https://{caller.email}/'}]\n"
    )
    code, out, err = await mysessions("settings", "apply", str(mixed), env=env)
    assert code == 1
    assert out == ""
    assert "services[4] (tenant acme, service broken): context_links.0.url_template" in err
    assert "nothing applied (1 problem(s))" in err
    assert "+41 79" not in err
    assert await database.list_collection_names() == []

    code, out, _ = await mysessions("settings", "show", "--tenant", "acme", "--json", env=env)
    assert json.loads(out)["services"] == []
    assert json.loads(out)["tenant"]["version"] == 0
