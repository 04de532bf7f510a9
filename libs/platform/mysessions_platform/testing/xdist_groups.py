"""``xdist_group`` kept working on pytest 9.2: its tests run on one xdist worker again.

pytest-xdist 3.8 groups by a suffix it writes into each test's node id on the workers
(``test_x@group``, read back by ``--dist loadgroup``), through ``item._nodeid``; pytest 9.2
builds the node id from a structured ``item._id`` instead, so the write is lost and the
tests of a group are spread over the workers like any others (pytest-xdist issue 1386, fix
not released yet). A module that starts and stops one local cluster in a session fixture
(``test_redis_cluster.py``, ``test_kafka_broker_killed.py``) then had one worker stop the
cluster under another's tests, and one test kill a primary under another's.

This plugin writes the suffix where pytest 9.2 reads it. It does nothing where the id
already carries it (an xdist that works) or when not a ``loadgroup`` worker.
"""

import pytest
from _pytest.nodeid import NodeId

__all__ = ["group_suffixed"]


def group_suffixed(nodeid: str, item: pytest.Item) -> str | None:
    """``nodeid@group`` (names joined by ``_``, as xdist does), or None without a group."""
    names = sorted(
        {str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
         for mark in item.iter_markers("xdist_group")}
    )  # fmt: skip
    return f"{nodeid}@{'_'.join(names)}" if names else None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not getattr(config.option, "loadgroup", False):
        return  # not an xdist worker of --dist loadgroup
    for item in items:
        suffixed = group_suffixed(item.nodeid, item)
        if suffixed is not None and "@" not in item.nodeid and hasattr(item, "_id"):
            item._id = NodeId.parse(suffixed)
