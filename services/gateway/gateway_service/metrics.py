"""The gateway's figures (``/metrics``): requests by route template and status, their
duration, live streams open and events sent, after-call work saved and refused. A registry
per app (tests run several gateways in one process)."""

import time
from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["GatewayMetrics", "RequestMetrics"]


class _Gauge(Collector):
    def __init__(self, name: str, help_: str, read: Callable[[], float]) -> None:
        self._name, self._help, self._read = name, help_, read

    def collect(self) -> Iterable[Metric]:
        yield GaugeMetricFamily(self._name, self._help, value=self._read())


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "mysessions_gateway_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "mysessions_gateway_request_duration_seconds",
            "Time to answer a request (a live stream: as long as it stayed open).",
            ["method", "route"],
            registry=self.registry,
        )
        self.sse_events = Counter(
            "mysessions_gateway_sse_events_sent",
            "Live-stream events sent (task changes, captions, refreshes, heartbeats).",
            registry=self.registry,
        )
        self.acw_saves = Counter(
            "mysessions_acw_saves", "After-call work saved.", registry=self.registry
        )
        self.acw_refusals = Counter(
            "mysessions_acw_refusals",
            "After-call work refused, by reason: conflict (saved already) or refused.",
            ["reason"],
            registry=self.registry,
        )

    def sse_clients(self, read: Callable[[], float]) -> None:
        self.registry.register(
            _Gauge("mysessions_gateway_sse_clients", "Live streams open on this gateway.", read)
        )


class RequestMetrics:
    """ASGI middleware: counts every HTTP request by its route's template (never its path:
    paths carry ids), its status and duration."""

    def __init__(self, app: ASGIApp, metrics: GatewayMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began, status = time.monotonic(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.request_seconds.labels(method, route).observe(time.monotonic() - began)
