"""Prometheus metrics for the on-call engineer: turns, errors, latency, grounding cuts."""

from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


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
