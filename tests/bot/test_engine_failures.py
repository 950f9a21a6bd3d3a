"""The engine crashing mid-answer, or not being reachable at all."""

import asyncio
import json
import os
import signal
from pathlib import Path

import psutil
import pytest
from websockets.asyncio.client import connect

from tests.bot.conftest import ask, collect, logged_turns, recv
from tests.conftest import TEST_ENV
from tests.service import Service, free_port, start_service


def engine_server(service: Service) -> psutil.Process:
    found = service.engines()
    assert found, "the service has no engine child process"
    return found[0]


@pytest.mark.engine
@pytest.mark.disruptive
async def test_engine_killed_mid_answer_errors_cleanly_then_recovers(service: Service) -> None:
    restarts = service.health().json()["engine"]["restarts"]
    async with connect(service.ws_url) as ws:
        session_id = (await recv(ws))["session_id"]
        await ws.send(json.dumps({"type": "message", "text": "Tell me about your rain jackets."}))
        assert (await recv(ws))["type"] == "products"
        await recv(ws)  # the first token: the engine is generating
        os.kill(engine_server(service).pid, signal.SIGKILL)
        failed = await collect(ws)
        assert failed.error["code"] == "engine_unavailable"
        assert "again" in failed.error["message"]
        # The service restarts the engine; the next message waits for it and is answered.
        answer = await ask(ws, "Do you have a tent for two people?")
    assert answer.of("done"), answer.frames
    assert service.health().json()["engine"]["restarts"] == restarts + 1
    first, second = logged_turns(service.database, session_id)
    assert first["status"] == "error" and first["error_code"] == "engine_unavailable"
    assert first["user_text"] == "Tell me about your rain jackets."
    assert second["status"] == "ok" and second["reply"] == answer.done["text"]


async def test_engine_unreachable_gives_error_and_logs_turn(tmp_path: Path) -> None:
    dead_engine = f"http://127.0.0.1:{free_port()}"
    service = start_service(tmp_path, **TEST_ENV, SALESBOT_ENGINE_URL=dead_engine)
    try:
        service.wait(engine=False)
        assert service.health().status_code == 503
        async with connect(service.ws_url) as ws:
            session_id = (await recv(ws))["session_id"]
            answer = await asyncio.wait_for(ask(ws, "Do you sell tents?"), 30)
    finally:
        service.stop()
    assert answer.error["code"] == "engine_unavailable"
    assert dead_engine not in answer.error["message"]  # addresses stay in the server log
    assert (
        answer.error["message"]
        == "The assistant is not available right now. Please try again in a minute."
    )
    [turn] = logged_turns(service.database, session_id)
    assert turn["status"] == "error" and turn["error_code"] == "engine_unavailable"
