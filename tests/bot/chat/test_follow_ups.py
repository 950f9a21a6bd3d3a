"""Short follow-ups to products just shown, over a real index and the real embeddings: an
alternative to one that is out of stock, a price asked in a word or in another language, what
else the products must do, and a gift asked for in words near nothing in the catalog."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile, update_profile
from bot.chat.understand import (
    AND_ALSO,
    GIFT_ASKED,
    ONLY_AVAILABLE,
    PRICE_ALONE,
    Understanding,
    about_one,
    gate,
)
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.index import CatalogIndex
from tests.bot.chat.shop import ids, indexed, planner, planning

OUTDOOR = [
    Product(id="orbit", title="Orbit Sphere 360 Camera", price=429, currency="EUR",
            category="Action Cameras", in_stock=False,
            description="Films every direction at once, for reframing clips later."),
    Product(id="surge", title="Surge 4K Action Camera", price=249, currency="EUR",
            category="Action Cameras", description="A small rugged camera for helmets and bikes."),
    Product(id="surge-pro", title="Surge Pro 5K Action Camera", price=379, currency="EUR",
            category="Action Cameras", description="Stabilised 5K video, waterproof to 10 m."),
    Product(id="daypack", title="Trailhead 18L Camera Daypack", price=119, currency="EUR",
            category="Camera Bags", description="A light camera backpack; fits a 13 inch laptop."),
    Product(id="trekker", title="Trailhead 28L Camera Trekker", price=169, currency="EUR",
            category="Camera Bags", description="Camera backpack with a 16 inch laptop sleeve."),
    Product(id="sling", title="Nomad Camera Sling", price=59, currency="EUR",
            category="Camera Bags", description="A small sling for one body and a lens."),
    Product(id="mug", title="Enamel Camp Mug 350ml", price=14, currency="EUR",
            category="Camp Kitchen", description="A steel mug with a blue enamel finish."),
    Product(id="lantern", title="Glow Rechargeable Camp Lantern", price=39, currency="EUR",
            category="Lighting", description="A warm LED lantern, 30 hours on low."),
]  # fmt: skip


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CatalogIndex]:
    with indexed(tmp_path_factory.mktemp("outdoor"), OUTDOOR) as catalog:
        yield catalog


def test_rules_for_follow_ups_and_gifts() -> None:
    for text in ["kitna ka hai", "how much?", "price?", "whats the price", "combien ?",
                 "wie viel kostet das", "and the price pls"]:  # fmt: skip
        assert PRICE_ALONE.fullmatch(text), text
    for text in ["how much is bitcoin", "price of gold today", "cheaper?", "how much rain"]:
        assert not PRICE_ALONE.fullmatch(text), text
    for text in ["it should fit a 15 inch laptop too", "they have to be dishwasher safe",
                 "the bag must hold a drone as well"]:  # fmt: skip
        assert AND_ALSO.search(text), text
    assert not AND_ALSO.search("should i buy a drone")
    for text in ["housewarming present for a friend", "something for my dad, he likes tea",
                 "secret santa, max 20", "a birthday gift"]:  # fmt: skip
        assert GIFT_ASKED.search(text), text
    assert not GIFT_ASKED.search("do you gift wrap?")


def test_the_gate_keeps_follow_ups_and_gifts_as_shopping() -> None:
    def gated(intent: str, off: float, text: str, *, relevant: bool, shown: bool = False) -> str:
        guess = Understanding(intent, 0.5, off_topic=off)  # type: ignore[arg-type]
        return gate(guess, relevant=relevant, named=False, text=text, shown=shown).intent

    text = "it should fit a 15 inch laptop too"
    # Just after products were shown, with products near it: a refinement.
    assert gated("off_topic", 0.9, text, relevant=True, shown=True) == "browse"
    # Not just after products, or with nothing near it: the gate decides as before.
    assert gated("off_topic", 0.9, text, relevant=True) == "off_topic"
    assert gated("off_topic", 0.9, text, relevant=False, shown=True) == "off_topic"
    text = "whats the alternative then, i live in an apartment"
    assert gated("browse", 0.55, text, relevant=False, shown=True) == "browse"
    assert gated("browse", 0.55, text, relevant=False) == "off_topic"
    text = "housewarming present for a friend, between 60 and 90 euros"
    assert gated("browse", 0.4, text, relevant=False) == "browse"
    # A gate sure it is not for the shop still wins.
    assert gated("browse", 0.9, text, relevant=False) == "off_topic"


def test_a_price_asked_alone_is_about_the_one_just_shown_and_only_then() -> None:
    off = Understanding("off_topic", 0.6, off_topic=0.9)
    asked = about_one(off, "kitna ka hai", named=False, pointed=False, alone=False, shown=True)
    assert asked.intent == "price_stock"
    asked = about_one(off, "kitna ka hai", named=False, pointed=False, alone=False)
    assert asked.intent == "off_topic"


async def test_an_alternative_to_one_out_of_stock_is_another_of_its_kind(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("want to film 360 videos for my channel", ShopperProfile())
    assert ids(plan)[:1] == ["orbit"], ids(plan)
    plan = await chat.plan("when will it be back in stock", plan.profile)
    assert plan.decision.action == "answer" and ids(plan) == ["orbit"]
    plan = await chat.plan("any alternative till then", plan.profile)
    assert plan.decision.action == "recommend"
    assert set(ids(plan)) == {"surge", "surge-pro"}, ids(plan)


async def test_a_price_asked_in_a_few_words_is_the_price_of_the_one_shown(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    first = await chat.plan("a camera bag for long hikes", ShopperProfile())
    assert first.decision.action == "recommend"
    for text in ["kitna ka hai", "combien ?"]:
        plan = await chat.plan(text, first.profile)
        assert plan.intent == "price_stock" and plan.decision.action == "answer", text
        assert ids(plan) == ids(first)[:1], text


async def test_what_else_the_products_must_do_keeps_shopping(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("something to carry my camera on long treks", ShopperProfile())
    assert plan.decision.action == "recommend"
    plan = await chat.plan("it should fit a 15 inch laptop too", plan.profile)
    assert plan.decision.action == "recommend" and "trekker" in ids(plan), ids(plan)


async def test_a_use_told_after_a_kind_was_asked_is_that_kind_for_it(
    tmp_path_factory: pytest.TempPathFactory, log: DialogueLog
) -> None:
    cameras = [
        *OUTDOOR,
        Product(id="mirror", title="Lumix M10 Mirrorless Camera", price=699, currency="EUR",
                category="Mirrorless Cameras", description="An APS-C body with a flip screen."),
        Product(id="mirror-kit", title="Lumix M10 Mirrorless Camera with 15-45mm Lens",
                price=849, currency="EUR", category="Mirrorless Cameras",
                description="The M10 with a compact zoom lens."),
    ]  # fmt: skip
    with planning(tmp_path_factory.mktemp("cameras"), cameras, log) as chat:
        plan = await chat.plan("mirrorless camera for my photo blog", ShopperProfile())
        assert set(ids(plan)[:2]) == {"mirror", "mirror-kit"}, ids(plan)
        # No kind of its own, near nothing alone: a camera for that, of any category.
        plan = await chat.plan("actually my son wants to record his skating, on his helmet",
                               plan.profile)  # fmt: skip
        assert plan.decision.action == "recommend", plan.decision
        assert ids(plan)[0] in {"surge", "surge-pro", "orbit"}, ids(plan)


def test_only_what_can_be_had_at_once_is_a_refinement_of_what_was_shown() -> None:
    def gated(intent: str, text: str, *, shown: bool) -> str:
        guess = Understanding(intent, 0.3)  # type: ignore[arg-type]
        return gate(guess, relevant=False, named=False, text=text, shown=shown).intent

    for text in ["only what you can deliver now pls", "only ones you can ship today",
                 "just the ones in stock", "in stock only"]:  # fmt: skip
        assert ONLY_AVAILABLE.search(text), text
        assert gated("greeting", text, shown=True) == "browse", text
        assert gated("support", text, shown=True) == "browse", text
        # Nothing shown before: the guess stands.
        assert gated("support", text, shown=False) == "support", text
    for text in ["can you deliver to norway?", "only wanted to say thanks", "do you ship today"]:
        assert not ONLY_AVAILABLE.search(text), text
    # And the profile takes it: only what is in stock.
    for text in ["only what you can deliver now pls", "can it be delivered today?",
                 "anything ready to ship?"]:  # fmt: skip
        assert update_profile(ShopperProfile(), text).in_stock_only, text


SOFAS = [
    Product(id="alva", title="Alva 3-Seater Sofa, Linen, Sand", price=1290, category="Sofas",
            description="A deep, comfy three-seater in washable linen."),
    Product(id="cleo", title="Cleo 3-Seater Sofa, Velvet, Bottle Green", price=1690,
            category="Sofas", description="Soft velvet three-seater with feather cushions."),
    Product(id="gino", title="Gino 3-Seater Sofa, Leather, Cognac", price=3390,
            category="Sofas", description="Full-grain leather three-seater."),
    Product(id="dario", title="Dario 2-Seater Sofa, Grey", price=790, category="Sofas",
            description="A compact two-seater for small rooms."),
    Product(id="table", title="Nils Extendable Dining Table, Oak", price=1090,
            category="Dining Tables", description="Seats six, eight when extended.",
            in_stock=False),
    Product(id="table2", title="Lina Round Dining Table, White", price=690,
            category="Dining Tables", description="Seats four."),
]  # fmt: skip


async def test_a_follow_up_keeps_the_size_asked_and_only_what_can_be_had_now(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, SOFAS, log) as chat:
        plan = await chat.plan("looking for a comfy 3 seater couch for the living room",
                               ShopperProfile())  # fmt: skip
        assert "dario" not in ids(plan), ids(plan)
        plan = await chat.plan("not leather pls, and max 2000 chf", plan.profile)
        # Not the 2-seater, which the budget lets in.
        assert set(ids(plan)) == {"alva", "cleo"}, ids(plan)
        plan = await chat.plan("ok the cheaper one, is it in stock?", plan.profile)
        assert ids(plan) == ["alva"], ids(plan)
        plan = await chat.plan("dining table, can spend up to 1100", ShopperProfile())
        assert set(ids(plan)) == {"table", "table2"}, ids(plan)
        plan = await chat.plan("only what you can deliver now pls", plan.profile)
        assert (plan.intent, ids(plan)) == ("browse", ["table2"])
