from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from ingest_service.queue_log import QueueLogError, parse_line

pytestmark = pytest.mark.unit


def test_the_documentations_example_line() -> None:
    # docs.asterisk.org, Operation > Logging > Queue Logs
    line = parse_line("1366720340|1366720340.303267|MYQUEUE|SIP/8007|RINGNOANSWER|1000", 7)

    assert line.line_number == 7
    assert line.time == datetime(2013, 4, 23, 12, 32, 20, tzinfo=UTC)
    assert (line.callid, line.queue, line.agent, line.event) == (
        "1366720340.303267",
        "MYQUEUE",
        "SIP/8007",
        "RINGNOANSWER",
    )
    assert line.data == ("1000",)


def test_line_endings_are_not_data_and_empty_fields_are_kept() -> None:
    line = parse_line("1718000100|1718000100.1|support|NONE|ENTERQUEUE||+15551230001|1|\r\n", 1)

    assert line.data == ("", "+15551230001", "1", "")
    assert line.text.endswith("|1|")


def test_a_formatted_time_is_read_in_the_configured_zone() -> None:
    # The realtime backend's "%F %T.%6q", here in summer time in Paris (UTC+2).
    text = "2024-06-10 08:15:00.250000|1718000100.1|support|NONE|ENTERQUEUE||123|1|"

    line = parse_line(text, 1, ZoneInfo("Europe/Paris"))

    assert line.time == datetime(2024, 6, 10, 6, 15, 0, 250000, tzinfo=UTC)


def test_a_formatted_time_without_fraction_and_an_epoch_with_one() -> None:
    plain = parse_line("2024-01-10 08:15:00|c|q|NONE|QUEUESTART|", 1, ZoneInfo("Europe/Paris"))
    fractional = parse_line("1704870900.5|c|q|NONE|QUEUESTART|", 2)

    assert plain.time == datetime(2024, 1, 10, 7, 15, tzinfo=UTC)
    assert fractional.time == datetime(2024, 1, 10, 7, 15, 0, 500000, tzinfo=UTC)


def test_repr_leaves_out_the_callers_data() -> None:
    line = parse_line("1718000100|c.1|support|NONE|ENTERQUEUE||+15551230001|1|Jane Roe", 1)

    assert "15551230001" not in repr(line)
    assert "Jane" not in repr(line)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("+15551230001 called", "expected at least 5 '|'-separated fields, found 1"),
        ("1718000100|c.1|support|NONE", "expected at least 5 '|'-separated fields, found 4"),
        ("yesterday|c.1|q|NONE|ENTERQUEUE||+15551230001|1|", "the time field is neither"),
        ("2024-02-30 10:00:00|c.1|q|NONE|ENTERQUEUE||+15551230001|1|", "not a valid date"),
        ("1718000100|c.1|q|NONE| |+15551230001", "the event field (5th) is empty"),
    ],
)
def test_malformed_lines_name_their_number_but_never_the_caller(text: str, reason: str) -> None:
    with pytest.raises(QueueLogError) as raised:
        parse_line(text, 42)

    assert raised.value.line_number == 42
    assert str(raised.value).startswith("queue_log line 42")
    assert reason in str(raised.value)
    assert "5551230001" not in str(raised.value)
