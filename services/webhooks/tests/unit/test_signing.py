"""Signatures: the Standard Webhooks scheme, checked against a plain reference and against
the ``standardwebhooks`` library (an independent implementation a receiver would use)."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from webhooks_service.domain.signing import key_of, secret_of, sign

pytestmark = pytest.mark.unit


def reference(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The specification's words, as directly as they go."""
    key = base64.b64decode(secret.split("_", 1)[1])
    content = message_id.encode() + b"." + str(timestamp).encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def test_the_specifications_example_signature() -> None:
    # The example of the Standard Webhooks specification (its "Signature scheme" section).
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert sign(key_of(secret), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


@given(key=st.binary(min_size=16, max_size=64), message_id=st.text(), body=st.binary())
def test_the_signature_matches_the_reference(key: bytes, message_id: str, body: bytes) -> None:
    timestamp = 1_700_000_000
    assert sign(key, message_id, timestamp, body) == reference(
        secret_of(key), message_id, timestamp, body
    )


def test_the_standardwebhooks_library_verifies_what_is_signed() -> None:
    secret = secret_of(b"k" * 32)
    body = json.dumps({"type": "session.started", "data": {"n": 1}}).encode()
    now = int(time.time())
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(now),
        "webhook-signature": sign(key_of(secret), "msg_1", now, body),
    }
    assert Webhook(secret).verify(body, headers) == {"type": "session.started", "data": {"n": 1}}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body + b" ", headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, {**headers, "webhook-id": "msg_2"})


def test_a_secret_round_trips_and_must_carry_its_prefix() -> None:
    assert key_of(secret_of(b"\x00\xff" * 16)) == b"\x00\xff" * 16
    with pytest.raises(ValueError, match="whsec_"):
        key_of("sk_abc")
