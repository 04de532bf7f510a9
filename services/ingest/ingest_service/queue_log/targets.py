"""Where a transfer went, as far as queue_log tells.

TRANSFER and BLINDTRANSFER name the dialed extension and context: a mapped agent reached by
that extension is a user target; any other extension is an ``external`` target (queue_log
does not say what is behind it) whose address is the extension when it is a number or
``name@domain``, else none. When the call then enters another queue, that ENTERQUEUE starts
the next service session of the same session.

ATTENDEDTRANSFER names no extension. For ``LINK`` it gives the two channels that link the
bridges: a ``Local/<exten>@<context>-...`` channel is resolved like an extension and a
``PJSIP/1002-...`` channel like an agent interface. ``APP`` (an application) and ``BRIDGE``
(a bridge id) name no destination, nor does a ``LINK`` that resolves to none of these:
the target is ``unknown``. No placeholder service ids are made up.

The AMI bridge resolves its transfer events with the same two rules
(:func:`extension_target`, :func:`linked_target`).
"""

import re

from contracts import TransferTarget
from contracts.parties import PSTN_PATTERN, UPN_PATTERN

from ingest_service.queue_log.fields import Transfer
from ingest_service.queue_log.mapping import QueueLogOptions

_CHANNEL = re.compile(r"^(?P<interface>[^/]+/.+?)(?:-[0-9a-fA-F]{8}(?:;[12])?)?$")
"""``tech/resource-<sequence>[;1|;2]``: the interface is what precedes the sequence."""


UNKNOWN = TransferTarget(kind="unknown")
MAX_ADDRESS_CHARS = 320
"""``contracts.parties.Address``'s limit."""


def extension_target(options: QueueLogOptions, extension: str, context: str) -> TransferTarget:
    user = options.user_id_for_extension(extension, context)
    if user is not None:
        return TransferTarget(kind="user", user_id=user)
    dialable = len(extension) <= MAX_ADDRESS_CHARS and (
        re.match(PSTN_PATTERN, extension) or re.match(UPN_PATTERN, extension)
    )
    return TransferTarget(kind="external", address=extension if dialable else None)


def linked_target(options: QueueLogOptions, channels: tuple[str, ...]) -> TransferTarget | None:
    for channel in channels:
        match = _CHANNEL.match(channel)
        if match is None:
            continue
        interface = match.group("interface")
        tech, resource = interface.split("/", 1)
        if tech.casefold() == "local":
            extension, _, context = resource.partition("@")
            return extension_target(options, extension, context)
        user = options.known_user_id(interface)
        if user is not None:
            return TransferTarget(kind="user", user_id=user)
    return None


def transfer_target(options: QueueLogOptions, transfer: Transfer) -> TransferTarget:
    if transfer.mode == "blind":
        return extension_target(options, transfer.extension, transfer.context)
    if transfer.method == "LINK":
        linked = linked_target(options, transfer.method_data)
        if linked is not None:
            return linked
    return UNKNOWN
