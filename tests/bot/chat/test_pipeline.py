"""The turn pipeline in-process: real index, embeddings and SQLite log, a scripted engine."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.chat import ChatService, Done, Handover, Products, Token, replies
from bot.chat.profile import ShopperProfile
from bot.config import Settings
from bot.errors import EngineUnavailable, SalesbotError
from bot.log.registry import Serving
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.embeddings import load_embeddings
from retrieval.index import CatalogIndex
from tests.bot.chat.shop import ScriptedEngine, service

SHOP = [
    Product(id="j1", title="Halvard Rain Jacket", price=95, category="Jackets",
            description="Waterproof rain jacket with taped seams."),
    Product(id="j2", title="Nordhaven Drizzle Jacket", price=154.99, category="Jackets",
            description="Waterproof breathable rain jacket for hiking."),
    Product(id="t1", title="Ridgeline Dome Tent", price=249, category="Tents",
            description="Two-person dome tent for backpacking."),
]  # fmt: skip


@pytest.fixture
def index(tmp_path: Path) -> Iterator[CatalogIndex]:
    with CatalogIndex(load_embeddings(), path=tmp_path / "index") as catalog:
        catalog.upsert(SHOP)
        yield catalog


async def turn(chat: ChatService, text: str, **kwargs: Any) -> list[Any]:
    turn_id = await chat.accept(kwargs.get("session_id") or "session-test-1", "ws", text)
    return [event async for event in chat.answer(turn_id, text, **kwargs)]


async def test_pipeline_never_shows_an_invented_price_from_the_model(
    index: CatalogIndex, log: DialogueLog
) -> None:
    engine = ScriptedEngine(["here", " are", " some", " jackets,", " only", " $5", " today!"])
    events = await turn(service(engine, index, log), "a rain jacket under $100")
    text = "".join(e.text for e in events if isinstance(e, Token))
    [cards] = [e for e in events if isinstance(e, Products)]
    assert "$5 " not in text and "$5." not in text
    assert [h.product.id for h in cards.hits] == ["j1"]
    assert "The Halvard Rain Jacket ($95.00, in stock) is the best match" in text
    [logged] = log.turns("session-test-1") or []
    assert logged.action == "recommend" and logged.status == "ok"


async def test_pipeline_over_budget_product_is_never_shown(
    index: CatalogIndex, log: DialogueLog
) -> None:
    events = await turn(
        service(ScriptedEngine(["here are some jackets!"]), index, log),
        "rain jacket",
        profile=ShopperProfile(max_price=100),
    )
    [cards] = [e for e in events if isinstance(e, Products)]
    assert {h.product.id for h in cards.hits} == {"j1"}


async def test_pipeline_handover_then_silence_without_the_engine(
    index: CatalogIndex, log: DialogueLog
) -> None:
    engine = ScriptedEngine(["here are some tents!"])
    chat = service(engine, index, log)
    first = await turn(chat, "can I talk to a real person?", session_id="session-hand-1")
    later = await turn(chat, "do you have tents?", session_id="session-hand-1")
    [handover] = [e for e in first if isinstance(e, Handover)]
    assert handover.reason == "human"
    assert later[-1].action == "waiting_for_human" and engine.calls == 0
    assert log.hand_back("session-hand-1")
    again = await turn(chat, "do you have tents?", session_id="session-hand-1")
    assert again[-1].action == "recommend" and engine.calls == 1


async def test_pipeline_offers_a_person_for_a_question_it_cannot_answer_and_yes_takes_it(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat = service(ScriptedEngine([]), index, log)  # no policy file: nothing to quote
    asked = await turn(chat, "do you ship to Norway?", session_id="session-offer-1")
    assert (asked[-1].intent, asked[-1].action) == ("support", "offer")
    assert not [e for e in asked if isinstance(e, Handover)]
    assert asked[-1].text == replies.offer() and asked[-1].profile.offered
    taken = await turn(chat, "yes please", session_id="session-offer-1", profile=asked[-1].profile)
    [handover] = [e for e in taken if isinstance(e, Handover)]
    assert handover.reason == "human"
    # A "yes" with no person offered just before is no request for one.
    plain = await turn(chat, "yes please", session_id="session-offer-2")
    assert not [e for e in plain if isinstance(e, Handover)]


async def test_pipeline_says_what_answers_when_asked_and_offers_a_person(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat = service(ScriptedEngine([]), index, log)
    asked = await turn(chat, "who am i talking to?", session_id="session-who-1")
    assert (asked[-1].intent, asked[-1].action) == ("greeting", "greet")
    assert asked[-1].text == replies.identity(chat.settings.store_name)
    assert "automated" in asked[-1].text and asked[-1].profile.offered
    assert not [e for e in asked if isinstance(e, Handover)]
    taken = await turn(chat, "yes", session_id="session-who-1", profile=asked[-1].profile)
    [handover] = [e for e in taken if isinstance(e, Handover)]
    assert handover.reason == "human"


async def test_pipeline_engine_failure_is_raised_and_logged(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat = service(ScriptedEngine(["here are"], fail=True), index, log)
    with pytest.raises(EngineUnavailable):
        await turn(chat, "a waterproof jacket")
    [logged] = log.turns("session-test-1") or []
    assert (logged.status, logged.error_code) == ("error", "engine_unavailable")


async def test_pipeline_done_carries_intent_action_and_profile(
    index: CatalogIndex, log: DialogueLog
) -> None:
    events = await turn(service(ScriptedEngine([]), index, log), "tents under $300 please")
    done = events[-1]
    assert isinstance(done, Done)
    assert (done.intent, done.action) == ("browse", "recommend")
    assert done.profile is not None and done.profile.max_price == 300
    assert done.profile.shown == ["t1"]


async def test_pipeline_refuses_new_messages_with_overloaded_past_the_answer_cap(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat = service(ScriptedEngine(["here", " you", " go"]), index, log)
    chat.settings.max_active_answers = 1
    first = await chat.accept("session-busy-1", "ws", "a rain jacket")
    answering = chat.answer(first, "a rain jacket")
    await anext(answering)  # one answer under way
    with pytest.raises(SalesbotError) as raised:
        await chat.accept("session-busy-2", "ws", "a tent")
    assert (raised.value.code, raised.value.status) == ("overloaded", 503)
    [event async for event in answering]  # once it is done, new messages are taken again
    assert await chat.accept("session-busy-2", "ws", "a tent") > first


class OneVersion:
    """The router's part the pipeline uses: which version answers; it serves `adapter`."""

    def __init__(self, adapter: Serving):
        self.adapter = adapter
        self.on_serving: Any = None

    def pick(self, session_id: str | None) -> Serving:
        return self.adapter


async def test_a_taught_greeting_is_written_once_per_version_and_judged_before_it_is_shown(
    index: CatalogIndex, log: DialogueLog
) -> None:
    taught = "Welcome to Northwind! I'm Skye, ask me anything."
    engine = ScriptedEngine(["Welcome", " to", " Northwind!", " I'm", " Skye,", " ask", " me",
                             " anything."])  # fmt: skip
    router = OneVersion(Serving("ad-1", "/a", frozenset({"greet"}), (taught,)))
    settings = Settings(data_dir=index._path.parent, store_name="Northwind")  # type: ignore[union-attr]
    chat = ChatService(engine, index, log, settings=settings, adapters=router)  # type: ignore[arg-type]
    assert router.on_serving == chat.warm_voices
    for n in range(3):
        events = await turn(chat, "Hello!", session_id=f"session-voice-{n}")
        assert "".join(e.text for e in events if isinstance(e, Token)) == taught
    assert engine.calls == 1  # the same prompt every time: written once, then reused
    [logged] = log.turns("session-voice-2") or []
    assert logged.adapter == "ad-1" and logged.reply == taught and logged.grounding == []

    # A voice reply that states a price is never shown: the fixed greeting stands, and the
    # guard's finding is logged with each turn it would have answered.
    pricey = ScriptedEngine(["Welcome!", " Everything", " is", " $5", " today."])
    router = OneVersion(Serving("ad-2", "/b", frozenset({"greet"}), (taught,)))
    chat = ChatService(pricey, index, log, settings=settings, adapters=router)  # type: ignore[arg-type]
    events = await turn(chat, "Hello!", session_id="session-voice-9")
    text = "".join(e.text for e in events if isinstance(e, Token))
    assert text == replies.greet("Northwind") and "$5" not in text
    [logged] = log.turns("session-voice-9") or []
    assert logged.grounding and logged.adapter == "ad-2"


async def test_pipeline_a_message_in_another_language_is_answered_or_said_unread(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat = service(ScriptedEngine(["here is a tent!"]), index, log)
    shown = await turn(chat, "a dome tent for backpacking", session_id="session-abroad-1")
    # About the product just shown, in Portuguese: its price, from the catalog.
    asked = await turn(chat, "quanto custa?", session_id="session-abroad-1",
                       profile=shown[-1].profile)  # fmt: skip
    text = "".join(e.text for e in asked if isinstance(e, Token))
    assert asked[-1].intent == "price_stock" and "$249.00" in text
    # A product named by its title, in Hungarian: that one.
    named = await turn(chat, "mennyibe kerül a Halvard?", session_id="session-abroad-2")
    text = "".join(e.text for e in named if isinstance(e, Token))
    assert named[-1].action == "answer" and "$95.00" in text
    # Nothing near its words and nothing shown: said plainly that it cannot be read, no cards.
    unread = await turn(chat, "szia! mit ajánlasz ma nekem?", session_id="session-abroad-3")
    text = "".join(e.text for e in unread if isinstance(e, Token))
    assert not [h for e in unread if isinstance(e, Products) for h in e.hits]
    assert text == replies.not_read(chat.settings.store_name)
