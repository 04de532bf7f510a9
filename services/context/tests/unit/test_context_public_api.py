"""The context domain exports what it claims and depends on the standard library only."""

import ast
import sys
from pathlib import Path

import context_service.domain as domain
import pytest

pytestmark = pytest.mark.unit

DOMAIN_DIR = Path(domain.__file__).parent


def test_every_exported_name_exists() -> None:
    assert len(domain.__all__) == len(set(domain.__all__))
    for name in domain.__all__:
        assert hasattr(domain, name), name


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
    assert {root for root in roots if root not in sys.stdlib_module_names} <= {"context_service"}
