"""Reporting counts the events the queue folds (to know the queue's ``rev`` caught up):
both must agree on which events those are."""

import pytest
from queue_service.adapters.translate import NOT_FACTS
from reporting_service.adapters.translate import QUEUE_IGNORES

pytestmark = pytest.mark.unit


def test_reporting_ignores_exactly_the_events_the_queue_does_not_fold() -> None:
    assert QUEUE_IGNORES == NOT_FACTS
