"""The tests of one ``xdist_group`` run on one xdist worker (pytest 9.2 lost xdist's own
grouping: ``mysessions_platform.testing.xdist_groups``)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

_MODULE = """
import pytest

pytestmark = [pytest.mark.xdist_group("one-cluster")]


@pytest.mark.parametrize("n", range(6))
def test_grouped(n):
    pass


@pytest.mark.xdist_group("other")
def test_other():
    pass
"""


def _workers(tmp_path: Path, *plugin: str) -> dict[str, set[str]]:
    (tmp_path / "test_grouped.py").write_text(_MODULE)
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "xdist.plugin", *plugin, "-n", "2",
         "--dist", "loadgroup", "-v", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
         "-c", str(tmp_path / "pytest.ini"), str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
        # Only xdist and the plugin: the environment's other plugins take seconds to load.
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    found: dict[str, set[str]] = {}
    for worker, name in re.findall(r"\[(gw\d)\].*PASSED \S*::(test_\w+)", run.stdout):
        found.setdefault(name, set()).add(worker)
    return found


def test_a_group_s_tests_run_on_one_worker(tmp_path: Path) -> None:
    workers = _workers(tmp_path, "-p", "mysessions_platform.testing.xdist_groups")
    assert workers.keys() == {"test_grouped", "test_other"}
    assert len(workers["test_grouped"]) == 1, workers
