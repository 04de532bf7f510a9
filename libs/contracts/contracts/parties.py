"""Who is on the other end of a session."""

import re
from typing import Annotated, Literal

from pydantic import StringConstraints, model_validator

from contracts.base import Message
from contracts.single_line import HeaderText, SingleLine

PSTN_PATTERN = r"^\+?[0-9]{3,20}$"
UPN_PATTERN = r"^[^@\s]+@[^@\s]+$"

Address = Annotated[
    str, StringConstraints(min_length=1, max_length=320, strip_whitespace=True), SingleLine()
]
"""A number or name@domain, on one line: a connector writes it into a header."""


class Party(Message):
    """A caller, e-mail sender, chat visitor or outbound destination.

    ``address`` is a PSTN number (``pstn``) or a user principal name / e-mail address
    (``upn``, ``email``); ``display_name`` is what upstream knew, if anything. Both refuse
    control characters (``contracts.single_line``): a reply's ``To:`` header is made of them.
    """

    address: Address
    address_kind: Literal["pstn", "upn", "email", "anonymous"]
    display_name: HeaderText | None = None

    @model_validator(mode="after")
    def _address_matches_kind(self) -> "Party":
        if self.address_kind == "pstn" and not re.match(PSTN_PATTERN, self.address):
            raise ValueError("a pstn address is digits with an optional leading +")
        if self.address_kind in ("upn", "email") and not re.match(UPN_PATTERN, self.address):
            raise ValueError(f"a {self.address_kind} address looks like name@domain")
        return self
