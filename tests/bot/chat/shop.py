"""A small shop over a real index and the real embeddings, and a chat service over it whose
engine is scripted, for tests that plan turns."""

from collections.abc import AsyncGenerator, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.chat import ChatService
from bot.config import Settings
from bot.errors import EngineUnavailable
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.embeddings import load_embeddings
from retrieval.index import CatalogIndex


@contextmanager
def indexed(tmp_path: Path, products: Sequence[Product]) -> Iterator[CatalogIndex]:
    with CatalogIndex(load_embeddings(), path=tmp_path / "index") as catalog:
        catalog.upsert(list(products))
        yield catalog


def item(
    pid: str, title: str, category: str, description: str, price: int = 100, currency: str = "USD"
) -> Product:
    """A product of a category, with a text and a price."""
    return Product(
        id=pid, title=title, price=Decimal(price), currency=currency, category=category,
        description=description,
    )  # fmt: skip


def ids(plan: object) -> list[str]:
    """The ids of the products a plan shows, in order."""
    return [p.id for p in plan.decision.products]  # type: ignore[attr-defined]


class ScriptedEngine:
    """Streams the given pieces for every lead-in, or fails as told."""

    def __init__(self, pieces: list[str], fail: bool = False):
        self.pieces, self.fail, self.calls = pieces, fail, 0

    async def ensure_ready(self, timeout: float) -> None:
        return None

    def hold(self) -> None:  # one engine: nothing to keep a turn on
        return None

    def release(self, link: Any) -> None:
        return None

    async def stream_chat(self, messages: Any, **kwargs: Any) -> AsyncGenerator[str, None]:
        self.calls += 1
        for piece in self.pieces:
            yield piece
        if self.fail:
            raise EngineUnavailable("The assistant's engine stopped while answering.")


def service(engine: ScriptedEngine, index: CatalogIndex, log: DialogueLog) -> ChatService:
    settings = Settings(data_dir=index._path.parent)  # type: ignore[union-attr]
    return ChatService(engine, index, log, settings=settings)  # type: ignore[arg-type]


def planner(index: CatalogIndex, log: DialogueLog) -> ChatService:
    """A chat service over the index whose engine only says "sure": for planning turns."""
    return service(ScriptedEngine(["sure"]), index, log)


@contextmanager
def planning(
    tmp_path: Path, products: Sequence[Product], log: DialogueLog
) -> Iterator[ChatService]:
    """A chat service planning turns over a small shop of the products (`indexed`, `planner`)."""
    with indexed(tmp_path, products) as index:
        yield planner(index, log)
