"""The session hub with a scripted chat service over a real SQLite log: numbered frames, replay
after a reconnect, idempotent client ids, stop, and answers that outlive their tab."""

import asyncio
import json
from collections.abc import AsyncGenerator
from typing import Any

import pytest

from bot.chat import Done, Products, Token
from bot.chat.hub import ABANDONED, Hub
from bot.chat.pipeline import STOPPED
from bot.config import Settings
from bot.engine.client import Usage
from bot.errors import BadRequest
from bot.log.store import DialogueLog, TurnOutcome
from tests.bot.test_holes import statuses


class ScriptedService:
    """Answers "a b c" with three tokens, one each time `step` is set; logs like the pipeline."""

    def __init__(self, log: DialogueLog) -> None:
        self.log = log
        self.settings = Settings()
        self.step = asyncio.Event()
        self.index = self

    def get(self, ids: Any) -> list[Any]:
        return []

    def validate(self, text: str) -> str:
        if not text.strip():
            raise BadRequest("The message is empty.", code="empty_message")
        return text

    async def accept(self, session_id: str, channel: str, text: str, client_id: Any) -> int:
        return await self.log.open_turn(session_id, channel, text, client_id)

    async def answer(self, turn_id: int, text: str, **_: Any) -> AsyncGenerator[Any, None]:
        shown: list[str] = []
        outcome = TurnOutcome(status="cancelled", error_code="client_disconnected")
        try:
            yield Products([])
            for word in ("a ", "b ", "c"):
                await self.step.wait()
                self.step.clear()
                shown.append(word)
                yield Token(word)
            outcome.status, outcome.error_code = "ok", None
        except asyncio.CancelledError as exc:
            outcome.error_code = exc.args[0] if exc.args else "client_disconnected"
            raise
        finally:
            outcome.reply = "".join(shown)
            await asyncio.shield(self.log.close_turn(turn_id, outcome))
        yield Done(outcome.reply, 1.0, 2.0, Usage(1, 3))


class Tab:
    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []

    def push(self, frame: str) -> None:
        self.frames.append(json.loads(frame))

    def kinds(self) -> list[str]:
        return [f["type"] for f in self.frames]


async def until(condition: Any) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


async def advance(service: ScriptedService, tab: Tab, kind: str = "token") -> None:
    count = tab.kinds().count(kind)
    service.step.set()
    await until(lambda: tab.kinds().count(kind) > count)


@pytest.fixture
def service(log: DialogueLog) -> ScriptedService:
    return ScriptedService(log)


async def test_hub_frames_of_a_turn_are_numbered_in_order(service: ScriptedService) -> None:
    hub, tab = Hub(service), Tab()  # type: ignore[arg-type]
    talk = await hub.open("session-hub-1", logged=False)
    assert talk is not None and talk.attach(tab, None, 0) == []
    await talk.submit("hello", "c1", lambda: None)
    for _ in range(3):
        await advance(service, tab)
    await until(lambda: "done" in tab.kinds())
    assert tab.kinds() == ["accepted", "products", "token", "token", "token", "done"]
    assert [f["seq"] for f in tab.frames] == [1, 2, 3, 4, 5, 6]
    assert tab.frames[0]["client_id"] == "c1" and tab.frames[-1]["text"] == "a b c"
    assert [(h.role, h.text) for h in talk.history] == [("user", "hello"), ("assistant", "a b c")]


async def test_hub_replays_only_unseen_frames_to_a_returning_tab(service: ScriptedService) -> None:
    hub, first = Hub(service), Tab()  # type: ignore[arg-type]
    talk = await hub.open("session-hub-2", logged=False)
    assert talk is not None
    talk.attach(first, None, 0)
    await talk.submit("hello", "c1", lambda: None)
    await advance(service, first)  # accepted, products, "a "
    talk.detach(first)  # the network drops; the answer goes on
    await until(lambda: True)
    service.step.set()
    await until(lambda: talk.seq == 4)  # "b " was written while nobody watched
    again = Tab()
    replay = talk.attach(again, talk.stream, last_seq=first.frames[-1]["seq"])
    assert [json.loads(f)["text"] for f in replay] == ["b "]
    fresh = Tab()  # a reloaded page has seen nothing: the whole unfinished answer
    assert [json.loads(f)["type"] for f in talk.attach(fresh, None, 99)] == [
        "accepted", "products", "token", "token"
    ]  # fmt: skip
    await advance(service, again)
    await until(lambda: "done" in again.kinds())
    seen = first.frames[:3] + [json.loads(f) for f in replay] + again.frames
    assert "".join(f["text"] for f in seen if f["type"] == "token") == "a b c"
    assert [f["seq"] for f in seen] == list(range(1, 7))


async def test_hub_answer_goes_on_and_is_logged_after_every_tab_left(
    service: ScriptedService, log: DialogueLog
) -> None:
    hub, tab = Hub(service), Tab()  # type: ignore[arg-type]
    talk = await hub.open("session-hub-3", logged=False)
    assert talk is not None
    talk.attach(tab, None, 0)
    await talk.submit("hello", None, lambda: None)
    await talk.submit("and tents?", None, lambda: None)
    talk.detach(tab)
    assert "session-hub-3" in hub.live  # still answering
    for _ in range(6):
        service.step.set()
        await asyncio.sleep(0.02)
    await until(lambda: "session-hub-3" not in hub.live)
    assert statuses(log, "session-hub-3") == [("ok", None), ("ok", None)]
    back = await hub.open("session-hub-3", logged=True)
    assert back is not None and back.resumed
    assert [(h.role, h.text, h.error) for h in back.history] == [
        ("user", "hello", None), ("assistant", "a b c", None),
        ("user", "and tents?", None), ("assistant", "a b c", None),
    ]  # fmt: skip


async def test_hub_stops_an_answer_nobody_came_back_for_and_frees_the_engine(
    service: ScriptedService, log: DialogueLog
) -> None:
    service.settings = Settings(abandon_after=0.2)
    hub, tab = Hub(service), Tab()  # type: ignore[arg-type]
    talk = await hub.open("session-hub-9", logged=False)
    assert talk is not None
    talk.attach(tab, None, 0)
    await talk.submit("hello", None, lambda: None)
    await talk.submit("and tents?", None, lambda: None)
    await advance(service, tab)
    talk.detach(tab)  # the shopper closed the tab mid-answer
    await asyncio.sleep(0.1)
    back = Tab()
    talk.attach(back, talk.stream, tab.frames[-1]["seq"])  # a reload, in time: nothing stops
    talk.detach(back)
    await asyncio.sleep(0.15)  # 0.25 s since the first left, 0.15 s since the reload left
    assert talk.answering is not None and statuses(log, "session-hub-9")[0] == ("pending", None)
    await until(lambda: "session-hub-9" not in hub.live)  # then nobody: both are stopped
    assert statuses(log, "session-hub-9") == [("cancelled", ABANDONED), ("cancelled", ABANDONED)]
    assert [h.error for h in talk.history if h.role == "assistant"] == [ABANDONED, ABANDONED]


async def test_hub_client_id_sent_twice_makes_one_turn_even_after_a_restart(
    service: ScriptedService, log: DialogueLog
) -> None:
    hub, tab = Hub(service), Tab()  # type: ignore[arg-type]
    talk = await hub.open("session-hub-4", logged=False)
    assert talk is not None
    talk.attach(tab, None, 0)
    first = await talk.submit("hello", "msg-1", lambda: None)
    again = await talk.submit("hello", "msg-1", lambda: None)
    assert first == (again[0], False) and again[1] is True
    await hub.close()
    restarted = await Hub(service).open("session-hub-4", logged=True)  # type: ignore[arg-type]
    assert restarted is not None
    assert await restarted.submit("hello", "msg-1", lambda: None) == (first[0], True)
    assert len(statuses(log, "session-hub-4")) == 1


async def test_hub_stop_ends_the_answer_and_logs_it_stopped(
    service: ScriptedService, log: DialogueLog
) -> None:
    hub, tab = Hub(service), Tab()  # type: ignore[arg-type]
    talk = await hub.open("session-hub-5", logged=False)
    assert talk is not None
    talk.attach(tab, None, 0)
    turn_id, _ = await talk.submit("hello", None, lambda: None)
    queued, _ = await talk.submit("second", None, lambda: None)
    await advance(service, tab)
    talk.stop(queued)  # still waiting: never answered
    talk.stop(turn_id)
    await until(lambda: tab.kinds().count("error") == 2)
    errors = [f for f in tab.frames if f["type"] == "error"]
    assert {(e["message_id"], e["code"]) for e in errors} == {(turn_id, STOPPED), (queued, STOPPED)}
    await until(lambda: statuses(log, "session-hub-5")[1][0] != "pending")
    assert statuses(log, "session-hub-5") == [("cancelled", STOPPED), ("cancelled", STOPPED)]
    assert talk.history[1].error == STOPPED


async def test_hub_check_refusal_accepts_nothing(
    service: ScriptedService, log: DialogueLog
) -> None:
    hub = Hub(service)  # type: ignore[arg-type]
    talk = await hub.open("session-hub-6", logged=False)
    assert talk is not None

    def refuse() -> None:
        raise BadRequest("Too many.", code="rate_limited")

    with pytest.raises(BadRequest):
        await talk.submit("hello", "c1", refuse)
    assert statuses(log, "session-hub-6") == [] and talk.seq == 0


async def test_hub_close_closes_waiting_messages(
    service: ScriptedService, log: DialogueLog
) -> None:
    hub = Hub(service)  # type: ignore[arg-type]
    talk = await hub.open("session-hub-7", logged=False)
    assert talk is not None
    await talk.submit("one", None, lambda: None)
    await talk.submit("two", None, lambda: None)
    await asyncio.sleep(0.05)
    await hub.close()
    assert statuses(log, "session-hub-7") == [
        ("cancelled", "client_disconnected"), ("cancelled", "service_stopping")
    ]  # fmt: skip


async def test_hub_unknown_session_is_not_opened(service: ScriptedService) -> None:
    hub = Hub(service)  # type: ignore[arg-type]
    assert await hub.open("session-none", logged=True) is None and hub.live == {}
