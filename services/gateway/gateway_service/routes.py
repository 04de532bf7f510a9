"""Every router of the gateway, in one list: add a feature's router here."""

from fastapi import APIRouter

from gateway_service.api import email, me

API_ROUTERS: tuple[APIRouter, ...] = (me.router, email.router)
"""Routers under /api/v1; each of their routes requires a signed-in caller, and their
writes count against the caller's rate limit (``limits.limit_writes``)."""

PAGE_ROUTERS: tuple[APIRouter, ...] = ()
"""The page and its assets (no token needed: the page signs in, then calls the API)."""
