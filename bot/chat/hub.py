"""The session hub: each live conversation's answering worker and numbered frame stream, shared
by every connection (browser tab) that shows it.

A conversation lives here while a tab shows it or an answer is being written; its answers go on
when the shopper's tab reloads or the network drops, and a tab that comes back gets, in order,
the finished turns (`history`) and the frames of unfinished answers it has not seen (replay),
then the live frames: no duplicate and no gap.
"""

import asyncio
import contextlib
import logging
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol, cast

from pydantic import BaseModel

from bot.chat.events import Done, Event, Handover, Products, Token, Turn
from bot.chat.pipeline import STOPPED, TAKEN_OVER, ChatService
from bot.chat.profile import ShopperProfile
from bot.errors import BadRequest, SalesbotError
from bot.log.models import StaffMessage
from bot.log.models import Turn as LoggedTurn
from bot.log.store import WAITING, WITH_AGENT, TurnOutcome
from bot.protocol import (
    AcceptedFrame,
    AgentFrame,
    DoneFrame,
    ErrorFrame,
    HandoverFrame,
    HistoryItem,
    PageContext,
    ProductCard,
    ProductsFrame,
    Timings,
    TokenFrame,
    TokenUsage,
)
from bot.staff.records import DeskRecords

log = logging.getLogger(__name__)
MAX_QUEUED = 4
INTERNAL = SalesbotError("Something went wrong on our side while answering. Please try again.")
STOPPED_MESSAGE = "You stopped this answer."
ABANDONED = "client_disconnected"  # the cancel message of an answer nobody was left to read
ABANDONED_MESSAGE = "You left before this answer was written."
SERVICE_STOPPING = "The service stopped before this message was answered."
TAKEN_OVER_MESSAGE = "A person from the shop is taking over this conversation."
# What the shopper reads about an answer cancelled for each reason (its cancel message).
CANCELLED = {
    STOPPED: STOPPED_MESSAGE, TAKEN_OVER: TAKEN_OVER_MESSAGE, ABANDONED: ABANDONED_MESSAGE,
}  # fmt: skip


@dataclass
class Message:
    """An accepted message on its way to an answer."""

    turn_id: int
    text: str
    client_id: str | None
    context: PageContext | None = None
    cards: list[ProductCard] = field(default_factory=list)  # what its answer showed
    shown: str = ""  # the answer's words so far


class Subscriber(Protocol):
    def push(self, frame: str) -> None:
        """Queue a frame for this connection; never blocks the answer being written."""


class Conversation:
    def __init__(self, session_id: str, service: ChatService, hub: "Hub"):
        self.id = session_id
        self.service = service
        self.hub = hub
        self.stream = secrets.token_urlsafe(6)  # a new one each time the conversation goes live
        self.seq = 0
        self.turns: list[Turn] = []  # the model's context: answered turns
        self.profile = ShopperProfile()
        self.state = "bot"
        self.history: list[HistoryItem] = []  # what a tab shows: every finished turn
        self.subscribers: set[Subscriber] = set()
        self.queue: deque[Message] = deque()
        self.unfinished: dict[int, list[tuple[int, str]]] = {}  # turn -> its (seq, frame)s
        self.client_ids: dict[str, int] = {}
        self.resumed = False
        self.worker: asyncio.Task[None] | None = None
        self.answering: tuple[int, asyncio.Task[None]] | None = None
        self.cancel_reason = STOPPED
        self._accepting = asyncio.Lock()
        self._abandon: asyncio.TimerHandle | None = None
        # What staff see of it: who holds it, the page the shopper is on, when it last moved.
        self.watchers: set[Subscriber] = set()
        self.agent: str | None = None
        self.context: PageContext | None = None
        self.updated = time.time()
        self.waiting_since: float | None = None
        self.last_text = ""
        self.last_intent: str | None = None
        self.unanswered: int | None = None  # the shopper's message a person should answer
        self.lead_score: float | None = None
        self.customer: dict[str, object] | None = None  # identify(): personal data
        self.sentiment: str | None = None  # of the shopper's last message
        self.draft: dict[str, object] | None = None  # a suggested reply, kept for every agent

    async def load(self) -> bool:
        """Restore a logged conversation; False when the log has no such session."""
        logged = await self.service.log.history(self.id)
        if logged is None:
            return False
        self.turns = [Turn(t.user_text, t.reply) for t in logged if t.status == "ok"]
        stored = await self.service.log.profile(self.id)
        self.profile = ShopperProfile.model_validate(stored or {})
        self.state = await self.service.log.session_state(self.id) or "bot"
        records = DeskRecords(self.service.log.sessions)
        self.agent, self.customer = await asyncio.to_thread(records.holder_and_customer, self.id)
        said = await asyncio.to_thread(records.messages, self.id)
        self.history = await asyncio.to_thread(self._history_of, logged, said)
        if logged:
            self.last_text, self.last_intent = logged[-1].user_text, logged[-1].intent
            self.updated = logged[-1].created_at.timestamp()
        self.resumed = True
        return True

    def _history_of(self, logged: list[LoggedTurn], said: list[StaffMessage]) -> list[HistoryItem]:
        items: list[HistoryItem] = []
        staff = deque(said)
        ids = {p["id"] for t in logged for p in t.products or []}
        products = {p.id: p for p in self.service.index.get(ids)} if ids else {}
        for turn in logged:
            while staff and staff[0].created_at <= turn.created_at:
                items.append(agent_item(staff.popleft()))
            if turn.status == "pending":
                continue  # a previous run's leftovers are closed at start-up
            user = HistoryItem(
                role="user", text=turn.user_text, message_id=turn.id, client_id=turn.client_id
            )
            cards = [
                ProductCard(**products[p["id"]].card(), score=p.get("score", 1.0))
                for p in turn.products or []
                if p["id"] in products
            ]
            failed = turn.status != "ok"
            text = turn.reply if not failed else (turn.error_message or "No answer was written.")
            reply = HistoryItem(
                role="assistant", text=text, message_id=turn.id, products=cards,
                error=(turn.error_code or "error") if failed else None,
            )  # fmt: skip
            items += [user] if turn.action == WITH_AGENT else [user, reply]
        items += [agent_item(s) for s in staff]
        return items

    # --- who is watching --------------------------------------------------------------------
    def attach(
        self, subscriber: Subscriber, stream: str | None, last_seq: int, *, staff: bool = False
    ) -> list[str]:
        """Subscribe; returns the frames of unfinished answers this client has not seen."""
        seen = last_seq if stream == self.stream else 0
        frames = [f for turn in self.unfinished.values() for s, f in turn if s > seen]
        if staff:
            self.watchers.add(subscriber)
        else:
            self.subscribers.add(subscriber)
            self._cancel_abandoning()  # the shopper is back in time
            self.hub.changed(self)
        return frames

    def detach(self, subscriber: Subscriber) -> None:
        if subscriber in self.subscribers:
            self.subscribers.discard(subscriber)
            self.hub.changed(self)
            if not self.subscribers and self.worker is not None and self._abandon is None:
                delay = self.service.settings.abandon_after
                self._abandon = asyncio.get_running_loop().call_later(delay, self._abandoned)
        self.watchers.discard(subscriber)
        self.hub.release(self)

    def _cancel_abandoning(self) -> None:
        if self._abandon is not None:
            self._abandon.cancel()
            self._abandon = None

    def _abandoned(self) -> None:
        """No tab of the shopper came back: stop writing for nobody and free the engine."""
        self._abandon = None
        if self.subscribers or self.agent is not None:
            return
        for queued in list(self.queue):
            self._drop(queued, ABANDONED, ABANDONED_MESSAGE)
        if self.answering is not None:
            self.cancel_reason = ABANDONED
            self.answering[1].cancel(ABANDONED)

    @property
    def idle(self) -> bool:
        return not (self.subscribers or self.watchers or self.queue) and self.worker is None

    @property
    def online(self) -> bool:
        """Whether the shopper has the conversation open in a tab."""
        return bool(self.subscribers)

    def publish(self, frame: BaseModel, turn_id: int) -> None:
        self.seq += 1
        text = frame.model_copy(update={"seq": self.seq}).model_dump_json()
        if turn_id in self.unfinished:
            self.unfinished[turn_id].append((self.seq, text))
        for subscriber in [*self.subscribers, *self.watchers]:
            subscriber.push(text)

    def tell_staff(self, frame: str) -> None:
        for watcher in list(self.watchers):
            watcher.push(frame)

    # --- messages in ------------------------------------------------------------------------
    async def submit(
        self,
        text: str,
        client_id: str | None,
        check: Callable[[], None],
        context: PageContext | None = None,
    ) -> tuple[int, bool]:
        """Log a message and queue its answer; (turn id, whether `client_id` was already
        accepted, in which case nothing new happens)."""
        async with self._accepting:
            if client_id is not None:
                known = self.client_ids.get(client_id)
                if known is None and self.resumed:
                    turn = await self.service.log.turn_of_client(self.id, client_id)
                    known = turn.id if turn is not None else None
                if known is not None:
                    return known, True
            self.service.validate(text)
            if len(self.queue) >= MAX_QUEUED:
                raise BadRequest(
                    "Still answering your earlier messages. Please wait for the answer.",
                    code="busy",
                )
            check()
            turn_id = await self.service.accept(self.id, "ws", text, client_id)
            if client_id is not None:
                self.client_ids[client_id] = turn_id
            self.unfinished[turn_id] = []
            self.publish(AcceptedFrame(message_id=turn_id, text=text, client_id=client_id), turn_id)
            self.queue.append(Message(turn_id, text, client_id, context))
            self.last_text, self.updated = text, time.time()
            self.context = context or self.context
            if self.worker is None:
                self.worker = asyncio.create_task(self.work())
            self.hub.changed(self)
            return turn_id, False

    def stop(self, turn_id: int) -> None:
        """Stop an answer being written or still waiting; one already finished is left alone."""
        log.info("Session %s: the shopper stopped answer %s.", self.id, turn_id)
        if self.answering is not None and self.answering[0] == turn_id:
            self.cancel_reason = STOPPED
            self.answering[1].cancel(STOPPED)
            return
        for queued in list(self.queue):
            if queued.turn_id == turn_id:
                self._drop(queued, STOPPED, "stopped")

    def _drop(self, queued: Message, code: str, why: str) -> None:
        """A message still waiting for its answer will not get one: logged and told."""
        self.queue.remove(queued)
        asyncio.create_task(self._close_unanswered(queued.turn_id, code, why))
        self.fail(queued, BadRequest(CANCELLED[code], code=code))

    async def _close_unanswered(self, turn_id: int, code: str, why: str) -> None:
        outcome = TurnOutcome(status="cancelled", error_code=code, error_message=why)
        await self.service.log.close_turn(turn_id, outcome)

    # --- answers out ------------------------------------------------------------------------
    async def work(self) -> None:
        try:
            while self.queue:
                message = self.queue.popleft()
                task = asyncio.create_task(self.answer(message))
                self.answering = (message.turn_id, task)
                try:
                    await task
                except asyncio.CancelledError:
                    if not task.cancelled() or asyncio.current_task().cancelling():  # type: ignore[union-attr]
                        raise  # the service is stopping
                    reason = self.cancel_reason
                    self.fail(message, BadRequest(CANCELLED[reason], code=reason))
                except SalesbotError as exc:
                    self.fail(message, exc)
                except Exception:
                    log.exception("Answering message %s failed.", message.turn_id)
                    self.fail(message, INTERNAL)
                finally:
                    self.answering = None
        finally:
            self.worker = None
            self._cancel_abandoning()  # nothing left to stop
            self.hub.changed(self)
            self.hub.release(self)

    async def answer(self, message: Message) -> None:
        profile = self.profile
        context = message.context
        if context is not None and context.product_id:
            # The product page the shopper is on is what "this one" means.
            found = await asyncio.to_thread(self.service.index.get, [context.product_id])
            if found:
                shown = [found[0].id, *(i for i in profile.shown if i != found[0].id)]
                profile = profile.model_copy(update={"shown": shown})
        turn_id = message.turn_id
        events = self.service.answer(turn_id, message.text, profile=profile, session_id=self.id)
        async with contextlib.aclosing(events):
            async for event in events:
                self.forward(message, event)

    def forward(self, message: Message, event: Event) -> None:
        turn_id = message.turn_id
        if isinstance(event, Products):
            cards = [
                ProductCard(
                    **h.product.card(), score=round(h.score, 4), note=event.notes.get(h.product.id)
                )
                for h in event.hits
            ]
            message.cards = cards
            self.publish(ProductsFrame(message_id=turn_id, products=cards), turn_id)
        elif isinstance(event, Handover):
            self.state, self.waiting_since = WAITING, time.time()
            frame = HandoverFrame(message_id=turn_id, reason=event.reason, message=event.message)
            self.publish(frame, turn_id)
        elif isinstance(event, Token):
            message.shown += event.text
            self.publish(TokenFrame(message_id=turn_id, text=event.text), turn_id)
        elif isinstance(event, Done):
            if event.action == WITH_AGENT:
                self.unanswered = turn_id  # a person answers this one
            else:
                self.turns.append(Turn(message.text, event.text))
            self.last_intent = event.intent or self.last_intent
            if event.profile is not None:
                self.profile = event.profile
            done = DoneFrame(
                message_id=turn_id, text=event.text,
                timings=Timings(ttft_ms=event.ttft_ms, total_ms=event.total_ms),
                usage=TokenUsage(**vars(event.usage)), intent=event.intent, action=event.action,
                profile=event.profile.model_dump(mode="json") if event.profile else None,
            )  # fmt: skip
            self.publish(done, turn_id)
            self._finish(message, event.text, message.cards, None)
            self.hub.changed(self)

    def fail(self, message: Message, exc: SalesbotError) -> None:
        frame = ErrorFrame(code=exc.code, message=exc.message, message_id=message.turn_id)
        self.publish(frame, message.turn_id)
        if exc.code == TAKEN_OVER:  # the partial answer stays, marked as cut
            self.unanswered = message.turn_id
            self._finish(message, message.shown, message.cards, exc.code)
        else:
            self._finish(message, exc.message, [], exc.code)

    def _finish(
        self, message: Message, reply: str, cards: list[ProductCard], error: str | None
    ) -> None:
        turn_id = message.turn_id
        self.unfinished.pop(turn_id, None)
        self.history.append(
            HistoryItem(
                role="user", text=message.text, message_id=turn_id, client_id=message.client_id
            )
        )
        if reply or cards or error:  # nothing when a person answers instead
            self.history.append(
                HistoryItem(
                    role="assistant", text=reply, message_id=turn_id, products=cards, error=error
                )
            )

    # --- a person from the shop -------------------------------------------------------------
    async def take_over(self, agent: str) -> None:
        """`agent` now holds the conversation: the answer being written stops (its words so
        far are kept, and its end is sent before anything the agent says) and the assistant
        stays silent until handed back."""
        self.state, self.agent, self.waiting_since = WITH_AGENT, agent, None
        if self.answering is not None:
            self.cancel_reason = TAKEN_OVER
            task = self.answering[1]
            task.cancel(TAKEN_OVER)
            await asyncio.wait([task])
            await asyncio.sleep(0)  # the worker publishes the answer's end first
        self.hub.changed(self)

    def hand_back(self) -> None:
        self.state, self.agent, self.unanswered = "bot", None, None
        self.hub.changed(self)

    def agent_said(self, said: StaffMessage, products: list[ProductCard]) -> None:
        kind = cast(Literal["joined", "message", "left"], said.kind)
        frame = AgentFrame(kind=kind, id=said.id, name=said.name, text=said.text, products=products)
        self.history.append(agent_item(said, products))
        self.publish(frame, 0)
        self.updated = time.time()
        self.hub.changed(self)

    async def close(self) -> None:
        """The service is stopping: stop the answer being written; close what waits."""
        if self.worker is not None:
            self.worker.cancel()
            await asyncio.gather(self.worker, return_exceptions=True)
        while self.queue:
            waiting = self.queue.popleft()
            await self._close_unanswered(waiting.turn_id, "service_stopping", SERVICE_STOPPING)


def agent_item(said: StaffMessage, products: list[ProductCard] | None = None) -> HistoryItem:
    kind = cast(Literal["joined", "message", "left"], said.kind)
    return HistoryItem(
        role="agent", text=said.text, message_id=said.id, name=said.name, kind=kind,
        products=products or [],
    )  # fmt: skip


class Hub:
    """Every live conversation of this replica, by session id."""

    def __init__(self, service: ChatService):
        self.service = service
        self.live: dict[str, Conversation] = {}
        self._opening: dict[str, asyncio.Future[None]] = {}
        # Called with a conversation whenever what staff see of it changes (the desk's list).
        self.listeners: list[Callable[[Conversation], None]] = []

    def changed(self, conversation: Conversation) -> None:
        for listener in self.listeners:
            listener(conversation)

    async def open(self, session_id: str, *, logged: bool) -> Conversation | None:
        """The live conversation of `session_id`, restored from the log when `logged` (None
        when the log has no such session), else a new one."""
        while True:
            if (live := self.live.get(session_id)) is not None:
                return live
            opening = self._opening.get(session_id)
            if opening is None:
                break
            await asyncio.shield(opening)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._opening[session_id] = done
        try:
            conversation = Conversation(session_id, self.service, self)
            if logged and not await conversation.load():
                return None
            self.live[session_id] = conversation
            return conversation
        finally:
            del self._opening[session_id]
            done.set_result(None)

    def release(self, conversation: Conversation) -> None:
        if conversation.idle and self.live.get(conversation.id) is conversation:
            del self.live[conversation.id]

    async def close(self) -> None:
        for conversation in list(self.live.values()):
            await conversation.close()
        self.live.clear()
