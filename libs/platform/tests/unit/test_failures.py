"""classify: which failures are outages and which are the message's, over real exception
instances built the way redis-py, aiokafka and pymongo build them."""

import asyncio
from collections.abc import Callable
from typing import NoReturn

import pytest
import redis.exceptions
from aiokafka import errors as kafka
from bson.errors import InvalidDocument
from contracts import Party
from mysessions_platform.failures import Failure, classify, describe
from pydantic import BaseModel, ValidationError
from pymongo import errors as mongo
from pymongo import helpers_shared
from redis._parsers.base import BaseParser
from redis.asyncio import Redis

pytestmark = pytest.mark.unit

OUTAGE, MESSAGE = Failure.OUTAGE, Failure.MESSAGE


def redis_reply(reply: str) -> redis.exceptions.RedisError:
    """The exception redis-py makes of an error reply (``-<reply>`` on the wire)."""
    error = BaseParser.parse_error(reply)  # type: ignore[no-untyped-call]
    assert isinstance(error, redis.exceptions.RedisError)
    return error


def pipelined(reply: str, *command: str) -> redis.exceptions.RedisError:
    """The same reply to a command inside a pipeline: redis-py rewrites its message."""
    error = redis_reply(reply)
    pipe = Redis().pipeline(transaction=False)  # builds no connection
    pipe.annotate_exception(error, 3, ("EVALSHA", *command))
    return error


def mongo_reply(response: dict[str, object]) -> mongo.PyMongoError:
    """The exception pymongo makes of a server's command response."""
    try:
        helpers_shared._check_command_response(response, max_wire_version=21)
    except mongo.PyMongoError as error:
        return error
    raise AssertionError(f"pymongo accepted {response}")


def mongo_write_reply(response: dict[str, object]) -> mongo.PyMongoError:
    try:
        helpers_shared._check_write_command_response(response)
    except mongo.PyMongoError as error:
        return error
    raise AssertionError(f"pymongo accepted {response}")


class Event(BaseModel):
    type: str


def validation_error() -> ValidationError:
    try:
        Event.model_validate({})
    except ValidationError as error:
        return error
    raise AssertionError("validated")


def raised_from(cause: BaseException) -> Exception:
    def wrap() -> NoReturn:
        raise RuntimeError("the step failed") from cause

    try:
        wrap()
    except RuntimeError as error:
        return error


REDIS_CASES: list[tuple[str, Callable[[], BaseException], Failure]] = [
    ("connection refused", lambda: redis.exceptions.ConnectionError("Error 111"), OUTAGE),
    ("socket timeout", lambda: redis.exceptions.TimeoutError("Timeout reading"), OUTAGE),
    ("max clients", lambda: redis_reply("ERR max number of clients reached"), OUTAGE),
    ("NOAUTH", lambda: redis_reply("NOAUTH Authentication required."), OUTAGE),
    ("LOADING", lambda: redis_reply("LOADING Redis is loading the dataset in memory"), OUTAGE),
    (
        "READONLY",
        lambda: redis_reply("READONLY You can't write against a read only replica."),
        OUTAGE,
    ),
    ("OOM", lambda: redis_reply("OOM command not allowed when used memory > 'maxmemory'."), OUTAGE),
    ("TRYAGAIN", lambda: redis_reply("TRYAGAIN Multiple keys request during rehashing"), OUTAGE),
    ("MASTERDOWN", lambda: redis_reply("MASTERDOWN Link with MASTER is down"), OUTAGE),
    ("CLUSTERDOWN", lambda: redis_reply("CLUSTERDOWN The cluster is down"), OUTAGE),
    ("MOVED", lambda: redis_reply("MOVED 3999 127.0.0.1:6381"), OUTAGE),
    ("ASK", lambda: redis_reply("ASK 3999 127.0.0.1:6381"), OUTAGE),
    ("NOSCRIPT", lambda: redis_reply("NOSCRIPT No matching script."), OUTAGE),
    ("NOPERM", lambda: redis_reply("NOPERM this user has no permissions"), OUTAGE),
    ("BUSY", lambda: redis_reply("BUSY Redis is busy running a script."), OUTAGE),
    ("NOREPLICAS", lambda: redis_reply("NOREPLICAS Not enough good replicas to write."), OUTAGE),
    ("MISCONF", lambda: redis_reply("MISCONF Redis is configured to save RDB snapshots"), OUTAGE),
    ("UNBLOCKED", lambda: redis_reply("UNBLOCKED force unblock from blocking operation"), OUTAGE),
    (
        "OOM in a pipelined script",
        lambda: pipelined("OOM command not allowed", "sha", "1", "k"),
        OUTAGE,
    ),
    (
        "BUSY in a pipeline",
        lambda: pipelined("BUSY Redis is busy running a script.", "sha"),
        OUTAGE,
    ),
    ("READONLY in a pipeline", lambda: pipelined("READONLY You can't write", "sha"), OUTAGE),
    (
        "WRONGTYPE",
        lambda: redis_reply("WRONGTYPE Operation against a key holding the wrong kind"),
        MESSAGE,
    ),
    (
        "BUSYKEY is not BUSY",
        lambda: redis_reply("BUSYKEY Target key name already exists."),
        MESSAGE,
    ),
    ("a script's own error", lambda: pipelined("ERR user_script:3: bad argument", "sha"), MESSAGE),
    ("EXECABORT", lambda: redis_reply("EXECABORT Transaction discarded"), MESSAGE),
    (
        "a bad argument",
        lambda: redis.exceptions.DataError("Invalid input of type: 'dict'"),
        MESSAGE,
    ),
]

KAFKA_CASES: list[tuple[str, Callable[[], BaseException], Failure]] = [
    (
        "too large for the producer",
        lambda: kafka.MessageSizeTooLargeError("2000088 bytes"),
        MESSAGE,
    ),
    ("too large for the broker", lambda: kafka.for_code(10)(), MESSAGE),
    ("record too large", lambda: kafka.RecordTooLargeError(), MESSAGE),
    ("record list too large", lambda: kafka.for_code(18)(), MESSAGE),
    ("corrupt record", lambda: kafka.for_code(2)(), MESSAGE),
    ("invalid timestamp", lambda: kafka.for_code(32)(), MESSAGE),
    ("no connection", lambda: kafka.KafkaConnectionError("No connection to node 1"), OUTAGE),
    ("timeout", lambda: kafka.KafkaTimeoutError(), OUTAGE),
    ("request timed out", lambda: kafka.for_code(7)(), OUTAGE),
    ("node not ready", lambda: kafka.NodeNotReadyError(), OUTAGE),
    ("no brokers", lambda: kafka.NoBrokersAvailable(), OUTAGE),
    ("unknown topic", lambda: kafka.for_code(3)(), OUTAGE),
    ("not leader", lambda: kafka.for_code(6)(), OUTAGE),
    ("not enough replicas", lambda: kafka.for_code(19)(), OUTAGE),
    ("not controller", lambda: kafka.for_code(41)(), OUTAGE),
    ("topic authorization", lambda: kafka.for_code(29)(), OUTAGE),
    ("authentication", lambda: kafka.AuthenticationFailedError(), OUTAGE),
    ("unknown server error", lambda: kafka.for_code(-1)(), OUTAGE),
]

MONGO_CASES: list[tuple[str, Callable[[], BaseException], Failure]] = [
    ("auto reconnect", lambda: mongo.AutoReconnect("connection closed"), OUTAGE),
    ("network timeout", lambda: mongo.NetworkTimeout("timed out"), OUTAGE),
    ("no server", lambda: mongo.ServerSelectionTimeoutError("No servers found"), OUTAGE),
    ("pool exhausted", lambda: mongo.WaitQueueTimeoutError("pool timed out"), OUTAGE),
    (
        "not writable primary",
        lambda: mongo_reply({"ok": 0, "code": 10107, "errmsg": "not primary"}),
        OUTAGE,
    ),
    ("stepped down", lambda: mongo_reply({"ok": 0, "code": 189, "errmsg": "stepped down"}), OUTAGE),
    ("shutting down", lambda: mongo_reply({"ok": 0, "code": 91, "errmsg": "shutdown"}), OUTAGE),
    ("interrupted", lambda: mongo_reply({"ok": 0, "code": 11602, "errmsg": "interrupted"}), OUTAGE),
    ("max time", lambda: mongo_reply({"ok": 0, "code": 50, "errmsg": "time limit"}), OUTAGE),
    ("time limit", lambda: mongo_reply({"ok": 0, "code": 262, "errmsg": "exceeded"}), OUTAGE),
    (
        "retryable label",
        lambda: mongo_reply(
            {"ok": 0, "code": 1, "errmsg": "x", "errorLabels": ["RetryableWriteError"]}
        ),
        OUTAGE,
    ),
    (
        "transaction label",
        lambda: mongo_reply(
            {
                "ok": 0,
                "code": 112,
                "errmsg": "WriteConflict",
                "errorLabels": ["TransientTransactionError"],
            }
        ),
        OUTAGE,
    ),
    (
        "write concern timeout",
        lambda: mongo_write_reply(
            {
                "ok": 1,
                "writeConcernError": {
                    "code": 64,
                    "errmsg": "waiting for replication timed out",
                    "errInfo": {"wtimeout": True},
                },
            }
        ),
        OUTAGE,
    ),
    (
        "duplicate key",
        lambda: mongo_reply({"ok": 0, "code": 11000, "errmsg": "E11000 dup key"}),
        MESSAGE,
    ),
    ("bad value", lambda: mongo_reply({"ok": 0, "code": 2, "errmsg": "BadValue"}), MESSAGE),
    ("document too large", lambda: mongo.DocumentTooLarge("BSON document too large"), MESSAGE),
    ("invalid document", lambda: InvalidDocument("cannot encode object"), MESSAGE),
]

OTHER_CASES: list[tuple[str, Callable[[], BaseException], Failure]] = [
    ("OSError", lambda: OSError(113, "No route to host"), OUTAGE),
    ("ConnectionResetError", lambda: ConnectionResetError(), OUTAGE),
    ("TimeoutError", lambda: TimeoutError(), OUTAGE),
    ("cancelled", lambda: asyncio.CancelledError(), OUTAGE),
    ("raised from an outage", lambda: raised_from(redis_reply("OOM command not allowed")), OUTAGE),
    ("raised from a bad message", lambda: raised_from(ValueError("bad")), MESSAGE),
    ("a group with an outage", lambda: ExceptionGroup("g", [ValueError(), TimeoutError()]), OUTAGE),
    ("a group of bad messages", lambda: ExceptionGroup("g", [ValueError(), KeyError()]), MESSAGE),
    ("ValueError", lambda: ValueError("cannot fold this session"), MESSAGE),
    ("KeyError", lambda: KeyError("user_id"), MESSAGE),
    ("ValidationError", validation_error, MESSAGE),
    ("RuntimeError", lambda: RuntimeError("bug"), MESSAGE),
]

CLUSTER_CASES: list[tuple[str, Callable[[], BaseException], Failure]] = [
    # What redis-py's cluster client raises itself once its own retries are spent: while a
    # dead primary's replica is not yet elected, or its slot map is being refreshed.
    ("cluster client gave up", lambda: redis.exceptions.ClusterError("TTL exhausted."), OUTAGE),
    ("cluster down", lambda: redis.exceptions.ClusterDownError("CLUSTERDOWN"), OUTAGE),
    ("try again", lambda: redis.exceptions.TryAgainError("TRYAGAIN"), OUTAGE),
    ("moved", lambda: redis.exceptions.MovedError("3999 127.0.0.1:6381"), OUTAGE),
    ("ask", lambda: redis.exceptions.AskError("3999 127.0.0.1:6381"), OUTAGE),
    (
        "slot not covered",
        lambda: redis.exceptions.SlotNotCoveredError("Slot 3999 not covered by the cluster."),
        OUTAGE,
    ),
    (
        "connections exhausted",
        lambda: redis.exceptions.MaxConnectionsError("Too many connections"),
        OUTAGE,
    ),
    (
        "cross-slot transaction",
        lambda: redis.exceptions.CrossSlotTransactionError("keys in one slot only"),
        MESSAGE,
    ),
]

ALL_CASES = REDIS_CASES + CLUSTER_CASES + KAFKA_CASES + MONGO_CASES + OTHER_CASES


@pytest.mark.parametrize(
    ("make", "expected"),
    [(make, expected) for _, make, expected in ALL_CASES],
    ids=[name for name, _, _ in ALL_CASES],
)
def test_each_failure_has_its_class(make: Callable[[], BaseException], expected: Failure) -> None:
    assert classify(make()) is expected


def test_every_kafka_error_that_is_not_the_message_is_an_outage() -> None:
    message_errnos = {2, 10, 18, 32}
    for errno, error_class in kafka.kafka_errors.items():
        expected = MESSAGE if errno in message_errnos else OUTAGE
        assert classify(error_class()) is expected, error_class.__name__


def test_pymongo_retryable_codes_are_all_outages() -> None:
    # If pymongo learns a new retryable code, this says so.
    for code in helpers_shared._RETRYABLE_ERROR_CODES | helpers_shared._NOT_PRIMARY_CODES:
        error = mongo.OperationFailure("server refused", code)
        assert classify(error) is OUTAGE, code


def test_describe_drops_the_arguments_redis_quotes_from_a_pipeline() -> None:
    error = pipelined("OOM command not allowed", "sha", "1", "key", "+33612345678")

    described = describe(error)

    assert "+33612345678" not in described
    assert described == ("OutOfMemoryError: command #3 of a pipeline: command not allowed"), (
        described
    )


def test_describe_drops_the_duplicate_key_value_mongodb_quotes() -> None:
    error = mongo_reply(
        {
            "ok": 0,
            "code": 11000,
            "codeName": "DuplicateKey",
            "errmsg": 'E11000 duplicate key error dup key: { _id: "alice@example.com" }',
        }
    )

    assert describe(error) == "DuplicateKeyError: code 11000 DuplicateKey"


def test_describe_keeps_the_message_of_other_errors() -> None:
    assert describe(ValueError("cannot fold this session")) == (
        "ValueError: cannot fold this session"
    )
    assert describe(redis_reply("BUSY Redis is busy")) == "ResponseError: BUSY Redis is busy"


def test_describe_names_the_fields_of_a_validation_error_not_their_input() -> None:
    with pytest.raises(ValidationError) as refused:
        Party.model_validate({"address": "+41 44 668 18 00", "address_kind": "pstn", "Jane Doe": 1})
    described = describe(refused.value)
    assert described.startswith("ValidationError: ")
    assert "<key>: unexpected field" in described
    assert "668" not in described
    assert "Jane" not in described
