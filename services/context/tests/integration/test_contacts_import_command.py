"""``mysessions contacts import`` against the MongoDB-wire server."""

import asyncio
from pathlib import Path

import pytest
from context_service.adapters.address_book import CONTACTS
from context_service.adapters.directory import DIRECTORY_USERS
from mysessions.cli import app
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.mongo_databases import MongoDatabases
from typer.testing import CliRunner, Result

pytestmark = pytest.mark.integration

HEADER = "id,display_name,company,street,city,postal_code,country,phones,emails\n"
GOOD = (
    "c1,Anna Muster,ACME AG,Bahnhofstrasse 1,Zurich,8001,CH,044 668 18 00,anna@acme.example\n"
    "c2,Ben Beispiel,,,,,,+49 30 901820;079 123 45 67,\n"
)
BAD = "c3,Bad Number,,,,,,12345678901234567,\nc4,,,,,,,044 668 18 02,hidden@secret.example\n"
EXAMPLES = Path(__file__).parents[4] / "deploy" / "examples"


async def run(servers: Endpoints, database: str, *args: str) -> Result:
    runner = CliRunner()
    # The database named in the URL's path, as every worker reads it.
    env = {"MONGODB_URL": f"{servers.mongodb_url.rstrip('/')}/{database}"}
    return await asyncio.to_thread(
        lambda: runner.invoke(app, ["contacts", "import", *args], env=env)
    )


async def test_import_good_and_bad_rows_then_reimport_is_unchanged(
    servers: Endpoints, mongo_databases: MongoDatabases, tmp_path: Path
) -> None:
    database = mongo_databases.create("ctx")
    csv = tmp_path / "contacts.csv"
    csv.write_text(HEADER + GOOD + BAD)

    first = await run(servers, database.name, "--tenant", "tenant-a", "--region", "CH", str(csv))
    assert first.exit_code == 1, first.output
    assert "2 imported, 0 updated, 0 unchanged, 2 rejected" in first.stdout
    assert "row 4: phones: not a valid phone number for region CH" in first.stderr
    assert "row 5: display_name: missing" in first.stderr
    for secret in ("12345678901234567", "hidden@secret.example", "+41", "044", "anna@"):
        assert secret not in first.output

    anna = await database[CONTACTS].find_one({"tenant_id": "tenant-a", "contact_id": "c1"})
    assert anna is not None
    assert anna["phones"] == ["+41446681800"]
    ben = await database[CONTACTS].find_one({"contact_id": "c2"})
    assert ben is not None
    assert ben["phones"] == ["+4930901820", "+41791234567"]

    again = await run(servers, database.name, "--tenant", "tenant-a", "--region", "CH", str(csv))
    assert "0 imported, 0 updated, 2 unchanged, 2 rejected" in again.stdout

    csv.write_text(HEADER + GOOD.replace("Zurich", "Bern") + "c9,New,,,,,,+41446681809,\n")
    dry = await run(
        servers, database.name, "--tenant", "tenant-a", "--region", "ch", "--dry-run", str(csv)
    )
    assert dry.exit_code == 0, dry.output
    assert "1 imported, 1 updated, 1 unchanged, 0 rejected (dry run" in dry.stdout
    assert await database[CONTACTS].count_documents({}) == 2
    anna = await database[CONTACTS].find_one({"contact_id": "c1"})
    assert anna is not None
    assert anna["city"] == "Zurich"

    real = await run(servers, database.name, "--tenant", "tenant-a", "--region", "CH", str(csv))
    assert "1 imported, 1 updated, 1 unchanged, 0 rejected" in real.stdout
    assert await database[CONTACTS].count_documents({"tenant_id": "tenant-a"}) == 3


async def test_a_refused_file_imports_nothing(
    servers: Endpoints, mongo_databases: MongoDatabases, tmp_path: Path
) -> None:
    database = mongo_databases.create("ctx")
    csv = tmp_path / "contacts.csv"
    csv.write_text("id,name,phone_number\nc1,Anna,+41446681800\n")
    result = await run(servers, database.name, "--tenant", "tenant-a", str(csv))
    assert result.exit_code == 2
    assert "refused, nothing imported: unknown columns 2, 3 (counted from 1)" in result.stderr
    assert await database[CONTACTS].count_documents({}) == 0


async def test_a_bad_region_is_refused(servers: Endpoints, tmp_path: Path) -> None:
    csv = tmp_path / "contacts.csv"
    csv.write_text(HEADER)
    result = await run(servers, "unused", "--tenant", "tenant-a", "--region", "XX", str(csv))
    assert result.exit_code == 2
    assert "not a known region code" in result.output


async def test_the_shipped_examples_import_cleanly(
    servers: Endpoints, mongo_databases: MongoDatabases
) -> None:
    database = mongo_databases.create("ctx")
    for kind, name, collection in (
        ("contacts", "contacts.csv", CONTACTS),
        ("directory", "directory.csv", DIRECTORY_USERS),
    ):
        args = ["--tenant", "tenant-a", "--region", "CH", "--kind", kind, str(EXAMPLES / name)]
        result = await run(servers, database.name, *args)
        assert result.exit_code == 0, result.output
        assert " 0 rejected" in result.stdout
        assert await database[collection].count_documents({}) > 0
