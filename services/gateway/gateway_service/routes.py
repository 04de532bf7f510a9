"""Every router of the gateway, in one list: add a feature's router here."""

from fastapi import APIRouter

from gateway_service.api import (
    admin,
    admin_catalogs,
    admin_history,
    admin_imports,
    admin_keys,
    admin_tenant,
    after_call_work,
    email,
    me,
    owner,
    owner_webhooks,
    tasks,
)
from gateway_service.auth import sign_in_routes
from gateway_service.connector import routes as connector
from gateway_service.live import router as live
from gateway_service.page import routes as page

API_ROUTERS: tuple[APIRouter, ...] = (
    me.router,
    tasks.router,
    after_call_work.router,
    email.router,
    live.router,
    owner.router,
    owner_webhooks.router,
    admin.router,
    admin_history.router,
    admin_catalogs.router,
    admin_tenant.router,
    admin_imports.router,
    admin_keys.router,
)
"""Routers under /api/v1; each of their routes requires a signed-in caller, and their
writes and reads count against the caller's rate limits (``limits.limit_writes``,
``limits.limit_reads``)."""

KEYED_ROUTERS: tuple[APIRouter, ...] = (connector.router,)
"""Routers under /api/v1 that take a tenant API key and never a user's token; each key's
requests count against its own rate limit (``connector.auth``)."""

PAGE_ROUTERS: tuple[APIRouter, ...] = (page.router, sign_in_routes.router)
"""The page, its assets and its sign-in settings (no token needed: the page signs in, then
calls the API)."""
