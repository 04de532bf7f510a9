"""Settings files: YAML or JSON, every entry validated, problems named without values."""

import json
from pathlib import Path

import pytest
from mysessions.settings_file import InvalidSettingsFile, load_settings_file

pytestmark = pytest.mark.unit

EXAMPLE = Path(__file__).resolve().parents[3] / "deploy" / "settings.example.yaml"


def problems(path: Path) -> list[str]:
    with pytest.raises(InvalidSettingsFile) as raised:
        load_settings_file(path)
    return raised.value.problems


def test_the_shipped_example_is_valid_and_covers_the_features() -> None:
    loaded = load_settings_file(EXAMPLE)
    assert [t.tenant_id for t in loaded.tenants] == ["acme"]
    assert loaded.tenants[0].crm_url_template is not None
    services = {s.service_id: s for s in loaded.services}
    assert services["sales"].primary_codes[0].id == "sales-lead"
    assert services["sales"].primary_codes[0].label == "Sales lead"
    assert [s.service_id for s in loaded.services if s.store_context] == ["sales"]
    assert any(s.widgets.transcription for s in loaded.services)
    assert any(s.widgets.email for s in loaded.services)
    assert any(s.widgets.chat for s in loaded.services)
    assert [(t, i.id) for t, i in loaded.code_sets] == [("acme", "follow-up")]
    assert [(t, i.id) for t, i in loaded.conversation_contexts] == [("acme", "intranet")]
    assert services["support-email"].code_sets == ("follow-up",)
    assert services["sales"].conversation_contexts == ("intranet",)


def test_catalog_items_are_validated_under_their_tenant_without_values(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "tenants:\n"
        "  - tenant_id: acme\n"
        "    code_sets:\n"
        "      - {id: std, name: Standard, primary_codes: [{id: a, label: '+41791234567'}]}\n"
        "      - {id: std, name: Again}\n"
        "      - {id: 'has space', name: X}\n"
        "    conversation_contexts: {id: crm}\n"
    )
    found = problems(path)
    assert found == [
        "tenants[0] (tenant acme).code_sets[1] (id std): the same id as "
        "tenants[0] (tenant acme).code_sets[0]",
        "tenants[0] (tenant acme).code_sets[2]: id: String should match pattern "
        "'^[A-Za-z0-9][A-Za-z0-9._:@/-]*$'",
        "tenants[0] (tenant acme).conversation_contexts: a list of items",
    ]


def test_json_by_extension(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps({"services": [{"tenant_id": "t", "service_id": "s", "service_name": "S"}]})
    )
    assert load_settings_file(path).services[0].service_name == "S"
    assert load_settings_file(path).tenants == ()


def test_every_problem_names_its_entry_and_field_but_no_value(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "services:\n"
        "  - {tenant_id: acme, service_id: ok, service_name: OK}\n"
        "  - {tenant_id: acme, service_id: sales, service_name: S,"
        " widgets: {map: '+41791234567'}}\n"
        "  - {tenant_id: 'max@example.com x', service_name: 'max@example.com'}\n"
        "  - {tenant_id: acme, service_id: ok, service_name: Again}\n"
    )
    found = problems(path)
    assert found == [
        "services[1] (tenant acme, service sales): widgets.map: "
        "Input should be a valid boolean, unable to interpret input",
        "services[2]: tenant_id: String should match pattern '^[A-Za-z0-9][A-Za-z0-9._:@/-]*$'",
        "services[2]: service_id: Field required",
        "services[3]: the same entry as services[0]",
    ]
    assert not any("+41791234567" in p or "max@example.com" in p for p in found)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("s.txt", "", "ends in .yaml, .yml or .json"),
        ("s.yaml", "services: [\n  a: +41791234567: c", "not YAML at line 2"),
        ("s.json", '{"services": [+41791234567]}', "not JSON (Expecting value at line 1"),
        ("s.yaml", "- a\n- b\n", "only 'tenants' and 'services'"),
        ("s.yaml", "services: {a: 1}\n", "services: a list of entries"),
        ("s.yaml", "agents: []\n", "only 'tenants' and 'services'"),
    ],
)
def test_unreadable_files_say_why(tmp_path: Path, name: str, content: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    [found] = problems(path)
    assert expected in found
    assert "+41791234567" not in found
