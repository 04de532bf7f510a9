"""How the suite is split so that it runs in minutes: tiers, the serial pass, slow tests first.

A pytest plugin, loaded by the repo-root conftest.py. ``scripts/test.sh`` runs the suite
in two passes: every test side by side on several workers (pytest-xdist), then the tests
marked ``serial`` one at a time, so that a test that times CPU work never shares the two
cores with other tests.

- Every test carries one tier marker (``unit``, ``integration`` or ``e2e``): ``-m unit``
  selects the tier, and a test without one would silently drop out of it.
- A ``unit`` test never asks for the servers: ``scripts/test.sh -m unit`` starts none.
- ``--serial-tests=exclude`` leaves the ``serial`` tests out (the parallel pass),
  ``--serial-tests=only`` keeps only them (the serial pass); the default runs everything.
- ``--servers-needed`` prints ``servers-needed: yes`` or ``no`` for the selected tests
  (with ``--collect-only``): whether ``scripts/test.sh`` must bring the servers up.
- ``slow`` tests are started first: given to the workers last, one of them would run alone
  at the end while the others wait (longest first is the classic greedy schedule). Then the
  browser tests, then the other integration tests, and the unit tests last: milliseconds
  each, they fill the end evenly (in collection order, integration tests of several
  seconds ran last and left cores idle: 7 % of the tests took the last quarter of the run).
"""

import pytest

__all__ = ["TIER_MARKERS"]

TIER_MARKERS = ("unit", "integration", "e2e")
_SERVER_MARKERS = ("integration", "e2e")
_SERVERS_FIXTURE = "servers"
_SERIAL_CHOICES = ("include", "exclude", "only")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mysessions", "the suite's passes (scripts/test.sh)")
    group.addoption(
        "--serial-tests",
        choices=_SERIAL_CHOICES,
        default="include",
        help="tests marked serial: include (default), exclude (the parallel pass) or "
        "only (the serial pass)",
    )
    group.addoption(
        "--servers-needed",
        action="store_true",
        help="print 'servers-needed: yes|no' for the selected tests (use with --collect-only)",
    )


def _asks_for_servers(item: pytest.Item) -> bool:
    """Whether the test's fixtures, directly or through others, include the servers."""
    return isinstance(item, pytest.Function) and _SERVERS_FIXTURE in item.fixturenames


def _tier_errors(items: list[pytest.Item]) -> list[str]:
    errors = []
    for item in items:
        tiers = [name for name in TIER_MARKERS if item.get_closest_marker(name)]
        if not tiers:
            errors.append(f"{item.nodeid}: no tier marker (one of {', '.join(TIER_MARKERS)})")
        elif "unit" in tiers and _asks_for_servers(item):
            errors.append(f"{item.nodeid}: a unit test that asks for the servers")
    return errors


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if errors := _tier_errors(items):
        raise pytest.UsageError("tests in no tier or the wrong one:\n  " + "\n  ".join(errors))
    mode = config.getoption("serial_tests")
    if mode != "include":
        wanted = mode == "only"
        kept: list[pytest.Item] = []
        dropped: list[pytest.Item] = []
        for item in items:
            is_serial = item.get_closest_marker("serial") is not None
            (kept if is_serial is wanted else dropped).append(item)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    # sort() is stable: apart from the order above, the collection order stays, and every
    # xdist worker (each collects for itself) gets the same order, as xdist requires.
    items.sort(key=_start_order)


_TIER_ORDER = {"e2e": 0, "integration": 1, "unit": 2}


def _start_order(item: pytest.Item) -> tuple[bool, int]:
    """Slow tests, then by tier: the longest first."""
    tier = min((_TIER_ORDER[m] for m in TIER_MARKERS if item.get_closest_marker(m)), default=2)
    return item.get_closest_marker("slow") is None, tier


def needs_servers(item: pytest.Item) -> bool:
    """Whether a test talks to Kafka, Redis or the MongoDB-wire server."""
    return _asks_for_servers(item) or any(item.get_closest_marker(name) for name in _SERVER_MARKERS)


def pytest_collection_finish(session: pytest.Session) -> None:
    if session.config.getoption("servers_needed"):
        needed = any(needs_servers(item) for item in session.items)
        reporter = session.config.pluginmanager.getplugin("terminalreporter")
        line = f"servers-needed: {'yes' if needed else 'no'}"
        if reporter is None:
            print(line)
        else:
            reporter.write_line(line)
