"""Prometheus metrics: requests by route and status, latency, answers and abstentions, index size.

Each app gets its own registry (tests build many apps). With several uvicorn workers, each worker
exposes its own numbers; scrape them per worker or set PROMETHEUS_MULTIPROC_DIR (docs/deployment.md).
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from service.security import ASGIApp, Message, Receive, Scope, Send

router = APIRouter(include_in_schema=False)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("roleqa_http_requests_total", "HTTP requests", ["route", "method", "status"],
                                registry=self.registry)
        self.latency = Histogram("roleqa_http_request_seconds", "HTTP request latency", ["route"],
                                 buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5), registry=self.registry)
        self.answers = Counter("roleqa_answers_total", "Questions answered", ["abstained"], registry=self.registry)
        self.store_failures = Counter("roleqa_store_write_failures_total",
                                      "Answered turns the conversation store could not save", registry=self.registry)
        self.redis_failures = Counter("roleqa_redis_failures_total",
                                      "Redis calls that failed (the process fell back to its own state)",
                                      registry=self.registry)
        self.index_chunks = Gauge("roleqa_index_chunks", "Chunks in the served index", registry=self.registry)
        self.index_info = Gauge("roleqa_index_build_info", "Served index build", ["build_id"], registry=self.registry)

    def observe_answer(self, abstained: bool) -> None:
        self.answers.labels(abstained=str(abstained).lower()).inc()

    def observe_index(self, build_id: str, chunks: int) -> None:
        self.index_chunks.set(chunks)
        self.index_info.clear()
        self.index_info.labels(build_id=build_id).set(1)


class MetricsMiddleware:
    """Counts and times every HTTP request under its route template (not the raw path)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def wrapped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, wrapped)
        finally:
            route: Any = scope.get("route")
            name = getattr(route, "path", None) or ("/static" if scope["path"].startswith("/static/") else "other")
            self.metrics.requests.labels(route=name, method=scope["method"], status=str(status)).inc()
            self.metrics.latency.labels(route=name).observe(time.perf_counter() - started)


@router.get("/metrics")
def metrics_endpoint(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
