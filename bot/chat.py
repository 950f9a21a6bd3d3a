"""The grounded answer pipeline: retrieval -> prompt -> engine -> grounding guard, logged beside."""

import asyncio
import time
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass

from bot.config import Settings
from bot.engine.client import EngineClient, Usage
from bot.errors import BadRequest, SalesbotError
from bot.grounding import GroundingGuard
from bot.log.store import DialogueLog, TurnOutcome
from bot.metrics import METRICS
from bot.prompt import PromptBuilder, Turn
from retrieval.batching import SearchBatcher
from retrieval.index import CatalogIndex, SearchHit


@dataclass
class Products:
    hits: list[SearchHit]


@dataclass
class Token:
    text: str


@dataclass
class Done:
    text: str
    ttft_ms: float | None
    total_ms: float
    usage: Usage


Event = Products | Token | Done
FOLLOW_UP_WEIGHT = 0.8


class ChatService:
    def __init__(
        self,
        engine: EngineClient,
        index: CatalogIndex,
        log: DialogueLog,
        prompts: PromptBuilder,
        *,
        settings: Settings,
    ):
        self.engine = engine
        self.index = index
        self.searcher = SearchBatcher(index, k=settings.top_k, min_relevance=settings.min_relevance)
        self.log = log
        self.prompts = prompts
        self.settings = settings

    def validate(self, text: str) -> str:
        text = text.strip()
        if not text:
            raise BadRequest("The message is empty. Type a question first.", code="empty_message")
        if len(text) > self.settings.max_message_chars:
            raise BadRequest(
                f"The message has {len(text)} characters; the limit is "
                f"{self.settings.max_message_chars}. Please shorten it.",
                code="message_too_long",
            )
        return text

    async def accept(self, session_id: str, channel: str, text: str) -> int:
        """Validate and log a shopper's message; from here on it is never lost."""
        text = self.validate(text)
        return await self.log.open_turn(session_id, channel, text)

    async def search(self, text: str, history: Sequence[Turn] = ()) -> list[SearchHit]:
        """Products for the message, plus those of the previous question for follow-ups.

        "How much is it?" finds nothing by itself; the earlier question's products, ranked a
        little lower than direct matches, keep the conversation's subject in context.
        """
        queries = [text] + ([history[-1].user] if history else [])
        found = await asyncio.gather(*(self.searcher.search(query) for query in queries))
        best: dict[str, SearchHit] = {}
        for weight, hits in zip((1.0, FOLLOW_UP_WEIGHT), found, strict=False):
            for hit in hits:
                ranked = SearchHit(hit.product, hit.score * weight)
                if hit.product.id not in best or best[hit.product.id].score < ranked.score:
                    best[hit.product.id] = ranked
        return sorted(best.values(), key=lambda h: h.score, reverse=True)[: self.settings.top_k]

    async def answer(
        self,
        turn_id: int,
        history: Sequence[Turn],
        text: str,
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> AsyncGenerator[Event, None]:
        """Stream one grounded answer and record it, whatever happens, before `Done`."""
        started = time.perf_counter()
        outcome = TurnOutcome(status="error", model=self.settings.model)
        shown: list[str] = []

        def show(text: str) -> Token:
            if outcome.ttft_ms is None:
                outcome.ttft_ms = (time.perf_counter() - started) * 1000
            shown.append(text)
            return Token(text)

        try:
            text = self.validate(text)
            hits = await self.search(text, history)
            products = [hit.product for hit in hits]
            outcome.products = [{"id": h.product.id, "score": round(h.score, 4)} for h in hits]
            yield Products(hits)
            messages = self.prompts.build(history, text, products)
            guard = GroundingGuard(products, store_name=self.settings.store_name)
            usage, generated = Usage(), 0
            await self.engine.ensure_ready(self.settings.engine_start_timeout)
            pieces = self.engine.stream_chat(
                messages,
                max_tokens=max_tokens or self.settings.max_reply_tokens,
                temperature=self.settings.temperature if temperature is None else temperature,
                usage=usage,
            )
            async for piece in pieces:
                generated += 1
                if safe := guard.feed(piece):
                    yield show(safe)
                if guard.stopped:
                    break  # stop generating: the rest would not be shown anyway
            await pieces.aclose()
            if tail := guard.finish():
                yield show(tail)
            outcome.status = "ok"
            if not usage.prompt_tokens:  # cut short before the engine's usage report
                usage = Usage(self.prompts.count(messages), generated)
            outcome.prompt_tokens = usage.prompt_tokens
            outcome.completion_tokens = usage.completion_tokens
            outcome.grounding = [vars(v) for v in guard.violations]
        except SalesbotError as exc:
            outcome.error_code, outcome.error_message = exc.code, exc.message
            raise
        except (asyncio.CancelledError, GeneratorExit):
            outcome.status, outcome.error_code = "cancelled", "client_disconnected"
            outcome.error_message = "The shopper left before the answer was complete."
            raise
        except Exception as exc:
            outcome.error_code, outcome.error_message = "internal_error", repr(exc)
            raise
        finally:
            outcome.reply = "".join(shown)
            outcome.total_ms = (time.perf_counter() - started) * 1000
            METRICS.observe_turn(outcome)
            # Shielded so a disconnect cannot interrupt the write that records it.
            await asyncio.shield(self.log.close_turn(turn_id, outcome))
        yield Done(outcome.reply, outcome.ttft_ms, outcome.total_ms, usage)
