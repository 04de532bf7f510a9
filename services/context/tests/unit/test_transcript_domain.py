"""Live captions (order, refinement, bound) and the transcript states, in plain Python."""

from datetime import UTC, datetime, timedelta

import pytest
from context_service.transcripts.domain import (
    PENDING_LIMIT,
    RETENTION,
    Caption,
    LiveCaptions,
    StoredTranscript,
    TranscriptLine,
    expiry_of,
    replaces,
    transcript_state,
)

pytestmark = pytest.mark.unit

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def caption(segment_id: str, start_ms: int, text: str = "hi", final: bool = True) -> Caption:
    return Caption("ss-1", segment_id, "caller", start_ms, start_ms + 500, text, final)


def test_captions_are_ordered_by_start_then_segment_id() -> None:
    live = LiveCaptions()
    for c in (caption("b", 2_000), caption("z", 1_000), caption("a", 2_000), caption("c", 0)):
        assert live.apply(c)
    assert [c.segment_id for c in live.ordered()] == ["c", "z", "a", "b"]


def test_a_refined_caption_replaces_its_earlier_version_and_may_move() -> None:
    live = LiveCaptions()
    live.apply(caption("s1", 1_000, "hel", final=False))
    live.apply(caption("s2", 1_500, "world"))
    assert live.apply(caption("s1", 1_800, "hello there", final=False))
    assert [(c.segment_id, c.text) for c in live.ordered()] == [
        ("s2", "world"),
        ("s1", "hello there"),
    ]


def test_a_partial_never_replaces_a_final_but_a_final_replaces_either() -> None:
    live = LiveCaptions()
    live.apply(caption("s1", 0, "hello", final=True))
    assert not live.apply(caption("s1", 0, "hel", final=False))
    assert live.apply(caption("s1", 0, "hello!", final=True))
    assert [c.text for c in live.ordered()] == ["hello!"]
    assert replaces(caption("s", 0, final=False), caption("s", 0, final=False))
    assert replaces(caption("s", 0, final=True), None)


def test_only_the_last_captions_are_kept() -> None:
    live = LiveCaptions(limit=3)
    for n in range(5):
        live.apply(caption(f"s{n}", n * 1_000))
    assert [c.segment_id for c in live.ordered()] == ["s2", "s3", "s4"]
    live.apply(caption("early", 10))  # older than all kept: it is the one dropped
    assert [c.segment_id for c in live.ordered()] == ["s2", "s3", "s4"]
    assert LiveCaptions().limit == 2_000


def stored(at: datetime) -> StoredTranscript:
    return StoredTranscript((TranscriptLine("agent", "hi", 0),), at, expiry_of(at))


def test_states_from_not_transcribed_to_live_to_pending_to_available() -> None:
    live = (caption("s1", 0),)
    assert transcript_state(None, T0, transcribed=False, left_at=None).state == "none"
    assert transcript_state(None, T0, transcribed=False, left_at=T0).state == "none"
    during = transcript_state(None, T0, transcribed=True, left_at=None, captions=live)
    assert (during.state, during.captions) == ("live", live)
    assert transcript_state(None, T0, transcribed=True, left_at=T0, captions=live).captions == ()
    assert transcript_state(None, T0, transcribed=True, left_at=T0).state == "pending"
    waited = T0 + PENDING_LIMIT - timedelta(seconds=1)
    assert transcript_state(None, waited, transcribed=True, left_at=T0).state == "pending"
    gave_up = transcript_state(None, T0 + PENDING_LIMIT, transcribed=True, left_at=T0)
    assert gave_up.state == "none", "a final that never came"
    done = transcript_state(stored(T0), T0, transcribed=True, left_at=T0)
    assert (done.state, done.lines[0].text, done.expires_at) == ("available", "hi", T0 + RETENTION)


def test_a_stored_transcript_is_shown_until_30_days_and_never_after() -> None:
    kept = stored(T0)
    last = T0 + timedelta(days=29, hours=23)
    assert transcript_state(kept, last, transcribed=True, left_at=T0).state == "available"
    for later in (T0 + timedelta(days=30), T0 + timedelta(days=400)):
        expired = transcript_state(kept, later, transcribed=True, left_at=T0)
        assert (expired.state, expired.lines) == ("expired", ())


def test_the_package_exports_what_it_claims() -> None:
    import context_service.transcripts as transcripts

    assert len(transcripts.__all__) == len(set(transcripts.__all__))
    assert all(hasattr(transcripts, name) for name in transcripts.__all__)
