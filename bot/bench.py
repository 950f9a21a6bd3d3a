"""Benchmark: N concurrent streaming conversations straight to vLLM vs through `/ws/chat`.

Both paths get the same questions and the same grounded prompts; the difference is what the
service adds (websocket, retrieval, prompt building, grounding guard, log writes).
"""

import asyncio
import json
import platform
import socket
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openai
import uvicorn
import websockets
from rich.console import Console
from rich.table import Table

from bot.config import Settings

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
    tokens: int = 0
    errors: int = 0
    wall_s: float = 0.0

    def summary(self) -> dict[str, Any]:
        ttft = sorted(self.ttft_s)
        p95 = ttft[min(len(ttft) - 1, int(0.95 * len(ttft)))] if ttft else None
        return {
            "path": self.name,
            "turns": len(ttft),
            "errors": self.errors,
            "completion_tokens": self.tokens,
            "wall_s": round(self.wall_s, 2),
            "tokens_per_s": round(self.tokens / self.wall_s, 2) if self.wall_s else 0,
            "ttft_p50_ms": round(statistics.median(ttft) * 1000, 1) if ttft else None,
            "ttft_p95_ms": round(p95 * 1000, 1) if p95 is not None else None,
        }


def conversation(n: int, rounds: int) -> list[str]:
    return [QUESTIONS[n % len(QUESTIONS)], *FOLLOW_UPS][:rounds]


async def direct_conversation(
    client: openai.AsyncOpenAI, model: str, prompts: list[list[dict[str, str]]], max_tokens: int,
    result: PathResult,
) -> None:  # fmt: skip
    history: list[dict[str, str]] = []
    for messages in prompts:
        system, *_, question = messages
        sent = time.perf_counter()
        first = None
        reply = []
        stream = await client.chat.completions.create(  # type: ignore[call-overload]
            model=model, messages=[system, *history, question], stream=True,
            max_tokens=max_tokens, temperature=0, stream_options={"include_usage": True},
        )  # fmt: skip
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                first = first or time.perf_counter() - sent
                reply.append(chunk.choices[0].delta.content)
            if chunk.usage:
                result.tokens += chunk.usage.completion_tokens
        if first is not None:
            result.ttft_s.append(first)
        history += [question, {"role": "assistant", "content": "".join(reply)}]


async def ws_conversation(url: str, questions: list[str], result: PathResult) -> None:
    async with websockets.connect(url, max_size=None) as ws:
        await ws.recv()  # the session frame
        for text in questions:
            sent = time.perf_counter()
            first = None
            await ws.send(json.dumps({"type": "message", "text": text}))
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == "token" and first is None:
                    first = time.perf_counter() - sent
                elif frame["type"] == "done":
                    result.tokens += frame["usage"]["completion_tokens"]
                    break
                elif frame["type"] == "error":
                    result.errors += 1
                    break
            if first is not None:
                result.ttft_s.append(first)


async def timed(result: PathResult, jobs: list[Any]) -> None:
    started = time.perf_counter()
    outcomes = await asyncio.gather(*jobs, return_exceptions=True)
    result.errors += sum(isinstance(o, BaseException) for o in outcomes)
    result.wall_s = time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def benchmark(
    settings: Settings, concurrency: int, max_tokens: int, rounds: int
) -> dict[str, Any]:
    from bot.app import create_app

    settings = settings.model_copy(update={"max_reply_tokens": max_tokens, "temperature": 0.0,
                                           "rate_limit_messages": 1000})  # fmt: skip
    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.2)
    chat = app.state.chat
    await chat.engine.ensure_ready(settings.engine_start_timeout)
    # The direct path gets exactly the prompts the service would build (retrieval not timed).
    plans = [conversation(n, rounds) for n in range(concurrency)]
    prompts = []
    for questions in plans:
        convo = []
        for text in questions:
            products = [h.product for h in await chat.search(text)]
            convo.append(chat.prompts.build([], text, products))
        prompts.append(convo)
    client = openai.AsyncOpenAI(base_url=f"{chat.engine.base_url}/v1", api_key="unused")
    # Warm both paths once so neither pays first-request costs.
    await direct_conversation(
        client, settings.served_model_name, prompts[0][:1], 8, PathResult("warm")
    )
    await ws_conversation(f"ws://127.0.0.1:{port}/ws/chat", plans[0][:1], PathResult("warm"))
    direct, service = PathResult("engine"), PathResult("service")
    model = settings.served_model_name
    await timed(
        direct, [direct_conversation(client, model, p, max_tokens, direct) for p in prompts]
    )
    url = f"ws://127.0.0.1:{port}/ws/chat"
    await timed(service, [ws_conversation(url, q, service) for q in plans])
    server.should_exit = True
    await serving
    a, b = direct.summary(), service.summary()
    return {
        "command": (
            f"salesbot bench --concurrency {concurrency} --max-tokens {max_tokens} "
            f"--rounds {rounds}"
        ),
        "machine": f"{platform.machine()}, {_cpus()} CPUs, Python {platform.python_version()}",
        "model": settings.model,
        "engine": a,
        "service": b,
        "throughput_ratio": round(b["tokens_per_s"] / a["tokens_per_s"], 3)
        if a["tokens_per_s"]
        else None,
        "ttft_p50_added_ms": _diff(b["ttft_p50_ms"], a["ttft_p50_ms"]),
        "ttft_p95_added_ms": _diff(b["ttft_p95_ms"], a["ttft_p95_ms"]),
        "ttft_p50_ratio": _ratio(b["ttft_p50_ms"], a["ttft_p50_ms"]),
        "ttft_p95_ratio": _ratio(b["ttft_p95_ms"], a["ttft_p95_ms"]),
    }


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


def _diff(b: float | None, a: float | None) -> float | None:
    return round(b - a, 1) if a is not None and b is not None else None


def _ratio(b: float | None, a: float | None) -> float | None:
    return round(b / a, 3) if a and b is not None else None


def run_benchmark(settings: Settings, *, concurrency: int, max_tokens: int, rounds: int,
                  output: Path | None) -> None:  # fmt: skip
    results = asyncio.run(benchmark(settings, concurrency, max_tokens, rounds))
    table = Table("path", "turns", "errors", "tokens", "tokens/s", "TTFT p50 ms", "TTFT p95 ms")
    for row in (results["engine"], results["service"]):
        table.add_row(row["path"], str(row["turns"]), str(row["errors"]),
                      str(row["completion_tokens"]), str(row["tokens_per_s"]),
                      str(row["ttft_p50_ms"]), str(row["ttft_p95_ms"]))  # fmt: skip
    console = Console()
    console.print(table)
    console.print(
        f"throughput ratio service/engine: {results['throughput_ratio']}; "
        f"TTFT added p50 {results['ttft_p50_added_ms']} ms, p95 {results['ttft_p95_added_ms']} ms "
        f"(ratios {results['ttft_p50_ratio']}, {results['ttft_p95_ratio']})"
    )
    if output:
        output.write_text(json.dumps(results, indent=2) + "\n")
