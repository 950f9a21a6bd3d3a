"""Hybrid search on large catalogs: snapshots rebuilt aside, narrow filters searched exactly."""

import asyncio
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from retrieval import hybrid
from retrieval.hybrid import Filters, HybridSearch, one_turn
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


def test_a_narrow_filter_is_searched_exactly_from_the_snapshot_as_chroma_would(
    tmp_path: Path, write: Write
) -> None:
    with CatalogIndex(HashingEmbeddings(), path=tmp_path / "idx") as index:
        ingest_file(index, write("a.csv", many_products(600)))
        search = HybridSearch(index, min_relevance=0.0)
        view = search.view
        [vector] = index.embed_queries(["product description of item 17"])
        narrow = Filters(max_price=Decimal("9.00"), category="Kind 3", in_stock=True)
        exact = view.nearest(vector, narrow, 10)
        chroma = index.nearest(vector, 10, max_price=9, category="Kind 3", in_stock=True)
        assert exact is not None and len(exact) == len(chroma) > 0
        assert [i for i, _ in exact] == [i for i, _ in chroma]
        assert all(abs(a - b) < 1e-4 for (_, a), (_, b) in zip(exact, chroma, strict=True))
        hits = search.search("item 17", vector, narrow, 4)
        assert hits and all(narrow.passes(h.product) for h in hits)


def test_one_turns_searches_with_one_vector_ask_chroma_once_and_find_the_same(
    tmp_path: Path, write: Write, monkeypatch: Any
) -> None:
    monkeypatch.setattr(hybrid, "EXACT_UP_TO", 0)  # a catalog Chroma searches
    with CatalogIndex(HashingEmbeddings(), path=tmp_path / "idx") as index:
        ingest_file(index, write("a.csv", many_products(80)))
        search = HybridSearch(index, min_relevance=0.0)
        [vector] = index.embed_queries(["product description of item 17"])
        alone = search.search("item 17", vector, Filters(), 5)
        asked: list[int] = []
        nearest = index.nearest
        monkeypatch.setattr(index, "nearest", lambda *a, **k: asked.append(1) or nearest(*a, **k))
        with one_turn():
            first = search.search("item 17", vector, Filters(), 5)
            cheap = search.search("item 17", vector, Filters(max_price=Decimal("30")), 5)
        assert len(asked) == 1  # the second search (another filter) reused the nearest ids
        assert [h.product.id for h in first] == [h.product.id for h in alone]
        assert all(h.product.price <= 30 for h in cheap)
        # Outside a turn, every search asks again: nothing is kept between turns.
        search.search("item 17", vector, Filters(), 5)
        search.search("item 17", vector, Filters(), 5)
        assert len(asked) == 3


def test_a_small_catalog_is_searched_exactly_and_finds_at_least_what_chroma_finds(
    tmp_path: Path, write: Write, monkeypatch: Any
) -> None:
    with CatalogIndex(HashingEmbeddings(), path=tmp_path / "idx") as index:
        ingest_file(index, write("a.csv", many_products(300)))
        search = HybridSearch(index, min_relevance=0.0)
        asked: list[int] = []
        nearest = index.nearest
        monkeypatch.setattr(index, "nearest", lambda *a, **k: asked.append(1) or nearest(*a, **k))
        for query in ("product description of item 17", "item 203 kind 4", "walnut"):
            [vector] = index.embed_queries([query])
            exact = search.view.nearest(vector, Filters(), 10)
            chroma = nearest(vector, 10)
            assert exact is not None
            # At least as close, rank by rank: Chroma's index is approximate and may miss one
            # (and these test embeddings tie often, so the order within a tie is free).
            exact_scores = [round(s, 5) for _, s in exact]
            assert exact_scores == sorted(exact_scores, reverse=True)
            assert all(e >= round(c, 5) for e, (_, c) in zip(exact_scores, chroma, strict=True))
            search.search(query, vector, Filters(), 10)
        assert asked == []  # the searches themselves never asked Chroma


def test_one_turn_keeps_each_catalogs_snapshot_and_nearest_apart(
    tmp_path: Path, write: Write
) -> None:
    with (
        CatalogIndex(HashingEmbeddings(), path=tmp_path / "a") as first_index,
        CatalogIndex(HashingEmbeddings(), path=tmp_path / "b") as second_index,
    ):
        ingest_file(first_index, write("a.csv", many_products(40)))
        ingest_file(second_index, write("b.csv", many_products(12)))
        first = HybridSearch(first_index, min_relevance=0.0)
        second = HybridSearch(second_index, min_relevance=0.0)
        [vector] = first_index.embed_queries(["product description of item 30"])
        with one_turn():
            assert len(first.view.products) == 40 and len(second.view.products) == 12
            assert first.view is first.view  # one snapshot for the whole turn
            hits = first.search("item 30", vector, Filters(), 12)
            others = second.search("item 30", vector, Filters(), 12)
        assert "P30" in {h.product.id for h in hits}
        assert {h.product.id for h in others} <= {f"P{n}" for n in range(12)}


async def test_a_turn_reads_one_snapshot_through_nested_turns_and_worker_threads(
    tmp_path: Path, write: Write
) -> None:
    with CatalogIndex(HashingEmbeddings(), path=tmp_path / "idx") as index:
        ingest_file(index, write("a.csv", many_products(20)))
        search = HybridSearch(index, min_relevance=0.0)

        @one_turn()
        def stage() -> hybrid.CatalogView:  # as `retrieve`, a stage of the chat turn
            return search.view

        with one_turn():
            first = await asyncio.to_thread(lambda: search.view)
            ingest_file(index, write("b.csv", many_products(21)))  # changed mid-turn
            again = await asyncio.to_thread(stage)
        assert again is first and len(first.products) == 20
        assert len(search.view.products) == 21  # the next turn sees the change
