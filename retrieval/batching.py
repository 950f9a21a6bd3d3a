"""Coalesce concurrent embedding work (query embeddings) into one pass."""

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


class Batcher(Generic[In, Out]):
    """Embedding one query costs nearly as much as embedding a dozen on a CPU, so while one batch
    runs in its worker thread, new items wait and go together in the next. An idle service
    runs at once: nothing waits for a timer.
    """

    def __init__(self, run: Callable[[list[In]], Sequence[Out]]):
        self.run = run
        self._waiting: list[tuple[In, asyncio.Future[Out]]] = []
        self._running: asyncio.Task[None] | None = None

    async def submit(self, item: In) -> Out:
        future: asyncio.Future[Out] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                results = await asyncio.to_thread(self.run, [item for item, _ in batch])
            except Exception as exc:  # each caller gets the error; the batcher carries on
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():  # a caller that left (cancelled) needs no answer
                    future.set_result(result)
