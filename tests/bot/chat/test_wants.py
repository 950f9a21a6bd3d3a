"""What a request asks a product to have or rules out, over a real index and the real
embeddings: "headphones with noise cancelling" shows none without it, "a yoga mat, not a travel
one" no travel mat, this turn or the next."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.index import CatalogIndex
from tests.bot.chat.shop import ids, indexed, planner, planning

SHOP = [
    Product(id="max", title="Sonvik Drift Max Over-Ear ANC Headphones", price=229,
            category="Headphones",
            description="Flagship over-ear headphones with adaptive noise cancelling."),
    Product(id="drift", title="Sonvik Drift Over-Ear ANC Headphones", price=149,
            category="Headphones",
            description="Foldable over-ear headphones with hybrid active noise cancelling."),
    Product(id="buds", title="Auralis Pulse Pro ANC Earbuds", price=89.9, category="Headphones",
            description="True wireless earbuds with active noise cancelling."),
    Product(id="lite", title="Sonvik Drift Lite Over-Ear Wireless Headphones", price=69.9,
            category="Headphones",
            description="Lightweight over-ear headphones without noise cancelling, 50 hours."),
    Product(id="studio", title="Tonemark Studio 50 Closed-Back Over-Ear Monitor Headphones",
            price=79, category="Headphones",
            description="Wired closed-back studio headphones with a flat response."),
    Product(id="hs", title="Corvid HS70 Wireless Gaming Headset", price=119, category="Gaming",
            description="Over-ear gaming headset with a boom mic for PC and consoles."),
    Product(id="hs2", title="Corvid HS20 Wired Gaming Headset", price=49, category="Gaming",
            description="Wired gaming headset with a flip-up mic."),
    Product(id="zen", title="Asanova Zen Yoga Mat", price=84, category="Yoga",
            description="Regular 6 mm yoga mat with a grippy natural rubber surface."),
    Product(id="grove", title="Banyan Grove Yoga Mat", price=54, category="Yoga",
            description="Cushioned 5 mm yoga mat for studio and home practice."),
    Product(id="travel", title="Asanova Sol Travel Yoga Mat", price=48, category="Yoga",
            description="Foldable 1.5 mm travel yoga mat that fits in a suitcase."),
    Product(id="cordless", title="Voltra 20V Cordless String Trimmer", price=149,
            category="Trimmers", description="Includes a 20V battery and a charger."),
    Product(id="corded", title="Kestrel Corded String Trimmer", price=89, category="Trimmers",
            description="Plugs into an outlet. No batteries to charge."),
    Product(id="balm", title="Honey & Beeswax Lip Balm", price=8, category="Lips",
            description="A nourishing balm for dry, chapped lips."),
    Product(id="gel", title="Oil-Free Water Gel Moisturiser", price=22, category="Face",
            description="A weightless gel for oily skin."),
    Product(id="night", title="Rich Night Cream", price=45, category="Face",
            description="A rich moisturiser with squalane oil for dry skin."),
]  # fmt: skip


@pytest.fixture
def index(tmp_path: Path) -> Iterator[CatalogIndex]:
    with indexed(tmp_path, SHOP) as catalog:
        yield catalog


async def test_what_it_must_have_and_the_cheaper_of_those(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    asked = "looking for over-ear headphones with noise cancelling"
    plan = await chat.plan(asked, ShopperProfile())
    assert sorted(ids(plan)) == ["drift", "max"]  # not the earbuds, not the one without
    plan = await chat.plan("how much is the cheaper one?", plan.profile)
    assert ids(plan) == ["drift"]
    assert "$149.00" in plan.text


async def test_what_it_rules_out_is_never_shown_this_turn_or_the_next(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("a yoga mat, not a travel one", ShopperProfile())
    assert plan.decision.action == "recommend"
    assert "travel" not in ids(plan) and ids(plan)
    assert plan.profile.ruled_out == ["travel"]
    plan = await chat.plan("anything under $60?", plan.profile)
    assert ids(plan) == ["grove"]
    # Another kind of product: what was ruled out was of the last kind.
    plan = await chat.plan("and a string trimmer?", plan.profile)
    assert plan.profile.ruled_out == []


async def test_what_it_rules_out_in_a_text_comes_after_the_rest(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("string trimmer, no batteries please", ShopperProfile())
    assert ids(plan)[:1] == ["corded"]  # its own text denies batteries; the other has one


async def test_an_oil_free_product_has_no_oil_and_the_ruled_out_best_match_leaves_no_stand_in(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("moisturiser with no oils in it, im super oily", ShopperProfile())
    assert ids(plan) == ["gel"]  # its title says oil-free; the night cream's text has oil
    # The only lip balm has beeswax: nothing fits, no other kind of product stands in.
    plan = await chat.plan("lip balm with no beeswax? im vegan", ShopperProfile())
    assert (plan.decision.action, ids(plan)) == ("nothing_fits", [])


async def test_what_is_ruled_out_goes_with_its_kind_and_only_when_shopping(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("a yoga mat, not a travel one", ShopperProfile())
    # Another kind, with what it rules out in the same message: that is kept, travel is not.
    plan = await chat.plan("and a lip balm without beeswax?", plan.profile)
    assert plan.profile.ruled_out == ["beeswax"]
    assert (plan.decision.action, ids(plan)) == ("nothing_fits", [])
    # Not shopping: nothing it denies is kept.
    plan = await chat.plan("tell me a joke, no puns", ShopperProfile())
    assert plan.decision.action == "off_topic"
    assert plan.profile.ruled_out == []


async def test_a_kind_ruled_out_in_a_category_of_its_own_leaves_the_kind_asked(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    # The closest are the headsets ruled out, a category of their own: neither that category
    # nor only its products; what else is close.
    plan = await chat.plan(
        "something to listen to music with, not a gaming headset", ShopperProfile()
    )
    assert plan.decision.action == "recommend", plan.decision.action
    assert {p.category for p in plan.decision.products} == {"Headphones"}, ids(plan)
    # "over ear", as shoppers write it: over-ear ones, not the earbuds.
    plan = await chat.plan("over ear headphones under 300, not a gaming headset", ShopperProfile())
    assert ids(plan) and not {"hs", "hs2", "buds"} & set(ids(plan)), ids(plan)
    # "wireless only" narrows that request: the wireless over-ear pair first.
    plan = await chat.plan("wireless only", plan.profile)
    assert ids(plan)[:1] == ["lite"] and not {"hs", "hs2"} & set(ids(plan)), ids(plan)


TEAS = [
    Product(id="assam", title="Assam Breakfast – Black Tea 100 g", price=89, currency="SEK",
            category="Loose Leaf", description="The family tea: kids love it with milk and honey."),
    Product(id="earl", title="Earl Grey Blå – Black Tea 100 g", price=95, currency="SEK",
            category="Loose Leaf", description="Black tea for kids and grown-ups, with bergamot."),
    Product(id="rooibos", title="Rooibos Vanilla – Herbal Tea 100 g", price=65, currency="SEK",
            category="Loose Leaf", description="Naturally caffeine-free rooibos from South Africa.",
            attributes={"Tags": "herbal, caffeine free"}),
]  # fmt: skip


async def test_what_says_it_is_free_of_what_is_ruled_out_comes_first(
    tmp_path: Path, log: DialogueLog
) -> None:
    # The black teas never say caffeine; the rooibos says it has none (and is tagged so).
    with planning(tmp_path, TEAS, log) as chat:
        plan = await chat.plan("tea for kids? no caffeine obviously", ShopperProfile())
        assert ids(plan)[:1] == ["rooibos"], ids(plan)
