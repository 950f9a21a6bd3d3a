"""A large catalog's keyword snapshot is rebuilt aside after a re-ingest, never on a search."""

import time
from collections.abc import Callable
from pathlib import Path

from retrieval.hybrid import Filters, HybridSearch
from retrieval.index import CatalogIndex
from retrieval.ingest import ingest_file
from tests.retrieval.test_ingest import HashingEmbeddings, many_products

Write = Callable[[str, str], Path]


def test_a_changed_large_catalog_keeps_serving_the_old_snapshot_until_the_new_one_is_ready(
    tmp_path: Path, write: Write
) -> None:
    embeddings = HashingEmbeddings()
    with CatalogIndex(embeddings, path=tmp_path / "idx") as index:
        ingest_file(index, write("a.csv", many_products(200)))
        search = HybridSearch(index, min_relevance=0.0, rebuild_aside_from=100)
        old = search.view
        assert len(old.products) == 200
        extra = "\nN1,Walnut Pepper Mill,Grinds pepper finely,24.00,Kitchen,yes\n"
        ingest_file(index, write("b.csv", many_products(200).rstrip("\n") + extra))
        assert search.view is old  # answered from the old snapshot, without waiting
        query = "walnut pepper mill"
        [vector] = index.embed_queries([query])
        hits = search.search(query, vector, Filters(), 3)  # the index already has it
        assert hits[0].product.id == "N1"
        deadline = time.monotonic() + 30
        while search.view is old and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "N1" in search.view.products and len(search.view.products) == 201


def test_a_changed_small_catalog_is_searched_in_its_new_state_at_once(
    tmp_path: Path, write: Write
) -> None:
    with CatalogIndex(HashingEmbeddings(), path=tmp_path / "idx") as index:
        ingest_file(index, write("a.csv", many_products(50)))
        search = HybridSearch(index, min_relevance=0.0)
        assert len(search.view.products) == 50
        ingest_file(index, write("b.csv", many_products(60)))
        assert len(search.view.products) == 60
