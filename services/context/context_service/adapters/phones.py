"""Phone numbers in E.164, the one form the address book stores and looks up."""

from typing import Final

import phonenumbers

__all__ = ["InvalidPhoneNumber", "check_region", "lookup_form", "to_e164"]

REGIONS: Final = frozenset(phonenumbers.SUPPORTED_REGIONS)


class InvalidPhoneNumber(ValueError):
    """The message never quotes the number."""


def check_region(region: str | None) -> str | None:
    if region is None:
        return None
    if region.upper() not in REGIONS:
        raise ValueError("not a known region code (ISO 3166 alpha-2, e.g. CH)")
    return region.upper()


def to_e164(raw: str, region: str | None) -> str:
    """A number as written in an address book (national with ``region``, or international)
    in E.164; numbers libphonenumber does not consider valid are refused."""
    where = f" for region {region}" if region else " (no region given: write it with +)"
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhoneNumber(f"not a phone number{where}") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(f"not a valid phone number{where}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def lookup_form(address: str, region: str | None) -> str:
    """A caller's number as upstream delivered it, in the form the address book stores.
    Lenient: a number it cannot place is looked up as digits with a leading ``+``."""
    for candidate, hint in ((address, region), ("+" + address.lstrip("+"), None)):
        try:
            number = phonenumbers.parse(candidate, hint)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return "+" + address.lstrip("+")
