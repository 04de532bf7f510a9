"""At-least-once Kafka delivery shared by the workers: broker factory, raw decoding,
retries, dead letters, batch isolation.

Failures form a small tree (``mysessions_platform.failures.classify`` draws it in full)::

    BaseException
    ├── OUTAGE: a server is away, slow or refusing (connection, timeout, Redis OOM,
    │     READONLY, BUSY, LOADING, …, Kafka errors other than a message's size or
    │     corruption, MongoDB not-primary, shutdown, time limits)
    │     retried with backoff; if still failing, the batch is NOT acknowledged and is
    │     read again later (never dead-lettered: the message is fine, the world is not),
    │     also when it strikes one record while the batch is being isolated
    └── MESSAGE: this message can never succeed (a bug it triggers, WRONGTYPE, a
          message too large for Kafka, a duplicate key, …)
          the batch is split, each message retried alone, and a message that still fails
          is dead-lettered with its reason ("failed"); messages that can never be valid
          are dead-lettered at once ("invalid")
"""
