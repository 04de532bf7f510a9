"""``mysessions keys create|list|revoke`` on the real MongoDB-compatible server: the key
printed once and never listed, the tenant's keys only, revocation kept in the list."""

import asyncio
import json

import pytest
from gateway_service.connector.key_store import CONNECTOR_KEYS
from mysessions.cli import app
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.mongo_databases import MongoDatabases
from typer.testing import CliRunner, Result

pytestmark = pytest.mark.integration


async def test_a_key_is_created_listed_and_revoked_by_the_cli(
    servers: Endpoints, mongo_databases: MongoDatabases
) -> None:
    database = mongo_databases.create("keys")

    async def keys(*args: str) -> Result:
        argv = ["keys", *args, "--database", database.name]
        env = {"MONGODB_URL": servers.mongodb_url}
        return await asyncio.to_thread(CliRunner().invoke, app, argv, env=env)

    made = await keys(
        "create", "--tenant", "acme", "--name", "Dynamics flow", "--service", "sales",
        "--action", "set_caller", "--action", "set_parameters",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    secret = made.output.splitlines()[-1]
    assert secret.startswith("msk_")
    await keys(
        "create",
        "--tenant",
        "globex",
        "--name",
        "Other",
        "--service",
        "x",
        "--action",
        "set_caller",
    )

    listed = await keys("list", "--tenant", "acme", "--json")
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.output)
    assert secret not in listed.output
    assert (row["name"], row["services"], row["actions"]) == (
        "Dynamics flow",
        ["sales"],
        ["set_parameters", "set_caller"],
    )
    assert await database[CONNECTOR_KEYS].count_documents({"digest": {"$exists": True}}) == 2

    other_tenant = await keys("revoke", row["key_id"], "--tenant", "globex")
    assert other_tenant.exit_code == 1
    revoked = await keys("revoke", row["key_id"], "--tenant", "acme")
    assert revoked.exit_code == 0, revoked.output
    (row,) = json.loads((await keys("list", "--tenant", "acme", "--json")).output)
    assert row["revoked_at"] is not None

    refused = await keys(
        "create", "--tenant", "acme", "--name", "x", "--service", "s", "--action", "delete"
    )
    assert refused.exit_code == 2
