"""The local three-broker cluster's layout: its own ports, folders, logs and pid files beside
the single broker's, one quorum of all three, every topic replicated three times."""

import re
from pathlib import Path

import pytest
from mysessions_platform.infra import InfraError
from mysessions_platform.infra import kafka_cluster as kafka_cluster_module
from mysessions_platform.infra.endpoints import (
    KAFKA_CLUSTER_BOOTSTRAP_SERVERS,
    KAFKA_CONTROLLER_PORT,
    KAFKA_PORT,
)
from mysessions_platform.infra.kafka_cluster import KafkaClusterNode, kafka_cluster, new_cluster_id
from mysessions_platform.infra.kafka_server import KafkaServer
from mysessions_platform.infra.lifecycle import local_servers, startup_chains

pytestmark = pytest.mark.unit


def _properties(text: str) -> dict[str, str]:
    lines = (line for line in text.splitlines() if line and not line.startswith("#"))
    return dict(line.split("=", 1) for line in lines)


def _start_all(
    nodes: tuple[KafkaClusterNode, ...],
    monkeypatch: pytest.MonkeyPatch,
    formatted: list[str] | None = None,
) -> list[dict[str, str]]:
    """``start`` of each node with nothing launched: the server.properties each wrote (and
    in ``formatted`` the cluster id each formatted its folder with)."""
    monkeypatch.setattr(kafka_cluster_module, "spawn_detached", lambda *_, **__: 0)
    ids: list[str] = [] if formatted is None else formatted
    for node in nodes:
        monkeypatch.setattr(node.runtime, "java", lambda *_, **__: ["true"])
        monkeypatch.setattr(
            node.runtime,
            "format_storage",
            lambda _log, _props, cluster_id: ids.append(cluster_id),
        )
        node.start()
    return [_properties(node.properties.read_text()) for node in nodes]


def test_the_nodes_take_ports_and_folders_of_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nodes = kafka_cluster(tmp_path)
    single = KafkaServer(tmp_path)
    ports = [node.port for node in nodes] + [node.controller_port for node in nodes]
    assert len(set(ports)) == 6
    assert not {KAFKA_PORT, KAFKA_CONTROLLER_PORT} & set(ports), "the single broker's stay its"
    for attribute in ("log_file", "pid_file", "data_dir", "process_marker"):
        values = {str(getattr(server, attribute)) for server in (*nodes, single)}
        assert len(values) == 4, f"{attribute} shared"
    assert ",".join(f"127.0.0.1:{n.port}" for n in nodes) == KAFKA_CLUSTER_BOOTSTRAP_SERVERS

    written = _start_all(nodes, monkeypatch)
    assert [p["node.id"] for p in written] == ["1", "2", "3"]
    assert len({p["controller.quorum.voters"] for p in written}) == 1
    voters = written[0]["controller.quorum.voters"].split(",")
    assert voters == [f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in nodes]
    for node, properties in zip(nodes, written, strict=True):
        assert properties["advertised.listeners"] == f"PLAINTEXT://127.0.0.1:{node.port}"
        assert properties["log.dirs"] == str(node.data_dir)


def test_every_topic_kafka_keeps_is_replicated_three_times_two_in_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    properties = _start_all(kafka_cluster(tmp_path), monkeypatch)[0]
    factors = {k: v for k, v in properties.items() if k.endswith("replication.factor")}
    assert set(factors) >= {
        "default.replication.factor",
        "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor",
    }
    assert set(factors.values()) == {"3"}
    in_sync = {k: v for k, v in properties.items() if k.endswith(("min.insync.replicas", "isr"))}
    assert set(in_sync.values()) == {"2"}
    assert properties["unclean.leader.election.enable"] == "false"


def test_the_nodes_share_one_cluster_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    formatted: list[str] = []
    _start_all(kafka_cluster(tmp_path), monkeypatch, formatted)
    assert len(formatted) == 3
    assert len(set(formatted)) == 1
    assert (tmp_path / "kafka-cluster" / "cluster.id").read_text().strip() == formatted[0]


def test_a_cluster_id_is_what_the_storage_tool_accepts() -> None:
    ids = {new_cluster_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_-]{21}", found) for found in ids)


def test_three_brokers_replace_the_single_one_and_start_together(tmp_path: Path) -> None:
    servers = local_servers(tmp_path, kafka_brokers=3)
    names = [server.name for server in servers]
    assert "kafka" not in names
    assert names[-3:] == ["kafka-1", "kafka-2", "kafka-3"]
    chains = [[server.name for server in chain] for chain in startup_chains(servers)]
    # A node is ready only once the quorum formed: started one after another, none would be.
    assert chains[-3:] == [["kafka-1"], ["kafka-2"], ["kafka-3"]]


@pytest.mark.parametrize("brokers", [0, 2, 4])
def test_other_broker_counts_are_refused(tmp_path: Path, brokers: int) -> None:
    with pytest.raises(InfraError, match=r"1 .* or 3"):
        local_servers(tmp_path, kafka_brokers=brokers)
