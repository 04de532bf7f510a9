"""A larger run shows every kind of flow and outcome the contracts know."""

import pytest
from contracts import (
    ChatReceived,
    CustomParametersUpdated,
    EmailReceived,
    SessionEvent,
    SessionStarted,
    TaskOffered,
    TranscriptFinal,
    TranscriptSegment,
    UserSessionEvent,
)
from mysessions.simulation import SimulationConfig, SimulationStats

pytestmark = pytest.mark.unit

Run = tuple[SimulationConfig, list[SessionEvent], SimulationStats]


def test_every_outcome_appears(large_run: Run) -> None:
    _, _, stats = large_run

    for outcome in (
        "accepted",
        "declined",
        "rona",
        "cancelled",
        "rescinded",
        "transferred",
        "not_accepted",
        "user_aborted",
        "destination_accepted",
        "destination_declined",
        "destination_not_reached",
    ):
        assert stats.outcomes[outcome] > 0, outcome
    assert "abandoned" not in stats.outcomes  # a service session's fate, not a task outcome
    assert stats.left_queue["abandoned"] > 0
    assert set(stats.not_accepted_reasons) == {"busy", "offline", "timeout", "error"}


def test_every_kind_of_session_appears(large_run: Run) -> None:
    _, _, stats = large_run

    assert set(stats.sessions) == {
        "inbound voice",
        "inbound email",
        "inbound chat",
        "outbound voice",
    }
    assert {key.split(":")[0] for key in stats.ended} == {"caller", "agent", "system"}


def test_customers_are_pstn_anonymous_or_email(large_run: Run) -> None:
    _, events, _ = large_run
    started = [e for e in events if isinstance(e, SessionStarted)]
    kinds = {(e.modality, e.caller.address_kind) for e in started}

    assert {
        ("voice", "pstn"),
        ("voice", "anonymous"),
        ("email", "email"),
        ("chat", "email"),
    } <= kinds
    for event in started:
        if event.caller.address_kind == "pstn":
            assert event.caller.address.startswith("+1555")
            assert len(event.caller.address) == 12
        if event.caller.address_kind == "anonymous":
            assert event.caller.address == "anonymous"


def test_email_and_chat_carry_their_content(large_run: Run) -> None:
    _, events, _ = large_run
    emails = [e for e in events if isinstance(e, EmailReceived)]
    chats = [e for e in events if isinstance(e, ChatReceived)]

    assert emails
    assert chats
    assert all(e.subject and e.html_body.startswith("<html>") for e in emails)
    assert all(e.chat_url.scheme == "https" for e in chats)


def test_parameters_and_transcripts_come_with_sessions(large_run: Run) -> None:
    _, events, _ = large_run
    parameters = [e for e in events if isinstance(e, CustomParametersUpdated)]
    segments = [e for e in events if isinstance(e, TranscriptSegment)]
    finals = {
        e.user_session_id: {(line.speaker, line.text, line.offset_ms) for line in e.lines}
        for e in events
        if isinstance(e, TranscriptFinal)
    }

    assert any("ticket_id" in e.parameters and "account_tier" in e.parameters for e in parameters)
    assert any("transferred_from" in e.parameters for e in parameters)
    assert segments
    assert len(finals) == len({e.user_session_id for e in segments}), "one per transcribed task"
    for segment in segments:
        assert segment.user_session_id is not None
        line = (segment.speaker, segment.text, segment.start_ms)
        assert line in finals[segment.user_session_id]


def test_a_hang_up_while_ringing_comes_both_per_offer_and_by_session_abandoned(
    large_run: Run,
) -> None:
    _, events, stats = large_run
    own_end = {
        e.user_session_id
        for e in events
        if isinstance(e, UserSessionEvent) and not isinstance(e, TaskOffered)
    }
    offered = {e.user_session_id for e in events if isinstance(e, TaskOffered)}

    assert stats.events_by_type["task.cancelled"] > 0
    assert offered - own_end  # ended by session.abandoned alone
