"""Start the real service (`salesbot serve`) as a user would, for integration tests."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import openai
import psutil

REPO = Path(__file__).resolve().parents[1]
PREPARED_MODEL = REPO / ".data" / "models" / "smollm2-135m-instruct"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def link_prepared_model(data_dir: Path) -> None:
    """Reuse the model folder `salesbot setup` converted, instead of converting it again."""
    if PREPARED_MODEL.is_dir():
        target = data_dir / "models" / PREPARED_MODEL.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.symlink_to(PREPARED_MODEL)


@dataclass
class Service:
    process: subprocess.Popen[bytes]
    port: int
    data_dir: Path
    log_path: Path
    engine_port: int = 0  # the engine it starts (none when given SALESBOT_ENGINE_URL)

    @property
    def engine_url(self) -> str:
        return f"http://127.0.0.1:{self.engine_port}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/chat"

    @property
    def database(self) -> Path:
        return self.data_dir / "dialogues.db"

    def health(self) -> httpx.Response:
        return httpx.get(f"{self.url}/health", timeout=10)

    def wait(self, *, engine: bool, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"salesbot serve exited:\n{self.log_path.read_text()[-4000:]}")
            try:
                response = self.health()
                if response.status_code == 200 or not engine:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise TimeoutError(f"salesbot serve not ready:\n{self.log_path.read_text()[-4000:]}")

    def tails(self, chars: int = 3000) -> str:
        """The end of the service's log and of its engine's, for a failure message."""
        logs = [self.log_path, *sorted((self.data_dir / "logs").glob("*.log"))]
        return "\n".join(f"--- {p.name}:\n{p.read_text(errors='replace')[-chars:]}" for p in logs)

    def engines(self) -> list[psutil.Process]:
        """The vLLM servers this service started and supervises (two while blue-green switches)."""
        return [
            child for child in psutil.Process(self.process.pid).children(recursive=True)
            if "vllm.entrypoints.openai.api_server" in " ".join(_cmdline(child))
        ]  # fmt: skip

    @contextmanager
    def engine_busy(self, streams: int = 12) -> Iterator[None]:
        """Keep the engine writing long answers for others (straight to it, as other shoppers'
        turns would), so a shopper's answer streams slowly enough for a person to act on it
        while it is being written."""
        stop, flowing = threading.Event(), threading.Event()
        client = openai.OpenAI(
            base_url=f"{self.engine_url}/v1", api_key="none", max_retries=0, timeout=300
        )

        def write() -> None:
            while not stop.is_set():
                try:
                    stream = client.chat.completions.create(
                        model="salesbot", stream=True, max_tokens=1500,
                        messages=[{"role": "user", "content": "Tell a very long story."}],
                        extra_body={"ignore_eos": True},
                    )  # fmt: skip
                    with stream:
                        for _ in stream:
                            flowing.set()
                            if stop.is_set():
                                break
                except openai.APIError:
                    time.sleep(0.2)

        writers = [threading.Thread(target=write, daemon=True) for _ in range(streams)]
        for writer in writers:
            writer.start()
        try:
            assert flowing.wait(120), "the engine wrote nothing for the other answers"
            yield
        finally:
            stop.set()
            for writer in writers:
                writer.join(timeout=60)
            client.close()

    @contextmanager
    def engine_paused(self, at_most: float = 10.0) -> Iterator[None]:
        """Freeze the engine's processes (SIGSTOP) so that an answer waits on it, mid-stream,
        while a test acts on it; they go on where they were on leaving, or after `at_most`
        seconds whatever the test is waiting for: the service counts an engine that does not
        answer its health checks for about 20 s dead, and would restart it."""
        frozen = [
            process for engine in self.engines()
            for process in (engine, *engine.children(recursive=True))
        ]  # fmt: skip

        def resume() -> None:
            for process in frozen:
                with contextlib.suppress(psutil.NoSuchProcess):
                    process.resume()

        for process in frozen:
            process.suspend()
        deadline = threading.Timer(at_most, resume)
        deadline.start()
        try:
            yield
        finally:
            deadline.cancel()
            resume()

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_service(data_dir: Path, **env: str) -> Service:
    data_dir.mkdir(parents=True, exist_ok=True)
    link_prepared_model(data_dir)
    port, engine_port = free_port(), free_port()
    environ = {
        **os.environ,
        "SALESBOT_DATA_DIR": str(data_dir),
        "SALESBOT_PORT": str(port),
        "SALESBOT_ENGINE_PORT": str(engine_port),
        **env,
    }
    log_path = data_dir / "serve.log"
    with log_path.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"], cwd=data_dir, env=environ,
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    return Service(process, port, data_dir, log_path, engine_port)


def _cmdline(process: psutil.Process) -> list[str]:
    """A child's command line; none for one that has just ended (a replaced engine is a zombie
    until the service reaps it, and has no command line left to read)."""
    try:
        return process.cmdline()
    except (psutil.ZombieProcess, psutil.NoSuchProcess):
        return []
