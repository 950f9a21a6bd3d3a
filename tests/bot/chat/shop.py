"""A small shop over a real index and the real embeddings, for tests that plan turns."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from retrieval.catalog import Product
from retrieval.embeddings import load_embeddings
from retrieval.index import CatalogIndex


@contextmanager
def indexed(tmp_path: Path, products: Sequence[Product]) -> Iterator[CatalogIndex]:
    with CatalogIndex(load_embeddings(), path=tmp_path / "index") as catalog:
        catalog.upsert(list(products))
        yield catalog


def ids(plan: object) -> list[str]:
    """The ids of the products a plan shows, in order."""
    return [p.id for p in plan.decision.products]  # type: ignore[attr-defined]
