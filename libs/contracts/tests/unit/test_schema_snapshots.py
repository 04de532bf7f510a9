"""Any change to a topic's schema shows up here and in review; regenerate deliberately with
``uv run python -m contracts.export libs/contracts/schemas``."""

from pathlib import Path

import contracts as c
import pytest
from contracts.codec import view_json_schemas
from contracts.export import render

pytestmark = pytest.mark.unit

SNAPSHOTS = Path(__file__).resolve().parents[2] / "schemas"


def test_every_topic_and_view_has_a_snapshot() -> None:
    expected = set(c.topics.ALL_TOPICS) | set(view_json_schemas())
    assert {p.stem for p in SNAPSHOTS.glob("*.json")} == expected


@pytest.mark.parametrize("view", sorted(view_json_schemas()))
def test_view_schema_matches_snapshot(view: str) -> None:
    current = render(view_json_schemas()[view])
    assert current == (SNAPSHOTS / f"{view}.json").read_text(), (
        f"the {view} shape changed; if intended, regenerate the snapshots"
    )


@pytest.mark.parametrize("topic", c.topics.ALL_TOPICS)
def test_schema_matches_snapshot(topic: str) -> None:
    current = render(c.topic_json_schemas()[topic])
    committed = (SNAPSHOTS / f"{topic}.json").read_text()
    assert current == committed, (
        f"the schema of {topic} changed; if intended, regenerate the snapshots and bump the "
        "topic version for breaking changes"
    )


def test_topic_names_are_versioned() -> None:
    assert all(topic.endswith(".v1") for topic in c.topics.ALL_TOPICS)
