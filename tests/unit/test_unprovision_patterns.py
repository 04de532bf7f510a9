"""Unprovisioning finds a tenant's Redis keys by a SCAN pattern with the tenant in it: the
pattern matches every key of that tenant and no key of any other, whatever the ids hold
(``acme`` must not find ``acme2``'s or ``acme:eu``'s keys)."""

from collections.abc import Callable
from fnmatch import fnmatchcase

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ingest_service import keys as ingest_keys
from ingest_service.freeswitch.store import call_key
from mysessions_platform.erasure import tenant_tag_glob
from queue_service.adapters import keys

pytestmark = pytest.mark.unit

PREFIX = "ms"  # no glob character: fnmatch reads it as Redis does
ids = st.text(alphabet="ab:%3A{}|*?[]\\-", max_size=5) | st.text(max_size=8)


def matches(key: str, pattern: str) -> bool:
    # Redis's glob and fnmatchcase agree on what the pattern uses: `*` and one `[..]` class
    # (encoded ids hold no glob character, so nothing needs escaping).
    return fnmatchcase(key, pattern)


@given(ids, ids, ids)
def test_a_tenant_s_pattern_matches_its_keys_and_no_other_tenant_s(
    tenant: str, other: str, part: str
) -> None:
    built: dict[str, list[Callable[[str, str, str], str]]] = {
        "agent": [keys.agent_tasks, keys.agent_events, keys.agent_events_bounds],
        "session": [keys.session_facts],
    }
    for middle, builders in built.items():
        pattern = tenant_tag_glob(PREFIX, middle, tenant)
        for build in builders:
            assert matches(build(PREFIX, tenant, part), pattern)
            assert matches(build(PREFIX, other, part), pattern) == (other == tenant)
    seen = tenant_tag_glob(PREFIX, "ingest:seen", tenant)
    assert matches(ingest_keys.seen_event(PREFIX, tenant, part).redis_key, seen)
    assert matches(ingest_keys.seen_event(PREFIX, other, part).redis_key, seen) == (other == tenant)
    calls = tenant_tag_glob(PREFIX, "ingest:freeswitch", tenant)
    assert matches(call_key(PREFIX, tenant, part), calls)
    assert matches(call_key(PREFIX, other, part), calls) == (other == tenant)


def test_a_tenant_whose_id_starts_another_s_is_told_apart() -> None:
    pattern = tenant_tag_glob(PREFIX, "agent", "acme")
    assert not matches(keys.agent_tasks(PREFIX, "acme2", "alice"), pattern)
    assert not matches(keys.agent_tasks(PREFIX, "acme:eu", "alice"), pattern)
    assert matches(keys.agent_tasks(PREFIX, "acme", "eu:alice"), pattern)
