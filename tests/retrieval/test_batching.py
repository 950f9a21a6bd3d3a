import asyncio

from retrieval.batching import Batcher
from retrieval.index import CatalogIndex
from tests.retrieval.conftest import CountingEmbeddings


async def test_batcher_answers_concurrent_queries_each_with_its_own_vector(
    index: CatalogIndex,
) -> None:
    batcher = Batcher(index.embed_queries)
    queries = ["keep me dry in the rain", "insulated water bottle", "a tent"]
    results = await asyncio.gather(*(batcher.submit(q) for q in queries))
    assert results == index.embed_queries(queries)


async def test_batcher_embeds_waiting_queries_together(
    index: CatalogIndex, embeddings: CountingEmbeddings
) -> None:
    calls = []

    def counted(queries: list[str]) -> list[list[float]]:
        calls.append(len(queries))
        return index.embed_queries(queries)

    batcher = Batcher(counted)
    first = asyncio.create_task(batcher.submit("a tent"))
    await asyncio.sleep(0.01)  # its batch is now running in the worker thread
    await asyncio.gather(*(batcher.submit(f"tent number {n}") for n in range(8)), first)
    # Queries that arrive while a batch runs wait and are embedded together in the next one.
    assert calls == [1, 8]


async def test_batcher_gives_each_caller_the_error_and_keeps_working(index: CatalogIndex) -> None:
    batcher = Batcher(index.embed_queries)
    results = await asyncio.gather(batcher.submit("   "), return_exceptions=True)
    assert isinstance(results[0], ValueError)
    assert len(await batcher.submit("a tent")) == 384
