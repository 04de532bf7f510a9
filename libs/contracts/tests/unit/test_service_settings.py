"""Service and tenant settings: defaults, bounds, and what is rejected when written."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from contracts import (
    ServiceSettings,
    ServiceSettingsSpec,
    TenantSettings,
    TenantSettingsSpec,
    Widgets,
)
from contracts.codec import explain
from pydantic import ValidationError

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def spec(**fields: Any) -> ServiceSettingsSpec:
    return ServiceSettingsSpec.model_validate(
        {"tenant_id": "acme", "service_id": "sales", "service_name": "Sales", **fields}
    )


def problem(**fields: Any) -> str:
    with pytest.raises(ValidationError) as raised:
        spec(**fields)
    return explain(raised.value)


def codes(n: int) -> list[dict[str, str]]:
    return [{"id": f"code-{i}", "label": f"Code {i}"} for i in range(n)]


def test_a_service_without_settings_has_every_widget_off() -> None:
    default = ServiceSettings.default("acme", "sales")
    assert not any(default.widgets.model_dump().values())
    assert set(Widgets.model_fields) == {
        "codes_and_tags",
        "session_details",
        "caller_information",
        "map",
        "context_links",
        "embedded_context",
        "transcription",
        "email",
        "chat",
    }
    assert default.store_context is False
    assert default.version == 0
    assert default.primary_codes == default.secondary_codes == ()
    assert default.acw_window_s == 24 * 3600
    assert default.map_url_template.startswith("https://www.openstreetmap.org/")
    assert not default.stores_context_at(NOW)


def test_a_written_spec_takes_the_same_defaults() -> None:
    written = spec()
    assert written.widgets == Widgets()
    assert written.store_context is False
    assert written.embedded_context_url is None


def test_code_ids_are_unique_per_list_but_may_repeat_across_lists() -> None:
    assert "code id at 1 appears twice (first at 0)" in problem(
        primary_codes=[{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]
    )
    both = spec(
        primary_codes=[{"id": "a", "label": "A"}], secondary_codes=[{"id": "a", "label": "A"}]
    )
    assert both.primary_codes[0].id == both.secondary_codes[0].id == "a"


def test_code_lists_labels_and_ids_are_bounded() -> None:
    assert len(spec(primary_codes=codes(200)).primary_codes) == 200
    assert "secondary_codes: Tuple should have at most 200 items" in problem(
        secondary_codes=codes(201)
    )
    assert "label" in problem(primary_codes=[{"id": "x", "label": "L" * 65}])
    assert "label" in problem(primary_codes=[{"id": "x", "label": ""}])
    assert "primary_codes.0.id" in problem(primary_codes=[{"id": "sales lead", "label": "x"}])


@pytest.mark.parametrize(
    ("seconds", "valid"), [(59, False), (60, True), (604800, True), (604801, False)]
)
def test_the_after_call_work_window_is_a_minute_to_a_week(seconds: int, valid: bool) -> None:
    if valid:
        assert spec(acw_window_s=seconds).acw_window_s == seconds
    else:
        assert "acw_window_s" in problem(acw_window_s=seconds)


def test_templates_are_parsed_when_written() -> None:
    link = {"name": "CRM", "url_template": "https://crm.example.com/?p={system.caller}"}
    assert spec(context_links=[link]).context_links[0].name == "CRM"
    bad = {"name": "CRM", "url_template": "https://{param.host}/"}
    assert "context_links.0.url_template: a placeholder may appear only" in problem(
        context_links=[bad]
    )
    assert "embedded_context_url" in problem(embedded_context_url="ftp://x/")
    assert "map_url_template" in problem(map_url_template="https://maps.example.com/{caller.x}")
    assert "crm_url_template" in _tenant_problem(crm_url_template="https://x/{oops}")


def test_context_links_are_bounded_and_named_uniquely() -> None:
    links = [{"name": f"L{i}", "url_template": "https://example.com/"} for i in range(21)]
    assert "at most 20 items" in problem(context_links=links)
    twice = [{"name": "L", "url_template": "https://example.com/"}] * 2
    assert "link name at 1 appears twice (first at 0)" in problem(context_links=twice)


def test_session_details_take_system_fields_and_display_names() -> None:
    shown = spec(
        session_details_fields={
            "system": ["caller", "started_at"],
            "parameters": ["Ticket ID", "Spoken Language"],
        }
    )
    assert shown.session_details_fields.parameters == ("Ticket ID", "Spoken Language")
    assert spec().session_details_fields.system[0] == "session_id"
    assert "system.0" in problem(session_details_fields={"system": ["agent_name"]})
    assert "appears twice" in problem(session_details_fields={"system": ["caller", "caller"]})
    assert "parameters.0" in problem(session_details_fields={"parameters": [" Ticket"]})
    assert "parameters.0" in problem(session_details_fields={"parameters": ["x" * 65]})


def test_a_spec_cannot_set_what_the_store_manages() -> None:
    assert "version: unexpected field" in problem(version=7)
    assert "store_context_enabled_at: unexpected field" in problem(store_context_enabled_at=NOW)


def test_errors_never_quote_the_value() -> None:
    text = problem(service_name="", widgets={"map": "+41791234567"})
    assert "+41791234567" not in text


def test_the_opt_in_instant_is_set_exactly_when_storing_is_on() -> None:
    fields = {**spec(store_context=True).model_dump(), "version": 1, "updated_at": NOW}
    with pytest.raises(ValidationError, match="exactly when store_context is on"):
        ServiceSettings.model_validate({**fields, "store_context_enabled_at": None})
    stored = ServiceSettings.model_validate({**fields, "store_context_enabled_at": NOW})
    assert stored.stores_context_at(NOW)
    assert not stored.stores_context_at(NOW - timedelta(milliseconds=1))
    assert stored.spec() == spec(store_context=True)


def test_tenant_settings_defaults_and_bounds() -> None:
    default = TenantSettings.default("acme")
    assert default.crm_url_template is None
    assert default.crm_timeout_s == 2.0
    assert "crm_timeout_s" in _tenant_problem(crm_timeout_s=60)
    assert "crm_timeout_s" in _tenant_problem(crm_timeout_s=0)


def _tenant_problem(**fields: Any) -> str:
    with pytest.raises(ValidationError) as raised:
        TenantSettingsSpec.model_validate({"tenant_id": "acme", **fields})
    return explain(raised.value)


def test_shown_parameters_may_carry_the_label_agents_see() -> None:
    fields = {"parameters": ["ticket_id", "intent"]}
    labelled = spec(
        session_details_fields={
            **fields,
            "parameter_labels": [{"name": "ticket_id", "label": "Ticket ID"}],
        }
    ).session_details_fields
    assert labelled.label_of("ticket_id") == "Ticket ID"
    assert labelled.label_of("intent") is None  # no label: the name as it arrives
    # Settings written before labels existed stay valid: no labels at all.
    assert spec(session_details_fields=fields).session_details_fields.parameter_labels == ()


def test_a_label_names_a_shown_parameter_once() -> None:
    fields = {"parameters": ["ticket_id"]}
    unknown = [{"name": "tciket_id", "label": "Ticket ID"}]
    assert "parameter_labels.0 names no parameter in parameters" in problem(
        session_details_fields={**fields, "parameter_labels": unknown}
    )
    twice = [{"name": "ticket_id", "label": "Ticket"}, {"name": "ticket_id", "label": "ID"}]
    assert "labelled parameter at 1 appears twice" in problem(
        session_details_fields={**fields, "parameter_labels": twice}
    )
    empty = [{"name": "ticket_id", "label": ""}]
    assert "parameter_labels.0.label" in problem(
        session_details_fields={**fields, "parameter_labels": empty}
    )
