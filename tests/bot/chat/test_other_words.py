"""What a shopper's own words mean in a catalog written in others, over a real index and the
real embeddings: another name for the same goods, a brand ruled out, words that name no kind."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product, Variant
from retrieval.index import CatalogIndex
from tests.bot.chat.shop import ids, indexed, planner, planning

HOME = [
    Product(id="s1", title="Alva 3-Seater Sofa, Linen", price=1290, category="Sofas",
            description="Three-seater sofa with washable linen covers and oak legs."),
    Product(id="s2", title="Dario 2-Seater Sofa, Grey", price=790, category="Sofas",
            description="Compact two-seater in grey woven fabric."),
    Product(id="w1", title="Tessin 2-Door Wardrobe, White", price=490, category="Storage",
            description="Wardrobe with a hanging rail and two shelves."),
    Product(id="b1", title="Hilde Bookcase, Oak Veneer", price=260, category="Storage",
            description="Five shelves for books and display."),
    Product(id="p1", title="Stoneware Dinner Plates, Set of 4", price=48, category="Tableware",
            description="Speckled stoneware plates, dishwasher safe."),
    Product(id="p2", title="Stoneware Bowls, Set of 4", price=42, category="Tableware",
            description="Deep stoneware bowls for soup and cereal."),
]  # fmt: skip
AUDIO = [
    Product(id="e1", title="Aurevo Buds Pro 2 ANC Earbuds", price=299, category="Headphones",
            description="True wireless earbuds with noise cancelling.",
            attributes={"brand": "Aurevo"}),
    Product(id="e2", title="Brightwave Airlite Wireless Earbuds", price=89,
            category="Headphones", description="Light true wireless earbuds, 30 h with the case.",
            attributes={"brand": "Brightwave"}),
    Product(id="e3", title="Kestrel Fit Sport Earbuds", price=129, category="Headphones",
            description="Wireless sport earbuds with ear hooks, sweat resistant.",
            attributes={"brand": "Kestrel"}),
]  # fmt: skip
SCREENS = [
    Product(id="t1", title='Lumaro U6 65" 4K UHD Smart TV', price=1299, category="TVs",
            description="65-inch 4K TV with Dolby Vision. HDMI cable of 2.5 m included."),
    Product(id="t2", title='Lumaro F4 43" Full HD Smart TV', price=549, category="TVs",
            description="43-inch Full HD smart TV for smaller rooms."),
    Product(id="t3", title='Lumaro H2 32" HD Smart TV', price=329, category="TVs",
            description="32-inch HD TV for a bedroom or kitchen."),
    Product(id="a1", title="Kestrel SB300 Soundbar", price=449, category="Soundbars",
            description="3.1 channel soundbar with clear dialogue, for TVs from 43 inches."),
    Product(id="c1", title="Kea Gear Quick-Change Trigger Capo", price=25,
            category="Guitar Accessories", description="Spring-loaded, one hand to move it."),
]  # fmt: skip


@pytest.fixture
def index(tmp_path: Path) -> Iterator[CatalogIndex]:
    with indexed(tmp_path, HOME + AUDIO + SCREENS) as catalog:
        yield catalog


async def test_another_name_for_goods_the_catalog_has_finds_them(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    for text, kind in (
        ("looking for a comfy 3 seater couch for the living room", {"s1", "s2"}),
        ("i need a closet for my clothes, dont want to spend a fortune", {"w1"}),
        ("bookshelf pls, i have like 400 books lol", {"b1"}),
    ):
        plan = await chat.plan(text, ShopperProfile())
        assert plan.decision.action == "recommend", (text, plan.decision.action)
        assert ids(plan)[0] in kind, (text, ids(plan))


async def test_words_that_name_no_kind_are_not_said_to_be_missing(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("just moved in, need plates and bowls", ShopperProfile())
    assert plan.decision.action == "recommend"
    assert set(ids(plan)[:2]) == {"p1", "p2"}


async def test_a_brand_the_message_rules_out_is_never_shown(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan(
        "wireless earbuds, not aurevo, had a bad experience with them", ShopperProfile()
    )
    assert ids(plan) and "e1" not in ids(plan), ids(plan)
    # Nor among those just shown, which the next message is about.
    plan = await chat.plan("wireless earbuds", ShopperProfile())
    assert "e1" in ids(plan)
    plan = await chat.plan("not the aurevo, whats the next best under 200", plan.profile)
    assert ids(plan) and "e1" not in ids(plan), ids(plan)


async def test_a_size_the_shop_has_none_of_is_said_to_be_missing(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("need a massive tv, 85 inch or bigger", ShopperProfile())
    assert plan.decision.action == "not_found", plan.decision.action  # the closest, as that
    plan = await chat.plan("a 43 inch tv please", ShopperProfile())
    assert plan.decision.action == "recommend" and ids(plan) == ["t2"], ids(plan)
    # The size of what the shopper has is no size asked for.
    plan = await chat.plan("looking for a soundbar for my 55 inch tv", ShopperProfile())
    assert plan.decision.action == "recommend" and ids(plan)[0] == "a1", ids(plan)


async def test_a_kind_the_titles_name_is_found_though_the_embeddings_hardly_know_it(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("capo?", ShopperProfile())
    assert plan.decision.action == "recommend" and ids(plan) == ["c1"], ids(plan)


CARRY = [
    Product(id="k20", title="Trekker 20L Camera Backpack", price=80, category="Camera Bags",
            description="Side access and a sleeve for laptops up to 15 inches."),
    Product(id="k30", title="Trekker 30L Pro Camera Backpack", price=130, category="Camera Bags",
            description="Two bodies, five lenses and a 16-inch laptop sleeve."),
    Product(id="k6", title="Metro Sling Camera Bag 6L", price=50, category="Camera Bags",
            description="Slim sling with a sleeve for a tablet up to 11 inches."),
    Product(id="r1", title="Flex Mini Tabletop Tripod", price=25, category="Tripods",
            description="Pocket tripod for phones. Max load: 1 kg."),
    Product(id="r6", title="TX-190 Aluminium Travel Tripod", price=120, category="Tripods",
            description="Folds to 42 cm. Max load: 6 kg. Weight: 1450 g."),
    Product(id="r5", title="TXV-1 Video Tripod with Fluid Head", price=160, category="Tripods",
            description="Fluid head for pans. Max load: 5 kg. Weight: 3200 g."),
    Product(id="l50", title="Veltra 50mm f/1.8 Prime Lens", price=190, category="Lenses",
            description="The classic nifty-fifty. Focal length: 50mm."),
    Product(id="lz", title="Lumora 18-50mm f/2.8 Standard Zoom Lens", price=450,
            category="Lenses", description="Standard zoom. Focal length: 18-50mm."),
    Product(id="l85", title="Optyx 85mm f/1.8 Portrait Lens", price=300, category="Lenses",
            description="Portrait prime. Focal length: 85mm."),
    Product(id="q7", title="Nordlight Q7 QLED 4K Smart TV", price=1199, category="TVs",
            description="Quantum-dot colour and a native 120 Hz panel.",
            variants=(Variant(id="q55", price=1199, options={"Size": '55"'}),
                      Variant(id="q65", price=1699, options={"Size": '65"'}))),
    Product(id="u6", title='Lumaro U6 65" 4K UHD Smart TV', price=1299, category="TVs",
            description="65-inch 4K TV with Dolby Vision."),
]  # fmt: skip


async def test_what_a_product_must_fit_or_hold_and_a_size_asked_exactly(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, CARRY, log) as chat:
        # The laptop is the shopper's, and the backpack must take it: not the 15 inch sleeve.
        plan = await chat.plan("a backpack that fits my 16 inch laptop", ShopperProfile())
        assert ids(plan) == ["k30"], ids(plan)
        plan = await chat.plan("tripod that holds 5kg atleast", ShopperProfile())
        assert set(ids(plan)) == {"r6", "r5"}, ids(plan)
        # "looking for a" is asking: the 50mm lens, then the zoom that takes in 50mm.
        plan = await chat.plan("hi, looking for a 50mm lens", ShopperProfile())
        assert ids(plan) == ["l50", "lz"], ids(plan)
        # Sold in that size only above the budget: not the Q7, whose 55" is within it.
        plan = await chat.plan("65 inch tv under 1500", ShopperProfile())
        assert ids(plan) == ["u6"], ids(plan)
        plan = await chat.plan("65 inch tv under 1800", ShopperProfile())
        assert set(ids(plan)) == {"u6", "q7"}, ids(plan)


KINDS = [
    Product(id="g34", title="Kauri 3/4 Classical Guitar", price=199, category="Classical Guitars",
            description="Nylon strings and a smaller body, sized for kids aged 8 to 12."),
    Product(id="pj", title="Kauri PJ-4 Bass", price=649, category="Bass Guitars",
            description="Four-string electric bass with P and J pickups."),
    Product(id="sb", title="Kauri Short Scale Bass Guitar", price=449, category="Bass Guitars",
            description="A 30 inch scale for smaller hands."),
    Product(id="amp", title="Kauri B50 Bass Amp", price=399, category="Amplifiers",
            description="A 50 watt combo amp for bass guitar."),
    Product(id="str", title="Ironwire Bass Strings 45-105", price=49, category="Strings",
            description="Nickel wound strings for four-string bass guitars."),
    Product(id="gy1", title="Hayate Damascus Gyuto 210mm", price=189, category="Knives",
            description="A chef's knife in VG10 steel."),
    Product(id="gy2", title="Kurogane Aogami Gyuto 240", price=229, category="Knives",
            description="Carbon steel chef's knife, hand forged."),
    Product(id="saya", title="Saya Cover for 210mm Gyuto", price=39, category="Knife Care",
            description="Magnolia wood sheath."),
    Product(id="matcha", title="Uji Matcha Starter Set", price=59, category="Tea",
            description="Bowl, whisk and scoop to start making matcha at home."),
]  # fmt: skip


async def test_the_best_match_of_the_kind_asked_leads_and_strays_go(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, KINDS, log) as chat:
        # The kids' guitar is near "for a kid", but no bass: the basses, of their category.
        plan = await chat.plan("do you have bass guitars for a kid, hes about 11", ShopperProfile())
        assert ids(plan) and set(ids(plan)) <= {"pj", "sb"}, ids(plan)
        # The gyutos, not the cover for one nor the matcha set near a word it hardly knows.
        plan = await chat.plan("need a gyuto", ShopperProfile())
        assert set(ids(plan)) == {"gy1", "gy2"}, ids(plan)
