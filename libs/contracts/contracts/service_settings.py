"""Service and tenant settings: what operators write (``*Spec``) and what the store keeps.

A service without settings has every widget off (``ServiceSettings.default``). The store
alone sets ``version``, ``updated_at`` and ``store_context_enabled_at``; a spec that names
them is rejected (extra fields are forbidden), so a settings file cannot forge them.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Final, Literal, Self

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from contracts.base import Identifier, Message, ShortText, UtcMillis
from contracts.limits import MAX_PARAMETER_NAME_CHARS
from contracts.templates import (
    MAX_TEMPLATE_CHARS,
    SYSTEM_FIELDS,
    parameter_name_problem,
    parse_url_template,
)

MAX_CODES: Final = 200
MAX_CONTEXT_LINKS: Final = 20
MAX_DETAIL_PARAMETERS: Final = 50
MAX_ENABLED_CATALOG_ITEMS: Final = 20
"""Code sets (and, apart, conversation contexts) of the tenant's catalog one service enables."""
MIN_ACW_WINDOW_S: Final = 60
MAX_ACW_WINDOW_S: Final = 7 * 24 * 3600
DEFAULT_ACW_WINDOW_S: Final = 24 * 3600
DEFAULT_MAP_URL_TEMPLATE: Final = "https://www.openstreetmap.org/search?query={caller.address}"
"""OpenStreetMap's search needs no API key; the address is percent-encoded into the query."""


def _valid_template(text: str) -> str:
    parse_url_template(text)  # ValueError names the problem; pydantic reports it on the field
    return text


UrlTemplate = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEMPLATE_CHARS),
    AfterValidator(_valid_template),
]
"""A URL template (see ``contracts.templates``), parsed when written."""


def _valid_parameter_name(name: str) -> str:
    if problem := parameter_name_problem(name):
        raise ValueError(problem)
    return name


DisplayParameterName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_PARAMETER_NAME_CHARS),
    AfterValidator(_valid_parameter_name),
]
"""A custom parameter's display name: 1..64 characters, spaces inside allowed (the bound
stated in the schema too, so the gateway's OpenAPI publishes it)."""

SystemField = Literal[
    "session_id", "service_id", "service_name", "service_upn", "caller", "modality", "started_at"
]
Label = Annotated[str, StringConstraints(min_length=1, max_length=64)]


def unique(values: Sequence[object], what: str) -> None:
    """Names the positions, never the value: reasons quote no values (``contracts.reasons``)."""
    first: dict[object, int] = {}
    for position, value in enumerate(values):
        if value in first:
            raise ValueError(f"the {what} at {position} appears twice (first at {first[value]})")
        first[value] = position


class Widgets(Message):
    """Which widgets and features the service shows; all off unless switched on."""

    codes_and_tags: bool = Field(default=False, description="After-call work codes and tags.")
    session_details: bool = False
    caller_information: bool = False
    map: bool = Field(default=False, description="A map of the caller's address, where known.")
    context_links: bool = False
    embedded_context: bool = False
    transcription: bool = Field(default=False, description="Live caption and final transcript.")
    email: bool = Field(default=False, description="The e-mail preview on e-mail tasks.")
    chat: bool = Field(default=False, description="The open-chat button on chat tasks.")


class Code(Message):
    id: Identifier = Field(
        description="Stable id saved with after-call work, e.g. sales-lead; at most 128 "
        "characters, no spaces."
    )
    label: Label = Field(description='What agents see, e.g. "Sales lead"; 1 to 64 characters.')


class ContextLink(Message):
    name: Label = Field(description="The link's caption; 1 to 64 characters, unique.")
    url_template: UrlTemplate = Field(description="At most 2,048 characters.")


class ParameterLabel(Message):
    """What agents see for a custom parameter instead of the name it arrives under."""

    name: DisplayParameterName = Field(
        description="The parameter as upstream names it, e.g. ticket_id; one of `parameters`."
    )
    label: Label = Field(description='What agents see, e.g. "Ticket ID"; 1 to 64 characters.')


class SessionDetailsFields(Message):
    system: tuple[SystemField, ...] = Field(
        default=SYSTEM_FIELDS,
        max_length=len(SYSTEM_FIELDS),
        description="System fields shown, in this order; each at most once.",
    )
    parameters: tuple[DisplayParameterName, ...] = Field(
        default=(),
        max_length=MAX_DETAIL_PARAMETERS,
        description=f"Custom parameters shown, by display name; at most {MAX_DETAIL_PARAMETERS}.",
    )
    # A list of its own beside `parameters` (not a string-or-object entry in it): each field
    # keeps one shape, and settings written before labels existed stay valid as they are.
    parameter_labels: tuple[ParameterLabel, ...] = Field(
        default=(),
        max_length=MAX_DETAIL_PARAMETERS,
        description='Labels agents see for shown parameters (ticket_id as "Ticket ID"); a '
        "parameter without one shows its name. Each names a parameter in `parameters`, once.",
    )

    @field_validator("system", "parameters")
    @classmethod
    def _no_repeats(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        unique(values, "field")
        return values

    @model_validator(mode="after")
    def _labels_name_shown_parameters(self) -> Self:
        """A label for a parameter that is not shown is a typo that would silently show the
        raw name: refused, by position (never the value)."""
        names = [entry.name for entry in self.parameter_labels]
        unique(names, "labelled parameter")
        for position, name in enumerate(names):
            if name not in self.parameters:
                raise ValueError(f"parameter_labels.{position} names no parameter in parameters")
        return self

    def label_of(self, parameter: str) -> str | None:
        """The label agents see for ``parameter``; None where the owners set none."""
        return next((e.label for e in self.parameter_labels if e.name == parameter), None)


class ServiceSettingsSpec(Message):
    """One service's settings as an operator writes them."""

    tenant_id: Identifier = Field(description="At most 128 characters, no spaces.")
    service_id: Identifier = Field(description="At most 128 characters, no spaces.")
    service_name: ShortText = Field(min_length=1, description="At most 256 characters.")
    widgets: Widgets = Widgets()
    primary_codes: tuple[Code, ...] = Field(
        default=(), max_length=MAX_CODES, description=f"At most {MAX_CODES}, ids unique."
    )
    secondary_codes: tuple[Code, ...] = Field(
        default=(), max_length=MAX_CODES, description=f"At most {MAX_CODES}, ids unique."
    )
    acw_window_s: int = Field(
        default=DEFAULT_ACW_WINDOW_S,
        ge=MIN_ACW_WINDOW_S,
        le=MAX_ACW_WINDOW_S,
        description="After-call work window in seconds: 60 s to 7 days, default 24 hours.",
    )
    context_links: tuple[ContextLink, ...] = Field(
        default=(), max_length=MAX_CONTEXT_LINKS, description=f"At most {MAX_CONTEXT_LINKS}."
    )
    embedded_context_url: UrlTemplate | None = Field(
        default=None, description="The embedded context widget's page; at most 2,048 chars."
    )
    map_url_template: UrlTemplate = Field(
        default=DEFAULT_MAP_URL_TEMPLATE, description="At most 2,048 characters."
    )
    session_details_fields: SessionDetailsFields = SessionDetailsFields()
    # Ids, not copies: a catalog change then reaches every service that enables the item,
    # and settings written before catalogs existed stay valid (both default to none).
    code_sets: tuple[Identifier, ...] = Field(
        default=(),
        max_length=MAX_ENABLED_CATALOG_ITEMS,
        description="Ids of the tenant's code sets this service uses (tenant admins define "
        "them); their codes follow the service's own. At most "
        f"{MAX_ENABLED_CATALOG_ITEMS}, each once.",
    )
    conversation_contexts: tuple[Identifier, ...] = Field(
        default=(),
        max_length=MAX_ENABLED_CATALOG_ITEMS,
        description="Ids of the tenant's conversation contexts this service uses; their links "
        f"follow the service's own. At most {MAX_ENABLED_CATALOG_ITEMS}, each once.",
    )
    store_context: bool = Field(
        default=False,
        description='"Store Conversation Context Data": keep the context of sessions that '
        "leave this service for 30 days. Off by default, not retroactive.",
    )

    @field_validator("primary_codes", "secondary_codes")
    @classmethod
    def _unique_codes(cls, codes: tuple[Code, ...]) -> tuple[Code, ...]:
        unique([code.id for code in codes], "code id")
        return codes

    @field_validator("context_links")
    @classmethod
    def _unique_links(cls, links: tuple[ContextLink, ...]) -> tuple[ContextLink, ...]:
        unique([link.name for link in links], "link name")
        return links

    @field_validator("code_sets", "conversation_contexts")
    @classmethod
    def _each_item_once(cls, items: tuple[str, ...]) -> tuple[str, ...]:
        unique(items, "catalog item")
        return items


class ServiceSettings(ServiceSettingsSpec):
    """A service's settings as stored and read by every worker."""

    version: int = Field(ge=0, description="1, 2, … per change; 0 for a service never set.")
    updated_at: UtcMillis | None = Field(description="Null for a service never set.")
    store_context_enabled_at: UtcMillis | None = Field(
        description="When store_context was last switched from off to on; null while it is "
        "off. Only sessions that left the service at or after it are stored."
    )

    @model_validator(mode="after")
    def _enabled_at_follows_the_switch(self) -> Self:
        if self.store_context != (self.store_context_enabled_at is not None):
            raise ValueError("store_context_enabled_at is set exactly when store_context is on")
        return self

    @classmethod
    def default(cls, tenant_id: str, service_id: str) -> "ServiceSettings":
        """A service nobody configured: every widget off, nothing stored, named by its id."""
        return cls(
            tenant_id=tenant_id,
            service_id=service_id,
            service_name=service_id,
            version=0,
            updated_at=None,
            store_context_enabled_at=None,
        )

    def spec(self) -> ServiceSettingsSpec:
        return ServiceSettingsSpec.model_validate(
            self.model_dump(include=set(ServiceSettingsSpec.model_fields))
        )

    def stores_context_at(self, instant: datetime) -> bool:
        """Whether a session that left this service at ``instant`` has its context stored."""
        enabled_at = self.store_context_enabled_at
        return enabled_at is not None and instant >= enabled_at


class TenantSettingsSpec(Message):
    """Settings of a whole tenant as an operator writes them."""

    tenant_id: Identifier = Field(description="At most 128 characters, no spaces.")
    crm_url_template: UrlTemplate | None = Field(
        default=None,
        description="The CRM lookup's URL (e.g. with {system.caller}); null for no CRM. "
        "At most 2,048 characters.",
    )
    crm_timeout_s: float = Field(
        default=2.0, ge=0.1, le=10.0, description="CRM lookup timeout, 0.1 s to 10 s."
    )


class TenantSettings(TenantSettingsSpec):
    version: int = Field(ge=0, description="1, 2, … per change; 0 for a tenant never set.")
    updated_at: UtcMillis | None = Field(description="Null for a tenant never set.")

    @classmethod
    def default(cls, tenant_id: str) -> "TenantSettings":
        return cls(tenant_id=tenant_id, version=0, updated_at=None)

    def spec(self) -> TenantSettingsSpec:
        return TenantSettingsSpec.model_validate(
            self.model_dump(include=set(TenantSettingsSpec.model_fields))
        )
