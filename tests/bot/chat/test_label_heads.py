"""A word that names products only as the last word of a longer label ("Casserole Dishes" of a
donabe) does not name their category by itself; where no title has the kind's word, what the
kind alone is near in meaning says the category ("dishes": the plates and bowls)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.hybrid import CatalogView, title_heads
from retrieval.index import CatalogIndex
from tests.bot.chat.shop import ids, indexed, planner

TAXONOMY = "Home & Garden > Kitchen & Dining > "


def item(id: str, title: str, price: float, category: str, leaf: str, text: str) -> Product:
    return Product(id=id, title=title, price=price, category=category, description=text,
                   attributes={"Product category": TAXONOMY + leaf})  # fmt: skip


KITCHEN = [
    item(
        "k1",
        "Iga Clay Donabe 24cm",
        9900,
        "Cookware",
        "Cookware > Casserole Dishes",
        "Clay pot for hot pot and simmering. Hand wash only.",
    ),
    item(
        "k2",
        "Iga Double-Lid Rice Donabe",
        13200,
        "Cookware",
        "Cookware > Casserole Dishes",
        "Clay rice cooker for the stove. Hand wash only.",
    ),
    item(
        "k3",
        "Tetsu Carbon Steel Frying Pan 26cm",
        6600,
        "Cookware",
        "Cookware > Frying Pans",
        "Carbon steel pan that seasons with use.",
    ),
    item(
        "k4",
        "Sora Saucepan 18cm",
        4400,
        "Cookware",
        "Cookware > Saucepans",
        "Tri-ply stainless saucepan with a lid.",
    ),
    item(
        "t1",
        "Hasami Porcelain Plate 22cm",
        2750,
        "Tableware",
        "Tableware > Dinnerware > Plates",
        "Stacking porcelain dinner plate. Dishwasher and microwave safe.",
    ),
    item(
        "t2",
        "Mino Rice Bowl 11cm",
        1650,
        "Tableware",
        "Tableware > Dinnerware > Bowls",
        "Everyday porcelain rice bowl. Dishwasher safe.",
    ),
    item(
        "t3",
        "Mino Donburi Bowl 17cm",
        2200,
        "Tableware",
        "Tableware > Dinnerware > Bowls",
        "Deep bowl for rice toppings and noodles. Dishwasher safe.",
    ),
    item(
        "t4",
        "Mashiko Ramen Bowl 20cm",
        3300,
        "Tableware",
        "Tableware > Dinnerware > Bowls",
        "Large stoneware noodle bowl. Dishwasher safe.",
    ),
    item(
        "t5",
        "Fujimi Side Plates, Set of 5",
        3900,
        "Tableware",
        "Tableware > Dinnerware > Plates",
        "Small porcelain plates for sides and sauces. Dishwasher safe.",
    ),
    item(
        "t6",
        "Hasami Soba Choko Cups, Set of 4",
        4400,
        "Tableware",
        "Tableware > Drinkware > Cups",
        "Porcelain cups for sauce or tea. Dishwasher safe.",
    ),
    item(
        "t7",
        "Arita Serving Platter 30cm",
        5500,
        "Tableware",
        "Tableware > Serveware",
        "Wide porcelain platter for sharing. Dishwasher safe.",
    ),
    item(
        "t8",
        "Fujimi Chopstick Rests, Set of 5",
        1980,
        "Tableware",
        "Tableware > Flatware",
        "Small porcelain rests in seasonal shapes.",
    ),
    item(
        "u1",
        "Kamome Rice Washing Bowl with Strainer",
        2200,
        "Kitchen Tools",
        "Kitchen Tools & Utensils",
        "Stainless bowl for washing rice, with a fine strainer.",
    ),
]


@pytest.fixture
def kitchen(tmp_path: Path) -> Iterator[CatalogIndex]:
    with indexed(tmp_path, KITCHEN) as catalog:
        yield catalog


def test_a_word_only_a_longer_label_ends_with_names_no_category() -> None:
    view = CatalogView({p.id: p for p in KITCHEN})
    assert view.category_of("dish") is None  # only in "Casserole Dishes"
    assert view.category_of("casserole") == "Cookware"  # the longer name's own word
    assert view.category_of("plate") == "Tableware"  # titles say it
    # A word some labels have alone still names: "toy" of a path "Toys > Building Sets".
    toys = [
        Product(id=f"b{n}", title=f"Brick Set {n}", price=20, category="Building Sets",
                attributes={"Categories": "Toys > Building Sets"}) for n in range(2)
    ] + [Product(id="r1", title="Stacking Rings", price=9, category="Baby & Toddler",
                 attributes={"Tags": "baby, first toys"})]  # fmt: skip
    assert CatalogView({p.id: p for p in toys}).category_of("toy") is None  # two categories


async def test_dishes_are_the_plates_and_bowls_not_the_clay_pots(
    kitchen: CatalogIndex, log: DialogueLog
) -> None:
    text = "dishes that can go in the dishwasher please, i am NOT hand washing anything lol"
    plan = await planner(kitchen, log).plan(text, ShopperProfile())
    assert plan.decision.action == "recommend"
    assert plan.profile.category == "Tableware"
    assert ids(plan) and all(i.startswith("t") for i in ids(plan)), ids(plan)


async def test_the_longer_name_still_asks_for_its_products(
    kitchen: CatalogIndex, log: DialogueLog
) -> None:
    plan = await planner(kitchen, log).plan("a casserole dish for hot pot", ShopperProfile())
    assert plan.decision.action == "recommend"
    assert ids(plan)[0] in ("k1", "k2"), ids(plan)


@pytest.mark.parametrize(
    ("title", "heads"),
    [
        ("Torvik Acrylic Paint 500 ml", {"torvik", "paint"}),
        ("Torvik Acrylic Paint Set 12 x 22 ml", {"torvik", "set"}),
        ("Vatten Electric Kettle 1.7 L", {"vatten", "kettle"}),
        ("Boom 500 Pro", {"boom", "pro"}),  # a word after a number that is no unit stays
    ],
)
def test_a_measure_in_a_title_is_not_what_names_the_product(title: str, heads: set[str]) -> None:
    assert title_heads(title) == heads
