"""What shoppers say around a request: a laugh before it ("haha fine. a gift for a friend who
paints"), the budget raised as an order ("ok stretch to 100 then"), what a thing is like after
"something" ("something arty"), what to skip, and asking what the shop sells at all."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import render
from bot.chat.profile import ShopperProfile, parse_budget, without_budget
from bot.chat.retrieve import named_within, sibling
from bot.chat.understand import CATALOG_ASKED, after_reaction
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.coverage import asked_kinds
from retrieval.hybrid import CatalogView
from retrieval.index import CatalogIndex
from retrieval.wants import without_denied
from tests.bot.chat.shop import ids, indexed, planner

ART = [
    Product(id="w1", title="Aquelle Student Watercolour Set, 12 Half Pans", price=49.99,
            category="Watercolour", description="Twelve student-grade half pans in a tin."),
    Product(id="w2", title="Aquelle Pocket Travel Watercolour Set", price=59,
            category="Watercolour", description="Eight pans and a water brush, pocket sized."),
    Product(id="w3", title="Aquelle Artist Watercolour Set, 24 Half Pans", price=129,
            category="Watercolour", description="Artist-grade pigments in a metal box."),
    Product(id="p1", title="Graphel Coloured Pencils, 12", price=24.99,
            category="Pencils & Charcoal", description="Twelve coloured pencils for sketching."),
    Product(id="p2", title="Graphel Watercolour Pencils, 24 + Brush", price=64.99,
            category="Pencils & Charcoal", description="Water-soluble coloured pencils."),
    Product(id="p3", title="Graphel Artist Coloured Pencils, 36 in Tin", price=89,
            category="Pencils & Charcoal", description="Soft, lightfast coloured pencils."),
    Product(id="k1", title="Mały Artysta Chunky Crayons, 24", price=19.99, category="Kids' Art",
            description="Chunky wax crayons for toddlers. Ages 2+."),
    Product(id="k2", title="Mały Artysta Finger Paints, 6 Pots", price=29,
            category="Kids' Art", description="Washable finger paints. Ages 2+."),
    Product(id="e1", title="Sosnowa Table Easel", price=139, category="Easels & Canvas",
            description="Beech table-top easel for canvases up to 50 cm."),
    Product(id="e2", title="Sosnowa Lyre Floor Easel, Pine", price=169,
            category="Easels & Canvas", description="Tripod floor easel for the home studio."),
    Product(id="s1", title="Drift 100% Cotton Watercolour Block 24 x 32 cm, 300 gsm", price=119,
            category="Sketchbooks & Paper", description="Cotton paper glued on four sides."),
    Product(id="a1", title="Torvik Acrylic Paint Set 12 x 22 ml", price=39.99,
            category="Acrylic", description="Twelve student acrylic colours."),
    Product(id="a2", title="Torvik Acrylic Paint 500 ml", price=39.99, category="Acrylic",
            description="Big bottles of student acrylic for large canvases."),
    Product(id="a3", title="Kolorado Heavy Body Acrylic Set 6 x 75 ml", price=119,
            category="Acrylic", description="Thick artist acrylics that hold a brushstroke."),
    Product(id="m1", title="Duoline Acrylic Paint Markers, 12 Colours", price=59.9,
            category="Markers & Pens", description="Acrylic paint in a marker for rocks and wood.",
            attributes={"Tags": "acrylic markers, paint pens, rock painting"}),
]  # fmt: skip


@pytest.fixture
def art(tmp_path: Path) -> Iterator[CatalogIndex]:
    with indexed(tmp_path, ART) as catalog:
        yield catalog


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("lol ok. do u have bibs", "do u have bibs"),
        ("haha fine. a gift for a friend who paints", "a gift for a friend who paints"),
        ("ok fine lol, any kettles?", "any kettles?"),
        ("Cool! any tents?", "any tents?"),
        # Kept: no laugh and no sentence of its own, or nothing after it.
        ("ok fine, up to 9000 then", "ok fine, up to 9000 then"),
        ("ok then what other 256gb option u have", "ok then what other 256gb option u have"),
        ("lol", "lol"),
        ("okay thanks", "okay thanks"),
    ],
)
def test_a_reaction_before_the_request_is_not_part_of_it(text: str, left: str) -> None:
    assert after_reaction(text) == left


async def test_a_laugh_then_a_request_is_that_request(art: CatalogIndex, log: DialogueLog) -> None:
    chat = planner(art, log)
    text = "haha fine. birthday gift for a friend who paints watercolor, max 80"
    plan = await chat.plan(text, ShopperProfile())
    assert plan.decision.action == "recommend", plan.decision  # not "haha" not carried
    assert {"w1", "w2"} & set(ids(plan)), ids(plan)
    assert all(p.price <= 80 for p in plan.decision.products)


@pytest.mark.parametrize(
    ("text", "ceiling"),
    [("ok stretch to 100 then", 100), ("bump it up to 250", 250), ("i can stretch to 120", 120)],
)
def test_the_budget_raised_as_an_order_is_the_new_ceiling(text: str, ceiling: int) -> None:
    assert parse_budget(text) == (None, ceiling)


async def test_stretching_the_budget_refines_the_request(
    art: CatalogIndex, log: DialogueLog
) -> None:
    chat = planner(art, log)
    first = await chat.plan("coloured pencils between 20 and 70", ShopperProfile())
    assert set(ids(first)) <= {"p1", "p2"}, ids(first)
    plan = await chat.plan("ok stretch to 100 then", first.profile)
    assert plan.decision.action == "recommend", plan.decision
    assert plan.profile.max_price == 100 and "p3" in ids(plan), ids(plan)


@pytest.mark.parametrize(
    "text", ["something arty for a 2 year old?", "anything girly under 30", "something techy"]
)
def test_a_made_up_word_after_something_describes_and_names_no_kind(text: str) -> None:
    assert asked_kinds(text) == []


def test_a_known_or_name_word_after_something_is_still_a_kind() -> None:
    assert asked_kinds("anything pokemon?") == [["pokemon"]]
    assert asked_kinds("something candy") == [["candy"]]


async def test_something_arty_for_a_toddler_is_a_request(
    art: CatalogIndex, log: DialogueLog
) -> None:
    chat = planner(art, log)
    plan = await chat.plan("something arty for a 2 year old?", ShopperProfile())
    assert plan.decision.action == "recommend", plan.decision
    assert ids(plan)[0] in ("k1", "k2"), ids(plan)


def test_what_is_skipped_is_left_out_of_the_request() -> None:
    text = "we're breastfeeding so skip bottles. whats the cheapest place to sleep"
    assert "bottles" not in without_denied(text)
    assert without_denied("skip the bibs, need a cot") == "need a cot"
    assert without_denied("a skip rope for my son") == "a skip rope for my son"


@pytest.mark.parametrize(
    "text",
    ["what do you sell", "so what kind of stuff do u guys have?", "What products do you carry?"],
)
def test_asking_what_the_shop_sells_is_answered_with_its_largest_categories(text: str) -> None:
    assert CATALOG_ASKED.fullmatch(text)


@pytest.mark.parametrize("text", ["what do you have under 50", "what do you sell for kids"])
def test_asking_for_some_of_what_it_sells_is_a_request(text: str) -> None:
    assert not CATALOG_ASKED.fullmatch(text)


async def test_what_do_you_sell_names_the_largest_categories_first(
    art: CatalogIndex, log: DialogueLog
) -> None:
    plan = await planner(art, log).plan("what do you sell?", ShopperProfile())
    assert plan.decision.action == "clarify" and plan.decision.reason == "overview"
    assert not plan.decision.products
    assert plan.text == (
        "We sell acrylic, pencils & charcoal, watercolour, easels & canvas, kids' art, "
        "markers & pens and more. What are you looking for?"
    )


def test_an_overview_of_a_large_shop_says_there_is_more() -> None:
    text = render.overview([f"Kind {n}" for n in range(9)])
    assert text == (
        "We sell kind 0, kind 1, kind 2, kind 3, kind 4, kind 5 and more. What are you looking for?"
    )


@pytest.mark.parametrize(
    ("text", "searched"),
    [
        (
            "need a easel for painting at home, between 100 and 300",
            "need a easel for painting at home,",
        ),
        ("coloured pencils between 40 and 80 zl", "coloured pencils"),
        ("a gift for him. want to spend around 150-250", "a gift for him. want to"),
        ("4k tv from 500 to 800 dollars", "4k tv"),
    ],
)
def test_a_budget_range_is_no_words_to_search(text: str, searched: str) -> None:
    assert without_budget(text) == searched


async def test_the_numbers_of_a_budget_range_name_no_product(
    art: CatalogIndex, log: DialogueLog
) -> None:
    # "300" is in the watercolour block's title ("300 gsm"): no name asked, only a budget.
    text = "hey need a easel for painting at home, between 100 and 300"
    plan = await planner(art, log).plan(text, ShopperProfile())
    assert plan.decision.action == "recommend"
    assert set(ids(plan)) == {"e1", "e2"}, ids(plan)
    assert plan.profile.category == "Easels & Canvas"


async def test_a_kind_whose_every_product_is_in_the_category_named_keeps_to_it(
    art: CatalogIndex, log: DialogueLog
) -> None:
    # The acrylic paint markers are first by their words; no product the whole kind names as
    # what it is ("acrylic paint") is outside "Acrylic".
    chat = planner(art, log)
    plan = await chat.plan("need acrylic paints for my daughter, max 50 pln", ShopperProfile())
    assert plan.profile.category == "Acrylic"
    assert set(ids(plan)) <= {"a1", "a2"}, ids(plan)
    plan = await chat.plan("actually up to 150, want something nicer for her", plan.profile)
    assert "m1" not in ids(plan) and "a3" in ids(plan), ids(plan)


def test_a_kind_named_only_within_a_category_is_told_from_one_named_elsewhere_too() -> None:
    view = CatalogView({p.id: p for p in ART})
    assert named_within(view, [["acrylic", "paint"]], "Acrylic")  # the marker is a marker
    assert not named_within(view, [["acrylic", "paint"]], "Markers & Pens")
    assert not named_within(view, [["paint"]], "Acrylic")  # one word: not this rule's
    brush = Product(id="b9", title="Acrylic Paint Brush Set", price=20, category="Brushes")
    pens = CatalogView({p.id: p for p in [*ART, brush]})
    assert named_within(pens, [["acrylic", "paint"]], "Acrylic")  # a brush set is a set


@pytest.mark.parametrize(
    "text",
    [
        "what tog sleeping bag for a 4 month old, nursery is about 18 degrees",
        "room is 18°C, which one",
        "around 20 c in the room at night",
    ],
)
def test_a_temperature_is_no_budget(text: str) -> None:
    assert parse_budget(text) == (None, None)


def test_a_budget_beside_a_temperature_is_still_read() -> None:
    assert parse_budget("tent for -5 degrees under 200") == (None, 200)
    assert parse_budget("a 2.5 tog bag under 500") == (None, 500)


async def test_a_price_asked_for_a_kind_one_title_has_is_that_product_s(
    art: CatalogIndex, log: DialogueLog
) -> None:
    # After the crayons, "the finger paints": the one product whose title has both words, not
    # the crayons shown first.
    chat = planner(art, log)
    shown = await chat.plan("crayons for a 2 year old", ShopperProfile())
    assert ids(shown)[0] == "k1", ids(shown)
    plan = await chat.plan("how much are the finger paints", shown.profile)
    assert plan.decision.action == "answer" and ids(plan) == ["k2"], ids(plan)
    assert "29.00" in plan.text


def test_the_kind_a_price_question_names_picks_the_one_product_titled_so() -> None:
    view = CatalogView({p.id: p for p in ART})
    crayons, paints = view.products["k1"], view.products["k2"]
    assert sibling(view, [crayons], "how much are the finger paints") is paints
    assert sibling(view, [crayons], "is the finger paints in stock?") is paints
    # Every word must be in the one title; one word or a shown product's words pick none.
    assert sibling(view, [crayons], "how much are the paints") is None
    assert sibling(view, [crayons], "how much are the chunky crayons") is None
    assert sibling(view, [crayons], "how much are the finger puppets") is None
