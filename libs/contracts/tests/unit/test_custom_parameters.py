"""Custom parameter updates: display names, value limit, removals, the service session."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import contracts as c
import pytest
from pydantic import ValidationError

pytestmark = pytest.mark.unit


def update(**fields: Any) -> c.CustomParametersUpdated:
    return c.CustomParametersUpdated(
        event_id=uuid4(),
        occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
        tenant_id="acme",
        session_id="s-1",
        **fields,
    )


def test_display_names_with_spaces_up_to_64_characters() -> None:
    name = "Ticket ID " + "x" * 54
    assert update(service_session_id="q1", parameters={name: "#1", "Spoken Language": "de"})
    with pytest.raises(ValidationError):
        update(service_session_id="q1", parameters={name + "y": "#1"})


@pytest.mark.parametrize("name", ["", " Ticket", "Ticket ", "a{b}", "tab\there"])
def test_names_the_settings_would_refuse_are_refused(name: str) -> None:
    with pytest.raises(ValidationError):
        update(service_session_id="q1", parameters={name: "x"})


def test_an_over_limit_value_is_refused_by_name_never_quoting_the_value() -> None:
    secret = "4111-1111-1111-1111 " * 300  # 6,000 characters
    with pytest.raises(ValidationError) as refused:
        update(service_session_id="q1", parameters={"Card": secret})
    reason = c.explain(refused.value)
    assert "parameters.<key>" in reason, "a parameter's name is the caller's data too"
    assert "Card" not in reason
    assert "5120" in reason
    assert "4111" not in reason
    assert update(service_session_id="q1", parameters={"Card": "x" * 5_120})


def test_the_service_session_is_required() -> None:
    with pytest.raises(ValidationError, match="service_session_id"):
        update(parameters={"Ticket ID": "#1"})


def test_an_update_may_only_remove_but_must_change_something() -> None:
    assert update(service_session_id="q1", removed=("Gender",)).removed == ("Gender",)
    with pytest.raises(ValidationError, match="at least one"):
        update(service_session_id="q1")
    with pytest.raises(ValidationError, match="both set and removed"):
        update(service_session_id="q1", parameters={"Gender": "m"}, removed=("Gender",))
