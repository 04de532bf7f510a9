"""How a CRM answer becomes a caller, and how the URL is made."""

import pytest
from context_service.adapters.crm import CrmFailure, caller_from_answer, render_url
from context_service.domain import FIELD_LIMITS

pytestmark = pytest.mark.unit


def test_the_address_is_url_encoded_whole() -> None:
    url = render_url("https://crm.example/find?phone={system.caller}&x=1", "+41 44/?&#")
    assert url == "https://crm.example/find?phone=%2B41%2044%2F%3F%26%23&x=1"


def test_only_http_and_https() -> None:
    with pytest.raises(CrmFailure):
        render_url("file:///etc/{system.caller}", "+41446681800")


def test_known_fields_are_mapped_and_bounded_unknown_ones_ignored() -> None:
    caller = caller_from_answer(
        {
            "display_name": "Jane",
            "company": "C" * 1000,
            "postal_code": 8000,
            "city": {"nested": "no"},
            "vip": True,
        },
        "+41446681800",
    )
    assert caller is not None
    assert caller.display_name == "Jane"
    assert caller.company == "C" * FIELD_LIMITS["company"]
    assert caller.postal_code == "8000"
    assert caller.city is None
    assert caller.source == "crm"


@pytest.mark.parametrize("answer", [None, {}, {"display_name": "  "}, {"other": "x"}])
def test_an_answer_naming_nobody_is_not_a_match(answer: object) -> None:
    assert caller_from_answer(answer, "+41446681800") is None


def test_a_list_is_not_an_answer() -> None:
    with pytest.raises(CrmFailure):
        caller_from_answer([{"display_name": "Jane"}], "+41446681800")


def test_the_settings_template_grammar_applies_and_nothing_else_is_known() -> None:
    url = render_url("https://crm.example/c/{system.caller}?n={caller.display_name}", "+41 44")
    assert url == "https://crm.example/c/%2B41%2044?n="


def test_a_template_the_grammar_refuses_is_a_failure_not_a_crash() -> None:
    with pytest.raises(CrmFailure):
        render_url("https://crm.example/{unclosed", "+41446681800")
