"""Tenant admins' tenant settings: the CRM URL template and deadline, and a CRM test.

On the versioned store and with the rules of ``mysessions settings apply`` (the same
``TenantSettingsSpec`` and ``TenantSettingsStore``, so the screen and a file cannot
disagree): each change is a new version, unchanged settings make none, and a 422 names the
field, never its value (``NoEchoRoute``). The screen sends the version it showed
(``base_version``): if another admin or a file saved since, the answer is 409 and nothing
is written, as when other writers keep winning the store's compare-and-set.

The CRM test asks the tenant's *stored* CRM (the template saved here; never one in the
request) about a number or UPN the admin types, as the context worker asks it
(``context_service.crm_probe``), and answers what came back; nothing is stored or cached.
At most ``GATEWAY_CRM_TESTS_PER_MINUTE`` per tenant.
"""

from datetime import UTC, datetime
from typing import Annotated, Literal

from context_service.crm_probe import ANSWER_FIELDS, MAX_ANSWER_BYTES
from contracts import TenantSettings, TenantSettingsSpec
from contracts.templates import MAX_TEMPLATE_CHARS
from fastapi import APIRouter, HTTPException, status
from fastapi.exceptions import RequestValidationError
from mysessions_platform.service_settings.store import SettingsConflict
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from gateway_service.api.no_echo import NoEchoRoute, without_values
from gateway_service.auth.dependencies import Admin, Resourced
from gateway_service.errors import ERROR_RESPONSES, responses
from gateway_service.limits import limit_crm_tests

router = APIRouter(
    prefix="/api/v1/admin/tenant-settings",
    tags=["tenant admin"],
    responses=ERROR_RESPONSES,
    route_class=NoEchoRoute,
)

MAX_ADDRESS_CHARS = 320
"""The longest number or UPN a test takes: an e-mail address's maximum."""

TestAddress = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ADDRESS_CHARS),
]


class TenantSettingsUpdate(BaseModel):
    """The tenant's new CRM settings (the tenant is the token's)."""

    model_config = ConfigDict(extra="forbid")

    crm_url_template: str | None = Field(
        default=None,
        max_length=MAX_TEMPLATE_CHARS,
        description="The CRM lookup's URL with {system.caller}; null for no CRM. Rules as "
        "for every URL template: http or https, scheme and host literal, at most 2,048 "
        "characters.",
    )
    crm_timeout_s: float = Field(default=2.0, description="0.1 s to 10 s.")
    base_version: int | None = Field(
        default=None,
        ge=0,
        description="The version the change was made on (as last read); 409 if another "
        "version was saved since. Null: no such check.",
    )


class CrmTestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: TestAddress = Field(description="A number (E.164, as callers arrive) or a UPN.")


class CrmTestResult(BaseModel):
    outcome: Literal["found", "not_found", "failed"]
    fields: dict[str, str] = Field(
        description=f"What the CRM said of the caller ({', '.join(ANSWER_FIELDS)}), each "
        "cut to its limit; empty unless found."
    )
    reason: str | None = Field(
        description="Why it failed: timeout, the HTTP status, an answer over "
        f"{MAX_ANSWER_BYTES} bytes, not JSON, not reachable. Null unless failed."
    )
    elapsed_ms: int
    timeout_s: float = Field(description="The deadline the test ran with (the stored one).")


def _stored_or_default(found: TenantSettings | None, tenant_id: str) -> TenantSettings:
    return found or TenantSettings.default(tenant_id)


@router.get("", response_model=TenantSettings)
async def tenant_settings(caller: Admin, resources: Resourced) -> TenantSettings:
    """The tenant's stored settings (never set: the defaults, version 0)."""
    found = await resources.tenant.settings.get(caller.tenant_id)
    return _stored_or_default(found, caller.tenant_id)


@router.put("", response_model=TenantSettings, responses=responses(409))
async def update_tenant_settings(
    update: TenantSettingsUpdate, caller: Admin, resources: Resourced
) -> TenantSettings:
    """Store the CRM settings as the tenant's next version (unchanged: no new version)."""
    try:
        spec = TenantSettingsSpec(
            tenant_id=caller.tenant_id,
            crm_url_template=update.crm_url_template,
            crm_timeout_s=update.crm_timeout_s,
        )
    except ValidationError as broken:
        raise without_values(_in_body(broken)) from None
    store = resources.tenant.settings
    if update.base_version is not None:
        current = _stored_or_default(await store.get(caller.tenant_id), caller.tenant_id)
        if current.version != update.base_version:
            raise _conflict()
    try:
        change = await store.apply(spec, datetime.now(UTC))
    except SettingsConflict:
        raise _conflict() from None
    return change.settings


@router.post("/crm-test", response_model=CrmTestResult, responses=responses(409))
async def test_crm(request: CrmTestRequest, caller: Admin, resources: Resourced) -> CrmTestResult:
    """Ask the stored CRM about ``address`` once, as the context worker would; store
    nothing. 409 when the tenant has no CRM URL saved."""
    stored = _stored_or_default(
        await resources.tenant.settings.get(caller.tenant_id), caller.tenant_id
    )
    if stored.crm_url_template is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "save a CRM URL first; then test it")
    await limit_crm_tests(caller, resources)
    probe = await resources.tenant.crm(
        stored.crm_url_template, request.address, stored.crm_timeout_s
    )
    return CrmTestResult(
        outcome=probe.outcome,
        fields=probe.fields,
        reason=probe.reason,
        elapsed_ms=probe.elapsed_ms,
        timeout_s=stored.crm_timeout_s,
    )


def _in_body(broken: ValidationError) -> RequestValidationError:
    return RequestValidationError(
        [{**problem, "loc": ("body", *problem["loc"])} for problem in broken.errors()]
    )


def _conflict() -> HTTPException:
    return HTTPException(
        status.HTTP_409_CONFLICT, "the tenant settings changed meanwhile; reload and try again"
    )
