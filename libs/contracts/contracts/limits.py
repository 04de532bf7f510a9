"""Every size limit of the system, in one place, derived from one number.

``MAX_EVENT_BYTES`` is the documented maximum size of one upstream event: the JSON bytes of
one record value on ``telephony.events.v1``. 1 MiB is the order of Kafka's own default
``max.message.bytes`` (1,048,588), ~5 times the largest realistic event (an e-mail with a
200,000-character HTML body), and small enough that a worker's batch stays a bounded
amount of memory (a consumer fetches at most 50 MiB at a time, aiokafka's default).

The other limits follow from it, so that nothing the system writes can be refused by
Kafka (a refused write would stall a partition, since it is retried as an outage):

- the raw topic accepts records up to ``MAX_RAW_RECORD_BYTES``, far above the event limit,
  so that an oversize event reaches ingest and gets a dead letter with a clear reason,
  instead of failing upstream with an opaque producer error;
- ingest re-encodes each event (defaults made explicit, times normalized to UTC); the
  normalized event may be a little bigger than the raw one: ``NORMALIZED_HEADROOM_BYTES``;
- a dead letter keeps the original whole up to ``MAX_EVENT_BYTES`` and only its first
  ``DEAD_LETTER_PREFIX_BYTES`` above that (with its length and SHA-256), so an envelope is
  never above ``MAX_DEAD_LETTER_BYTES`` (a unit test computes the worst case);
- each topic's ``max.message.bytes`` is its value limit plus ``RECORD_OVERHEAD_BYTES``
  (the key, headers and the record batch's own header).
"""

from typing import Final

KIB: Final = 1024
MIB: Final = 1024 * KIB

MAX_EVENT_BYTES: Final = 1 * MIB
"""The largest upstream event (the raw record value), checked by ingest before parsing."""

MAX_RAW_RECORD_BYTES: Final = 4 * MIB
"""The largest raw record value ``telephony.events.v1`` and ``mysessions publish`` accept;
above ``MAX_EVENT_BYTES`` on purpose, so oversize events are dead-lettered by ingest."""

NORMALIZED_HEADROOM_BYTES: Final = 64 * KIB
"""What re-encoding may add to a raw event (defaults written out, ``1700000000`` becoming
``"2023-11-14T22:13:20Z"``): generous, since a small event gains tens of bytes and the big
ones are capped at ``MAX_EVENT_BYTES`` encoded by their own contract validators."""

MAX_NORMALIZED_EVENT_BYTES: Final = MAX_EVENT_BYTES + NORMALIZED_HEADROOM_BYTES
"""The largest value ingest publishes to ``sessions.events.v1``; larger is dead-lettered."""

DEAD_LETTER_PREFIX_BYTES: Final = 1 * KIB
"""How much of an original above ``MAX_EVENT_BYTES`` a dead letter keeps: enough to see
what it was, never the whole."""

DEAD_LETTER_MAX_KEY_BYTES: Final = 1 * KIB
"""A longer record key is cut to this in the dead letter (ids are at most 128 characters)."""

MAX_DEAD_LETTER_BYTES: Final = 1536 * KIB
"""Upper bound of one encoded dead letter: an original of ``MAX_EVENT_BYTES`` in base64
(1,398,104 bytes), the 10,000-character error at 6 bytes a character (``\\u0001``), the
longest key in base64 and the other fields; proven by a unit test."""

RECORD_OVERHEAD_BYTES: Final = 16 * KIB
"""Added to a value limit to get a topic's ``max.message.bytes``: the record batch header
(61 bytes), the record's key (at most ``DEAD_LETTER_MAX_KEY_BYTES`` where we write it),
headers (FastStream's content type and correlation id) and varints."""

MAX_TASK_CHANGELOG_BYTES: Final = 1 * MIB
"""``max.message.bytes`` of the queue's task changelog: a task's JSON is a few KB."""


def topic_max_message_bytes(value_limit: int) -> int:
    """A topic's ``max.message.bytes`` for records whose values are at most ``value_limit``."""
    return value_limit + RECORD_OVERHEAD_BYTES


RAW_TOPIC_MAX_MESSAGE_BYTES: Final = topic_max_message_bytes(MAX_RAW_RECORD_BYTES)
SESSION_TOPIC_MAX_MESSAGE_BYTES: Final = topic_max_message_bytes(MAX_NORMALIZED_EVENT_BYTES)
DEAD_LETTER_TOPIC_MAX_MESSAGE_BYTES: Final = topic_max_message_bytes(MAX_DEAD_LETTER_BYTES)

PRODUCER_MAX_REQUEST_BYTES: Final = DEAD_LETTER_TOPIC_MAX_MESSAGE_BYTES
"""The workers' producer ``max_request_size``: the biggest record a worker writes (a dead
letter), so the producer never refuses what the topic would take."""

CONSUMER_MAX_PARTITION_FETCH_BYTES: Final = RAW_TOPIC_MAX_MESSAGE_BYTES
"""Consumers fetch up to the biggest record of any topic per partition, so a record at its
topic's limit is read in one fetch, never stuck."""

# Content caps of the biggest events (contracts.media). In characters, which is what a
# producer can check; a character may take up to 6 bytes in JSON (``\u0001``), so the big
# event types also check their encoded size against MAX_EVENT_BYTES. At 4 bytes a
# character (any real text: emoji, CJK) every event at these caps fits (a unit test
# builds each at its caps).
MAX_EMAIL_SUBJECT_CHARS: Final = 998
"""RFC 5322's line length."""
MAX_HTML_BODY_CHARS: Final = 200_000
MAX_PARAMETER_NAME_CHARS: Final = 64
MAX_PARAMETER_VALUE_CHARS: Final = 5_120
MAX_PARAMETERS: Final = 256
MAX_PARAMETERS_TOTAL_CHARS: Final = 32_768
"""Names plus values of one update (at 6 bytes a character still under 200 KB)."""
MAX_UTTERANCE_CHARS: Final = 5_000
"""One caption or one line of a final transcript."""
MAX_TRANSCRIPT_LINES: Final = 2_500
"""A 3.5-hour call with an utterance every 5 seconds."""
MAX_TRANSCRIPT_TEXT_CHARS: Final = 200_000
"""All lines of a final transcript together: ~3.5 hours of speech."""
MAX_OFFSET_MS: Final = 31 * 24 * 3600 * 1000
"""A caption's offset from the start of its session; longer sessions do not exist."""
