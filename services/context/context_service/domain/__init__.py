"""The context service's pure rules: no I/O, standard library only."""

from context_service.domain.callers import (
    ANONYMOUS,
    FIELD_LIMITS,
    AddressBook,
    AddressKind,
    Caller,
    Crm,
    Directory,
    Resolution,
    Source,
    anonymous,
    resolve_caller,
)

__all__ = [
    "ANONYMOUS",
    "FIELD_LIMITS",
    "AddressBook",
    "AddressKind",
    "Caller",
    "Crm",
    "Directory",
    "Resolution",
    "Source",
    "anonymous",
    "resolve_caller",
]
