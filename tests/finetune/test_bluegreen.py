"""Merge-to-promote on the running service: the taught adapter is folded into the base model
and a second engine on those weights takes over blue-green while shoppers keep chatting (no
failed answer, no restart of the service). Real engines, real websocket, the CLI as a shop owner
runs it. Rolling back is the same switch towards the base weights; its logic is tested in-process
(tests/bot/test_bluegreen_router.py), as a second engine start-up here would add minutes."""

import asyncio
import json
import shutil
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from websockets.asyncio.client import connect

from bot.chat import replies
from bot.log.store import DialogueLog
from tests.bot.conftest import collect, recv
from tests.finetune.conftest import STORE
from tests.finetune.test_loop import cli, greeting
from tests.service import Service

SWITCH = 900  # seconds a promotion may take in this test (6.5 min measured)
QUESTIONS = ["Show me rain jackets.", "Do you have a tent for two people?", "Any hiking boots?"]


async def shopper(service: Service, stop: asyncio.Event, frames: list[dict[str, Any]]) -> None:
    """Ask one question after another, each in a new conversation, until told to stop, keeping
    every frame received; an error ends it (it is what the test looks for)."""
    number = 0
    while not stop.is_set():
        async with connect(service.ws_url) as ws:
            await recv(ws)
            text = QUESTIONS[number % len(QUESTIONS)]
            await ws.send(json.dumps({"type": "message", "text": text}))
            answer = await collect(ws)
        frames.extend(answer.frames)
        if answer.of("error"):
            return
        number += 1


async def switch_under_chat(service: Service, *args: str) -> tuple[str, list[dict[str, Any]]]:
    """Run a promotion with the CLI while two shoppers chat without a pause (on
    two cores, more would mostly slow the new engine's start-up)."""
    stop, frames = asyncio.Event(), list[dict[str, Any]]()
    shoppers = [asyncio.create_task(shopper(service, stop, frames)) for _ in range(2)]
    try:
        # An engine's start-up beside a busy one takes minutes on two cores (5 to 6.5 measured);
        # the CLI itself waits up to 20.
        said = await asyncio.to_thread(cli, service, *args, timeout=SWITCH)
        await asyncio.sleep(3)  # and a few answers on the new engine
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*shoppers), 300)
    return said, frames


@pytest.mark.engine
@pytest.mark.disruptive(last=True)  # it leaves the merged weights serving
@pytest.mark.timeout(1200)  # an engine start-up on two cores under chat load
async def test_a_merged_version_takes_over_blue_green_while_shoppers_chat(
    service: Service, taught: tuple[Path, dict[str, Any]]
) -> None:
    folder, record = taught
    name = f"{record['version']}-bg"  # its own folder, beside the learning-loop test's
    shutil.copytree(folder, service.data_dir / "finetune" / "adapters" / name)
    before, _ = await greeting(service)
    assert before == replies.greet(STORE)
    [first_engine] = service.engines()
    said, frames = await switch_under_chat(service, "promote", name, "--merged", "--force")
    assert f"Serving {name} through its merged weights (was the base model)" in said
    assert "a new engine took over after" in said
    assert [f for f in frames if f["type"] == "error"] == []
    assert sum(f["type"] == "done" for f in frames) >= 3
    # The merged weights answer new conversations with the taught greeting.
    taught_greeting, turn = await greeting(service)
    assert "Skye" in taught_greeting and turn["adapter"] == name
    merged = service.data_dir / "models" / name
    assert (merged / "config.json").is_file()
    # The previous engine stops once its last answers ended; the service never restarted.
    deadline = time.monotonic() + 120
    while first_engine.is_running() and first_engine.status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the replaced engine is still running"
        await asyncio.sleep(0.5)
    [second_engine] = service.engines()
    assert str(merged) in " ".join(second_engine.cmdline())
    assert service.health().json()["status"] == "ok"
    log = DialogueLog(f"sqlite:///{service.database}")
    key = log.create_api_key("bg-test")
    log.close()
    listed = httpx.get(f"{service.url}/api/adapters", timeout=30,
                       headers={"Authorization": f"Bearer {key}"}).json()  # fmt: skip
    assert (listed["serving"], listed["serving_merged"]) == (name, True)
