"""Reading a queue_log line costs time linear in the line, whatever it holds (issue 13).

A line carries what callers chose (the caller id name) and what a file's author chose
(everything else); each input below is at MAX_LINE_CHARS and stresses one step: splitting
on '|', the caller's name that keeps the rest of the line, identifiers made safe, channel
names of an attended transfer, dialable extensions, the time field.
"""

from collections.abc import Callable

import pytest
from ingest_service.queue_log import QueueLogOptions, QueueLogTranslator
from ingest_service.queue_log.lines import MAX_LINE_CHARS
from mysessions_platform.testing.linear_time import assert_linear, repeated_to

pytestmark = pytest.mark.unit

ENTER = "1700000000|c1|q|NONE|ENTERQUEUE||+41791234567||Name"
CONNECT = "1700000001|c1|q|PJSIP/1001|CONNECT|2|c1.1|1"

HOSTILE: dict[str, Callable[[int], str]] = {
    "caller name": lambda n: (ENTER + repeated_to("é|", n))[:n],
    "only separators": lambda n: (ENTER + "|" * n)[:n],
    "unsafe call id": lambda n: (
        "1700000000|" + repeated_to(" !", n - 60) + "|q|NONE|ENTERQUEUE||1||x"
    ),
    "attended link": lambda n: (
        "1700000002|c1|q|PJSIP/1001|ATTENDEDTRANSFER|LINK|PJSIP/"
        + repeated_to("a-", n // 2 - 80)
        + "|Local/"
        + repeated_to("1@", n // 2 - 80)
        + "|1|2|3"
    ),
    "many channels": lambda n: (
        "1700000002|c1|q|PJSIP/1001|ATTENDEDTRANSFER|LINK|"
        + repeated_to("a/b-|", n - 60)
        + "|1|2|3"
    ),
    "empty columns": lambda n: (
        "1700000002|c1|q|PJSIP/1001|ATTENDEDTRANSFER|" + " |" * (n // 2 - 30)
    ),
    "long extension": lambda n: (
        "1700000002|c1|q|PJSIP/1001|TRANSFER|" + repeated_to("a@", n - 50) + "|c|1|2|3"
    ),
    "time field": lambda n: repeated_to("1", n - 40) + "|c1|q|NONE|ENTERQUEUE||1||x",
}


def _feed_after_a_call(line: str) -> None:
    translator = QueueLogTranslator(QueueLogOptions(tenant_id="acme"))
    translator.feed(ENTER, 1)
    translator.feed(CONNECT, 2)
    translator.feed(line, 3)
    assert not translator.errors or "longer" not in str(translator.errors[0])


@pytest.mark.serial
@pytest.mark.parametrize("shape", HOSTILE)
def test_a_line_costs_time_linear_in_its_length(shape: str) -> None:
    make = HOSTILE[shape]
    assert len(make(MAX_LINE_CHARS)) <= MAX_LINE_CHARS
    assert_linear(_feed_after_a_call, make, MAX_LINE_CHARS, within_s=0.05, calls=20)


def test_a_line_above_the_maximum_is_an_error_that_quotes_nothing() -> None:
    translator = QueueLogTranslator(QueueLogOptions(tenant_id="acme"))
    secret = "Zelda Quimby"
    line = ENTER.replace("Name", secret) + "x" * MAX_LINE_CHARS
    assert translator.feed(line) == []
    [error] = translator.errors
    assert "longer than" in error.reason
    assert secret not in str(error)
