"""Prometheus metrics for the on-call engineer: turns, errors, latency, grounding cuts, and how
late the event loop runs."""

import asyncio
import logging
import time
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

log = logging.getLogger(__name__)
LAG_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
LAG_TICK = 0.25
LAG_WARNING = 0.5  # a stall this long is logged (at most once a minute)


class Outcome(Protocol):
    status: str
    error_code: str | None
    ttft_ms: float | None
    total_ms: float | None
    grounding: list[dict[str, str]]
    action: str | None
    adapter: str | None


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.turns = Counter(
            "salesbot_turns", "Answered shopper messages by outcome.", ["status"],
            registry=self.registry,
        )  # fmt: skip
        self.errors = Counter(
            "salesbot_errors", "Errors sent to clients by code.", ["code"], registry=self.registry
        )
        self.ttft = Histogram(
            "salesbot_time_to_first_token_seconds", "From message to first shown text.",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30), registry=self.registry,
        )  # fmt: skip
        self.total = Histogram(
            "salesbot_turn_seconds", "From message to the end of the answer.",
            buckets=(0.5, 1, 2, 5, 10, 20, 40, 80), registry=self.registry,
        )  # fmt: skip
        self.grounding_cuts = Counter(
            "salesbot_grounding_cuts", "Answers cut because they left the catalog.",
            registry=self.registry,
        )  # fmt: skip
        self.actions = Counter(
            "salesbot_actions", "Answers by the dialogue policy's action (handover included).",
            ["action"], registry=self.registry,
        )  # fmt: skip
        # Per model version (an adapter's name, or "base"): what a canary is compared on live.
        self.version_turns = Counter(
            "salesbot_version_turns", "Answered messages by model version and outcome.",
            ["version", "status"], registry=self.registry,
        )  # fmt: skip
        self.version_ttft = Histogram(
            "salesbot_version_time_to_first_token_seconds", "Time to first text by version.",
            ["version"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30), registry=self.registry,
        )  # fmt: skip
        self.version_guard = Counter(
            "salesbot_version_guard_catches", "Replies the guard caught, by model version.",
            ["version"], registry=self.registry,
        )  # fmt: skip
        self.sockets = Gauge(
            "salesbot_open_websockets", "Open chat websockets.", registry=self.registry
        )
        self.loop_lag = Histogram(
            "salesbot_event_loop_lag_seconds",
            "How late the event loop woke a 0.25 s timer: blocking work on the loop stalls "
            "every socket by this much.",
            buckets=LAG_BUCKETS, registry=self.registry,
        )  # fmt: skip

    def observe_turn(self, outcome: Outcome) -> None:
        self.turns.labels(outcome.status).inc()
        if outcome.error_code:
            self.errors.labels(outcome.error_code).inc()
        if outcome.ttft_ms is not None:
            self.ttft.observe(outcome.ttft_ms / 1000)
        if outcome.total_ms is not None and outcome.status == "ok":
            self.total.observe(outcome.total_ms / 1000)
        if outcome.grounding:
            self.grounding_cuts.inc()
        if outcome.action:
            self.actions.labels(outcome.action).inc()
        version = outcome.adapter or "base"
        self.version_turns.labels(version, outcome.status).inc()
        if outcome.ttft_ms is not None:
            self.version_ttft.labels(version).observe(outcome.ttft_ms / 1000)
        if outcome.grounding:
            self.version_guard.labels(version).inc()


METRICS = Metrics()


async def watch_event_loop(metrics: "Metrics", tick: float = LAG_TICK) -> None:
    """Until cancelled: measure how late the loop wakes a timer. A blocking call on the loop
    (a database read, a model call, a large file) shows here before shoppers report it."""
    warned = 0.0
    while True:
        started = time.perf_counter()
        await asyncio.sleep(tick)
        lag = max(0.0, time.perf_counter() - started - tick)
        metrics.loop_lag.observe(lag)
        if lag >= LAG_WARNING and time.monotonic() - warned > 60:
            warned = time.monotonic()
            log.warning("The event loop was blocked for %.0f ms: every socket waited.", lag * 1000)
