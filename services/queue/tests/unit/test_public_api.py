"""The domain package exports what it claims (that it imports the standard library only is an
import contract: ``stdlib-rules`` in pyproject.toml)."""

import pytest
import queue_service.domain as domain

pytestmark = pytest.mark.unit


def test_every_exported_name_exists() -> None:
    assert sorted(domain.__all__) == sorted(set(domain.__all__))
    for name in domain.__all__:
        assert hasattr(domain, name), name


def test_the_main_entry_points_are_exported() -> None:
    expected = {
        "Fact",
        "FactKind",
        "fact_to_dict",
        "fact_from_dict",
        "Task",
        "render",
        "fold",
        "order_for_agent",
        "HistoryPolicy",
        "history_to_drop",
        "is_idle",
        "expiry_event_id",
    }
    assert expected <= set(domain.__all__)
