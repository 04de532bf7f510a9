"""One classification of failures for every worker: is a server away, or is the message bad?

``classify(error)`` answers with one of two classes::

    BaseException
    ├── OUTAGE: a server is away, slow or refusing; the message is not at fault
    │   ├── OSError, TimeoutError (= asyncio.TimeoutError), ConnectionError
    │   ├── redis: ConnectionError (incl. LOADING = BusyLoadingError, auth, max clients),
    │   │   TimeoutError, InvalidResponse, cluster errors, and every ResponseError whose
    │   │   code is a refusal: OOM, READONLY, BUSY, LOADING, MASTERDOWN, CLUSTERDOWN,
    │   │   TRYAGAIN, NOREPLICAS, MISCONF, MOVED, ASK, UNBLOCKED, NOPERM, NOSCRIPT
    │   ├── aiokafka: every KafkaError except the MESSAGE ones below (retriable or not:
    │   │   connection, timeouts, NodeNotReady, unknown topic, not leader or controller,
    │   │   not enough replicas, authorization, configuration)
    │   ├── pymongo: ConnectionFailure (AutoReconnect, NotPrimaryError, NetworkTimeout,
    │   │   ServerSelectionTimeoutError, WaitQueueTimeoutError), any timeout
    │   │   (ExecutionTimeout, WTimeoutError), OperationFailure labelled
    │   │   RetryableWriteError / TransientTransactionError / UnknownTransactionCommitResult
    │   │   or carrying a shutdown, step-down, not-primary, interrupted or time-limit code
    │   ├── anything raised ``from`` an outage, an exception group holding one
    │   └── BaseException that is no Exception (cancellation, interrupt): never the
    │       message's fault
    └── MESSAGE: this message can never succeed
        ├── aiokafka: MessageSizeTooLargeError, RecordTooLargeError,
        │   RecordListTooLargeError, CorruptRecordException, InvalidTimestampError
        ├── pymongo: DuplicateKeyError, DocumentTooLarge, any other OperationFailure
        ├── redis: any other ResponseError (WRONGTYPE, script errors, …), DataError
        └── everything else (ValueError, ValidationError, KeyError, …)

What a worker does with each (``kafka/batches.py``): an OUTAGE is retried with backoff,
then the batch is rewound and read again, and never dead-lettered; a MESSAGE failure
isolates the batch's records one by one, retries the failing one a few times and
dead-letters it. When in doubt a server-side refusal is an OUTAGE: rewinding a good
message costs time, dead-lettering it loses it.

redis-py strips the error code from the message of the errors it knows (and keeps it in
``status_code``), and inside a pipeline rewrites the message to quote the command, whose
arguments are message values; ``describe`` drops that quote. A pydantic ``ValidationError``
(a step building a model from a message) prints the offending input; ``describe`` gives
the contracts' ``explain`` of it instead, which names fields only.
"""

import ast
from enum import StrEnum
from typing import Final

import redis.exceptions
from aiokafka import errors as kafka
from contracts.reasons import explain
from pydantic import ValidationError
from pymongo import errors as mongo

__all__ = ["REDIS_REFUSALS", "Failure", "classify", "describe"]


class Failure(StrEnum):
    OUTAGE = "outage"
    """A server is away, slow or refusing: retry, then rewind the batch; never dead-letter."""
    MESSAGE = "message"
    """This message can never succeed: isolate it and dead-letter it."""


REDIS_REFUSALS: Final = frozenset(
    {
        "OOM",  # maxmemory reached with noeviction
        "READONLY",  # a replica (a failover in progress)
        "BUSY",  # a script runs past busy-reply-threshold
        "LOADING",  # the dataset is being loaded after a restart
        "MASTERDOWN",  # a replica lost its primary
        "CLUSTERDOWN",  # a hash slot is not served
        "TRYAGAIN",  # a slot is being resharded
        "NOREPLICAS",  # min-replicas-to-write not met
        "MISCONF",  # the last RDB save failed and writes are refused
        "MOVED",  # the slot lives on another node (topology change)
        "ASK",
        "UNBLOCKED",  # a blocked client released by a role change
        "NOPERM",  # an ACL refuses: the operator's configuration, not the message
        "NOSCRIPT",  # the script cache was lost (restart, failover, SCRIPT FLUSH)
    }
)

_KAFKA_MESSAGE_ERRORS: Final = (
    kafka.MessageSizeTooLargeError,
    kafka.RecordTooLargeError,
    kafka.RecordListTooLargeError,
    kafka.CorruptRecordException,
    kafka.InvalidTimestampError,
)

# pymongo's retryable-writes and "node is recovering" codes (helpers_shared.py), plus the
# time limits; a unit test checks that pymongo's own lists stay a subset of this one.
_MONGO_OUTAGE_CODES: Final = frozenset(
    {
        6,  # HostUnreachable
        7,  # HostNotFound
        50,  # MaxTimeMSExpired
        64,  # WriteConcernFailed (wtimeout)
        89,  # NetworkTimeout
        91,  # ShutdownInProgress
        134,  # ReadConcernMajorityNotAvailableYet
        189,  # PrimarySteppedDown
        262,  # ExceededTimeLimit
        9001,  # SocketException
        10058,  # LegacyNotPrimary
        10107,  # NotWritablePrimary
        11600,  # InterruptedAtShutdown
        11602,  # InterruptedDueToReplStateChange
        13435,  # NotPrimaryNoSecondaryOk
        13436,  # NotPrimaryOrSecondary
    }
)
_MONGO_OUTAGE_LABELS: Final = (
    "RetryableWriteError",
    "TransientTransactionError",
    "UnknownTransactionCommitResult",
)

_PIPELINE_QUOTE: Final = " of pipeline caused error: "


def classify(error: BaseException) -> Failure:
    """OUTAGE when a server is away, slow or refusing; MESSAGE when the message is at fault."""
    if not isinstance(error, Exception):
        return Failure.OUTAGE
    if isinstance(error, BaseExceptionGroup):
        members = (classify(member) for member in error.exceptions)
        return Failure.OUTAGE if Failure.OUTAGE in members else Failure.MESSAGE
    if error.__cause__ is not None and classify(error.__cause__) is Failure.OUTAGE:
        return Failure.OUTAGE
    if isinstance(error, redis.exceptions.RedisError | redis.exceptions.RedisClusterException):
        return _redis(error)
    if isinstance(error, kafka.KafkaError):
        return Failure.MESSAGE if isinstance(error, _KAFKA_MESSAGE_ERRORS) else Failure.OUTAGE
    if isinstance(error, mongo.PyMongoError):
        return _mongo(error)
    if isinstance(error, OSError):  # also ConnectionError, TimeoutError, asyncio.TimeoutError
        return Failure.OUTAGE
    return Failure.MESSAGE


def describe(error: BaseException) -> str:
    """The error's type and message for logs and dead-letter reasons, without the message
    values some clients quote (a pipelined Redis command, a MongoDB duplicate key)."""
    name = type(error).__name__
    if isinstance(error, ValidationError):
        return f"{name}: {explain(error)}"
    if isinstance(error, mongo.OperationFailure):
        code_name = (error.details or {}).get("codeName", "")
        return f"{name}: code {error.code} {code_name}".rstrip()
    if isinstance(error, redis.exceptions.RedisError):
        number, text = _pipeline_parts(error)
        where = f"command #{number} of a pipeline: " if number else ""
        return f"{name}: {where}{text}"
    return f"{name}: {error}"


def _redis(error: redis.exceptions.RedisError | redis.exceptions.RedisClusterException) -> Failure:
    if isinstance(error, redis.exceptions.ResponseError):
        return Failure.OUTAGE if _redis_code(error) in REDIS_REFUSALS else Failure.MESSAGE
    if isinstance(error, redis.exceptions.DataError | redis.exceptions.CrossSlotTransactionError):
        return Failure.MESSAGE  # the client refused the command's arguments
    return Failure.OUTAGE  # connection, timeout, protocol, cluster routing


def _redis_code(error: redis.exceptions.ResponseError) -> str:
    """The reply's error code: ``status_code`` where redis-py knew it (and removed it from
    the message), else the first word of the server's message."""
    if error.status_code:
        return error.status_code
    for known, code in (
        (redis.exceptions.ReadOnlyError, "READONLY"),
        (redis.exceptions.OutOfMemoryError, "OOM"),
        (redis.exceptions.NoScriptError, "NOSCRIPT"),
        (redis.exceptions.TryAgainError, "TRYAGAIN"),
        (redis.exceptions.MasterDownError, "MASTERDOWN"),
        (redis.exceptions.ClusterDownError, "CLUSTERDOWN"),
        (redis.exceptions.AskError, "ASK"),  # MovedError is one too: both are redirects
        (redis.exceptions.NoPermissionError, "NOPERM"),
    ):
        if isinstance(error, known):
            return code
    _, text = _pipeline_parts(error)
    return text.split(" ", 1)[0]


def _pipeline_parts(error: redis.exceptions.RedisError) -> tuple[str, str]:
    """(command number, the server's message) of a pipelined error, ("", message) else."""
    message = str(error.args[0]) if error.args else str(error)
    if not message.startswith("Command # ") or _PIPELINE_QUOTE not in message:
        return "", message
    number = message.removeprefix("Command # ").split(" ", 1)[0]
    # The arguments come before the quote and may contain anything: split at the last one.
    quoted = message.rpartition(_PIPELINE_QUOTE)[2]
    try:
        inner = ast.literal_eval(quoted)  # redis-py formats the original args tuple
    except (ValueError, SyntaxError):
        return number, quoted
    text = str(inner[0]) if isinstance(inner, tuple) and inner else str(inner)
    return number, text


def _mongo(error: mongo.PyMongoError) -> Failure:
    if isinstance(error, mongo.DuplicateKeyError):
        return Failure.MESSAGE
    if isinstance(error, mongo.ConnectionFailure) or error.timeout:
        return Failure.OUTAGE
    if any(error.has_error_label(label) for label in _MONGO_OUTAGE_LABELS):
        return Failure.OUTAGE
    if isinstance(error, mongo.OperationFailure) and error.code in _MONGO_OUTAGE_CODES:
        return Failure.OUTAGE
    return Failure.MESSAGE
