"""Asterisk queue_log adapter: pure translation of queue_log lines into session events.

Exceptions::

    ValueError
    └── QueueLogError   a malformed line
"""

from ingest_service.queue_log.lines import QueueLogError, QueueLogLine, parse_line
from ingest_service.queue_log.mapping import QueueLogOptions

__all__ = ["QueueLogError", "QueueLogLine", "QueueLogOptions", "parse_line"]
