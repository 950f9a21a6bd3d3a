"""Holes a review found (issue: load, faults, security), each pinned by a test."""

import asyncio
import sqlite3
import time
from collections.abc import AsyncGenerator, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from bot.app import BodyLimit, handle_error
from bot.chat import ChatService
from bot.chat.hub import Hub
from bot.config import Settings
from bot.engine.client import EngineClient
from bot.errors import UNAVAILABLE, EngineUnavailable, LogUnavailable, SalesbotError
from bot.log.store import DialogueLog, TurnOutcome
from bot.metrics import METRICS, Metrics, watch_event_loop


def statuses(log: DialogueLog, session_id: str) -> list[tuple[str, str | None]]:
    path = str(log.engine.url.database)
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT status, error_code FROM turns WHERE session_id = ? ORDER BY id", (session_id,)
        )
        return [(status, code) for status, code in rows]


async def test_turns_a_killed_service_left_pending_are_closed_at_the_next_start(
    log: DialogueLog,
) -> None:
    done = await log.open_turn("session-kill-1", "ws", "hello")
    await log.close_turn(done, TurnOutcome(status="ok"))
    await log.open_turn("session-kill-1", "ws", "are you there?")
    assert statuses(log, "session-kill-1") == [("ok", None), ("pending", None)]
    assert log.close_interrupted() == 1
    assert statuses(log, "session-kill-1") == [("ok", None), ("error", "interrupted")]
    assert log.close_interrupted() == 0


class BrokenLog:
    async def open_turn(self, *args: Any) -> int:
        raise OperationalError("INSERT INTO turns", {}, Exception("database is locked"))


async def test_a_database_error_while_accepting_is_a_clear_error_not_a_dropped_socket(
    tmp_path: Path,
) -> None:
    chat = object.__new__(ChatService)
    chat.log, chat.settings = BrokenLog(), Settings(data_dir=tmp_path)  # type: ignore[assignment]
    chat.active = 0
    with pytest.raises(LogUnavailable) as raised:
        await chat.accept("session-db-1", "ws", "hello")
    assert raised.value.code == "log_unavailable" and raised.value.status == 503
    assert "not sent" in raised.value.message and "INSERT" not in raised.value.message


async def test_an_unreachable_engine_error_tells_shoppers_nothing_internal() -> None:
    client = EngineClient("http://10.255.255.1:9", "salesbot", timeout=1)
    with pytest.raises(EngineUnavailable) as raised:
        await client.ensure_ready(1)
    assert raised.value.message == UNAVAILABLE
    assert "10.255" not in raised.value.message and "SALESBOT" not in raised.value.message


def test_a_chunked_body_over_the_limit_is_refused() -> None:
    app = FastAPI()
    app.add_exception_handler(SalesbotError, handle_error)

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"bytes": len(await request.body())}

    limited = BodyLimit(app, max_bytes=1000)

    def chunks(count: int) -> Iterator[bytes]:
        yield from (b"x" * 400 for _ in range(count))

    with TestClient(limited) as client:
        small = client.post("/echo", content=chunks(2))
        large = client.post("/echo", content=chunks(5))
    assert small.status_code == 200 and small.json() == {"bytes": 800}
    assert large.status_code == 413
    assert large.json()["error"]["code"] == "body_too_large"


class RecordingTab:
    def __init__(self) -> None:
        self.frames: list[str] = []

    def push(self, frame: str) -> None:
        self.frames.append(frame)


class CountingService:
    """Fails each answer after recording its outcome, as the pipeline does."""

    def __init__(self, log: DialogueLog) -> None:
        self.log = log

    def validate(self, text: str) -> str:
        return text

    async def accept(self, session_id: str, channel: str, text: str, client_id: Any) -> int:
        return await self.log.open_turn(session_id, channel, text, client_id)

    async def answer(self, *args: Any, **kwargs: Any) -> AsyncGenerator[Any, None]:
        METRICS.observe_turn(TurnOutcome(status="error", error_code="engine_unavailable"))
        raise EngineUnavailable(UNAVAILABLE)
        yield  # pragma: no cover


async def test_a_failed_answer_is_counted_once_in_the_error_metric(log: DialogueLog) -> None:
    tab = RecordingTab()
    talk = await Hub(CountingService(log)).open("session-count-1", logged=False)  # type: ignore[arg-type]
    assert talk is not None
    talk.attach(tab, None, 0)
    counter = METRICS.errors.labels("engine_unavailable")
    before = counter._value.get()
    await talk.submit("hello", None, lambda: None)
    while len(tab.frames) < 2:
        await asyncio.sleep(0.01)
    assert '"code":"engine_unavailable"' in tab.frames[1]
    assert counter._value.get() - before == 1


async def test_a_blocked_event_loop_shows_in_the_lag_metric() -> None:
    metrics = Metrics()
    watching = asyncio.create_task(watch_event_loop(metrics, tick=0.05))
    await asyncio.sleep(0.12)
    time.sleep(0.3)  # a blocking call on the loop, as a synchronous database read would be
    await asyncio.sleep(0.12)
    watching.cancel()
    name = "salesbot_event_loop_lag_seconds"
    ticks = metrics.registry.get_sample_value(f"{name}_count") or 0
    on_time = metrics.registry.get_sample_value(f"{name}_bucket", {"le": "0.1"}) or 0
    assert ticks >= 3
    assert ticks - on_time == 1  # exactly the tick the blocking call delayed, by ~250 ms
