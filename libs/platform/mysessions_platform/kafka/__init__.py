"""At-least-once Kafka delivery shared by the workers: broker factory, raw decoding,
retries, dead letters, batch isolation.

Failures form a small tree::

    Exception
    ├── transient (is_transient): Redis/Kafka/MongoDB unreachable, timeouts
    │     retried with backoff; if still failing, the batch is NOT acknowledged and is
    │     read again later (never dead-lettered: the message is fine, the world is not)
    └── anything else: a problem with a message
          the batch is split, each message retried alone, and a message that still fails
          is dead-lettered with its reason ("failed"); messages that can never be valid
          are dead-lettered at once ("invalid")
"""
