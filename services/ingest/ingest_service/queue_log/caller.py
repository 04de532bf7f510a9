"""The caller of a queue_log call, from ENTERQUEUE's caller id fields.

Asterisk logs the caller id *number* (empty when the caller withheld it, unless
``log_restricted_caller_id`` is set) and, in recent versions (``log_cidname`` in
queues.conf), the caller id name as a fourth field.
"""

import re
from typing import Final

from contracts import Party
from contracts.parties import PSTN_PATTERN
from contracts.single_line import is_single_line

ANONYMOUS: Final = Party(address="anonymous", address_kind="anonymous")

_PSTN = re.compile(PSTN_PATTERN)
_DIAL_PUNCTUATION = re.compile(r"[\s().-]")
_MAX_NAME_CHARS = 256


def caller_party(number: str, name: str = "") -> Party:
    """A PSTN party when the number is one (punctuation dropped), else anonymous.

    Anything else (empty, ``anonymous``, ``unknown``, ``Restricted``, a SIP URI) is treated
    as anonymous, and then the name is dropped too: a caller who withheld the number did
    not mean to be identified by name either. A name with control characters is dropped
    (the contract refuses it in a display name, and the call is worth more than the name).
    """
    compact = _DIAL_PUNCTUATION.sub("", number)
    if not _PSTN.match(compact):
        return ANONYMOUS
    display = name.strip()[:_MAX_NAME_CHARS]
    if not is_single_line(display):
        display = ""
    return Party(address=compact, address_kind="pstn", display_name=display or None)
