"""A brand's name shoppers use for the goods ("do u have lego", "a sawzall type saw") asks for
those goods where the catalog never names the brand; where it does, the brand is what it is.
Over a real index and the real embeddings, with the real intent classifier."""

from pathlib import Path

from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from tests.bot.chat.shop import ids, planning

SHOP = [
    Product(id="castle", title="BrickNest Knight's Castle", price=44.99, currency="GBP",
            category="Building Sets",
            description="A 612-piece building set: a castle with a drawbridge. Ages 7+."),
    Product(id="farm", title="BrickNest Junior Big Bricks Farm", price=24.99, currency="GBP",
            category="Building Sets",
            description="48 extra-large bricks to build a farm, for little hands."),
    Product(id="moka", title="Mokka Classic 3-Cup Moka Pot", price=27.90, currency="GBP",
            category="Brewers", description="Aluminium stovetop espresso maker, 3 cups."),
    Product(id="press", title="Pressa French Press 1 L", price=32.00, currency="GBP",
            category="Brewers", description="Glass and steel press for eight cups."),
    Product(id="recip", title="Krafti KX18 Reciprocating Saw", price=119.00, currency="GBP",
            category="Saws", description="Cordless saw for demolition and cutting pipes."),
    Product(id="handsaw", title="Nordstal Hand Saw 550 mm", price=19.00, currency="GBP",
            category="Saws", description="Hardpoint hand saw for timber."),
    Product(id="doll", title="Rosie Rag Doll", price=18.00, currency="GBP", category="Dolls",
            description="A soft rag doll with a yellow dress."),
]  # fmt: skip


async def test_a_brand_said_for_the_goods_asks_for_those_goods(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, SHOP, log) as chat:
        plan = await chat.plan("do u have lego", ShopperProfile())
        # The building sets, not "we don't carry lego".
        assert plan.decision.action == "recommend", plan.decision
        assert set(ids(plan)[:2]) == {"castle", "farm"}, ids(plan)
        plan = await chat.plan("do u have bialetti", ShopperProfile())
        assert plan.decision.action == "recommend" and ids(plan)[0] == "moka", ids(plan)
        plan = await chat.plan("sawzall type saw for demolition", ShopperProfile())
        assert plan.decision.action == "recommend" and ids(plan)[0] == "recip", ids(plan)


async def test_a_brand_the_catalog_names_is_that_brand(tmp_path: Path, log: DialogueLog) -> None:
    lego = Product(id="lego", title="LEGO Classic Creative Box", price=29.99, currency="GBP",
                   category="Building Sets", description="LEGO bricks in 33 colours.")  # fmt: skip
    with planning(tmp_path, [*SHOP, lego], log) as chat:
        plan = await chat.plan("do u have lego", ShopperProfile())
        assert ids(plan)[:1] == ["lego"], ids(plan)
