"""Where a transfer went, as far as queue_log tells.

TRANSFER and BLINDTRANSFER name the dialed extension and context: a mapped agent reached by
that extension is a user target, anything else a service ``ext-<extension>``. When the call
then enters another queue, that ENTERQUEUE starts the next service session of the same
session; the transfer event keeps the extension it named.

ATTENDEDTRANSFER names no extension. For ``LINK`` it gives the two channels that link the
bridges: a ``Local/<exten>@<context>-...`` channel is resolved like an extension and a
``PJSIP/1002-...`` channel like an agent interface. ``APP`` gives the application
(service ``app-<application>``); ``BRIDGE`` only a bridge id (service ``attended-bridge``).
"""

import re

from contracts import TransferTarget

from ingest_service.queue_log.fields import Transfer
from ingest_service.queue_log.identifiers import safe_identifier
from ingest_service.queue_log.mapping import MAX_NAME_CHARS, QueueLogOptions

_CHANNEL = re.compile(r"^(?P<interface>[^/]+/.+?)(?:-[0-9a-fA-F]{8}(?:;[12])?)?$")
"""``tech/resource-<sequence>[;1|;2]``: the interface is what precedes the sequence."""


def _service(service_id: str, name: str) -> TransferTarget:
    return TransferTarget(
        kind="service",
        service_id=safe_identifier(service_id, lower=True, allow_slash=False, fallback="ext"),
        service_name=name[:MAX_NAME_CHARS],
    )


def _to_extension(options: QueueLogOptions, extension: str, context: str) -> TransferTarget:
    user = options.user_id_for_extension(extension, context)
    if user is not None:
        return TransferTarget(kind="user", user_id=user)
    return _service(f"ext-{extension}", f"{extension}@{context}" if context else extension)


def _linked_target(options: QueueLogOptions, channels: tuple[str, ...]) -> TransferTarget | None:
    for channel in channels:
        match = _CHANNEL.match(channel)
        if match is None:
            continue
        interface = match.group("interface")
        tech, resource = interface.split("/", 1)
        if tech.casefold() == "local":
            extension, _, context = resource.partition("@")
            return _to_extension(options, extension, context)
        user = options.known_user_id(interface)
        if user is not None:
            return TransferTarget(kind="user", user_id=user)
    return None


def transfer_target(options: QueueLogOptions, transfer: Transfer) -> TransferTarget:
    if transfer.mode == "blind":
        return _to_extension(options, transfer.extension, transfer.context)
    if transfer.method == "LINK":
        linked = _linked_target(options, transfer.method_data)
        if linked is not None:
            return linked
    if transfer.method == "APP" and transfer.method_data:
        application = transfer.method_data[0]
        return _service(f"app-{application}", f"application {application}")
    method = transfer.method.lower() or "unknown"
    return _service(f"attended-{method}", f"attended transfer ({method})")
