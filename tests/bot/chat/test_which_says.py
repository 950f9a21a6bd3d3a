"""Picking among the products just shown by what their texts say, over a real index and the
real embeddings: "which of those can she shower with", "the stovetop thing then, how much"."""

from collections.abc import Iterator

import pytest

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.index import CatalogIndex
from tests.bot.chat.shop import ids, indexed, planner

SHOP = [
    Product(id="splash", title="Libella 26 mm Women's Watch", price=299, currency="EUR",
            category="Women's Watches",
            description="A petite quartz watch. Water resistant 3 ATM, splash resistant only."),
    Product(id="shower", title="Csillag 34 mm Women's Watch", price=469, currency="EUR",
            category="Women's Watches",
            description="A steel quartz watch. Water resistant 5 ATM: fine for showering and "
                        "hand washing, not for swimming."),
    Product(id="no-shower", title="Rozsa 28 mm Women's Watch", price=399, currency="EUR",
            category="Women's Watches",
            description="A quartz watch on a mesh bracelet. Water resistant 3 ATM: splash "
                        "resistant only, not for showering or swimming."),
    Product(id="moka", title="Moka Pot 3 Cups, Aluminium", price=39, currency="EUR",
            category="Coffee Accessories",
            description="Classic stovetop espresso pot for 3 cups. For gas and electric hobs."),
    Product(id="grinder", title="Manual Coffee Grinder with Ceramic Burr", price=59,
            currency="EUR", category="Coffee Accessories",
            description="Grinds fine enough for espresso."),
    Product(id="kettle", title="Stovetop Whistling Kettle 1.5 l", price=45, currency="EUR",
            category="Kettles", description="An enamelled steel kettle that whistles."),
]  # fmt: skip


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CatalogIndex]:
    with indexed(tmp_path_factory.mktemp("which"), SHOP) as catalog:
        yield catalog


async def test_which_of_those_is_the_one_whose_text_says_it(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    first = await chat.plan("a womens watch", ShopperProfile())
    assert set(ids(first)) == {"splash", "shower", "no-shower"}, ids(first)
    plan = await chat.plan("which of those can she shower with", first.profile)
    assert plan.decision.action == "answer" and ids(plan) == ["shower"], ids(plan)
    assert "fine for showering" in plan.text
    plan = await chat.plan("ok how much is that one", plan.profile)
    assert ids(plan) == ["shower"] and "€469.00" in plan.text, plan.text


async def test_the_x_thing_is_the_one_shown_whose_text_says_x_not_another_titled_so(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    first = await chat.plan("stuff for making espresso at home", ShopperProfile())
    assert "moka" in ids(first) and "kettle" not in ids(first), ids(first)
    plan = await chat.plan("fine, the stovetop thing then. how much", first.profile)
    assert plan.decision.action == "answer" and ids(plan) == ["moka"], ids(plan)
    # Named by its title's words, the kettle is still the kettle.
    plan = await chat.plan("how much is the stovetop kettle", first.profile)
    assert ids(plan)[:1] == ["kettle"], ids(plan)
