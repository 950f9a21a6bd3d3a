"""Shared parts for the retrieval tests: the real MiniLM model, loaded once, and real Chroma."""

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from langchain_core.embeddings import Embeddings

from retrieval.embeddings import load_embeddings
from retrieval.index import CatalogIndex
from tests.service import free_port


class CountingEmbeddings(Embeddings):
    """The real model, counting the texts it embeds so a test can see what was re-embedded."""

    def __init__(self, model: Embeddings) -> None:
        self.model = model
        self.embedded = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += len(texts)
        return self.model.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed_query(text)


@pytest.fixture(scope="session")
def model() -> Embeddings:
    return load_embeddings()


@pytest.fixture
def embeddings(model: Embeddings) -> CountingEmbeddings:
    return CountingEmbeddings(model)


@pytest.fixture
def index(embeddings: CountingEmbeddings, tmp_path: Path) -> Iterator[CatalogIndex]:
    with CatalogIndex(embeddings, path=tmp_path / "index") as index:
        yield index


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


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
