"""Asterisk queue_log adapter: pure translation of queue_log lines into session events.

No I/O: callers read the file (or the realtime table) and feed lines in order::

    translator = QueueLogTranslator(QueueLogOptions(tenant_id="acme"))
    for line in lines:
        publish(translator.feed(line))
    translator.finish()

Exceptions::

    ValueError
    └── QueueLogError   a malformed line (recorded in ``QueueLogTranslator.errors``)
"""

from ingest_service.queue_log.lines import QueueLogError, QueueLogLine, parse_line
from ingest_service.queue_log.mapping import QueueLogOptions
from ingest_service.queue_log.translate import QueueLogTranslator

__all__ = [
    "QueueLogError",
    "QueueLogLine",
    "QueueLogOptions",
    "QueueLogTranslator",
    "parse_line",
]
