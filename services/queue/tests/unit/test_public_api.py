"""The domain package exports what it claims and depends on the standard library only."""

import ast
import sys
from pathlib import Path

import pytest
import queue_service.domain as domain

pytestmark = pytest.mark.unit

DOMAIN_DIR = Path(domain.__file__).parent


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


@pytest.mark.parametrize("path", sorted(DOMAIN_DIR.glob("*.py")), ids=lambda p: p.name)
def test_domain_imports_only_the_standard_library_and_itself(path: Path) -> None:
    tree = ast.parse(path.read_text())
    roots = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 0
    }

    foreign = {root for root in roots if root not in sys.stdlib_module_names}
    assert foreign <= {"queue_service"}
