"""`salesbot bench staff`: how soon the agents' desk shows what shoppers do. Shoppers send
messages over the real websocket to the real service and engine while an agent's staff socket
listens; it measures, per message, the delay until the agent's list shows it, and until the
frame reaches an agent watching that conversation. The answers are written meanwhile, so the
figures hold under the load they cause. Uses its own database (the catalog index is shared)."""

import asyncio
import json
import os
import platform
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from bot.bench import QUESTIONS, served
from bot.bench_widget import _stats
from bot.config import Settings
from bot.log.store import DialogueLog
from bot.staff.accounts import Accounts

TARGET_MS = 500.0


@dataclass
class StaffBenchOptions:
    messages: int = 30
    shoppers: int = 4  # conversations writing at once

    def command(self) -> str:
        return f"salesbot bench staff --messages {self.messages} --shoppers {self.shoppers}"


async def _until(ws: ClientConnection, match: Any) -> dict[str, Any]:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if match(frame):
            return dict(frame)


async def _measure(url: str, cookie: str, options: StaffBenchOptions) -> dict[str, list[float]]:
    staff_url = url.replace("/ws/chat", "/staff/ws")
    headers = {"Cookie": f"salesbot_staff={cookie}"}
    listed: list[float] = []
    watched: list[float] = []
    async with (
        connect(staff_url, additional_headers=headers, max_size=None) as agent,
        connect(staff_url, additional_headers=headers, max_size=None) as watcher,
    ):
        await agent.recv()
        await watcher.recv()
        shoppers = [await connect(f"{url}?v=2") for _ in range(options.shoppers)]
        ids = [json.loads(await s.recv())["session_id"] for s in shoppers]
        for n in range(options.messages):
            which = n % len(shoppers)
            if n >= len(shoppers):  # a conversation exists once it has a message: watch it
                await watcher.send(json.dumps({"type": "watch", "session_id": ids[which]}))
                await _until(watcher, lambda f: f["type"] == "watching")
            if n >= len(shoppers):  # a shopper waits for the answer before writing again
                await _until(shoppers[which], lambda f: f["type"] in ("done", "error"))
            text = f"{QUESTIONS[n % len(QUESTIONS)]} ({n})"
            sent = time.perf_counter()
            await shoppers[which].send(json.dumps({"type": "message", "text": text}))
            await _until(
                agent,
                lambda f, t=text: f["type"] == "conversation" and f["item"]["last_message"] == t,
            )
            listed.append((time.perf_counter() - sent) * 1000)
            if n >= len(shoppers):
                await _until(
                    watcher,
                    lambda f, t=text: f["type"] == "live" and f["frame"].get("text") == t,
                )
                watched.append((time.perf_counter() - sent) * 1000)
        for shopper in shoppers:
            await shopper.close()
    return {"list": listed, "watch": watched}


async def benchmark(settings: Settings, options: StaffBenchOptions) -> dict[str, Any]:
    from bot.app import create_app

    with tempfile.TemporaryDirectory() as scratch:
        database = f"sqlite:///{Path(scratch) / 'bench.db'}"
        settings = settings.model_copy(
            update={"database_url": database, "rate_limit_messages": 10**6,
                    "rate_limit_ip_messages": 10**6}
        )  # fmt: skip
        log = DialogueLog(database)
        log.migrate()
        username, password = f"bench-{secrets.token_hex(3)}", secrets.token_urlsafe(16)
        Accounts(log.sessions).create(username, password, "agent")
        log.close()
        async with served(create_app(settings)) as url:
            base = url.replace("ws://", "http://").removesuffix("/ws/chat")
            async with httpx.AsyncClient(base_url=base) as client:
                login = await client.post(
                    "/staff/api/login", json={"username": username, "password": password}
                )
                login.raise_for_status()
                cookie = login.cookies["salesbot_staff"]
            delays = await _measure(url, cookie, options)
    return {
        "command": options.command(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "target_ms": TARGET_MS,
        "list_ms": _stats(delays["list"]),
        "watch_ms": _stats(delays["watch"]),
    }


def run(settings: Settings, options: StaffBenchOptions) -> dict[str, Any]:
    return asyncio.run(benchmark(settings, options))
