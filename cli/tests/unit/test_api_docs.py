"""``mysessions docs generate``: every worker's AsyncAPI document names the contract of each
topic it reads and writes (never an untyped payload), the documents do not depend on the
machine's environment, and ``--check`` fails naming each file that is not current."""

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml
from contracts import topics
from mysessions.api_docs.documents import documents
from mysessions.api_docs.files import compare, write
from mysessions.api_docs.sources import WORKERS
from mysessions.cli import app
from typer.testing import CliRunner

pytestmark = pytest.mark.unit

READS_AND_WRITES = {
    "ingest": ({topics.TELEPHONY_EVENTS}, {topics.SESSION_EVENTS, topics.DEAD_LETTERS}),
    "queue": (
        {topics.SESSION_EVENTS, topics.AFTER_CALL_WORK},
        {topics.TASK_CHANGELOG, topics.SESSION_EVENTS, topics.DEAD_LETTERS},
    ),
    "context": ({topics.SESSION_EVENTS}, {topics.DEAD_LETTERS}),
    "reporting": (
        {topics.TASK_CHANGELOG, topics.SESSION_EVENTS, topics.AFTER_CALL_WORK},
        {topics.REPORTING_SESSIONS, topics.AFTER_CALL_WORK, topics.DEAD_LETTERS},
    ),
    "webhooks": (
        {topics.SESSION_EVENTS, topics.AFTER_CALL_WORK, topics.REPORTING_SESSIONS},
        {topics.DEAD_LETTERS},
    ),
}
"""What each worker reads and writes, as its document must say."""

CONTRACTS = {
    topics.TELEPHONY_EVENTS: "SessionEvent",
    topics.SESSION_EVENTS: "SessionEvent",
    topics.AFTER_CALL_WORK: "AfterCallWorkSubmitted",
    topics.TASK_CHANGELOG: "QueueTask",
    topics.REPORTING_SESSIONS: "SessionRecord",
    topics.DEAD_LETTERS: "DeadLetter",
}
"""The schema each topic's messages refer to (a one-model union is named by its model)."""

ONE_CONSUMER_OF_SEVERAL_TOPICS = {
    "queue": "SessionEventOrAfterCallWork",
    "webhooks": "SessionEventOrAfterCallWorkOrReportingRecord",
}
"""A subscription reading several topics documents its records as any of their contracts."""


def _load(text: str) -> Any:
    return yaml.load(
        text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )  # libyaml's: faster


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return asyncio.run(documents())


def _payload(document: dict[str, Any], channel: dict[str, Any]) -> str:
    (reference,) = [message["$ref"] for message in channel["messages"].values()]
    message = document["components"]["messages"][reference.rsplit("/", 1)[1]]
    return str(message["payload"]["$ref"]).rsplit("/", 1)[1]


@pytest.mark.parametrize("worker", sorted(READS_AND_WRITES))
def test_each_topic_a_worker_reads_and_writes_names_its_contract(
    texts: dict[str, str], worker: str
) -> None:
    document = _load(texts[f"asyncapi/{worker}.yaml"])
    reads, writes = READS_AND_WRITES[worker]
    actions = {
        operation["channel"]["$ref"].rsplit("/", 1)[1]: operation["action"]
        for operation in document["operations"].values()
    }
    read: set[str] = set()
    written: set[str] = set()
    for key, channel in document["channels"].items():
        topic, payload = channel["address"], _payload(document, channel)
        (read if actions[key] == "receive" else written).add(topic)
        expected = CONTRACTS[topic]
        if actions[key] == "receive":
            expected = ONE_CONSUMER_OF_SEVERAL_TOPICS.get(worker, expected)
        assert payload == expected, key
        schema = document["components"]["schemas"][payload]
        assert {"oneOf", "anyOf", "properties"} & set(schema), f"{payload} has no shape"
    assert (read, written) == (reads, writes)
    assert document["servers"]["development"]["host"] == "kafka:9092"


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _references(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _references(value)]
    return []


def _resolves(document: Any, reference: str) -> bool:
    node = document
    for part in reference.removeprefix("#/").split("/"):
        part = unquote(part).replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


@pytest.mark.parametrize("path", ["openapi/gateway.json", *(f"asyncapi/{w}.yaml" for w in WORKERS)])
def test_every_reference_in_a_document_resolves(texts: dict[str, str], path: str) -> None:
    document = _load(texts[path])
    references = _references(document)
    assert references
    assert [ref for ref in references if not _resolves(document, ref)] == []


def test_the_gateway_document_is_its_api_without_the_demo(texts: dict[str, str]) -> None:
    document = _load(texts["openapi/gateway.json"])
    assert document["info"]["title"] == "My Sessions gateway"
    assert "/api/v1/tasks" in document["paths"]
    assert not [path for path in document["paths"] if path.startswith("/demo")]


def test_the_upstream_document_lists_the_providers_callbacks(texts: dict[str, str]) -> None:
    document = _load(texts["openapi/upstream.json"])
    assert document["info"]["title"] == "My Sessions upstream edge"
    assert sorted(document["paths"]) == [
        "/amazon-connect/{tenant}/agent-events",
        "/amazon-connect/{tenant}/contact-events",
        "/healthz",
        "/readyz",
        "/twilio/{tenant}/taskrouter",
    ]


def test_the_documents_do_not_depend_on_the_environment(
    texts: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "elsewhere.invalid:1")
    monkeypatch.setenv("INGEST_GROUP_ID", "another-group")
    monkeypatch.setenv("QUEUE_SOURCE_TOPIC", "another-topic")
    monkeypatch.setenv("GATEWAY_MODE", "demo")
    monkeypatch.setenv("UPSTREAM_MAX_BODY_BYTES", "1")
    assert asyncio.run(documents()) == texts


def test_check_fails_naming_each_file_not_current(texts: dict[str, str], tmp_path: Path) -> None:
    write(tmp_path, texts)
    assert compare(tmp_path, texts) == []

    stale = tmp_path / "asyncapi" / "queue.yaml"
    stale.write_text(stale.read_text().replace("Keyed by session id.", "Keyed by nothing."))
    (tmp_path / "openapi" / "gateway.json").unlink()
    (tmp_path / "asyncapi" / "retired.yaml").write_text("asyncapi: 3.0.0\n")
    checked = CliRunner().invoke(app, ["docs", "generate", "--check", "--out", str(tmp_path)])

    assert checked.exit_code == 1
    assert f"{stale}: stale" in checked.output
    assert f"{tmp_path / 'openapi' / 'gateway.json'}: missing" in checked.output
    assert f"{tmp_path / 'asyncapi' / 'retired.yaml'}: no longer generated" in checked.output
    assert "ingest.yaml" not in checked.output, "a current document is not named"
    write(tmp_path, texts)
    assert compare(tmp_path, texts) == [], "generate mends every difference"
