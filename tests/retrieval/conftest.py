"""Shared parts for the retrieval tests: the real MiniLM model, loaded once, and real Chroma."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from retrieval.embeddings import load_embeddings
from retrieval.index import CatalogIndex


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
