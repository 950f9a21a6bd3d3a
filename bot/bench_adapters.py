"""Benchmark: serving through a LoRA adapter vs the base model, and switching under load.

Runs the service in-process with its own engine (LoRA enabled), then: C concurrent
conversations on the base model; the same with the adapter promoted; and the same load again
while the service promotes and rolls back S times. Reports time to first token and tokens/s
per version, each switch's load and switch time, and every conversation that failed or came
back garbled (an error frame, no `done`, or a `done` whose text is not what was streamed).
The registry ends as it started.
"""

import asyncio
import json
import os
import platform
import time
from dataclasses import dataclass
from typing import Any

import uvloop
import websockets

from bot.bench import QUESTIONS, PathResult, served
from bot.config import Settings

CHATS = ["Hello!", *QUESTIONS[:5], "Thanks, that helps!"]


@dataclass
class AdapterBenchOptions:
    adapter: str
    concurrency: int = 8
    turns: int = 3  # per conversation, each conversation a new session
    switches: int = 6
    max_tokens: int = 48
    merged: bool = False  # promote through the merged weights: blue-green engine switches

    def command(self) -> str:
        return (
            f"salesbot bench adapters {self.adapter} --concurrency {self.concurrency} "
            f"--turns {self.turns} --switches {self.switches} --max-tokens {self.max_tokens}"
            + (" --merged" if self.merged else "")
        )


async def chat(url: str, worker: int, turns: int, result: PathResult, bad: list[str]) -> None:
    """One shopper: `turns` messages in one session, each checked frame by frame."""
    async with websockets.connect(url, max_size=None) as ws:
        await ws.recv()
        for n in range(turns):
            text = CHATS[(worker + n) % len(CHATS)]
            sent, first, streamed = time.perf_counter(), None, []
            await ws.send(json.dumps({"type": "message", "text": text}))
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 120))
                if frame["type"] == "token":
                    first = first or time.perf_counter() - sent
                    streamed.append(frame["text"])
                if frame["type"] in ("done", "error"):
                    break
            if frame["type"] == "error":
                result.errors += 1
                bad.append(f"{text!r}: error {frame.get('code')}")
            elif frame["text"] != "".join(streamed) or not frame["text"].strip():
                bad.append(f"{text!r}: done text differs from the streamed text")
            else:
                result.tokens += frame["usage"]["completion_tokens"]
                if first is not None and frame["usage"]["completion_tokens"]:
                    result.ttft_s.append(first)


async def load(url: str, options: AdapterBenchOptions, name: str, bad: list[str]) -> PathResult:
    result = PathResult(name)
    started = time.perf_counter()
    outcomes = await asyncio.gather(
        *(chat(url, w, options.turns, result, bad) for w in range(options.concurrency)),
        return_exceptions=True,
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            result.errors += 1
            bad.append(f"{name}: {outcome!r}")
    result.wall_s = time.perf_counter() - started
    return result


async def benchmark(settings: Settings, options: AdapterBenchOptions) -> dict[str, Any]:
    from bot.app import create_app

    settings = settings.model_copy(
        update={
            "engine_lora": True,
            "max_reply_tokens": options.max_tokens,
            "temperature": 0.0,
            "rate_limit_messages": 10**6,
            "rate_limit_ip_messages": 10**6,
        }
    )
    app = create_app(settings)
    async with served(app) as url:
        return await _measure(app, url, settings, options)


async def _measure(
    app: Any, url: str, settings: Settings, options: AdapterBenchOptions
) -> dict[str, Any]:
    from bot.log.registry import register_folders

    router = app.state.chat.adapters
    await asyncio.to_thread(
        register_folders, router.registry, settings.data_dir / "finetune" / "adapters"
    )
    await asyncio.to_thread(router.registry.get, options.adapter)  # a clear error if unknown
    started_with = router.model
    started_merged = bool(router.current and router.current.merged)
    bad: list[str] = []
    switches: list[dict[str, Any]] = []
    try:
        if started_with is not None:
            await router.promote(None, by="bench", action="rollback")
        await load(url, options, "warm-up", [])
        base = await load(url, options, "base model", bad)
        if options.merged:
            paths = await _blue_green(router, url, settings, options, bad, switches)
            return _result(settings, options, [base.summary(), *paths], switches, bad)
        switched = await router.promote(options.adapter, by="bench")
        switches.append({"to": options.adapter, "load_ms": switched.load_ms,
                         "switch_ms": switched.switch_ms})  # fmt: skip
        adapter = await load(url, options, f"adapter {options.adapter}", bad)

        async def flip() -> None:
            for n in range(options.switches):
                await asyncio.sleep(1.0)
                to = None if n % 2 == 0 else options.adapter
                started = time.perf_counter()
                done = await router.promote(to, by="bench", action="rollback" if to is None
                                            else "promote")  # fmt: skip
                switches.append(
                    {
                        "to": to or "base model",
                        "load_ms": round(done.load_ms, 1),
                        "switch_ms": round(done.switch_ms, 1),
                        "total_ms": round((time.perf_counter() - started) * 1000, 1),
                    }
                )
                # fmt: skip

        flipping = asyncio.create_task(flip())
        during = PathResult("during switches")
        while not flipping.done():
            round_ = await load(url, options, "during switches", bad)
            during.ttft_s += round_.ttft_s
            during.tokens += round_.tokens
            during.errors += round_.errors
            during.wall_s += round_.wall_s
        await flipping
    finally:
        now_merged = bool(router.current and router.current.merged)
        if router.model != started_with or now_merged != started_merged:
            back = started_merged if started_with is not None else None
            await router.promote(started_with, by="bench", action="rollback", merged=back)
    return _result(
        settings, options, [base.summary(), adapter.summary(), during.summary()], switches, bad
    )


def _result(
    settings: Settings,
    options: AdapterBenchOptions,
    paths: list[dict[str, Any]],
    switches: list[dict[str, Any]],
    bad: list[str],
) -> dict[str, Any]:
    return {
        "command": options.command(),
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} CPUs, "
        f"Python {platform.python_version()}",
        "model": settings.model,
        "paths": paths,
        "switches": switches,
        "failed_or_garbled": bad,
    }


async def _blue_green(
    router: Any,
    url: str,
    settings: Settings,
    options: AdapterBenchOptions,
    bad: list[str],
    switches: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Promote through the merged weights (a new engine takes over) and roll back (a base-model
    engine takes over again), each while the conversations go on; then the merged model's own
    figures between the two."""
    from bot.prepare import model_path
    from finetune.merge import ensure_merged

    await asyncio.to_thread(
        ensure_merged, router.registry, options.adapter, model_path(settings),
        settings.data_dir / "models",
    )  # fmt: skip

    async def switch(to: str | None, name: str) -> dict[str, Any]:
        started = time.perf_counter()
        task = asyncio.create_task(
            router.promote(
                to, by="bench", merged=True if to else None, action="promote" if to else "rollback"
            )  # fmt: skip
        )
        during = PathResult(name)
        while not task.done():
            round_ = await load(url, options, name, bad)
            during.ttft_s += round_.ttft_s
            during.tokens += round_.tokens
            during.errors += round_.errors
            during.wall_s += round_.wall_s
        done = await task
        switches.append({
            "to": to or "base model", "engine_ms": round(done.engine_ms, 1),
            "switch_ms": round(done.switch_ms, 1),
            "total_ms": round((time.perf_counter() - started) * 1000, 1),
        })  # fmt: skip
        return during.summary()

    promoting = await switch(options.adapter, "during the switch to the merged engine")
    merged = await load(url, options, f"merged {options.adapter} (its own engine)", bad)
    rolling = await switch(None, "during the switch back to a base-model engine")
    return [promoting, merged.summary(), rolling]


def run(settings: Settings, options: AdapterBenchOptions) -> dict[str, Any]:
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(benchmark(settings, options))
