"""A gift for someone of a given age, perhaps with a budget, and no kind of product ("a gift
for a 5 year old who is football mad", "around 30 for a 5 year old"): what fits is shown, the
best match for the words first, never one that breaks the age or the budget. Over a real index
and embeddings."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile
from bot.chat.retrieve import kind_elsewhere
from bot.log.store import DialogueLog
from retrieval.ages import suits
from retrieval.catalog import Product
from retrieval.hybrid import CatalogView
from retrieval.index import CatalogIndex
from tests.bot.chat.shop import indexed, planner, planning

SHOP = [
    Product(id="goals", title="Skyward Pop-Up Football Goals (Pair)", price=24.99,
            category="Outdoor Play", description="Two pop-up goals, 120 x 80 cm. Ages 4+."),
    Product(id="doll", title="Dollyberry Rosie Doll 35cm", price=24.99, category="Dolls",
            description="A soft-bodied doll with sleepy eyes. Ages 3+."),
    Product(id="marble", title="Cogwise Marble Run Mega Track", price=34.99,
            category="Construction", description="150 pieces to build runs. Ages 6+."),
    Product(id="rattle", title="Tumbletot Rattle Ring", price=5.99, category="Baby",
            description="A soft rattle for newborns. Ages 0-12 months."),
    Product(id="scooter", title="Skyward Glide Scooter", price=49.99, category="Outdoor Play",
            description="A three-wheel scooter with a light-up deck. Ages 3-8."),
]  # fmt: skip


@pytest.fixture
def index(tmp_path: Path) -> Iterator[CatalogIndex]:
    with indexed(tmp_path, SHOP) as catalog:
        yield catalog


async def test_a_gift_for_an_age_shows_what_suits_it_the_words_first(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("gift for a 5 year old who is football mad", ShopperProfile())
    shown = plan.decision.products
    assert plan.decision.action == "recommend"
    assert [p.id for p in shown][:1] == ["goals"]
    assert len(shown) >= 3 and all(suits(p, 60) for p in shown)
    assert "rattle" not in {p.id for p in shown}


async def test_a_budget_and_an_age_show_only_what_fits_both(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("something for a 5 year old, 30 max", ShopperProfile())
    ids = {p.id for p in plan.decision.products}
    assert ids == {"goals", "doll"}  # not the scooter (over 30), the marble run (6+), the rattle


async def test_a_kind_a_product_of_another_category_has_keeps_the_category_open(
    tmp_path: Path, log: DialogueLog
) -> None:
    # "soft toy for a baby": the category "Baby" is named and its cloth book is nearest, but
    # the plush bunny's tags (a "Tags" column, as Shopify and WooCommerce export it) say "soft
    # toy": both are shown, neither category is a filter. A description does not count: the
    # robot's "comes with a soft toy mascot" says what is in its box, not what it is.
    shop = [
        Product(id="book", title="Tumbletot Soft Sensory Cloth Book", price=11.99,
                category="Baby", description="Soft crinkly cloth book. Suitable from birth."),
        Product(id="rings", title="Tumbletot Rainbow Stacking Rings", price=8.99,
                category="Baby", description="Seven colourful rings. Ages 6 months+."),
        Product(id="bunny", title="Pocket Pals Bunny Plush", price=9.99, category="Dolls",
                description="Super-soft bunny, safe from birth.",
                attributes={"Tags": "plush, soft toy, baby, newborn"}),
        Product(id="robot", title="Cogwise Coding Robot", price=59.99, category="Dolls",
                description="A robot that follows lines. Comes with a soft toy mascot. Ages 8+."),
    ]  # fmt: skip
    with planning(tmp_path, shop, log) as chat:
        plan = await chat.plan("soft toy for a baby?", ShopperProfile())
        assert {"book", "bunny"} <= {p.id for p in plan.decision.products}
        assert plan.profile.category is None
    view = CatalogView({p.id: p for p in shop})
    assert kind_elsewhere(view, "soft toy for a baby?", "Baby")
    assert not kind_elsewhere(view, "a stacking toy for the baby", "Baby")  # none elsewhere is
    assert not kind_elsewhere(view, "a toy for the baby", "Baby")  # one word: too common
    without_bunny = CatalogView({p.id: p for p in shop if p.id != "bunny"})
    assert not kind_elsewhere(without_bunny, "soft toy for a baby?", "Baby")
    # A title that names the kind only as what the product is for: not of that kind.
    coffee = [
        Product(id="m", title="Corsa Mini Espresso Machine", price=2990,
                category="Espresso Machines"),
        Product(id="d", title="Descaler for Espresso Machines & Kettles 500 ml", price=129,
                category="Filters & Accessories"),
    ]  # fmt: skip
    view = CatalogView({p.id: p for p in coffee})
    assert not kind_elsewhere(view, "an espresso machine, less than 1k", "Espresso Machines")


async def test_money_no_object_shows_the_most_it_buys_first(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("a present for a 5 year old, money no object", ShopperProfile())
    shown = [p.id for p in plan.decision.products]
    assert shown[:1] == ["scooter"] and not {"rattle", "marble"} & set(shown)
    assert plan.profile.ruled_out == []  # "no object" rules nothing out
    # With a kind of product: the dearest of those first.
    plan = await chat.plan("football goals or a scooter, money is no object", ShopperProfile())
    shown = [p.id for p in plan.decision.products]
    assert shown[:2] == ["scooter", "goals"]  # 49.99, then 24.99
