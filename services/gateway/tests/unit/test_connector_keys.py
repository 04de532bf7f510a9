"""API keys as pure rules: shape, digest, constant-time check, scope, last-use throttle."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from context_service.read import LiveStay
from gateway_service.connector.keys import (
    ACTIONS,
    digest,
    key_id_of,
    last_use_due,
    new_key,
    verifies,
)
from gateway_service.connector.targets import Missing, choose

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def test_a_new_key_is_kept_only_as_its_digest_and_names_its_record() -> None:
    key = new_key("acme", "Flow", ("sales", "sales"), tuple(reversed(ACTIONS)), "admin", NOW)
    assert key.secret.startswith("msk_")
    assert key.secret not in repr(key.record)
    assert key.record.digest == digest(key.secret)
    assert key_id_of(key.secret) == key.record.key_id
    assert key.record.services == ("sales",)
    assert key.record.actions == ACTIONS  # in the documented order, once each
    assert verifies(key.record, key.secret)


def test_two_keys_never_share_an_id_or_secret() -> None:
    keys = [new_key("acme", "F", ("s",), ("set_caller",), "a", NOW) for _ in range(200)]
    assert len({k.record.key_id for k in keys}) == len({k.secret for k in keys}) == 200


@pytest.mark.parametrize(
    "presented",
    ["", "msk_", "Bearer x", "msk_" + "a" * 24 + "_" + "b" * 42, "x" * 10_000, "msk_ABC_def"],
)
def test_anything_not_shaped_like_a_key_has_no_id(presented: str) -> None:
    assert key_id_of(presented) is None


def test_a_key_with_another_secret_does_not_verify() -> None:
    key = new_key("acme", "F", ("s",), ("set_caller",), "a", NOW)
    key_id = key.record.key_id
    forged = f"msk_{key_id}_{'A' * 43}"
    assert key_id_of(forged) == key_id
    assert not verifies(key.record, forged)


def test_the_last_use_is_written_at_most_once_a_minute() -> None:
    record = new_key("acme", "F", ("s",), ("set_caller",), "a", NOW).record
    assert last_use_due(record, NOW)
    used = replace(record, last_used_at=NOW)
    assert not last_use_due(used, NOW + timedelta(seconds=59))
    assert last_use_due(used, NOW + timedelta(seconds=60))


def test_a_key_allows_only_its_actions_and_services() -> None:
    record = new_key("acme", "F", ("sales",), ("set_caller",), "a", NOW).record
    assert record.allows("set_caller")
    assert not record.allows("set_parameters")
    assert record.covers("sales")
    assert not record.covers("support")


STAYS = [
    LiveStay("s1:1", "sales", open=False),
    LiveStay("s1:2", "support", open=True),
]


def test_a_call_changes_the_named_or_the_open_service_session_only() -> None:
    assert choose(STAYS, "s1:2", None) == STAYS[1]
    assert choose(STAYS, None, "support") == STAYS[1]
    assert choose(STAYS, "s1:1", None) == Missing("the session has left that service session")
    assert choose(STAYS, None, "sales") == Missing("the session is not in that service now")
    assert choose(STAYS, "s1:9", None) == Missing("the session has no such service session")
