"""Holes a review found (issue: load, faults, security), each pinned by a test."""

import asyncio
import sqlite3
from collections.abc import AsyncGenerator, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError
from starlette.websockets import WebSocketDisconnect

from bot.app import BodyLimit, handle_error
from bot.chat import ChatService
from bot.config import Settings
from bot.engine.client import EngineClient
from bot.errors import UNAVAILABLE, EngineUnavailable, LogUnavailable, SalesbotError
from bot.log.store import DialogueLog, TurnOutcome
from bot.metrics import METRICS
from bot.ws import Connection


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


class LeavingSocket:
    """A client that left: every send fails as a closed websocket does."""

    async def send_text(self, text: str) -> None:
        raise WebSocketDisconnect(1001)


class FailingService:
    """Answers every message with an error, after logging nothing (the pipeline would)."""

    def __init__(self, log: DialogueLog) -> None:
        self.log = log

    async def answer(self, *args: Any, **kwargs: Any) -> AsyncGenerator[Any, None]:
        raise EngineUnavailable(UNAVAILABLE)
        yield  # pragma: no cover


async def test_queued_messages_are_closed_even_when_the_error_frame_cannot_be_sent(
    log: DialogueLog,
) -> None:
    connection = Connection(LeavingSocket(), FailingService(log), Settings())  # type: ignore[arg-type]
    connection.session.id = "session-left-1"
    ids = [await log.open_turn("session-left-1", "ws", f"question {n}") for n in range(3)]
    for turn_id in ids:
        connection.queue.put_nowait((turn_id, "question"))

    async def reader_sees_the_disconnect() -> None:
        await asyncio.sleep(0.05)

    connection.read = reader_sees_the_disconnect  # type: ignore[method-assign]
    connection.resume = lambda session_id, token: asyncio.sleep(0)  # type: ignore[method-assign]
    await connection.run(None)
    # The first was taken by the worker (the pipeline closes it); the others are cancelled.
    assert [s for s in statuses(log, "session-left-1")][1:] == [
        ("cancelled", "client_disconnected"), ("cancelled", "client_disconnected")
    ]  # fmt: skip


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


class RecordingSocket:
    def __init__(self) -> None:
        self.frames: list[str] = []

    async def send_text(self, text: str) -> None:
        self.frames.append(text)


class CountingService:
    """Fails each answer after recording its outcome, as the pipeline does."""

    async def answer(self, *args: Any, **kwargs: Any) -> AsyncGenerator[Any, None]:
        METRICS.observe_turn(TurnOutcome(status="error", error_code="engine_unavailable"))
        raise EngineUnavailable(UNAVAILABLE)
        yield  # pragma: no cover


async def test_a_failed_answer_is_counted_once_in_the_error_metric() -> None:
    socket = RecordingSocket()
    connection = Connection(socket, CountingService(), Settings())  # type: ignore[arg-type]
    counter = METRICS.errors.labels("engine_unavailable")
    before = counter._value.get()
    connection.queue.put_nowait((1, "hello"))
    worker = asyncio.create_task(connection.work())
    while not socket.frames:
        await asyncio.sleep(0.01)
    worker.cancel()
    await asyncio.gather(worker, return_exceptions=True)
    assert '"code":"engine_unavailable"' in socket.frames[0]
    assert counter._value.get() - before == 1
