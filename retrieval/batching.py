"""Coalesce concurrent catalog searches into one embedding pass."""

import asyncio

from retrieval.index import CatalogIndex, SearchHit


class SearchBatcher:
    """Embedding one query costs nearly as much as embedding a dozen on a CPU, so while one batch
    runs in its worker thread, new queries wait and go together in the next. An idle service
    searches at once: nothing waits for a timer.
    """

    def __init__(self, index: CatalogIndex, *, k: int, min_relevance: float):
        self.index = index
        self.k = k
        self.min_relevance = min_relevance
        self._waiting: list[tuple[str, asyncio.Future[list[SearchHit]]]] = []
        self._running: asyncio.Task[None] | None = None

    async def search(self, query: str) -> list[SearchHit]:
        future: asyncio.Future[list[SearchHit]] = asyncio.get_running_loop().create_future()
        self._waiting.append((query, future))
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            queries = [query for query, _ in batch]
            try:
                results = await asyncio.to_thread(
                    self.index.search_many, queries, self.k, min_relevance=self.min_relevance
                )
            except Exception as exc:  # each caller gets the error; the batcher carries on
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), hits in zip(batch, results, strict=True):
                if not future.done():  # a caller that left (cancelled) needs no answer
                    future.set_result(hits)
