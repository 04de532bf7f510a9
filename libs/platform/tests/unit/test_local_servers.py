"""Which local servers ``infra`` runs and in what order, and where PostgreSQL keeps its data."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from mysessions_platform.infra.endpoints import REDIS_PORT, endpoints, is_true
from mysessions_platform.infra.kafka_server import KafkaServer
from mysessions_platform.infra.lifecycle import local_servers, startup_chains
from mysessions_platform.infra.postgresql_server import data_dir_for
from mysessions_platform.infra.redis_cluster import RedisClusterNode, create_command, redis_cluster

pytestmark = pytest.mark.unit


def test_ferretdb_starts_once_its_postgresql_is_ready(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("MONGODB_URL", raising=False)
    servers = local_servers(tmp_path)
    assert [s.name for s in servers] == ["redis", "postgresql", "ferretdb", "kafka"]
    chains = [[s.name for s in chain] for chain in startup_chains(servers)]
    assert chains == [["redis"], ["postgresql", "ferretdb"], ["kafka"]]


def test_only_a_lean_broker_runs_the_client_compiler_alone(tmp_path: Path) -> None:
    def kafka(servers: tuple[object, ...]) -> KafkaServer:
        (found,) = [s for s in servers if isinstance(s, KafkaServer)]
        return found

    assert "-XX:TieredStopAtLevel=1" not in kafka(local_servers(tmp_path)).jvm_options()
    lean = kafka(local_servers(tmp_path, lean_kafka=True)).jvm_options()
    assert "-XX:TieredStopAtLevel=1" in lean
    assert "-Xmx512m" in lean


def test_an_external_mongodb_needs_no_postgresql(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MONGODB_URL", "mongodb://db.example:27017/")
    assert "postgresql" not in [s.name for s in local_servers(tmp_path)]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the cluster to `postgres`")
def test_as_root_the_cluster_leaves_a_cache_postgres_cannot_reach() -> None:
    base = Path(tempfile.mkdtemp(prefix="mysessions-cache-"))  # not pytest's: it is private
    try:
        base.chmod(0o755)
        open_cache, closed_cache = base / "open" / ".cache", base / "closed" / ".cache"
        open_cache.mkdir(parents=True)
        closed_cache.mkdir(parents=True)
        (base / "closed").chmod(0o700)  # a home folder only its owner may enter
        assert data_dir_for(open_cache) == open_cache.resolve() / "postgresql-data"
        outside = data_dir_for(closed_cache)
        assert outside.parent == Path("/var/lib/postgresql")
        assert outside.name.startswith("mysessions-")
        assert data_dir_for(closed_cache) == outside  # the same checkout, the same folder
    finally:
        shutil.rmtree(base)


def test_the_redis_cluster_replaces_the_single_redis_on_ports_below_the_ephemeral_range(
    tmp_path: Path,
) -> None:
    servers = local_servers(tmp_path, redis_nodes=True)
    nodes = [s for s in servers if isinstance(s, RedisClusterNode)]
    assert "redis" not in [s.name for s in servers]
    assert [s.name for s in nodes] == [f"redis-cluster-{n}" for n in range(1, 7)]
    ports = [p for node in nodes for p in (node.port, node.bus_port)]
    # Clients' local ports (32768-60999) would collide with a cluster started mid test run,
    # and each node's default bus port (port + 10000) with the single Redis's.
    assert all(port < 32768 for port in ports)
    assert len(set(ports)) == 12
    assert REDIS_PORT not in ports


def test_the_cluster_is_created_with_a_replica_for_each_of_three_primaries(
    tmp_path: Path,
) -> None:
    command = create_command(redis_cluster(tmp_path))
    assert command[1:3] == ["--cluster", "create"]
    assert command[-3:] == ["--cluster-replicas", "1", "--cluster-yes"]
    assert len([arg for arg in command if arg.startswith("127.0.0.1:")]) == 6


def test_redis_cluster_is_read_as_a_flag_with_redis_url_as_its_seed() -> None:
    assert not endpoints(environ={}).redis_cluster
    for value in ("true", "1", "YES", "on"):
        assert endpoints(environ={"REDIS_CLUSTER": value}).redis_cluster
    assert not endpoints(environ={"REDIS_CLUSTER": "false"}).redis_cluster
    assert not is_true(None)
