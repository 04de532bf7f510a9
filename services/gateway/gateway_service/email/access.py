"""Which mail a caller may see on a task: none unless it is an e-mail task of a service
with the E-mail widget on, the task is still live, and its session's mail is kept.

An ended task shows no mail even while its session lives on elsewhere (a transfer): the
queue's rule for ended tasks (no caller details, no e-mail content) holds here too. The
callers of this module have already proven the task is the caller's own.
"""

from contracts import EmailReceived

from gateway_service.auth.principal import Principal
from gateway_service.email.ports import EmailPorts, EmailTask

__all__ = ["mail_of"]


async def mail_of(ports: EmailPorts, caller: Principal, task: EmailTask) -> EmailReceived | None:
    if task.modality != "email" or task.service_id is None or task.state == "ended":
        return None
    settings = await ports.settings.get(caller.tenant_id, task.service_id)
    if settings is None or not settings.widgets.email:
        return None
    return await ports.mail.get(caller.tenant_id, task.session_id)
