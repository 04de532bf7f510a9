"""Unprovisioning the gateway's own e-mail stores: reply drafts and sent replies.

A tenant's: every draft and reply. A service's: the drafts and replies of its tasks
(``user_session_ids``, found by the queue's eraser), and replies naming the service. A
reply already published on ``email.replies.v1`` stays there until the topic's retention.
"""

from collections.abc import Collection

from mysessions_platform.erasure import Counts, Scope, delete_documents
from mysessions_platform.mongo import Document
from pymongo.asynchronous.database import AsyncDatabase

from gateway_service.email.drafts import EMAIL_DRAFTS
from gateway_service.email.replies import EMAIL_REPLIES

__all__ = ["erase_email"]

DRAFTS = "e-mail reply drafts"
REPLIES = "e-mail replies"


async def erase_email(
    database: AsyncDatabase[Document], scope: Scope, user_session_ids: Collection[str]
) -> Counts:
    tenant: Document = {"tenant_id": scope.tenant_id}
    if scope.whole_tenant:
        drafts, replies = tenant, tenant
    else:
        tasks = {"user_session_id": {"$in": sorted(user_session_ids)}}
        drafts = {**tenant, **tasks}
        replies = {**tenant, "$or": [{"service_id": scope.service_id}, tasks]}
    return {
        DRAFTS: await delete_documents(database[EMAIL_DRAFTS], drafts, scope.dry_run),
        REPLIES: await delete_documents(database[EMAIL_REPLIES], replies, scope.dry_run),
    }
