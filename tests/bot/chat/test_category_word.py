"""A category word in the message counts only when the best match agrees: "kitten food" in a
shop with a "Dog Food & Treats" category is cat food, not a filter to dog food."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat.profile import ShopperProfile
from bot.chat.retrieve import kind_category
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.hybrid import CatalogView
from retrieval.index import CatalogIndex
from tests.bot.chat.shop import ids, indexed, planner, planning

PETS = [
    Product(id="d1", title="Hartwell Puppy Food, Chicken, 2kg", price=14.49,
            category="Dog Food & Treats", description="Dry food for puppies."),
    Product(id="d2", title="Barkby Senior Dog Food, 6kg", price=32, category="Dog Food & Treats",
            description="Dry food for older dogs."),
    Product(id="d3", title="Barkby Chew Sticks", price=5.99, category="Dog Food & Treats",
            description="Dental treats for dogs."),
    Product(id="c1", title="Whiskerly Kitten Wet Food Pouches", price=13.99,
            category="Cat Supplies", description="Chunks in jelly for kittens."),
    Product(id="c2", title="Purrsley Cat Carrier", price=27.5, category="Cat Supplies",
            description="Top-loading carrier for cats."),
    Product(id="g1", title="Vetsure Flea Spot-On for Cats", price=16.99,
            category="Grooming & Health", description="Monthly flea and tick treatment for cats."),
]  # fmt: skip


@pytest.fixture
def pets(tmp_path: Path) -> Iterator[CatalogIndex]:
    with indexed(tmp_path, PETS) as catalog:
        yield catalog


@pytest.mark.parametrize(
    ("text", "best"),
    [("kitten food", "c1"), ("flea treatment for my cat", "g1"), ("dog food for a puppy", "d1")],
)
async def test_a_category_word_counts_only_when_the_best_match_agrees(
    pets: CatalogIndex, log: DialogueLog, text: str, best: str
) -> None:
    plan = await planner(pets, log).plan(text, ShopperProfile())
    assert plan.decision.action == "recommend"
    assert plan.decision.products[0].id == best
    named = {p.id: p.category for p in PETS}[best]
    assert plan.profile.category in (None, named)  # never the category of another kind


async def test_a_near_miss_of_another_kind_is_not_shown_beside_the_best_match(
    pets: CatalogIndex, log: DialogueLog
) -> None:
    # Beside the best match only what is nearly as close, or of its category: "kitten food"
    # shows cat products, not the puppy food a little further off.
    plan = await planner(pets, log).plan("kitten food", ShopperProfile())
    shown = [p.id for p in plan.decision.products]
    assert plan.decision.action == "recommend" and shown[0] == "c1", shown
    assert {p.category for p in plan.decision.products} == {"Cat Supplies"}, shown


def test_a_kind_only_one_categorys_titles_have_is_that_category() -> None:
    # "cashmere jumper": the jumpers are all knitwear, though a cashmere scarf is closer in
    # meaning; a word two categories' titles share, or one title alone, names none.
    shop = [
        Product(id="crew", title="Merino Crew Neck Jumper", price=89, category="Knitwear"),
        Product(id="roll", title="Fisherman Roll Neck Jumper", price=129, category="Knitwear"),
        Product(id="vneck", title="Cashmere V-Neck Sweater", price=179, category="Knitwear"),
        Product(id="scarf", title="Cashmere Scarf", price=119, category="Scarves"),
        Product(id="hat", title="Merino Rib Beanie", price=35, category="Hats"),
    ]
    view = CatalogView({p.id: p for p in shop})
    assert view.category_titled("jumper") == "Knitwear"
    assert view.category_titled("cashmere") is None  # knitwear and scarves
    assert view.category_titled("beanie") is None  # one title only


COATS = "Apparel & Accessories > Clothing > Outerwear > Coats & Jackets"
CLOTHES = [
    Product(id="parka", title="Fjell Down Parka Women", price=369, category="Jackets",
            description="700 fill power down, hip length, for the coldest days.",
            attributes={"Product Category": COATS}),
    Product(id="overcoat", title="Wadden Wool Overcoat Men", price=289, category="Jackets",
            description="80% wool, single-breasted.", attributes={"Product Category": COATS}),
    Product(id="waxed", title="Deich Waxed Cotton Jacket Women", price=229, category="Jackets",
            description="British wax, corduroy collar.", attributes={"Product Category": COATS}),
    Product(id="boot", title="Alm Lined Winter Boot Women", price=169, category="Boots",
            description="Warm lambskin lining for freezing winter days, grippy sole."),
    Product(id="chelsea", title="Chelsea Boot Men", price=199, category="Boots",
            description="Brown suede, Goodyear welted."),
    Product(id="crew", title="Merino Crew Neck Jumper Men", price=89, category="Knitwear",
            description="Extra fine merino, warm and light."),
    Product(id="roll", title="Fisherman Roll Neck Jumper", price=129, category="Knitwear",
            description="Chunky wool for cold days."),
    Product(id="tee", title="Essential Tee 3-Pack Men", price=49, category="T-Shirts",
            description="Organic cotton."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("my wife is always freezing in winter, want to get her a really warm coat", "Jackets"),
        ("bday present for my bf, he basically lives in jumpers. 150 max", "Knitwear"),
    ],
)
async def test_words_naming_one_category_keep_what_is_shown_to_it(
    tmp_path: Path, log: DialogueLog, text: str, category: str
) -> None:
    # The parka is tagged a coat by the export's taxonomy though no title but the overcoat's
    # says "coat"; a lined winter boot is as close in meaning to a warm coat.
    view = CatalogView({p.id: p for p in CLOTHES})
    assert view.category_of("coat") == "Jackets"
    assert view.category_of("warm") is None  # said by boots and knitwear
    with indexed(tmp_path, CLOTHES) as catalog:
        plan = await planner(catalog, log).plan(text, ShopperProfile())
    assert plan.decision.action == "recommend"
    assert {p.category for p in plan.decision.products} == {category}, ids(plan)
    assert plan.profile.category == category


def test_the_category_of_the_kinds_asked_for_is_one_or_none() -> None:
    view = CatalogView({p.id: p for p in CLOTHES})
    assert kind_category(view, "a really warm coat for my wife", frozenset()) == "Jackets"
    assert kind_category(view, "mens jumper, 100 max", frozenset()) == "Knitwear"
    assert kind_category(view, "a warm jumper or a coat", frozenset()) is None  # two kinds
    assert kind_category(view, "a fur coat", frozenset()) is None  # no product says fur
    assert kind_category(view, "a jumper, not a coat", frozenset()) == "Knitwear"  # denied
    # What the shopper has is not asked for.
    assert kind_category(view, "a jumper to wear under my coat", frozenset({"jackets"})) == (
        "Knitwear"
    )


HAIR_AND_FACE = [
    Product(id="shampoo", title="Argan Repair Shampoo", price=18, category="Hair Care",
            description="A sulfate-free shampoo for dry, damaged and colour-treated hair."),
    Product(id="mask", title="Bond Repair Hair Mask", price=34, category="Hair Care",
            description="A weekly mask for bleached and heat-damaged hair."),
    Product(id="oil", title="Squalane Face Oil", price=30, category="Face Oils",
            description="A lightweight oil that locks in moisture. Suits dry skin."),
    Product(id="spf", title="Tinted Mineral Sunscreen SPF 30", price=29, category="Sunscreen",
            description="Sheer tint, zinc oxide."),
]  # fmt: skip


async def test_a_message_near_nothing_shows_the_kinds_it_names(
    tmp_path: Path, log: DialogueLog
) -> None:
    # As a sentence "she's mostly into hair stuff" is near no product; its kind, hair, names
    # the hair care. A kind no product's text has ("a tandem bike") shows nothing.
    with planning(tmp_path, HAIR_AND_FACE, log) as chat:
        plan = await chat.plan("she's mostly into hair stuff", ShopperProfile(max_price=30))
        assert plan.decision.action == "recommend"
        assert ids(plan) == ["shampoo"]
        plan = await chat.plan("she's mostly into tandem bikes", ShopperProfile())
        assert plan.decision.products == []


async def test_a_named_product_or_the_one_of_its_kind_by_a_word_are_compared(
    tmp_path: Path, log: DialogueLog
) -> None:
    shop = [
        Product(id="fleece", title="Nordhaven Fleece-Lined Beanie", price=29.95, category="Hats"),
        Product(id="merino", title="Veldmann Merino Rib Beanie", price=34.95, category="Hats"),
        Product(id="crew", title="Veldmann Merino Crew Neck", price=89, category="Knitwear"),
        Product(id="scarf", title="Veldmann Merino Scarf", price=49, category="Scarves"),
    ]
    with planning(tmp_path, shop, log) as chat:
        text = "fleece lined beanie or the merino one, which is cheaper"
        plan = await chat.plan(text, ShopperProfile())
        assert (plan.intent, plan.decision.action) == ("compare", "compare")
        assert ids(plan) == ["fleece", "merino"]


MUSIC = [
    Product(id="b1", title="Ridgeline PJ Bass 4-String - Black", price=649, category="Bass Guitars",
            description="A passive P/J bass with a maple neck."),
    Product(id="b2", title="Ridgeline Mini Short Scale Bass - Sunburst", price=449,
            category="Bass Guitars", description="A 30 inch scale for small hands."),
    Product(id="b3", title="Tasman AB-4 Acoustic-Electric Bass Guitar", price=799,
            category="Bass Guitars", description="A jumbo body with a preamp."),
    Product(id="a1", title="Stackhouse B50 Bass Combo Amp", price=499, category="Amplifiers",
            description="50 watts for bass, with a 10 inch speaker."),
    Product(id="a2", title="Stackhouse P10 Practice Amp", price=199, category="Amplifiers",
            description="A small amp for guitar practice at home."),
    Product(id="s1", title="Ironwire Nickel Bass Strings 45-105", price=49, category="Strings",
            description="Round wound strings for 4-string bass."),
    Product(id="s2", title="Ironwire Electric Guitar Strings 10-46", price=15,
            category="Strings", description="Nickel wound, regular light."),
]  # fmt: skip


def test_the_category_of_what_a_word_names_by_the_end_of_titles() -> None:
    view = CatalogView({p.id: p for p in MUSIC})
    assert view.category_title_headed("bass") == "Bass Guitars"  # not the bass amp or strings
    assert view.category_title_headed("amp") == "Amplifiers"
    assert view.category_title_headed("pj") is None  # a word no name ends with


async def test_a_word_that_names_one_category_s_products_asks_for_those(
    tmp_path: Path, log: DialogueLog
) -> None:
    with indexed(tmp_path, MUSIC) as index:
        plan = await planner(index, log).plan("bass", ShopperProfile())
        assert plan.decision.action == "recommend"
        assert set(ids(plan)) == {"b1", "b2", "b3"}, ids(plan)


async def test_a_category_word_of_what_the_kind_is_for_is_not_the_category(
    tmp_path: Path, log: DialogueLog
) -> None:
    home = [
        Product(id="t1", title="Mira Dining Table, Solid Oak, 160 cm", price=1390,
                category="Dining Tables", description="Solid oak dining table, seats 6."),
        Product(id="t2", title="Nils Extendable Dining Table, White", price=690,
                category="Dining Tables", description="Extends from 140 to 180 cm."),
        Product(id="t3", title="Orla Round Dining Table, Walnut", price=1090,
                category="Dining Tables", description="Round pedestal dining table, seats 4."),
        Product(id="l1", title="Stelo Floor Lamp, Black Steel", price=129, category="Lighting",
                description="Slim floor lamp with a foot switch."),
        Product(id="l2", title="Opal Table Lamp, White Glass", price=99, category="Lighting",
                description="Opal glass globe on a steel base."),
        Product(id="l3", title="Pixi Cordless Table Lamp, Sage", price=49, category="Lighting",
                description="Cordless LED table lamp, USB-C charging."),
        Product(id="l4", title="Kobe Pendant Light, Rattan", price=149, category="Lighting",
                description="Hand-woven rattan ceiling pendant with a fabric cable."),
    ]  # fmt: skip
    with planning(tmp_path, home, log) as chat:
        plan = await chat.plan("lamp to hang above the dining table", ShopperProfile())
        assert plan.decision.action == "recommend", plan.decision.action
        assert ids(plan) and all(i.startswith("l") for i in ids(plan)), ids(plan)
