"""The engine's watchdog, with a stand-in engine: a static HTTP server whose `/health` is a file.
What the watchdog does with failures the real engine cannot be made to have on demand: a
restart that fails, an engine that dies while starting, stop() in the middle of a restart."""

import asyncio
import contextlib
import os
import signal
import sys
import time
from pathlib import Path

import psutil

from bot.config import Settings
from bot.engine.process import EngineProcess
from tests.service import free_port


def stand_in(tmp_path: Path, port: int) -> list[str]:
    root = tmp_path / "www"
    root.mkdir(exist_ok=True)
    (root / "health").write_text("ok")
    return [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
            "--directory", str(root)]  # fmt: skip


def supervised(tmp_path: Path, command: list[str], port: int) -> EngineProcess:
    settings = Settings(data_dir=tmp_path, engine_port=port)
    process = EngineProcess(settings, "unused", log_path=tmp_path / "engine.log")
    process.command = command
    return process


async def until(condition: object, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_a_restart_that_fails_is_retried_not_the_end_of_supervision(tmp_path: Path) -> None:
    port = free_port()
    process = supervised(tmp_path, [str(tmp_path / "no-such-engine")], port)
    await process.start()  # the service still comes up; the engine is reported as failed
    try:
        assert process.state == "failed"
        await asyncio.sleep(1.5)  # at least one more failed try
        assert process.state == "failed" and not process._watchdog.done()  # type: ignore[union-attr]
        process.command = stand_in(tmp_path, port)  # say the operator fixed the install
        await process.wait_ready(timeout=30)
        assert process.state == "ready"
    finally:
        await process.stop()


async def test_an_engine_that_dies_while_starting_is_retried_with_growing_pauses(
    tmp_path: Path,
) -> None:
    process = supervised(tmp_path, [sys.executable, "-c", "raise SystemExit(3)"], free_port())
    await process.start()
    try:
        await asyncio.sleep(4)
        # Spawned at 0 s, then after pauses of 1 and 2 s: 2 or 3 restarts, not one every 0.5 s.
        assert 1 <= process.restarts <= 3, process.restarts
        assert process.state == "failed"
    finally:
        await process.stop()


async def test_stop_during_restarts_leaves_no_engine_running(tmp_path: Path) -> None:
    port = free_port()
    process = supervised(tmp_path, stand_in(tmp_path, port), port)
    await process.start()
    await process.wait_ready(timeout=30)
    pids = set()
    for delay in (0.0, 0.05, 0.2, 0.5):
        assert process.pid is not None
        pids.add(process.pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)  # the engine dies...
        await asyncio.sleep(2.0 + delay)  # ...and the watchdog is somewhere in its restart
    await process.stop()
    assert process.state == "stopped" and process._watchdog.done()  # type: ignore[union-attr]
    pids.add(process.pid)
    await asyncio.sleep(1.0)  # nothing spawns after stop() returned
    assert process.pid in pids
    alive = [p for p in pids if p is not None and psutil.pid_exists(p)
             and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]  # fmt: skip
    assert alive == []
