"""structlog, configured once per process: JSON lines on stderr, personal data masked."""

import logging
import sys
from typing import TextIO, cast

import structlog

from mysessions_platform.redaction import mask_sensitive


class _StderrAtWriteTime:
    """sys.stderr looked up on every write, not once at configuration. A stream bound at
    configuration outlives whoever replaced sys.stderr then (a test runner's capture, a
    daemoniser): the next log line in the same process would raise "I/O operation on closed
    file" in the middle of a worker's start-up instead of being written."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(format="%(message)s", stream=_StderrAtWriteTime(), level=level.upper())
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            mask_sensitive,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=cast(TextIO, _StderrAtWriteTime())),
        cache_logger_on_first_use=True,
    )
