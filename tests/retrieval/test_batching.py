import asyncio

from retrieval.batching import SearchBatcher
from retrieval.index import CatalogIndex
from tests.retrieval.conftest import CountingEmbeddings
from tests.retrieval.test_index import SHOP, ids_of


async def test_batcher_answers_concurrent_searches_each_with_its_own_hits(
    index: CatalogIndex,
) -> None:
    index.upsert(SHOP)
    batcher = SearchBatcher(index, k=2, min_relevance=0.0)
    queries = ["keep me dry in the rain", "insulated water bottle", "a tent"]
    results = await asyncio.gather(*(batcher.search(q) for q in queries))
    assert [ids_of(hits) for hits in results] == [ids_of(index.search(q, 2)) for q in queries]


async def test_batcher_embeds_waiting_queries_together(
    index: CatalogIndex, embeddings: CountingEmbeddings
) -> None:
    index.upsert(SHOP)
    batcher = SearchBatcher(index, k=2, min_relevance=0.0)
    calls = []
    search_many = index.search_many

    def counted(queries: list[str], k: int, *, min_relevance: float) -> list:  # type: ignore[type-arg]
        calls.append(len(queries))
        return search_many(queries, k, min_relevance=min_relevance)

    index.search_many = counted  # type: ignore[method-assign]
    first = asyncio.create_task(batcher.search("a tent"))
    await asyncio.sleep(0.01)  # its batch is now running in the worker thread
    await asyncio.gather(*(batcher.search(f"tent number {n}") for n in range(8)), first)
    # Queries that arrive while a batch runs wait and are embedded together in the next one.
    assert calls == [1, 8]


async def test_batcher_gives_each_caller_the_error_and_keeps_working(index: CatalogIndex) -> None:
    index.upsert(SHOP)
    batcher = SearchBatcher(index, k=2, min_relevance=0.0)
    results = await asyncio.gather(batcher.search("   "), return_exceptions=True)
    assert isinstance(results[0], ValueError)
    assert ids_of(await batcher.search("a tent"))
