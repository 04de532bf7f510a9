"""The rules the queue and after-call work share (``contracts.task_rules``), tested once
here: each service reads the one definition, so no test holds copies equal any more."""

from typing import get_args

import contracts as c
import pytest
from contracts.task_rules import NOT_FACTS, TaskOutcome, TaskState, handled

from .examples import session_events

pytestmark = pytest.mark.unit

HANDLED = {
    "inbound": {"accepted"},
    "outbound": {
        "destination_accepted",
        "destination_declined",
        "destination_not_reached",
        "user_aborted",
    },
}
"""Written out: an offer the agent accepted; an attempt that left the agent's side."""


@pytest.mark.parametrize("direction", ["inbound", "outbound"])
@pytest.mark.parametrize("outcome", [*get_args(TaskOutcome), None])
def test_after_call_work_is_due_exactly_on_the_tasks_the_agent_handled(
    direction: str, outcome: str | None
) -> None:
    assert handled(direction, outcome) is (outcome in HANDLED[direction])


def test_every_handled_outcome_is_an_outcome() -> None:
    assert set().union(*HANDLED.values()) <= set(get_args(TaskOutcome))


def test_the_view_and_the_changelog_carry_the_rules_states_and_outcomes() -> None:
    for model in (c.TaskView, c.QueueTask):
        state: object = model.model_fields["state"].annotation
        outcome: object = model.model_fields["outcome"].annotation
        assert state is TaskState
        assert outcome == TaskOutcome | None


def test_the_events_that_are_no_facts_are_session_event_types_that_change_no_task() -> None:
    kinds = {event.type for event in session_events()}  # type: ignore[attr-defined]
    assert kinds >= NOT_FACTS
    assert {
        "context.parameters_updated",
        "context.caller_updated",
        "transcript.segment",
        "transcript.final",
    } == NOT_FACTS
