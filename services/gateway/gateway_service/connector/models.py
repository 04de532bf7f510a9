"""The connector API's bodies and answers. Parameter names and values, and caller details,
take the very types of the events they become (``contracts``), so a body is refused by
the same rules a Kafka producer's event is."""

from typing import Annotated

from contracts.base import Identifier
from contracts.caller_details import City, Company, Country, Email, Name, Phone, PostalCode, Street
from contracts.limits import MAX_PARAMETERS
from contracts.media import ParameterName, ParameterValue
from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Accepted", "CallerDetails", "ParameterNames", "ParameterValues"]


class _InService(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service_session_id: Identifier | None = Field(
        default=None, description="The service session to change (or name the service)."
    )
    service_id: Identifier | None = Field(
        default=None,
        description="The service whose open service session of the session to change.",
    )

    @model_validator(mode="after")
    def _names_one(self) -> "_InService":
        if (self.service_session_id is None) == (self.service_id is None):
            raise ValueError("name either service_session_id or service_id")
        return self


class ParameterValues(_InService):
    parameters: Annotated[
        dict[ParameterName, ParameterValue],
        Field(
            min_length=1,
            max_length=MAX_PARAMETERS,
            description="Display name -> value (names 1-64 characters, values at most 5,120, "
            "all together at most 32,768 characters).",
        ),
    ]


class ParameterNames(_InService):
    names: Annotated[
        list[ParameterName],
        Field(min_length=1, max_length=MAX_PARAMETERS, description="Parameters to remove."),
    ]


class CallerDetails(_InService):
    """Replaces what was known of the caller; a field left out is unknown. At least one
    of display name, company, e-mail or phone."""

    display_name: Name | None = None
    company: Company | None = None
    street: Street | None = None
    postal_code: PostalCode | None = None
    city: City | None = None
    country: Country | None = None
    email: Email | None = None
    phone: Phone | None = None


class Accepted(BaseModel):
    """Published to the session's events (the agent's page shows it within a second)."""

    event_id: str = Field(description="The event's id: a retry with a new call makes a new one.")
    session_id: str
    service_session_id: str
    service_id: str
