"""The learning loop end to end on the running service: a tiny adapter taught the shop's own
greeting passes the gate, is promoted into the live engine with no restart, greets new
shoppers over the websocket while an answer already streaming finishes untouched, survives an
engine crash, and rolls back to the base model's greeting."""

import asyncio
import hashlib
import json
import os
import shutil
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from bot.chat import replies
from bot.log.store import DialogueLog
from tests.bot.conftest import ask, collect, logged_turns, recv
from tests.bot.test_cli import salesbot
from tests.bot.test_engine_failures import engine_server
from tests.finetune.conftest import STORE, THANKS
from tests.service import Service


def bucket(session_id: str) -> float:
    return int.from_bytes(hashlib.sha256(session_id.encode()).digest()[:4]) / 2**32


async def greeting(service: Service, text: str = "Hello!") -> tuple[str, dict[str, Any]]:
    async with connect(service.ws_url) as ws:
        session_id = (await recv(ws))["session_id"]
        answer = await ask(ws, text)
    [turn] = logged_turns(service.database, session_id)
    assert turn["status"] == "ok" and turn["reply"] == answer.done["text"] == answer.text
    return answer.text, turn


def cli(service: Service, *args: str, timeout: float = 300) -> str:
    done = salesbot(service.data_dir, "finetune", *args, "--url", service.url, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.engine
@pytest.mark.disruptive
async def test_a_taught_greeting_is_gated_promoted_live_survives_a_crash_and_rolls_back(
    service: Service, taught: tuple[Path, dict[str, Any]]
) -> None:
    folder, record = taught
    name = record["version"]
    finetune = service.data_dir / "finetune"
    shutil.copytree(folder, finetune / "adapters" / name)
    shutil.copytree(folder.parents[1] / "datasets", finetune / "datasets", dirs_exist_ok=True)

    before, turn = await greeting(service)
    assert before == replies.greet(STORE) and turn["adapter"] is None

    # The gate: loss on the held-out conversations, replies that stop on their own, and
    # `salesbot eval` (its CI slice) answered by both versions in a temporary service. It
    # starts a second engine beside the session's, so on two loaded cores it can take minutes:
    # the limit only catches a hang.
    judged = salesbot(service.data_dir, "finetune", "evaluate", name, timeout=900)
    assert judged.returncode == 0, judged.stdout + judged.stderr
    assert "Gate passed" in judged.stdout and "now (base model)" in judged.stdout
    assert "eval: unsupported facts" in judged.stdout and "eval: hit at 1" in judged.stdout

    try:
        # An answer is streaming when the promotion lands; it finishes on the base model.
        async with connect(service.ws_url) as ws:
            streaming_id = (await recv(ws))["session_id"]
            await ws.send(json.dumps({"type": "message", "text": "Show me rain jackets."}))
            assert (await recv(ws))["type"] == "products"
            promoted = await asyncio.to_thread(cli, service, "promote", name)
            in_flight = await collect(ws)
        assert f"Serving {name} (was the base model)" in promoted
        assert in_flight.of("done") and not in_flight.of("error")
        [streamed] = logged_turns(service.database, streaming_id)
        assert streamed["status"] == "ok" and streamed["adapter"] is None

        taught_greeting, turn = await greeting(service)
        assert "Skye" in taught_greeting and taught_greeting.startswith("Welcome to Northwind")
        assert turn["adapter"] == name and turn["grounding"] == []
        scraped = httpx.get(f"{service.url}/metrics", timeout=30).text
        assert f'salesbot_version_turns_total{{status="ok",version="{name}"}} 1.0' in scraped
        thanks, _ = await greeting(service, "Thanks a lot!")
        assert thanks.startswith(THANKS[:26]), thanks  # "Happy trails from all of us"
        # Catalog answers keep their rendered facts; only the lead-in comes from the adapter.
        async with connect(service.ws_url) as ws:
            await recv(ws)
            answer = await ask(ws, "Do you have a tent for two people?")
        assert answer.products and answer.of("done")
        listed = salesbot(service.data_dir, "finetune", "list").stdout
        assert any(name in line and "serving" in line and "passed" in line
                   for line in listed.splitlines())  # fmt: skip

        # A crashed engine comes back with the adapter loaded before any shopper reaches it.
        restarts = service.health().json()["engine"]["restarts"]
        os.kill(engine_server(service).pid, signal.SIGKILL)
        deadline = time.monotonic() + 300
        while service.health().json()["engine"]["restarts"] == restarts:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.5)
        after_crash, turn = await asyncio.wait_for(greeting(service), 300)
        assert "Skye" in after_crash and turn["adapter"] == name
        # Its lead-ins ask the engine for the adapter by name: it really is loaded again.
        async with connect(service.ws_url) as ws:
            session_id = (await recv(ws))["session_id"]
            answer = await ask(ws, "Do you have a tent for two people?")
        assert answer.of("done") and not answer.of("error"), answer.frames
        [turn] = logged_turns(service.database, session_id)
        assert turn["adapter"] == name and turn["completion_tokens"] > 0

        rolled = await asyncio.to_thread(cli, service, "rollback")
        assert f"Serving the base model (was {name})" in rolled
        back, turn = await greeting(service)
        assert back == replies.greet(STORE) and turn["adapter"] is None

        # A canary: half the new conversations, chosen by a hash of their id, get the adapter.
        started = await asyncio.to_thread(cli, service, "canary", name, "--share", "0.5")
        assert "answers 50% of new conversations" in started
        for _ in range(4):
            text, turn = await greeting(service)
            on_canary = bucket(turn["session_id"]) < 0.5
            assert turn["adapter"] == (name if on_canary else None)
            assert ("Skye" in text) == on_canary, text
        live = salesbot(service.data_dir, "finetune", "live").stdout
        assert name in live and "base model" in live
        assert "Stopped the canary" in await asyncio.to_thread(cli, service, "canary", "--stop")
    finally:
        log = DialogueLog(f"sqlite:///{service.database}")
        from bot.log.registry import AdapterRegistry

        registry = AdapterRegistry(log.sessions)
        if registry.canary() is not None:
            registry.stop_canary(by="test-cleanup")
        if registry.serving() is not None:  # leave the base model serving
            with httpx.Client(timeout=60) as http:
                key = log.create_api_key("test-cleanup")
                http.post(f"{service.url}/api/adapters/rollback", json={},
                          headers={"Authorization": f"Bearer {key}"})  # fmt: skip
        log.close()
