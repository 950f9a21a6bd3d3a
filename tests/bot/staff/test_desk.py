"""The desk over the session hub, with a scripted chat service and a real SQLite log: atomic
claims, taking over mid-answer, agents' messages reaching the shopper and the log."""

import asyncio
import sqlite3
import threading

import pytest

from bot.chat.hub import Conversation, Hub
from bot.chat.profile import ShopperProfile
from bot.errors import SalesbotError
from bot.insight.service import Insight
from bot.log.store import DialogueLog
from bot.protocol import HistoryItem
from bot.staff.accounts import Accounts, Staff
from bot.staff.desk import Desk, NotHeld, summary
from tests.bot.chat.test_hub import ScriptedService, Tab, advance, until
from tests.bot.test_holes import statuses


def staff(username: str) -> Staff:
    return Staff(1, username, username.title(), "agent", "s-" + username, "csrf")


@pytest.fixture
def desk(log: DialogueLog) -> Desk:
    return Desk(Hub(ScriptedService(log)), Accounts(log.sessions))  # type: ignore[arg-type]


def rows(log: DialogueLog, query: str) -> list[tuple[object, ...]]:
    database = log.engine.url.database
    assert database is not None
    with sqlite3.connect(database) as db:
        return list(db.execute(query))


async def test_desk_two_agents_claiming_at_once_one_wins(desk: Desk, log: DialogueLog) -> None:
    talk = await desk.hub.open("desk-1", logged=False)
    assert talk is not None
    await talk.submit("hello", None, lambda: None)
    results = await asyncio.gather(
        desk.claim(staff("ana"), "desk-1"), desk.claim(staff("ben"), "desk-1"),
        return_exceptions=True,
    )  # fmt: skip
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, SalesbotError)]
    assert len(won) == 1 and len(lost) == 1 and lost[0].code == "already_claimed"
    holder = won[0].agent
    assert rows(log, "SELECT state, agent FROM sessions") == [("with_agent", holder)]
    assert rows(log, "SELECT actor, action FROM audit") == [(holder, "claim")]


async def test_desk_claim_stops_the_answer_and_keeps_its_words(
    desk: Desk, log: DialogueLog
) -> None:
    service = desk.hub.service
    talk, shopper = await desk.hub.open("desk-2", logged=False), Tab()
    assert talk is not None
    talk.attach(shopper, None, 0)
    turn_id, _ = await talk.submit("hello", None, lambda: None)
    await advance(service, shopper)  # "a " written
    await desk.claim(staff("ana"), "desk-2")
    await until(lambda: "agent" in shopper.kinds())
    error = next(f for f in shopper.frames if f["type"] == "error")
    assert (error["message_id"], error["code"]) == (turn_id, "taken_over")
    joined = shopper.frames[-1]
    assert (joined["kind"], joined["name"]) == ("joined", "Ana")
    assert "Ana from" in joined["text"]
    assert statuses(log, "desk-2") == [("cancelled", "taken_over")]
    assert rows(log, "SELECT reply FROM turns") == [("a ",)]
    assert [(h.role, h.text, h.error) for h in talk.history][:2] == [
        ("user", "hello", None), ("assistant", "a ", "taken_over")
    ]  # fmt: skip


async def test_desk_agent_message_reaches_the_shopper_and_is_a_correction(
    desk: Desk, log: DialogueLog
) -> None:
    talk, shopper = await desk.hub.open("desk-3", logged=False), Tab()
    assert talk is not None
    talk.attach(shopper, None, 0)
    turn_id, _ = await talk.submit("hello", None, lambda: None)
    await desk.claim(staff("ana"), "desk-3")
    with pytest.raises(NotHeld):
        await desk.say(staff("ben"), "desk-3", "Hi, Ben here.", None, [])
    said = await desk.say(staff("ana"), "desk-3", "Hi, I'm Ana.", "Hi there.", [])
    frame = shopper.frames[-1]
    assert (frame["type"], frame["kind"], frame["id"], frame["text"]) == (
        "agent", "message", said, "Hi, I'm Ana."
    )  # fmt: skip
    assert rows(log, "SELECT turn_id, agent, text FROM corrections") == [
        (turn_id, "ana", "Hi, I'm Ana.")
    ]
    await desk.hand_back(staff("ana"), "desk-3", "Answered the greeting.")
    assert shopper.frames[-1]["kind"] == "left"
    assert rows(log, "SELECT draft FROM staff_messages WHERE kind = 'left'") == [
        ("Answered the greeting. (ana wrote 1 message(s); the shopper wrote 0 meanwhile.)",)
    ]
    assert rows(log, "SELECT state, agent FROM sessions") == [("bot", None)]
    back = await Hub(desk.hub.service).open("desk-3", logged=True)
    assert back is not None
    assert [(h.role, h.kind) for h in back.history if h.role == "agent"] == [
        ("agent", "joined"), ("agent", "message"), ("agent", "left")
    ]  # fmt: skip


async def test_desk_list_gets_every_change_after_its_snapshot(desk: Desk) -> None:
    page = Tab()
    snapshot = await desk.subscribe(page)
    assert snapshot.items == []
    talk = await desk.hub.open("desk-4", logged=False)
    assert talk is not None
    await talk.submit("any tents under 200?", None, lambda: None)
    await until(lambda: any(f["item"]["last_message"] for f in page.frames))
    latest = page.frames[-1]["item"]
    assert (latest["session_id"], latest["state"]) == ("desk-4", "bot")
    await desk.claim(staff("ana"), "desk-4")
    assert (page.frames[-1]["item"]["state"], page.frames[-1]["item"]["agent"]) == (
        "with_agent", "ana"
    )  # fmt: skip


def test_desk_summary_shows_what_the_shopper_said_they_want() -> None:
    conversation = Conversation("s-age", None, None)  # type: ignore[arg-type]
    conversation.profile = ShopperProfile(category="Board Games", age_months=96, max_price=25)
    said = summary(conversation)
    assert said.interests == ["Board Games", "age 8"] and said.budget == "up to 25.00"
    conversation.profile = ShopperProfile(age_months=10)
    assert summary(conversation).interests == ["age 10 months"]


class HeldInsight(Insight):
    """Scores as the real one does, each scoring held until the test lets it go."""

    def __init__(self, log: DialogueLog):
        super().__init__(log.sessions)
        self.calls: list[str] = []
        self.go = threading.Event()

    def rescore(self, session_id: str) -> tuple[float | None, str | None]:
        self.calls.append(session_id)
        self.go.wait(10)
        return super().rescore(session_id)


async def test_desk_scores_a_conversation_once_at_a_time_and_after_its_last_turn(
    log: DialogueLog,
) -> None:
    insight = HeldInsight(log)
    desk = Desk(Hub(ScriptedService(log)), Accounts(log.sessions), insight)  # type: ignore[arg-type]
    talk = await desk.hub.open("desk-5", logged=False)
    assert talk is not None
    await talk.submit("any tents under 200?", None, lambda: None)
    while len(talk.history) < 2:  # the scripted answer, word by word
        desk.hub.service.step.set()
        await asyncio.sleep(0.01)
    await until(lambda: insight.calls == ["desk-5"])  # scored once its first turn ended
    # Two more turns end while that scoring runs: one more scoring, not two.
    for n in range(2):
        talk.history += [HistoryItem(role="user", text=f"more {n}"),
                         HistoryItem(role="assistant", text="ok")]  # fmt: skip
        desk.hub.changed(talk)
    await asyncio.sleep(0.1)
    assert insight.calls == ["desk-5"]
    insight.go.set()
    await until(lambda: not desk._scoring)
    assert insight.calls == ["desk-5", "desk-5"]
    assert talk.lead_score is not None and 0 < talk.lead_score < 1


async def test_desk_does_not_score_a_conversation_with_nothing_finished(log: DialogueLog) -> None:
    insight = HeldInsight(log)
    insight.go.set()
    desk = Desk(Hub(ScriptedService(log)), Accounts(log.sessions), insight)  # type: ignore[arg-type]
    talk = await desk.hub.open("desk-6", logged=False)
    assert talk is not None
    desk.hub.changed(talk)  # seen, but nothing said or answered yet
    await asyncio.sleep(0.1)
    assert insight.calls == []
