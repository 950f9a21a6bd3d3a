"""What a request says beside its kind: a steel ruled out that only the tags name, a thing the
shopper does not want to "deal with" (no sale), an accessory listed among the things the
shopper has, and "and the velvet one?" after a price question. Over a real index and the
real embeddings."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.index import CatalogIndex
from tests.bot.chat.shop import ids, indexed, planner

KNIVES = "Kitchen Knives"
SHOP = [
    Product(id="yanagiba", title="Kuro Shirogami #2 Yanagiba 270mm", price=38500,
            regular_price=42000, category=KNIVES,
            attributes={"tags": "yanagiba, sashimi knife, white steel, carbon steel, sale"},
            description="A long single bevel Japanese slicing knife. Will rust if left wet."),
    Product(id="aogami", title="Kuro Aogami Gyuto 240mm", price=29000, category=KNIVES,
            attributes={"tags": "gyuto, chef knife, blue steel, carbon steel"},
            description="A Japanese chef knife in blue steel, forged in Sakai."),
    Product(id="santoku", title="Aoyama Everyday Santoku 170mm", price=9800, category=KNIVES,
            attributes={"tags": "santoku, stainless steel, rust resistant, dishwasher safe"},
            description="A Japanese all-purpose knife for home cooking. Stainless, so it "
                        "will not rust."),
    Product(id="gyuto", title="Hayate VG10 Damascus Gyuto 210mm", price=16500, category=KNIVES,
            attributes={"tags": "gyuto, chef knife, VG10, stainless steel"},
            description="A Japanese chef knife with a stainless VG10 core."),
    Product(id="cooker", title="Hinata IH Rice Cooker 5.5 Cup", price=32000,
            category="Rice Cookers",
            description="An induction heating rice cooker for up to 5.5 cups of rice."),
    Product(id="small-cooker", title="Hinata Micom Rice Cooker 3 Cup", price=14000,
            category="Rice Cookers", description="A compact rice cooker for one or two."),
    Product(id="inner-pot", title="Replacement Inner Pot for Hinata 5.5 Cup IH Rice Cooker",
            price=6200, category="Rice Cookers",
            attributes={"tags": "inner pot, rice cooker accessory, spare part"},
            description="Genuine replacement inner pot, diamond-coated non-stick."),
    Product(id="stockpot", title="Kamome Stainless Stock Pot 24cm", price=8800,
            category="Cookware", description="A deep stainless pot for stock and soup."),
    Product(id="bruno", title="Bruno 3-Seater Sofa, Leather", price=2490, category="Sofas",
            description="A deep three seater sofa in cognac leather."),
    Product(id="cleo", title="Cleo 2-Seater Sofa, Velvet", price=1390, category="Sofas",
            description="A compact two seater sofa in green velvet with oak legs."),
]  # fmt: skip
CARBON = {"yanagiba", "aogami"}


@pytest.fixture
def index(tmp_path: Path) -> Iterator[CatalogIndex]:
    with indexed(tmp_path, SHOP) as catalog:
        yield catalog


async def test_a_steel_ruled_out_rules_out_what_is_tagged_so(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan(
        "first proper japanese knife for home cooking, not carbon steel", ShopperProfile()
    )
    shown = set(ids(plan))
    # The carbon steel knives' titles say "Shirogami", "Aogami": their tags say carbon steel.
    assert plan.intent == "browse" and {"santoku", "gyuto"} <= shown and not CARBON & shown
    # A tag that only has the word ("rust resistant") is not what "no rust" rules out.
    plan = await chat.plan("a santoku, no rust please", ShopperProfile())
    assert ids(plan)[:1] == ["santoku"]


async def test_what_the_shopper_will_not_deal_with_is_no_sale_search(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan(
        "japanese knife for home cooking, i dont want to deal with rust", ShopperProfile()
    )
    # "deal with" is no deal: not only the knife on sale.
    assert plan.intent == "browse" and len(ids(plan)) >= 2 and ids(plan) != ["yanagiba"]
    plan = await chat.plan("any deals this week?", ShopperProfile())
    assert plan.intent == "browse" and ids(plan) == ["yanagiba"]  # the one on sale


async def test_an_accessory_listed_among_what_the_shopper_has_is_found(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan(
        "i need a replacement inner pot for my rice cooker, the coating is starting to peel",
        ShopperProfile(),
    )
    # The inner pot is listed among the rice cookers; the cookers themselves are not asked for.
    assert ids(plan)[:1] == ["inner-pot"] and not {"cooker", "small-cooker"} & set(ids(plan))


async def test_and_the_other_one_asks_the_last_question_again(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    first = await chat.plan("how much is the bruno sofa", ShopperProfile())
    assert first.intent == "price_stock" and ids(first) == ["bruno"]
    assert first.profile.asked == "price_stock"
    plan = await chat.plan("and the velvet one?", first.profile)
    assert plan.intent == "price_stock" and ids(plan) == ["cleo"]
    # Asked for more of a kind, it is a search, whatever was asked before.
    plan = await chat.plan("and a rice cooker?", first.profile)
    assert plan.intent == "browse"


def test_what_the_shopper_already_has_refines_the_request_before() -> None:
    from bot.chat.retrieve import refines

    assert refines("oh i already have a kettle and a scale")
    assert refines("she already has a santoku")
    # Another kind asked beside it is a request of its own.
    assert not refines("i already have a kettle, need a scale")
