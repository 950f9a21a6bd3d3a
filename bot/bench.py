"""Benchmark: N concurrent streaming conversations straight to vLLM vs through `/ws/chat`.

Both paths send the same prompts: a warm-up pass through the service records each conversation
(questions and the answers shown), the direct path replays exactly the prompts the service built
for them, and the measured service pass repeats the conversations. The warm-up also fills the
engine's prefix cache, so neither measured pass is favoured by the other's cached prompts.
"""

import asyncio
import json
import os
import platform
import socket
import statistics
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openai
import uvicorn
import uvloop
import websockets
from rich.console import Console
from rich.table import Table

from bot.chat import ChatService
from bot.chat.phrase import lead_messages
from bot.chat.profile import ShopperProfile
from bot.config import Settings

EngineCall = tuple[list[dict[str, str]], dict[str, Any], int]

QUESTIONS = [
    "I need a waterproof jacket for hiking in the rain.",
    "Which tent would fit a family of four?",
    "Do you have a warm sleeping bag for winter camping?",
    "I am looking for trail running shoes.",
    "What headlamp is good for night hiking?",
    "Can you recommend a backpack for a weekend trip?",
    "I need a stove for cooking at camp.",
    "Do you sell yoga mats?",
]
FOLLOW_UPS = ["Is it in stock?", "What does it cost?", "Anything cheaper?"]


@dataclass
class PathResult:
    name: str
    ttft_s: list[float] = field(default_factory=list)
    answer_s: list[float] = field(default_factory=list)  # to the whole answer (`done`, end)
    tokens: int = 0
    errors: int = 0
    wall_s: float = 0.0
    passes: list[tuple[int, float]] = field(default_factory=list)  # (tokens, wall_s) each

    def summary(self) -> dict[str, Any]:
        ttft, answer = sorted(self.ttft_s), sorted(self.answer_s)
        return {
            "path": self.name,
            "turns": len(ttft),
            "errors": self.errors,
            "completion_tokens": self.tokens,
            "wall_s": round(self.wall_s, 2),
            "tokens_per_s": round(self.tokens / self.wall_s, 2) if self.wall_s else 0,
            "pass_tokens_per_s": [round(t / w, 2) for t, w in self.passes if w],
            "ttft_p50_ms": _ms(statistics.median(ttft)) if ttft else None,
            "ttft_p95_ms": _ms(_p95(ttft)) if ttft else None,
            "answer_p50_ms": _ms(statistics.median(answer)) if answer else None,
            "answer_p95_ms": _ms(_p95(answer)) if answer else None,
        }


def _p95(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def conversation(n: int, rounds: int) -> list[str]:
    return [QUESTIONS[n % len(QUESTIONS)], *FOLLOW_UPS][:rounds]


async def ws_conversation(
    url: str, questions: list[str], result: PathResult
) -> list[tuple[str, int]]:
    """Hold one conversation over the websocket; return each answer shown and its token count."""
    answers = []
    async with websockets.connect(url, max_size=None) as ws:
        await ws.recv()  # the session frame
        for text in questions:
            sent, first = time.perf_counter(), None
            await ws.send(json.dumps({"type": "message", "text": text}))
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == "token" and first is None:
                    first = time.perf_counter() - sent
                elif frame["type"] in ("done", "error"):
                    break
            if frame["type"] == "error":
                result.errors += 1
                answers.append(("", 1))
                continue
            result.tokens += frame["usage"]["completion_tokens"]
            answers.append((frame["text"], frame["usage"]["completion_tokens"]))
            # Turns answered from templates alone never reach the engine: not comparable.
            if first is not None and frame["usage"]["completion_tokens"]:
                result.ttft_s.append(first)
                result.answer_s.append(time.perf_counter() - sent)
    return answers


async def direct_conversation(
    client: openai.AsyncOpenAI, model: str, prompts: list[EngineCall], result: PathResult,
) -> None:  # fmt: skip
    for messages, extra, max_tokens in prompts:
        sent, first = time.perf_counter(), None
        stream = await client.chat.completions.create(  # type: ignore[call-overload]
            model=model, messages=messages, stream=True, max_tokens=max_tokens, temperature=0,
            stream_options={"include_usage": True}, extra_body=extra,
        )  # fmt: skip
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content and first is None:
                first = time.perf_counter() - sent
            if chunk.usage:
                result.tokens += chunk.usage.completion_tokens
        if first is not None:
            result.ttft_s.append(first)
            result.answer_s.append(time.perf_counter() - sent)


async def service_prompts(
    chat: ChatService, questions: list[str], answers: list[tuple[str, int]]
) -> list[EngineCall]:
    """The exact engine requests the service makes for this conversation, and their lengths.

    The service stops a lead-in at a banned word or a loop; the direct path generates as many
    tokens, so both paths give the engine the same work. Template-only turns are skipped.
    """
    prompts: list[EngineCall] = []
    profile = ShopperProfile()
    for text, (_answer, tokens) in zip(questions, answers, strict=True):
        plan = await chat.plan(text, profile)
        profile = plan.profile
        if plan.lead is not None and tokens:
            messages = lead_messages(chat.settings.store_name, plan.lead)
            prompts.append((messages, chat.lead_extra[plan.decision.action], tokens))
    return prompts


async def staggered(job: Any, delay: float) -> Any:
    await asyncio.sleep(delay)
    return await job


async def timed(result: PathResult, jobs: list[Any], stagger: float) -> list[Any]:
    """Run the conversations, the n-th starting n * stagger seconds after the first."""
    started, tokens = time.perf_counter(), result.tokens
    runs = [staggered(job, n * stagger) for n, job in enumerate(jobs)]
    outcomes = await asyncio.gather(*runs, return_exceptions=True)
    result.errors += sum(isinstance(o, BaseException) for o in outcomes)
    wall = time.perf_counter() - started
    result.wall_s += wall
    result.passes.append((result.tokens - tokens, wall))
    return outcomes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def served(app: Any, *, engine: bool = True) -> AsyncIterator[str]:
    """Serve `app` (from `create_app`) on a free loopback port in this event loop, as
    `salesbot serve` would; yields its chat websocket URL once the engine is ready (at once
    with `engine=False`), and stops the server when the block ends."""
    from bot.app import SERVER_OPTIONS

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **SERVER_OPTIONS)
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            await serving  # its start-up error, if it raised one
            raise RuntimeError("The service did not start; its log above says why.")
        await asyncio.sleep(0.2)
    try:
        if engine:
            await app.state.chat.engine.ensure_ready(app.state.settings.engine_start_timeout)
        yield f"ws://127.0.0.1:{port}/ws/chat"
    finally:
        server.should_exit = True
        await serving


@dataclass
class BenchOptions:
    concurrency: int = 16
    max_tokens: int = 64
    rounds: int = 2
    stagger_ms: int = 0
    repeat: int = 3

    def command(self) -> str:
        return (
            f"salesbot bench --concurrency {self.concurrency} --max-tokens {self.max_tokens} "
            f"--rounds {self.rounds} --stagger-ms {self.stagger_ms} --repeat {self.repeat}"
        )


async def benchmark(settings: Settings, options: BenchOptions) -> dict[str, Any]:
    from bot.app import create_app

    concurrency, rounds, repeat = options.concurrency, options.rounds, options.repeat
    settings = settings.model_copy(
        update={
            "max_reply_tokens": options.max_tokens,
            "temperature": 0.0,
            "rate_limit_messages": 10**6,
            "rate_limit_ip_messages": 10**6,  # every bench client is on 127.0.0.1
        }
    )
    app = create_app(settings)
    async with served(app) as url:
        chat: ChatService = app.state.chat
        client = openai.AsyncOpenAI(base_url=f"{chat.engine.base_url}/v1", api_key="unused")
        plans = [conversation(n, rounds) for n in range(concurrency)]

        warm = PathResult("warm-up")
        stagger = options.stagger_ms / 1000
        answers = await timed(warm, [ws_conversation(url, q, warm) for q in plans], stagger)
        prompts = [await service_prompts(chat, q, a) for q, a in zip(plans, answers, strict=True)]
        direct, service = PathResult("engine"), PathResult("service")
        model = settings.served_model_name
        # Alternate the paths so a slow spell of the machine does not land on one of them only.
        for _ in range(repeat):
            await timed(
                direct, [direct_conversation(client, model, p, direct) for p in prompts], stagger
            )
            await timed(service, [ws_conversation(url, q, service) for q in plans], stagger)
    return report(direct.summary(), service.summary(), settings, options.command())


def report(
    a: dict[str, Any], b: dict[str, Any], settings: Settings, command: str
) -> dict[str, Any]:
    def diff(key: str) -> float | None:
        return round(b[key] - a[key], 1) if a[key] is not None and b[key] is not None else None

    def ratio(key: str) -> float | None:
        return round(b[key] / a[key], 3) if a[key] and b[key] is not None else None

    # Each service pass against the engine pass just before it: how far one pair moves the
    # ratio on this machine (the ratio itself is over all passes).
    paired = zip(a["pass_tokens_per_s"], b["pass_tokens_per_s"], strict=False)
    per_pass = [round(s / e, 3) for e, s in paired if e]
    return {
        "command": command,
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} CPUs, "
        f"Python {platform.python_version()}",
        "model": settings.model,
        "engine": a,
        "service": b,
        "throughput_ratio": ratio("tokens_per_s"),
        "throughput_ratio_per_pass": per_pass,
        "ttft_p50_ratio": ratio("ttft_p50_ms"),
        "ttft_p95_ratio": ratio("ttft_p95_ms"),
        "ttft_p50_added_ms": diff("ttft_p50_ms"),
        "ttft_p95_added_ms": diff("ttft_p95_ms"),
        "answer_p50_added_ms": diff("answer_p50_ms"),
    }


def run_benchmark(settings: Settings, options: BenchOptions, output: Path | None) -> None:
    # The same event loop `salesbot serve` gets from uvicorn.
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        results = runner.run(benchmark(settings, options))
    table = Table("path", "turns", "errors", "tokens", "tokens/s", "TTFT p50 ms", "TTFT p95 ms",
                  "answer p50 ms", "answer p95 ms")  # fmt: skip
    for row in (results["engine"], results["service"]):
        cells = ("path", "turns", "errors", "completion_tokens", "tokens_per_s", "ttft_p50_ms",
                 "ttft_p95_ms", "answer_p50_ms", "answer_p95_ms")  # fmt: skip
        table.add_row(*(str(row[c]) for c in cells))
    console = Console()
    console.print(table)
    console.print(
        f"service/engine: throughput ratio {results['throughput_ratio']}, "
        f"TTFT p50 {results['ttft_p50_added_ms']:+} ms (ratio {results['ttft_p50_ratio']}), "
        f"p95 {results['ttft_p95_added_ms']:+} ms (ratio {results['ttft_p95_ratio']}); "
        f"whole answer p50 {results['answer_p50_added_ms']:+} ms"
    )
    passes = " / ".join(str(r) for r in results["throughput_ratio_per_pass"])
    console.print(f"throughput ratio of each pass against the engine pass before it: {passes}")
    if output:
        output.write_text(json.dumps(results, indent=2) + "\n")
