"""Which local servers ``infra`` runs and in what order, and where PostgreSQL keeps its data."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from mysessions_platform.infra.lifecycle import local_servers, startup_chains
from mysessions_platform.infra.postgresql_server import data_dir_for

pytestmark = pytest.mark.unit


def test_ferretdb_starts_once_its_postgresql_is_ready(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("MONGODB_URL", raising=False)
    servers = local_servers(tmp_path)
    assert [s.name for s in servers] == ["redis", "postgresql", "ferretdb", "kafka"]
    chains = [[s.name for s in chain] for chain in startup_chains(servers)]
    assert chains == [["redis"], ["postgresql", "ferretdb"], ["kafka"]]


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
