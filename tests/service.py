"""Start the real service (`salesbot serve`) as a user would, for integration tests."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
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

    def engines(self) -> list[psutil.Process]:
        """The vLLM servers this service started and supervises (two while blue-green switches)."""
        return [
            child for child in psutil.Process(self.process.pid).children(recursive=True)
            if "vllm.entrypoints.openai.api_server" in " ".join(child.cmdline())
        ]  # fmt: skip

    @contextmanager
    def engine_paused(self) -> Iterator[None]:
        """Freeze the engine (its whole process group) and thaw it on leaving: an answer that
        needs the engine stays in progress for as long as a test needs it to. Keep it short:
        the service's watchdog restarts an engine that misses three health checks (~15 s)."""
        groups = {os.getpgid(engine.pid) for engine in self.engines()}
        assert groups, "the service has no engine child process"
        for group in groups:
            os.killpg(group, signal.SIGSTOP)
        try:
            yield
        finally:
            for group in groups:
                os.killpg(group, signal.SIGCONT)

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
