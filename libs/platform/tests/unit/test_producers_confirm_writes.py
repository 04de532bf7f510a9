"""Every Kafka producer the product builds waits for every in-sync copy (``acks="all"``) and
is idempotent: a write confirmed by a leader that dies the next moment is not lost (with
``min.insync.replicas`` 2 another copy has it), and a send retried through the failover is
not written twice or out of order.

Read from the source, so a producer added later without them fails here."""

import ast
from pathlib import Path

import pytest
from mysessions_platform.infra.paths import repo_root

pytestmark = pytest.mark.unit

PRODUCERS = {"AIOKafkaProducer", "KafkaBroker"}
REQUIRED = {"acks": "all", "enable_idempotence": True}


def _product_sources(root: Path) -> list[Path]:
    """The packages that ship (services, the CLI, the platform), without their tests."""
    packages = [
        *root.glob("services/*/*_service"),
        root / "cli" / "mysessions",
        root / "libs" / "platform" / "mysessions_platform",
    ]
    return sorted(path for package in packages for path in package.rglob("*.py"))


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def unconfirmed_producers(source: str, where: str) -> list[str]:
    """``where:line`` of each producer built without ``acks="all"`` and idempotence."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _called_name(node) in PRODUCERS:
            given = {
                keyword.arg: keyword.value.value
                for keyword in node.keywords
                if isinstance(keyword.value, ast.Constant)
            }
            if any(given.get(key) != value for key, value in REQUIRED.items()):
                found.append(f"{where}:{node.lineno}")
    return found


def test_every_producer_of_the_product_waits_for_every_copy_and_is_idempotent() -> None:
    root = repo_root()
    sources = _product_sources(root)
    built = [path for path in sources if any(f"{name}(" in path.read_text() for name in PRODUCERS)]
    assert len(built) >= 5, "the producers are where this test looks for them"
    failing = [
        place
        for path in built
        for place in unconfirmed_producers(path.read_text(), str(path.relative_to(root)))
    ]
    assert failing == []


def test_a_producer_without_them_is_found() -> None:
    source = """
from aiokafka import AIOKafkaProducer
good = AIOKafkaProducer(bootstrap_servers=x, acks="all", enable_idempotence=True)
leader_only = AIOKafkaProducer(bootstrap_servers=x, enable_idempotence=True, acks=1)
bare = faststream.kafka.KafkaBroker(x)
"""
    assert unconfirmed_producers(source, "f.py") == ["f.py:4", "f.py:5"]
