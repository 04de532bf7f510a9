import inspect

import ingest_service.queue_log as queue_log
import pytest

pytestmark = pytest.mark.unit


def test_the_public_surface_is_what_it_claims() -> None:
    assert sorted(queue_log.__all__) == [
        "QueueLogError",
        "QueueLogLine",
        "QueueLogOptions",
        "QueueLogTranslator",
        "parse_line",
    ]
    for name in queue_log.__all__:
        assert getattr(queue_log, name).__module__.startswith("ingest_service.queue_log.")


def test_the_translator_signatures() -> None:
    feed = inspect.signature(queue_log.QueueLogTranslator.feed)
    finish = inspect.signature(queue_log.QueueLogTranslator.finish)

    assert list(feed.parameters) == ["self", "line", "line_number"]
    assert list(finish.parameters) == ["self"]
