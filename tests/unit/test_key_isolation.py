"""No two tenants, users or sessions share a Redis key, whatever their ids hold (issue 6,
defect 1: ``acme`` + ``eu:alice`` and ``acme:eu`` + ``alice`` shared one key)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ingest_service import keys as ingest_keys
from mysessions_platform.key_parts import decode_part, encode_part, glob_escape, split_tag
from queue_service.adapters import keys
from redis.crc import key_slot

pytestmark = pytest.mark.unit

PREFIX = "ms"
AGENT_KEYS = (
    keys.agent_tasks,
    keys.agent_revisions,
    keys.agent_live,
    keys.agent_history,
    keys.agent_channel,
)
identifiers = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._:@/-]{0,20}\Z")
# Short ids of separators and escapes find collisions of a naive join quickly; arbitrary
# text too: the keys must not depend on the contract's pattern holding.
tricky = st.text(alphabet="a:%3A{}|*\\", max_size=4)
ids = identifiers | tricky | st.text(max_size=12)
pairs = st.tuples(ids, ids)
_FIRST_TAG = re.compile(r"\{([^}]*)\}")


def agent_keys(tenant: str, user: str) -> set[str]:
    return {build(PREFIX, tenant, user) for build in AGENT_KEYS}


def test_the_issue_s_colliding_pair_gets_distinct_keys() -> None:
    assert keys.agent_tasks(PREFIX, "acme", "eu:alice") != keys.agent_tasks(
        PREFIX, "acme:eu", "alice"
    )
    assert keys.session_facts(PREFIX, "acme", "eu:1") != keys.session_facts(PREFIX, "acme:eu", "1")


def test_ordinary_ids_stay_readable() -> None:
    assert keys.agent_tasks(PREFIX, "acme", "alice") == "ms:agent:{acme:alice}:tasks"
    assert keys.agent_tasks(PREFIX, "acme", "eu:alice") == "ms:agent:{acme:eu%3Aalice}:tasks"
    assert keys.session_facts(PREFIX, "acme", "s-1") == "ms:session:{acme:s-1}:facts"
    seen = ingest_keys.seen_event(PREFIX, "acme", "e-1").redis_key
    assert seen == "ms:ingest:seen:{acme}:e-1"


@given(pairs, pairs)
def test_distinct_agents_never_share_a_key(a: tuple[str, str], b: tuple[str, str]) -> None:
    if a != b:
        assert not agent_keys(*a) & agent_keys(*b)


def resplit(pair: tuple[str, str]) -> list[tuple[str, str]]:
    """Other pairs a plain ``tenant:user`` join cannot tell from this one."""
    joined = ":".join(pair)
    return [(joined[:i], joined[i + 1 :]) for i, char in enumerate(joined) if char == ":"]


@given(pairs)
def test_ids_holding_the_separator_never_share_a_key(pair: tuple[str, str]) -> None:
    for other in resplit(pair):
        if other != pair:
            assert not agent_keys(*pair) & agent_keys(*other)
            assert keys.session_facts(PREFIX, *pair) != keys.session_facts(PREFIX, *other)


@given(pairs, pairs)
def test_distinct_sessions_never_share_a_key(a: tuple[str, str], b: tuple[str, str]) -> None:
    if a != b:
        assert keys.session_facts(PREFIX, *a) != keys.session_facts(PREFIX, *b)
        assert keys.session_facts(PREFIX, *a) not in agent_keys(*b)


@given(pairs, pairs)
def test_distinct_tenants_or_events_never_share_a_dedupe_key(
    a: tuple[str, str], b: tuple[str, str]
) -> None:
    if a != b:
        assert (
            ingest_keys.seen_event(PREFIX, *a).redis_key
            != ingest_keys.seen_event(PREFIX, *b).redis_key
        )


@given(ids)
def test_decoding_inverts_encoding(part: str) -> None:
    encoded = encode_part(part)
    assert decode_part(encoded) == part
    assert not set(encoded) & set(":{}|*?[]\\ ")
    assert encoded.isascii()
    assert encoded.isprintable()


@given(pairs, st.sampled_from(["agent", "session"]))
def test_the_hash_tag_is_the_first_braces_and_holds_exactly_the_pair(
    pair: tuple[str, str], kind: str
) -> None:
    """One slot per agent and per session: Redis hashes the first ``{…}`` only."""
    tenant, other = pair
    built = (
        agent_keys(tenant, other)
        if kind == "agent"
        else {keys.session_facts(PREFIX, tenant, other)}
    )
    tags = {m.group(1) for key in built if (m := _FIRST_TAG.search(key))}
    assert len(tags) == 1
    assert [split_tag(key) for key in built] == [[tenant, other]] * len(built)


@given(ids, ids)
def test_a_tenant_s_dedupe_keys_share_one_slot(tenant: str, event_id: str) -> None:
    key = ingest_keys.seen_event(PREFIX, tenant, event_id).redis_key
    first = _FIRST_TAG.search(key)
    assert first is not None
    assert first.group(1) == encode_part(tenant)


@given(pairs)
def test_an_agent_key_names_its_tenant_and_user(pair: tuple[str, str]) -> None:
    assert keys.agent_of(keys.agent_tasks(PREFIX, *pair)) == pair


def test_prefixes_are_matched_literally_and_may_not_hide_the_tag() -> None:
    assert glob_escape("t-1*[x]") == "t-1\\*\\[x\\]"
    with pytest.raises(ValueError, match="braces"):
        keys.agent_tasks("ms{x}", "acme", "alice")


EVERY_AGENT_KEY = (
    *AGENT_KEYS,
    keys.agent_events,
    keys.agent_events_bounds,
    keys.agent_events_live,
)


@given(pairs, st.sampled_from(["ms", "t-1:scratch~", "a b"]))
def test_every_key_one_script_touches_hashes_to_one_slot(
    pair: tuple[str, str], prefix: str
) -> None:
    """By Redis Cluster's own CRC16 (redis-py's ``key_slot``): an agent's update script and a
    session's facts script each run on one node, whatever the ids and the prefix hold; and a
    rebuild's scratch prefix keeps every tagged key on its slot (RENAME stays in the slot)."""
    agent = {key_slot(build(prefix, *pair).encode()) for build in EVERY_AGENT_KEY}
    assert agent == {key_slot(keys.agent_tasks(PREFIX, *pair).encode())}
    facts = key_slot(keys.session_facts(prefix, *pair).encode())
    assert facts == key_slot(keys.session_facts(PREFIX, *pair).encode())


@given(ids.filter(bool), st.lists(ids, min_size=2, max_size=5))
def test_a_tenant_s_dedupe_keys_land_on_one_slot_for_the_claim_script(
    tenant: str, event_ids: list[str]
) -> None:
    """Non-empty tenants only: Redis takes an empty ``{}`` for no tag at all (found by this
    test), and a contract id is never empty (``contracts.base.Identifier``)."""
    built = [ingest_keys.seen_event(PREFIX, tenant, event).redis_key for event in event_ids]
    assert len({key_slot(key.encode()) for key in built}) == 1
