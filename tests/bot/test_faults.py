"""Faults an on-call engineer meets: the service killed during a burst, a shopper leaving
mid-answer, a client that stops reading, a damaged or empty index at start. The real service and
engine where a shopper would see the difference; in-process parts where the fault cannot be
made to happen on demand. (The engine killed mid-answer: test_engine_failures.py.)"""

import asyncio
import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, make_url, text
from websockets.asyncio.client import connect

from bot.chat.hub import Hub
from bot.config import Settings
from bot.engine.client import EngineClient, Usage
from bot.log.store import DialogueLog
from bot.ws import MAX_OUTBOX, Connection
from tests.bot.chat.test_hub import ScriptedService, until
from tests.bot.conftest import ask, collect, recv
from tests.conftest import TEST_ENV
from tests.service import Service, free_port, start_service

POSTGRES = os.environ.get("SALESBOT_TEST_POSTGRES_URL", "")


def engine_metric(service: Service, name: str, **labels: str) -> float:
    text = httpx.get(f"{service.engine_url}/metrics", timeout=10).text
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            if all(f'{k}="{v}"' in line for k, v in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
    return total


async def test_an_answer_on_a_hung_engine_is_cancelled_at_once() -> None:
    """Stop and take-over cancel the answer being written; an engine that hangs (frozen before
    its response headers, or mid-stream) must not hold that up. A stand-in engine that reads
    the request and then never writes again, in-process: a real one cannot be frozen on cue."""
    chunk = json.dumps({
        "id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m",
        "choices": [{"index": 0, "delta": {"content": "hello "}, "finish_reason": None}],
    })  # fmt: skip
    event = f"data: {chunk}\n\n".encode()
    frozen = asyncio.Event()  # never set
    writers: list[asyncio.StreamWriter] = []

    async def engine(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"content-length: (\d+)", head, re.I)[1])  # type: ignore[index]
        body = json.loads(await reader.readexactly(length))
        if body["messages"][0]["content"] == "mid-stream":
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                b"transfer-encoding: chunked\r\n\r\n" + f"{len(event):x}\r\n".encode() + event
                + b"\r\n"
            )  # fmt: skip
            await writer.drain()
        await frozen.wait()

    server = await asyncio.start_server(engine, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = EngineClient(f"http://127.0.0.1:{port}", "m", timeout=60)
    try:
        for where in ("before-headers", "mid-stream"):
            first = asyncio.Event()

            async def answer(where: str = where, first: asyncio.Event = first) -> None:
                messages = [{"role": "user", "content": where}]
                async for _ in client.stream_chat(
                    messages, max_tokens=50, temperature=0.0, usage=Usage()
                ):
                    first.set()

            task = asyncio.create_task(answer())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(first.wait(), 1.0)
            assert first.is_set() == (where == "mid-stream")
            started = time.monotonic()
            task.cancel("taken_over")
            await asyncio.wait_for(asyncio.wait([task]), 2.0)
            assert task.cancelled() and time.monotonic() - started < 0.5, where
            assert client.link.active == 0  # the engine is not counted busy with it any more
    finally:
        for writer in writers:
            writer.close()
        server.close()
        await client.link.openai.close()


@pytest.mark.engine
async def test_a_stream_closed_mid_answer_aborts_the_engine_request(service: Service) -> None:
    """What a stopped or abandoned answer does to the engine: the request ends at once and its
    slot is free, instead of writing 1500 tokens for nobody."""
    engine = EngineClient(service.engine_url, "salesbot", timeout=60)
    generated = engine_metric(service, "vllm:generation_tokens_total")
    pieces = engine.stream_chat(
        [{"role": "user", "content": "Tell me a very long story about tents."}],
        max_tokens=1500, temperature=1.0, usage=Usage(), extra={"ignore_eos": True},
    )  # fmt: skip
    for _ in range(3):
        await anext(pieces)
    assert engine_metric(service, "vllm:num_requests_running") == 1
    started = time.monotonic()
    await pieces.aclose()
    while engine_metric(service, "vllm:num_requests_running") > 0:
        assert time.monotonic() - started < 5, "the engine kept generating"
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)
    # The request ended far short of its 1500 tokens: aborted, not finished in the background.
    assert engine_metric(service, "vllm:generation_tokens_total") - generated < 500
    await engine.close()


class StuckSocket:
    """A client that connected and then stopped reading: every send waits forever."""

    client = None

    def __init__(self) -> None:
        self.closed: tuple[int, str] | None = None

    async def send_text(self, frame: str) -> None:
        await asyncio.Event().wait()

    async def receive(self) -> dict[str, Any]:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)


async def test_a_client_that_stops_reading_is_dropped_and_others_go_on(
    log: DialogueLog, tmp_path: Path
) -> None:
    service = ScriptedService(log)
    hub = Hub(service)  # type: ignore[arg-type]
    settings = Settings(data_dir=tmp_path)
    stuck, reader = StuckSocket(), StuckSocket()
    slow = Connection(stuck, hub, settings)  # type: ignore[arg-type]
    other = Connection(reader, hub, settings)  # type: ignore[arg-type]
    running = asyncio.create_task(slow.run(None))
    also = asyncio.create_task(other.run(None))
    await until(lambda: slow.conversation is not None and other.conversation is not None)
    conversation = slow.conversation
    assert conversation is not None and slow in conversation.subscribers
    for n in range(MAX_OUTBOX + 500):  # an answer's frames piling up behind a stuck client
        slow.push(json.dumps({"type": "token", "text": f"{n} "}))
    await asyncio.wait_for(running, 10)  # dropped, not left holding frames
    assert stuck.closed is not None and stuck.closed[0] == 1013
    assert slow.outbox.qsize() <= MAX_OUTBOX
    assert slow not in conversation.subscribers  # its conversation lives on, to be resumed
    assert not also.done()  # the other connection is untouched
    also.cancel()
    await asyncio.gather(also, return_exceptions=True)


def logged(database: Path) -> dict[int, tuple[str, str | None]]:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT id, status, error_code FROM turns")
        return {turn_id: (status, code) for turn_id, status, code in rows}


async def shopper(
    url: str, question: str, done: dict[int, str], sessions: list[Any], accepted: Callable[[], None]
) -> None:
    """Send messages until the connection dies; note each answer acknowledged with `done`, and
    call `accepted` as each message is logged, before its answer is written."""
    async with connect(f"{url}?v=2") as ws:
        session = await recv(ws)
        sessions.append(session)
        for n in range(4):
            await ws.send(json.dumps({"type": "message", "text": f"{question} ({n})"}))
            while (frame := await recv(ws))["type"] not in ("done", "error"):
                if frame["type"] == "accepted":
                    accepted()
            if frame["type"] == "done":
                done[frame["message_id"]] = frame["text"]


@pytest.mark.engine
async def test_a_service_killed_during_a_burst_keeps_every_answered_turn(
    service: Service, tmp_path: Path
) -> None:
    env = {**TEST_ENV, "SALESBOT_ENGINE_URL": service.engine_url}
    victim = start_service(tmp_path, **env)
    victim.wait(engine=True, timeout=300)
    done: dict[int, str] = {}
    sessions: list[dict[str, Any]] = []
    killed = asyncio.Event()

    def accepted() -> None:
        # Killed the moment a message is logged once some answers are out: that turn is
        # certainly accepted and unanswered, whatever the speed of the answers.
        if len(done) >= 3 and not killed.is_set():
            victim.process.send_signal(signal.SIGKILL)
            killed.set()

    questions = ["Any tents for four?", "A warm sleeping bag?", "Rain jackets?", "Headlamps?"]
    burst = [
        asyncio.create_task(shopper(victim.ws_url, q, done, sessions, accepted)) for q in questions
    ]
    try:
        await asyncio.wait_for(killed.wait(), 120)
    finally:
        victim.process.kill()  # already dead, unless the burst ended first
        victim.process.wait(30)
    await asyncio.gather(*burst, return_exceptions=True)
    before = logged(victim.database)
    assert any(status == "pending" for status, _ in before.values())  # killed mid-burst
    for turn_id in done:  # `done` is only sent after the turn is committed
        assert before[turn_id] == ("ok", None)

    again = start_service(tmp_path, **env)
    try:
        again.wait(engine=True, timeout=300)
        after = logged(again.database)
        assert set(after) == set(before)  # nothing accepted is missing
        assert all(status != "pending" for status, _ in after.values())
        closed = {t for t, (status, _) in before.items() if status == "pending"}
        assert all(after[t] == ("error", "interrupted") for t in closed)
        # Each shopper resumes on the restarted service and sees every answer it was sent.
        for session in sessions:
            query = f"session_id={session['session_id']}&token={session['resume_token']}"
            async with connect(f"{again.ws_url}?v=2&{query}") as ws:
                resumed = await recv(ws)
            assert resumed["resumed"] is True
            answers = {h["message_id"]: h["text"] for h in resumed["history"]
                       if h["role"] == "assistant" and not h.get("error")}  # fmt: skip
            mine = {t: text for t, text in done.items() if t in answers or t in
                    {h["message_id"] for h in resumed["history"]}}  # fmt: skip
            assert all(answers[t] == text for t, text in mine.items())
            errors = {h["message_id"]: h["error"] for h in resumed["history"] if h.get("error")}
            assert all(code == "interrupted" for code in errors.values())
    finally:
        again.stop()


def serve(data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "serve"], capture_output=True, text=True, timeout=120,
        env={**os.environ, "SALESBOT_DATA_DIR": str(data_dir), "SALESBOT_PORT": "9", **env},
    )  # fmt: skip


def test_a_damaged_index_at_start_is_a_clear_error_with_the_command_to_rebuild(
    tmp_path: Path,
) -> None:
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "chroma.sqlite3").write_bytes(os.urandom(20_000))
    run = serve(tmp_path)
    assert run.returncode == 2
    said = re.sub(r"\s+", " ", run.stderr)
    assert "cannot be opened" in said and "salesbot catalog ingest FILE" in said
    assert "Traceback" not in run.stderr


def test_an_empty_index_without_the_demo_catalog_says_how_to_load_one(tmp_path: Path) -> None:
    run = serve(tmp_path, SALESBOT_DEMO_CATALOG="false")
    assert run.returncode == 2
    said = re.sub(r"\s+", " ", run.stderr)
    assert "holds no products" in said and "salesbot catalog ingest FILE" in said


class Proxy:
    """A TCP relay to PostgreSQL that can be cut and restored: the database unreachable for a
    few seconds, as in a failover or a network blip, without touching the server."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target, self.port = target, free_port()
        self.server: asyncio.Server | None = None
        self.links: set[asyncio.StreamWriter] = set()

    async def up(self) -> None:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)

    async def down(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in list(self.links):
            writer.transport.abort()
        self.links.clear()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.links |= {writer, upstream}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.transport.abort()

        await asyncio.gather(pipe(reader, upstream), pipe(upstream_reader, writer))


def turns_in(url: str, session_id: str) -> list[tuple[str, str | None]]:
    with create_engine(url).connect() as db:
        rows = db.execute(
            text("SELECT status, error_code FROM turns WHERE session_id = :s ORDER BY id"),
            {"s": session_id},
        )
        return [(status, code) for status, code in rows]


@pytest.mark.engine
async def test_the_database_away_for_seconds_refuses_clearly_and_half_writes_nothing(
    service: Service, tmp_path: Path
) -> None:
    if not POSTGRES:
        pytest.skip("Set SALESBOT_TEST_POSTGRES_URL to a PostgreSQL database (.ci/run does).")
    real = make_url(POSTGRES)
    proxy = Proxy((real.host or "127.0.0.1", real.port or 5432))
    await proxy.up()
    through = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    env = {**TEST_ENV, "SALESBOT_ENGINE_URL": service.engine_url, "SALESBOT_DATABASE_URL": through}
    served = start_service(tmp_path, **env)
    try:
        # Waiting in a thread: the relay runs on this event loop.
        await asyncio.to_thread(served.wait, engine=True, timeout=300)
        async with connect(served.ws_url) as ws:
            session_id = (await recv(ws))["session_id"]
            assert (await ask(ws, "Do you sell tents?")).done
            await proxy.down()  # new messages cannot be logged: refused, with a reason
            refused = await asyncio.wait_for(ask(ws, "And sleeping bags?"), 60)
            assert refused.error["code"] == "log_unavailable"
            assert "not sent" in refused.error["message"] and "again" in refused.error["message"]
            assert turns_in(POSTGRES, session_id) == [("ok", None)]  # nothing half-written
            await proxy.up()
            assert (await asyncio.wait_for(ask(ws, "And sleeping bags?"), 60)).done
            # Cut while an answer is written: it is recorded once the database is back.
            await ws.send(json.dumps({"type": "message", "text": "Any headlamps?"}))
            assert (await recv(ws))["type"] == "products"
            await proxy.down()
            await asyncio.sleep(3)
            await proxy.up()
            late = await asyncio.wait_for(collect(ws), 90)
        assert late.done, late.frames
        assert turns_in(POSTGRES, session_id) == [("ok", None)] * 3
        assert (await asyncio.to_thread(served.health)).status_code == 200
    finally:
        await asyncio.to_thread(served.stop)
        await proxy.down()
