import re

import pytest
from ingest_service.queue_log import QueueLogOptions
from ingest_service.queue_log.caller import caller_party
from ingest_service.queue_log.identifiers import MAX_LENGTH, is_identifier, safe_identifier

pytestmark = pytest.mark.unit

IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/-]*$")

AGENTS = {"PJSIP/1001": "alice", "pjsip/1002": "bob", "Local/1003@agents/n": "carol"}


@pytest.mark.parametrize(
    ("agent", "user"),
    [
        ("PJSIP/1001", "alice"),
        ("PJSIP/1002", "bob"),  # Asterisk compares interfaces case-insensitively
        ("Local/1003@agents", "carol"),  # the /n dial option is not part of the name
        ("Local/1003@agents/n", "carol"),
        ("SIP/2001", "sip-2001"),
        ("Local/2002@agents/n", "local-2002@agents"),
        ("Dave Agent", "dave-agent"),
        ("  ", "agent-"),
    ],
)
def test_agents_map_to_users_or_get_a_derived_safe_id(agent: str, user: str) -> None:
    options = QueueLogOptions(tenant_id="acme", agents=AGENTS)

    assert options.user_id(agent).startswith(user)
    assert is_identifier(options.user_id(agent))


def test_an_extension_reaches_the_agent_whose_interface_it_names() -> None:
    options = QueueLogOptions(tenant_id="acme", agents={**AGENTS, "SIP/1002": "robert"})

    assert options.user_id_for_extension("1001", "from-internal") == "alice"
    assert options.user_id_for_extension("1003", "agents") == "carol"
    assert options.user_id_for_extension("1002") is None  # two users share it
    assert options.user_id_for_extension("2000", "from-internal") is None


def test_queues_become_services() -> None:
    options = QueueLogOptions(
        tenant_id="acme",
        services={"Support": "svc-support"},
        service_names={"Sales Team": "Sales"},
    )

    assert options.service("support") == ("svc-support", "support")
    assert options.service("Sales Team") == ("sales-team", "Sales")


@pytest.mark.parametrize(
    "options",
    [
        {"tenant_id": "bad tenant"},
        {"tenant_id": "acme", "time_zone": "Mars/Olympus"},
        {"tenant_id": "acme", "agents": {"PJSIP/1001": "no spaces allowed"}},
        {"tenant_id": "acme", "services": {"support": ""}},
    ],
)
def test_invalid_options_fail_when_built(options: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        QueueLogOptions(**options)  # type: ignore[arg-type]


def test_mappings_are_copied_and_read_only() -> None:
    agents = {"PJSIP/1001": "alice"}
    options = QueueLogOptions(tenant_id="acme", agents=agents)
    agents["PJSIP/1001"] = "mallory"

    assert options.user_id("PJSIP/1001") == "alice"
    with pytest.raises(TypeError):
        options.agents["PJSIP/1001"] = "mallory"  # type: ignore[index]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1366720340.303267", "1366720340.303267"),
        ("REALTIME call #7", "REALTIME-call-7"),
        ("__x", "x"),
    ],
)
def test_safe_identifiers(raw: str, expected: str) -> None:
    assert safe_identifier(raw) == expected


def test_long_identifiers_are_cut_and_stay_distinct() -> None:
    first, second = safe_identifier("a" * 200 + "1"), safe_identifier("a" * 200 + "2")

    assert len(first) == len(second) == MAX_LENGTH
    assert first != second
    assert IDENTIFIER.match(first)


@pytest.mark.parametrize(
    ("number", "name", "kind", "address", "display"),
    [
        ("+15551230001", "Jane Roe", "pstn", "+15551230001", "Jane Roe"),
        ("(555) 123-0002", "", "pstn", "5551230002", None),
        ("", "Jane Roe", "anonymous", "anonymous", None),
        ("anonymous", "", "anonymous", "anonymous", None),
        ("<unknown>", "", "anonymous", "anonymous", None),
        ("Restricted", "", "anonymous", "anonymous", None),
        ("sip:jane@example.com", "", "anonymous", "anonymous", None),
        ("+15551230003", "Jane\rBcc: x", "pstn", "+15551230003", None),
        ("+15551230004", "Jane\x1b[2J", "pstn", "+15551230004", None),
        ("+15551230005", "Jane\tRoe", "pstn", "+15551230005", "Jane\tRoe"),
    ],
)
def test_the_caller_is_a_pstn_number_or_anonymous(
    number: str, name: str, kind: str, address: str, display: str | None
) -> None:
    party = caller_party(number, name)

    assert (party.address_kind, party.address, party.display_name) == (kind, address, display)
