"""`salesbot loadtest`: simulated shoppers over the real websocket, in stages of growing
concurrency; TTFT and total time percentiles, tokens/s, messages/s, errors by code and dropped
connections per stage, as a table, JSON and an HTML chart. See docs/benchmarks.md."""

import asyncio
import ipaddress
import json
import os
import platform
import random
import statistics
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import websockets
from pydantic import BaseModel, Field, ValidationError
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from bot.errors import SalesbotError

SCENARIOS = Path(__file__).with_name("scenarios.jsonl")
MESSAGE_TIMEOUT = 120.0  # one answer taking longer counts as an error (`timeout`)


class LoadTestError(SalesbotError):
    code = "loadtest"


class Scenario(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    weight: float = Field(1.0, gt=0)
    messages: list[str] = Field(min_length=1, max_length=50)


def load_scenarios(path: Path) -> list[Scenario]:
    """One scenario per line: {"name": ..., "weight": ..., "messages": [...]}."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadTestError(f"Cannot read the scenarios file {path}: {exc}.") from None
    scenarios = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            scenarios.append(Scenario.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise LoadTestError(
                f"{path}, line {number}: {where}: {first['msg']}. Each line is a JSON object "
                'like {"name": "browse", "weight": 2, "messages": ["Hi!", "Anything cheaper?"]}.'
            ) from None
    if not scenarios:
        raise LoadTestError(f"{path} holds no scenarios.")
    return scenarios


def check_target(url: str, allow_remote: bool) -> str:
    """The websocket URL to load; refuse hosts other than this machine unless allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.hostname:
        raise LoadTestError(f'"{url}" is not a service URL like http://127.0.0.1:8000.')
    host = parts.hostname
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and not allow_remote:
        raise LoadTestError(
            f"{host} is not this machine. A load test can take a shop down: pass "
            "--allow-remote to load a service elsewhere (one you run)."
        )
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    path = parts.path.rstrip("/")
    return f"{scheme}://{parts.netloc}{path if path.endswith('/ws/chat') else path + '/ws/chat'}"


@dataclass
class Sample:
    stage: int
    at_s: float  # when the message was sent, from the start of the stage
    ttft_ms: float | None
    total_ms: float | None
    tokens: int = 0
    error: str | None = None


@dataclass
class Stage:
    users: int
    started: float = 0.0
    wall_s: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    dropped: int = 0
    connect_errors: int = 0
    loop_lag: dict[str, float | None] = field(default_factory=dict)  # from the service's /metrics

    def summary(self) -> dict[str, Any]:
        ok = [s for s in self.samples if s.error is None]
        errors = Counter(s.error for s in self.samples if s.error is not None)
        tokens = sum(s.tokens for s in ok)
        return {
            "users": self.users,
            "messages": len(self.samples),
            "answered": len(ok),
            "errors": dict(errors),
            "error_count": sum(errors.values()),
            "dropped_connections": self.dropped,
            "connect_errors": self.connect_errors,
            "wall_s": round(self.wall_s, 1),
            "messages_per_s": round(len(ok) / self.wall_s, 3) if self.wall_s else 0.0,
            "tokens_per_s": round(tokens / self.wall_s, 1) if self.wall_s else 0.0,
            "completion_tokens": tokens,
            **percentiles("ttft", [s.ttft_ms for s in ok if s.ttft_ms is not None]),
            **percentiles("total", [s.total_ms for s in ok if s.total_ms is not None]),
            **self.loop_lag,
        }


def percentiles(name: str, values: list[float]) -> dict[str, float | None]:
    if not values:
        return {f"{name}_p{q}_ms": None for q in (50, 95, 99)}
    cuts = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else None
    return {f"{name}_p{q}_ms": round(cuts[q - 1] if cuts else values[0], 1) for q in (50, 95, 99)}


@dataclass
class Options:
    steps: list[int]
    duration: float = 60.0
    ramp_up: float = 5.0
    think_time: float = 1.0
    max_messages: int = 5000  # over the whole run: it always stops
    seed: int = 7


async def one_message(ws: Any, text: str, stage: Stage, t0: float) -> bool:
    """Send one message and read its answer; False when the connection is gone."""
    sent = time.perf_counter()
    sample = Sample(stage.users, round(sent - t0, 3), None, None)
    stage.samples.append(sample)
    await ws.send(json.dumps({"type": "message", "text": text}))
    try:
        async with asyncio.timeout(MESSAGE_TIMEOUT):
            while True:
                frame = json.loads(await ws.recv())
                kind = frame.get("type")
                if kind == "token" and sample.ttft_ms is None:
                    sample.ttft_ms = (time.perf_counter() - sent) * 1000
                elif kind == "done":
                    now = (time.perf_counter() - sent) * 1000
                    sample.total_ms = now
                    if sample.ttft_ms is None:  # answered in one piece: shown all at once
                        sample.ttft_ms = now
                    sample.tokens = int((frame.get("usage") or {}).get("completion_tokens", 0))
                    return True
                elif kind == "error":
                    sample.error = str(frame.get("code", "error"))
                    return True
    except TimeoutError:
        sample.error = "timeout"
        return False
    except ConnectionClosed:
        sample.error = "connection_closed"
        stage.dropped += 1
        return False


async def shopper(
    url: str, scenarios: list[Scenario], stage: Stage, deadline: float, rng: random.Random,
    budget: list[int], options: Options,
) -> None:  # fmt: skip
    """One simulated shopper: conversations one after another until the stage ends."""
    weights = [s.weight for s in scenarios]
    while time.perf_counter() < deadline and budget[0] > 0:
        scenario = rng.choices(scenarios, weights)[0]
        try:
            async with websockets.connect(url, max_size=1 << 20, open_timeout=30) as ws:
                await ws.recv()  # the session frame
                for text in scenario.messages:
                    if time.perf_counter() >= deadline or budget[0] <= 0:
                        return
                    budget[0] -= 1
                    if not await one_message(ws, text, stage, stage.started):
                        break
                    await asyncio.sleep(rng.uniform(0.5, 1.5) * options.think_time)
        except (OSError, InvalidHandshake, TimeoutError):
            stage.connect_errors += 1
            await asyncio.sleep(1.0)
        except ConnectionClosed:
            stage.dropped += 1


LAG_METRIC = "salesbot_event_loop_lag_seconds_bucket"
Buckets = dict[float, float] | None  # cumulative counts by upper bound


async def lag_buckets(metrics_url: str | None) -> Buckets:
    """The service's event-loop lag histogram (cumulative counts by upper bound), if it has one."""
    if metrics_url is None:
        return None
    text = ""
    # A service under the load just sent may answer slowly: a longer wait and a second try
    # before the stage goes without its lag reading.
    for attempt in range(2):
        try:
            async with httpx.AsyncClient(timeout=30) as http:
                text = (await http.get(metrics_url)).text
            break
        except httpx.HTTPError:
            if attempt:
                return None
            await asyncio.sleep(1)
    buckets = {}
    for line in text.splitlines():
        if line.startswith(LAG_METRIC + "{"):
            bound = line.split('le="', 1)[1].split('"', 1)[0]
            buckets[float(bound)] = float(line.rsplit(" ", 1)[1])
    return buckets or None


def lag_summary(before: Buckets, after: Buckets) -> dict[str, Any]:
    """How late the service's event loop ran during a stage: the bucket bound under which 99% of
    its 0.25 s ticks woke, and the share of ticks later than 100 ms."""
    if before is None or after is None:
        return {}
    bounds = sorted(after)
    counts = [after[b] - before.get(b, 0.0) for b in bounds]
    total = counts[-1] if counts else 0.0
    if not total:
        return {}
    p99 = next((b for b, c in zip(bounds, counts, strict=True) if c >= 0.99 * total), bounds[-1])
    within = next((c for b, c in zip(bounds, counts, strict=True) if b >= 0.1), total)
    return {
        "loop_lag_p99_ms": None if p99 == float("inf") else round(p99 * 1000, 1),
        "loop_lag_over_100ms": round(1 - within / total, 4),
    }


async def run_stages(
    url: str, scenarios: list[Scenario], options: Options, metrics_url: str | None = None
) -> list[Stage]:
    rng = random.Random(options.seed)
    budget = [options.max_messages]
    stages = []
    for users in options.steps:
        if budget[0] <= 0:
            break
        lag_before = await lag_buckets(metrics_url)
        stage = Stage(users, started=time.perf_counter())
        deadline = stage.started + options.duration
        tasks = []
        for n in range(users):
            delay = options.ramp_up * n / users
            job = shopper(url, scenarios, stage, deadline, random.Random(rng.random()), budget,
                          options)  # fmt: skip
            tasks.append(asyncio.create_task(after(delay, job)))
        # Hard cap: the stage ends at its deadline plus one answer's timeout, whatever happens.
        done, pending = await asyncio.wait(tasks, timeout=options.duration + MESSAGE_TIMEOUT + 10)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        stage.wall_s = time.perf_counter() - stage.started
        stage.loop_lag = lag_summary(lag_before, await lag_buckets(metrics_url))
        stages.append(stage)
        summary = stage.summary()
        if summary["messages"] and summary["error_count"] * 2 > summary["messages"]:
            break  # broken: most messages failed; more shoppers would only fail longer
    return stages


async def after(delay: float, job: Any) -> None:
    await asyncio.sleep(delay)
    await job


async def probe(url: str) -> None:
    try:
        async with websockets.connect(url, open_timeout=10) as ws:
            await ws.recv()
    except (OSError, InvalidHandshake, InvalidURI, TimeoutError, ConnectionClosed) as exc:
        raise LoadTestError(
            f"No chat websocket answers at {url} ({exc.__class__.__name__}). Start the service "
            "(`salesbot serve`) or leave out --url to let the load test start one."
        ) from None


def best_stage(stages: list[dict[str, Any]], ttft_p95_ms: float) -> int | None:
    """The highest concurrency with p95 TTFT under the target and no errors."""
    fine = [
        s["users"] for s in stages
        if s["error_count"] == 0 and s["dropped_connections"] == 0 and s["answered"]
        and s["ttft_p95_ms"] is not None and s["ttft_p95_ms"] < ttft_p95_ms
    ]  # fmt: skip
    return max(fine) if fine else None


def machine() -> str:
    return (
        f"{platform.machine()}, {len(os.sched_getaffinity(0))} CPUs, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def result(name: str, stages: list[Stage], target_ms: float) -> dict[str, Any]:
    summaries = [s.summary() for s in stages]
    return {
        "target": name,
        "stages": summaries,
        "best_users_under_target": best_stage(summaries, target_ms),
        "samples": [asdict(s) for stage in stages for s in stage.samples],
    }
