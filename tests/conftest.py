import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.log.store import DialogueLog
from tests.service import Service, free_port, start_service

# Small answers keep the suite fast on two CPU cores; the behaviour under test is the same.
TEST_ENV = {
    "SALESBOT_MAX_REPLY_TOKENS": "40",
    "SALESBOT_RATE_LIMIT_MESSAGES": "4",
    "SALESBOT_RATE_LIMIT_WINDOW": "120",
    "SALESBOT_RATE_LIMIT_IP_MESSAGES": "100000",  # every test client is on 127.0.0.1
    "SALESBOT_MAX_MESSAGE_CHARS": "500",
    "SALESBOT_MAX_FRAME_BYTES": "4096",
    "SALESBOT_ENGINE_START_TIMEOUT": "300",
}


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The real service with its own vLLM engine, demo catalog and SQLite log, once per run."""
    running = start_service(tmp_path_factory.mktemp("service"), **TEST_ENV)
    try:
        running.wait(engine=True)
        yield running
    finally:
        running.stop()


@pytest.fixture
def log(tmp_path: Path) -> Iterator[DialogueLog]:
    """A migrated SQLite dialogue log where the service would keep it in `tmp_path`."""
    dialogue_log = DialogueLog(f"sqlite:///{tmp_path / 'dialogues.db'}")
    dialogue_log.migrate()
    yield dialogue_log
    dialogue_log.close()


@pytest.fixture(scope="session")
def repo() -> Path:
    return Path(__file__).resolve().parents[1]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Tests that kill or replace the shared engine run last, so a restart cannot slow the
    # others; `disruptive(last=True)` runs after those too (it leaves other weights serving).
    def order(item: pytest.Item) -> int:
        marker = item.get_closest_marker("disruptive")
        return 0 if marker is None else 2 if marker.kwargs.get("last") else 1

    items.sort(key=order)


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Chroma server (the `chroma run` command that ships with chromadb)."""
    command = Path(sys.executable).parent / "chroma"
    if not command.exists():
        pytest.skip("The chroma command is not installed next to this Python.")
    port = free_port()
    folder = tmp_path_factory.mktemp("chroma-server")
    server = subprocess.Popen(
        [str(command), "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_heartbeat(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_for_heartbeat(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"The Chroma server at {url} did not start.")
