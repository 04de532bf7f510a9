"""The context domain exports what it claims (that it imports the standard library only is an
import contract: ``stdlib-rules`` in pyproject.toml)."""

import context_service.domain as domain
import pytest

pytestmark = pytest.mark.unit


def test_every_exported_name_exists() -> None:
    assert len(domain.__all__) == len(set(domain.__all__))
    for name in domain.__all__:
        assert hasattr(domain, name), name
