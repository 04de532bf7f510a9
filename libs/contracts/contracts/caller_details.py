"""What an integrator's system (a CRM flow, through the gateway's connector API) knows
about the caller of a live session: the details the agent's Caller Information shows."""

from typing import Annotated, Final, Literal

from pydantic import Field, StringConstraints, model_validator

from contracts.base import Event, Identifier
from contracts.single_line import SingleLine

__all__ = [
    "CALLER_DETAIL_LIMITS",
    "CallerDetailsUpdated",
    "City",
    "Company",
    "Country",
    "Email",
    "Name",
    "Phone",
    "PostalCode",
    "Street",
]

CALLER_DETAIL_LIMITS: Final[dict[str, int]] = {
    "display_name": 256,
    "company": 256,
    "street": 256,
    "city": 128,
    "postal_code": 32,
    "country": 64,
    "email": 320,
    "phone": 32,
}
"""Each field's maximum in characters: the same as every caller source is cut to."""


def _text(limit: int, pattern: str | None = None) -> StringConstraints:
    return StringConstraints(min_length=1, max_length=limit, strip_whitespace=True, pattern=pattern)


_L = CALLER_DETAIL_LIMITS
Name = Annotated[str, _text(_L["display_name"]), SingleLine()]
Company = Annotated[str, _text(_L["company"]), SingleLine()]
Street = Annotated[str, _text(_L["street"]), SingleLine()]
PostalCode = Annotated[str, _text(_L["postal_code"]), SingleLine()]
City = Annotated[str, _text(_L["city"]), SingleLine()]
Country = Annotated[str, _text(_L["country"]), SingleLine()]
Email = Annotated[str, _text(_L["email"], r"^[^@\s]+@[^@\s]+$")]
Phone = Annotated[str, _text(_L["phone"], r"^\+?[0-9 ()./-]{3,32}$")]


class CallerDetailsUpdated(Event):
    """The caller as an integrator's system knows them, for the session's live context
    (shown with source ``crm``). Each update replaces the details set before; fields left
    out are unknown. On one line each: they end up in headers and links."""

    type: Literal["context.caller_updated"] = "context.caller_updated"
    service_session_id: Identifier = Field(description="The service session it was set in.")
    display_name: Name | None = None
    company: Company | None = None
    street: Street | None = None
    postal_code: PostalCode | None = None
    city: City | None = None
    country: Country | None = None
    email: Email | None = None
    phone: Phone | None = None

    @model_validator(mode="after")
    def _says_something(self) -> "CallerDetailsUpdated":
        if not (self.display_name or self.company or self.email or self.phone):
            raise ValueError(
                "caller details name the caller: a display name, company, e-mail or phone"
            )
        return self
