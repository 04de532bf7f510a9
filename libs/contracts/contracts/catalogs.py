"""Tenant catalogs: code sets and conversation contexts a tenant admin defines once, which
service owners enable per service (by id, in ``ServiceSettingsSpec.code_sets`` and
``conversation_contexts``).

Items follow the rules a service's own codes and links follow (the same ``Code``,
``ContextLink`` and URL templates). What a service shows is its own codes and links plus
those of the items it enables: ``effective_settings``, the one rule every reader applies.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Final, TypeVar

from pydantic import Field, field_validator

from contracts.base import Identifier, Message, UtcMillis
from contracts.service_settings import (
    MAX_CODES,
    MAX_CONTEXT_LINKS,
    Code,
    ContextLink,
    Label,
    ServiceSettings,
    UrlTemplate,
    unique,
)

__all__ = [
    "MAX_CATALOG_ITEMS",
    "CodeSet",
    "CodeSetSpec",
    "ConversationContext",
    "ConversationContextSpec",
    "effective_settings",
]

MAX_CATALOG_ITEMS: Final = 100
"""Code sets (and, apart, conversation contexts) one tenant may define."""

T = TypeVar("T")


class CodeSetSpec(Message):
    """A named list of primary and secondary codes, as a tenant admin writes it."""

    id: Identifier = Field(description="Stable id services enable it by; no spaces, ≤ 128.")
    name: Label = Field(description="What owners see when enabling it; 1 to 64 characters.")
    primary_codes: tuple[Code, ...] = Field(
        default=(), max_length=MAX_CODES, description=f"At most {MAX_CODES}, ids unique."
    )
    secondary_codes: tuple[Code, ...] = Field(
        default=(), max_length=MAX_CODES, description=f"At most {MAX_CODES}, ids unique."
    )

    @field_validator("primary_codes", "secondary_codes")
    @classmethod
    def _unique_codes(cls, codes: tuple[Code, ...]) -> tuple[Code, ...]:
        unique([code.id for code in codes], "code id")
        return codes


class ConversationContextSpec(Message):
    """Named link templates and an embedded page, as a tenant admin writes them."""

    id: Identifier = Field(description="Stable id services enable it by; no spaces, ≤ 128.")
    name: Label = Field(description="What owners see when enabling it; 1 to 64 characters.")
    context_links: tuple[ContextLink, ...] = Field(
        default=(), max_length=MAX_CONTEXT_LINKS, description=f"At most {MAX_CONTEXT_LINKS}."
    )
    embedded_context_url: UrlTemplate | None = Field(
        default=None, description="The embedded context widget's page; at most 2,048 chars."
    )

    @field_validator("context_links")
    @classmethod
    def _unique_links(cls, links: tuple[ContextLink, ...]) -> tuple[ContextLink, ...]:
        unique([link.name for link in links], "link name")
        return links


class _Stored(Message):
    """What the store adds; ``removed`` keeps the version line going after a removal, so an
    item defined again later continues its history instead of clashing with it."""

    tenant_id: Identifier
    version: int = Field(ge=1, description="1, 2, … per change (a removal is one too).")
    updated_at: UtcMillis
    removed: bool = Field(default=False, description="Removed by the admin; enables nothing.")


class CodeSet(CodeSetSpec, _Stored):
    def spec(self) -> CodeSetSpec:
        return CodeSetSpec.model_validate(self.model_dump(include=set(CodeSetSpec.model_fields)))


class ConversationContext(ConversationContextSpec, _Stored):
    def spec(self) -> ConversationContextSpec:
        return ConversationContextSpec.model_validate(
            self.model_dump(include=set(ConversationContextSpec.model_fields))
        )


def effective_settings(
    settings: ServiceSettings,
    code_sets: Mapping[str, CodeSetSpec],
    contexts: Mapping[str, ConversationContextSpec],
) -> ServiceSettings:
    """The settings a service shows: its own codes and links first, then those of each
    enabled item in the order the service lists them.

    An id enabled but not in the catalog (removed meanwhile) adds nothing. A code id (a link
    name) already given keeps its first label (URL): the service's own always win, so an
    admin's later edit never relabels what an owner chose. Each list stops at its maximum
    (200 codes, 20 links); the embedded page is the service's own, else the first enabled
    context's that has one."""
    sets = [code_sets[item] for item in settings.code_sets if item in code_sets]
    chosen = [contexts[item] for item in settings.conversation_contexts if item in contexts]
    if not sets and not chosen:
        return settings
    embedded = settings.embedded_context_url or next(
        (context.embedded_context_url for context in chosen if context.embedded_context_url),
        None,
    )
    return settings.model_copy(
        update={
            "primary_codes": _first_of_each(
                _chain(settings.primary_codes, (s.primary_codes for s in sets)),
                lambda code: code.id,
                MAX_CODES,
            ),
            "secondary_codes": _first_of_each(
                _chain(settings.secondary_codes, (s.secondary_codes for s in sets)),
                lambda code: code.id,
                MAX_CODES,
            ),
            "context_links": _first_of_each(
                _chain(settings.context_links, (c.context_links for c in chosen)),
                lambda link: link.name,
                MAX_CONTEXT_LINKS,
            ),
            "embedded_context_url": embedded,
        }
    )


def _chain(own: tuple[T, ...], enabled: Iterable[tuple[T, ...]]) -> Iterable[T]:
    yield from own
    for items in enabled:
        yield from items


def _first_of_each(items: Iterable[T], key: Callable[[T], str], limit: int) -> tuple[T, ...]:
    kept: dict[str, T] = {}
    for item in items:
        if len(kept) == limit:
            break
        kept.setdefault(key(item), item)
    return tuple(kept.values())
