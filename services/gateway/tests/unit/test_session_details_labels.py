"""Session details in the task detail: custom parameters carry the label their service's
owners set; system fields and unlabelled parameters carry none (the page shows their name).
A parameter another service of the session set names that service."""

import pytest
from context_service.panel import Panel, ShownField
from contracts import ServiceSettings, SessionDetailsFields
from gateway_service.task_detail import NamedValue, ServiceRef, _session_details

pytestmark = pytest.mark.unit


def panel(*fields: ShownField) -> Panel:
    return Panel("live", "Ann Lee", None, {}, fields, (), (), None, None, "none")


def settings(fields: SessionDetailsFields) -> ServiceSettings:
    return ServiceSettings.default("acme", "support").model_copy(
        update={"session_details_fields": fields}
    )


def test_a_labelled_parameter_shows_its_label_and_the_rest_their_names() -> None:
    fields = SessionDetailsFields.model_validate(
        {
            "system": ["caller"],
            "parameters": ["ticket_id", "intent", "caller"],
            "parameter_labels": [
                {"name": "ticket_id", "label": "Ticket ID"},
                {"name": "caller", "label": "Caller per CRM"},
            ],
        }
    )
    shown = _session_details(
        panel(
            ShownField("caller", "+41446681800"),  # the system field: no source
            ShownField("ticket_id", "T-42", "support"),
            ShownField("intent", "billing", "support"),
            ShownField("caller", "Ann Lee (CRM)", "support"),  # a parameter of the same name
        ),
        settings(fields),
    )
    assert shown == [
        NamedValue(name="caller", value="+41446681800", label=None),
        NamedValue(name="ticket_id", value="T-42", label="Ticket ID"),
        NamedValue(name="intent", value="billing", label=None),
        NamedValue(name="caller", value="Ann Lee (CRM)", label="Caller per CRM"),
    ]


def test_a_task_without_a_service_shows_names_only() -> None:
    shown = _session_details(panel(ShownField("ticket_id", "T-42", "support")), None)
    assert shown == [NamedValue(name="ticket_id", value="T-42", label=None)]


def test_a_value_another_service_set_names_that_service() -> None:
    """The documentation's transfer example, C's history: "German (from Service A)", "Male
    (from Service B)"; C's own values name no service."""
    fields = SessionDetailsFields(parameters=("Spoken Language", "Gender", "Note"))
    shown = _session_details(
        panel(
            ShownField("Spoken Language", "German", "svc-a"),
            ShownField("Gender", "Male", "svc-b"),
            ShownField("Note", "called back", "support"),
            ShownField("modality", "voice"),
        ),
        settings(fields),
        {"svc-a": "Service A", "svc-b": "Service B"},
    )
    assert [(f.name, f.set_in) for f in shown] == [
        ("Spoken Language", ServiceRef(service_id="svc-a", service_name="Service A")),
        ("Gender", ServiceRef(service_id="svc-b", service_name="Service B")),
        ("Note", None),
        ("modality", None),
    ]
