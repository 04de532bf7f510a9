"""The gateway answers /healthz, /readyz and /metrics without a token; its request counter
counts by route template (never a path with ids) and status."""

import httpx
import pytest
from gateway_service.testing import RunningGateway
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.integration


def _requests(text: str, route: str, status: str) -> float:
    return sum(
        found.value
        for family in text_string_to_metric_families(text)
        for found in family.samples
        if found.name == "mysessions_gateway_requests_total"
        and found.labels.get("route") == route
        and found.labels.get("status") == status
    )


async def test_health_ready_and_metrics_answer_and_requests_are_counted(
    gateway: RunningGateway,
) -> None:
    async with httpx.AsyncClient(base_url=gateway.base_url, timeout=10) as client:
        assert (await client.get("/healthz")).json() == {"alive": True}
        ready = await client.get("/readyz")
        assert ready.status_code == 200, ready.text
        before = _requests((await client.get("/metrics")).text, "/api/v1/tasks", "200")
        headers = gateway.headers("acme", "alice")
        assert (await client.get("/api/v1/tasks", headers=headers)).status_code == 200
        assert (await client.get("/api/v1/tasks")).status_code == 401
        metrics = (await client.get("/metrics")).text
    assert _requests(metrics, "/api/v1/tasks", "200") == before + 1
    assert _requests(metrics, "/api/v1/tasks", "401") >= 1
    assert "mysessions_gateway_sse_clients 0.0" in metrics
    assert "mysessions_acw_saves_total" in metrics
