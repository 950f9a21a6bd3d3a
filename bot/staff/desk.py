"""The agents' desk: the list of conversations, taking one over from the assistant, writing to
the shopper (from a suggested, catalog-rendered draft or not) and handing it back."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from bot.chat.hub import Conversation, Hub, Subscriber
from bot.errors import Missing, SalesbotError
from bot.insight.service import Insight
from bot.log.models import DialogueSession
from bot.log.store import WITH_AGENT
from bot.protocol import ProductCard
from bot.staff.accounts import Accounts, Staff
from bot.staff.protocol import ConversationFrame, ConversationsFrame, Detail, Draft, Summary
from bot.staff.records import DeskRecords

log = logging.getLogger(__name__)


class NotHeld(SalesbotError):
    code = "not_holding"
    status = 409


def summary(conversation: Conversation, live: bool = True) -> Summary:
    profile = conversation.profile
    age = profile.age_months
    interests = [
        *([profile.category] if profile.category else []),
        *([f"age {age} months" if age < 24 else f"age {age // 12}"]
          if age is not None else []),
        *profile.features, *profile.brands_liked,
    ]  # fmt: skip
    return Summary(
        session_id=conversation.id, state=conversation.state, agent=conversation.agent,
        online=conversation.online, live=live, updated_at=conversation.updated,
        waiting_since=conversation.waiting_since, last_message=conversation.last_text[:300],
        intent=conversation.last_intent, sentiment=conversation.sentiment,
        lead_score=conversation.lead_score,
        shopper=str(name) if (name := (conversation.customer or {}).get("name")) else None,
        budget=profile.budget_text(lambda d: f"{d:.2f}"),
        interests=interests[:8], context=conversation.context,
    )  # fmt: skip


class Desk:
    def __init__(self, hub: Hub, accounts: Accounts, insight: Insight | None = None):
        self.hub = hub
        self.accounts = accounts
        self.insight = insight or Insight(hub.service.log.sessions)
        self._scored: dict[str, int] = {}  # conversation -> its history length when scored
        self._scoring: set[str] = set()  # conversations being scored now
        self._tasks: set[asyncio.Task[None]] = set()
        self.service = hub.service
        self.records = DeskRecords(self.service.log.sessions)
        self.lists: set[Subscriber] = set()  # staff sockets showing the list
        self.sockets: dict[str, set[Callable[[], None]]] = {}  # staff session -> closers
        hub.listeners.append(self._changed)

    def _show(self, conversation: Conversation, live: bool = True) -> None:
        frame = ConversationFrame(item=summary(conversation, live)).model_dump_json()
        for subscriber in list(self.lists):
            subscriber.push(frame)

    def _changed(self, conversation: Conversation) -> None:
        live = self.hub.live.get(conversation.id) is conversation
        self._show(conversation, live)
        # Scored when its history grows (a finished turn); a new conversation with nothing
        # finished yet has nothing to score.
        history = len(conversation.history)
        if live and history and self._scored.get(conversation.id) != history:
            self._scored[conversation.id] = history
            if conversation.id in self._scoring:
                return  # the running scoring goes round again once it ends
            self._scoring.add(conversation.id)
            task = asyncio.create_task(self._rescore(conversation))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif not live:
            self._scored.pop(conversation.id, None)

    async def _rescore(self, conversation: Conversation) -> None:
        """A finished turn changes the lead score and the shopper's mood: show the new ones.
        One scoring per conversation at a time; turns finished meanwhile get one more."""
        try:
            while True:
                scored = len(conversation.history)
                try:
                    found = await self.service.log.write(self.insight.rescore, conversation.id)
                except Exception:
                    log.exception("Could not score conversation %s.", conversation.id)
                    return
                if found[0] is not None and found != (
                    conversation.lead_score, conversation.sentiment
                ):  # fmt: skip
                    conversation.lead_score, conversation.sentiment = found
                    self._show(conversation)
                if len(conversation.history) == scored:
                    return
        finally:
            self._scoring.discard(conversation.id)

    async def summaries(self) -> list[Summary]:
        """Live conversations, and those waiting for or held by a person whose shopper left."""
        rows = await asyncio.to_thread(self.records.waiting_or_held)
        return self._summaries(rows)

    async def subscribe(self, subscriber: Subscriber) -> ConversationsFrame:
        """The list as it is now, and every change after it to `subscriber`: no gap."""
        rows = await asyncio.to_thread(self.records.waiting_or_held)
        frame = ConversationsFrame(items=self._summaries(rows))  # no await from here on
        self.lists.add(subscriber)
        return frame

    def _summaries(self, rows: list[DialogueSession]) -> list[Summary]:
        items = {c.id: summary(c) for c in self.hub.live.values() if c.turns or c.last_text}
        for row in rows:
            if row.id not in items:
                items[row.id] = Summary(
                    session_id=row.id, state=row.state, agent=row.agent, online=False,
                    live=False, updated_at=row.created_at.timestamp(),
                )  # fmt: skip
        order = {"waiting_for_human": 0, WITH_AGENT: 1}
        return sorted(items.values(), key=lambda s: (order.get(s.state, 2), -s.updated_at))

    async def open(self, session_id: str) -> Conversation:
        """The live conversation of `session_id`, restored from the log if need be; the caller
        releases it (`hub.release`, or detach what it attached)."""
        conversation = await self.hub.open(session_id, logged=True)
        if conversation is None:
            raise Missing(f"There is no conversation {session_id[:64]}.")
        return conversation

    @asynccontextmanager
    async def opened(self, session_id: str) -> AsyncIterator[Conversation]:
        """The conversation, live for the length of the block."""
        conversation = await self.open(session_id)
        try:
            yield conversation
        finally:
            self.hub.release(conversation)

    def detail(self, conversation: Conversation) -> Detail:
        return Detail(
            summary=summary(conversation), history=conversation.history,
            profile=conversation.profile.model_dump(mode="json"),
            draft=Draft.model_validate(conversation.draft) if conversation.draft else None,
            customer=conversation.customer,
        )  # fmt: skip

    async def claim(self, staff: Staff, session_id: str) -> Summary:
        """Take a conversation over; exactly one of several agents claiming at once wins."""
        started = time.perf_counter()
        log.info("%s is taking conversation %s over.", staff.username, session_id)
        async with self.opened(session_id) as conversation:
            holder = await asyncio.to_thread(self.records.claim, session_id, staff.username)
            if holder is not None and holder != staff.username:
                raise SalesbotError(
                    f"{holder} has already taken this conversation over.",
                    code="already_claimed", status=409,
                )  # fmt: skip
            if holder is None:
                answering = conversation.answering is not None
                await conversation.take_over(staff.username)
                log.info(
                    "%s took conversation %s over in %.0f ms (%s).", staff.username, session_id,
                    (time.perf_counter() - started) * 1000,
                    "an answer was cut" if answering else "no answer was being written",
                )  # fmt: skip
                text = f"{staff.name} from {self.service.settings.store_name} joined the chat."
                said = await asyncio.to_thread(
                    self.records.say, session_id, staff.username, staff.name, "joined", text
                )
                conversation.agent_said(said, [])
                await self.accounts.audited(staff.username, "claim", session_id)
            return summary(conversation)

    async def say(
        self, staff: Staff, session_id: str, text: str, draft: str | None, product_ids: list[str]
    ) -> int:
        """Write to the shopper as `staff`; returns the message's id."""
        async with self.opened(session_id) as conversation:
            self._must_hold(conversation, staff)
            found = await asyncio.to_thread(self.service.index.get, product_ids)
            cards = [ProductCard(**p.card(), score=1.0) for p in found]
            answering, conversation.unanswered = conversation.unanswered, None
            said = await asyncio.to_thread(
                self.records.say, session_id, staff.username, staff.name, "message",
                text.strip(), draft, answering,
            )  # fmt: skip
            conversation.agent_said(said, cards)
            if conversation.draft is not None:
                conversation.draft = None
            edited = draft is not None and draft.strip() != text.strip()
            await self.accounts.audited(
                staff.username, "message", session_id,
                message=said.id, from_draft=draft is not None, edited=edited,
            )  # fmt: skip
            return said.id

    async def hand_back(self, staff: Staff, session_id: str, note: str | None) -> Summary:
        async with self.opened(session_id) as conversation:
            if not await asyncio.to_thread(self.records.hand_back, session_id, staff.username):
                raise NotHeld("You do not hold this conversation; take it over first.")
            text = f"{staff.name} handed the chat back to the assistant."
            summary_ = await asyncio.to_thread(self.records.handled, session_id, staff.username)
            note = f"{note.strip()} ({summary_})" if note and note.strip() else summary_
            said = await asyncio.to_thread(
                self.records.say, session_id, staff.username, staff.name, "left", text, note
            )
            conversation.hand_back()
            conversation.agent_said(said, [])
            await self.accounts.audited(staff.username, "hand_back", session_id, note=note)
            return summary(conversation)

    async def suggest(self, staff: Staff, session_id: str) -> Draft:
        """Draft a reply to the shopper's last message from the catalog, as the assistant
        would answer it; kept for every agent who opens the conversation."""
        async with self.opened(session_id) as conversation:
            asked = conversation.last_text
            plan = await self.service.plan(asked, conversation.profile) if asked else None
            if plan is None or plan.decision.action in ("handover", "waiting", "clarify"):
                store = self.service.settings.store_name
                text, products = f"Hi, I'm {staff.name} from {store}. How can I help?", []
            else:
                text = plan.text
                products = [
                    ProductCard(**p.card(), score=1.0)
                    for p in (plan.decision.products or plan.decision.over_budget)
                ]
            draft = Draft(text=text, products=products, by=staff.username, for_message=asked)
            conversation.draft = draft.model_dump(mode="json")
            conversation.tell_staff(f'{{"type":"draft","draft":{draft.model_dump_json()}}}')
            await self.accounts.audited(staff.username, "suggest", session_id)
            return draft

    def _must_hold(self, conversation: Conversation, staff: Staff) -> None:
        if conversation.state != WITH_AGENT or conversation.agent != staff.username:
            holder = conversation.agent
            raise NotHeld(
                f"{holder} holds this conversation." if holder
                else "Take the conversation over before writing to the shopper."
            )  # fmt: skip

    # --- signed-in pages ----------------------------------------------------------------------
    def connected(self, session: str, close: Callable[[], None]) -> None:
        self.sockets.setdefault(session, set()).add(close)

    def disconnected(self, session: str, close: Callable[[], None]) -> None:
        closers = self.sockets.get(session, set())
        closers.discard(close)
        if not closers:
            self.sockets.pop(session, None)

    def end_sessions(self, sessions: list[str]) -> None:
        """Close the open pages of sessions that were signed out or revoked."""
        for session in sessions:
            for close in list(self.sockets.get(session, ())):
                close()
