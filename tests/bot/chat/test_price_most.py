"""The cheapest or dearest of a kind is of all of that kind the shop has, and a kind named by a
product's own tags that is over the budget is said to be so, not replaced by others under it.
Over a real index and the real embeddings, with the real intent classifier."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from tests.bot.chat.shop import ids, planning

KNIVES = "Kitchen Knives"
SHOP = [
    # The cheapest knife does not say "knife" in its title.
    Product(id="santoku", title="Aoyama Everyday AUS-8 Santoku 170mm", price=5980,
            category=KNIVES, description="A stainless all-rounder for everyday home cooking.",
            attributes={"tags": "santoku, stainless"}),
    Product(id="bread", title="Hayate Molybdenum Steel Bread Knife 240mm", price=7800,
            category=KNIVES, description="Serrated knife for crusty bread."),
    Product(id="petty", title="Hayate VG-10 Damascus Petty Knife 135mm", price=9800,
            category=KNIVES, description="Small knife for fruit and garnishes."),
    Product(id="boning", title="Hayate Honesuki Boning Knife 150mm", price=12800,
            category=KNIVES, description="Triangular knife for breaking down chicken."),
    Product(id="gyuto", title="Hayate VG-10 Damascus Gyuto Chef's Knife", price=18800,
            category=KNIVES, description="The Japanese chef's knife for every task."),
    Product(id="yanagiba", title="Kurogane Sakai Shirogami #2 Yanagiba 270mm", price=38500,
            category=KNIVES,
            description="The long, slender sashimi knife used by sushi chefs.",
            attributes={"tags": "yanagiba, sashimi knife, sushi knife, single bevel"}),
    Product(id="roll", title="Kurogane Canvas Knife Roll 6-Pocket", price=4800,
            category="Sharpening & Care", description="Carries six knives to work."),
    Product(id="stone", title="Shiroyama Combination Whetstone #1000/#6000", price=4800,
            category="Sharpening & Care", description="Sharpens any knife."),
    Product(id="wok", title="Tetsuya Hammered Iron Wok 33cm", price=7800, category="Pans",
            description="A hand-hammered carbon iron wok."),
]  # fmt: skip


@pytest.fixture
def chat(tmp_path: Path, log: DialogueLog) -> Iterator[ChatService]:
    with planning(tmp_path, SHOP, log) as service:
        yield service


async def test_the_cheapest_and_the_dearest_are_of_all_of_the_kind(chat: ChatService) -> None:
    plan = await chat.plan("whats the cheapest knife you sell", ShopperProfile())
    # The santoku, though the knives that say "knife" are closer in meaning; no knife roll.
    assert ids(plan)[0] == "santoku", ids(plan)
    assert "roll" not in ids(plan), ids(plan)
    prices = [p.price for p in plan.decision.products]
    assert prices == sorted(prices), ids(plan)
    plan = await chat.plan("show me your most expensive knife", ShopperProfile())
    assert ids(plan)[0] == "yanagiba", ids(plan)
    # Without the superlative, the closest come first, as ever.
    plan = await chat.plan("a knife for bread", ShopperProfile())
    assert ids(plan)[0] == "bread", ids(plan)


async def test_a_kind_tagged_only_on_a_product_over_the_budget_is_said_to_be_over_it(
    chat: ChatService,
) -> None:
    plan = await chat.plan("I want a sushi knife under 15000 yen", ShopperProfile())
    # Not the petty or the boning knife under the budget: the sushi knife, over it.
    assert plan.decision.action == "nothing_fits", plan.decision.action
    assert [p.id for p in plan.decision.over_budget] == ["yanagiba"]
    plan = await chat.plan("ok whats the price of the one you do have then", plan.profile)
    assert (plan.decision.action, ids(plan)) == ("answer", ["yanagiba"])
    # Within the budget, it is shown.
    plan = await chat.plan("I want a sushi knife under 40000 yen", ShopperProfile())
    assert ids(plan)[:1] == ["yanagiba"], ids(plan)
    # A kind with no tag of its own keeps what the budget buys.
    plan = await chat.plan("a small knife under 10000 yen", ShopperProfile())
    assert plan.decision.action == "recommend" and "petty" in ids(plan), ids(plan)


GUITARS = [
    Product(id="trav", title="Tasman Voyager 3/4 Travel Acoustic Guitar", price=279,
            category="Acoustic Guitars",
            description="Laminate spruce body, small and light for trips."),
    Product(id="cl44", title="Costa Verde CV-44 Classical Guitar 4/4", price=329,
            category="Acoustic Guitars",
            description="Full-size classical guitar with a solid cedar top and nylon strings."),
    Product(id="d10", title="Tasman D-10 Dreadnought Acoustic Guitar", price=549,
            category="Acoustic Guitars",
            description="Dreadnought with a solid spruce top and mahogany back and sides."),
    Product(id="c200", title="Harbour & Pine C-200 Concert Cutaway Acoustic-Electric Guitar",
            price=699, category="Acoustic Guitars",
            description="Laminated spruce top, built-in pickup and tuner."),
    Product(id="uke", title="Kowhai Concert Solid Top Ukulele", price=189,
            category="Ukuleles", description="Concert ukulele with a solid spruce top."),
    Product(id="strings", title="Ironwire Phosphor Bronze Acoustic Guitar Strings", price=19,
            category="Strings", description="Bright strings for steel-string acoustics."),
]  # fmt: skip


async def test_the_cheapest_of_a_described_kind_has_what_describes_it(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, GUITARS, log) as chat:
        plan = await chat.plan("the harbour & pine c-200, is it a solid top?", ShopperProfile())
        assert ids(plan) == ["c200"], ids(plan)
        plan = await chat.plan("whats the cheapest solid top acoustic you have then",
                               plan.profile)  # fmt: skip
        # Not the cheaper laminate travel guitar, nor the ukulele a title calls "solid top".
        assert ids(plan)[:2] == ["cl44", "d10"], ids(plan)


@pytest.mark.parametrize(
    ("text", "first", "low"),
    [
        ("whats the most expensive thing you sell", "yanagiba", None),
        ("whats your most premium stuff, at least 10000", "yanagiba", 10000),
        ("cheapest thing you have?", "roll", None),
    ],
)
async def test_the_cheapest_or_dearest_of_no_kind_is_of_all_the_shop_has(
    chat: ChatService, text: str, first: str, low: int | None
) -> None:
    plan = await chat.plan(text, ShopperProfile())
    assert plan.decision.action == "recommend", plan.decision
    shown = plan.decision.products
    assert (
        shown
        and shown[0].id == first
        or (first == "roll" and shown[0].price == min(p.price for p in SHOP))
    ), ids(plan)
    prices = [p.price for p in shown]
    assert prices == sorted(prices, reverse=first != "roll"), ids(plan)
    if low is not None:
        assert all(p >= low for p in prices), ids(plan)


PRAMS = "Prams & Strollers"
STROLLERS = [
    Product(id="cover", title="Loppa Universal Pram Rain Cover", price=299, category=PRAMS,
            description="Clear rain cover, fits most single prams and strollers."),
    Product(id="muff", title="Fjellvarm Winter Pram Footmuff", price=899, category=PRAMS,
            description="Fleece-lined footmuff for prams and strollers."),
    Product(id="compact", title="Loppa City Compact Stroller", price=2999, category=PRAMS,
            description="Folds with one hand to cabin-bag size, 6.9 kg."),
    Product(id="jogger", title="Bjørk Terreng All-Terrain Jogging Stroller", price=5999,
            category=PRAMS, description="Air tyres and a hand brake for trails."),
    Product(id="double", title="Tindra Duo Side-by-Side Double Stroller", price=7499,
            category=PRAMS, description="Two seats side by side, fits through most doors."),
    Product(id="carrier", title="Bæremeis Ergonomic Baby Carrier", price=1499,
            category="Baby Carriers", description="From newborn to toddler."),
]  # fmt: skip


async def test_the_cheapest_of_a_kind_is_of_that_kind_not_of_what_goes_with_it(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, STROLLERS, log) as chat:
        plan = await chat.plan(
            "cheapest stroller you have that folds small enough for a plane", ShopperProfile()
        )
        # The strollers, cheapest first; not the rain cover or the footmuff of their category,
        # though they are cheaper.
        assert ids(plan)[:3] == ["compact", "jogger", "double"], ids(plan)
        assert not {"cover", "muff"} & set(ids(plan)), ids(plan)
        plan = await chat.plan("what colours does it come in", plan.profile)
        assert ids(plan) == ["compact"], ids(plan)
