"""The activity an event shows, read without decoding the whole contract: events that
change no task (captions, transcripts, parameters) still keep their session awake."""

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError


class Activity(BaseModel):
    """The three fields every session event carries; the rest of the record is ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    tenant_id: str
    session_id: str
    occurred_at: AwareDatetime


def activity_of(raw: bytes) -> Activity | None:
    """None for a record without them (ingest validated every event; not ours to judge)."""
    try:
        return Activity.model_validate_json(raw)
    except ValidationError:
        return None


def later(first: datetime | None, second: datetime) -> datetime:
    return second if first is None or second > first else first
