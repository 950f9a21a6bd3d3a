"""A request near nothing as a whole whose one part is near what the shop has: that part
finds it. Over a real index and the real embeddings."""

from pathlib import Path

from bot.chat.profile import ShopperProfile
from bot.chat.retrieve import CLAUSE
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from tests.bot.chat.shop import ids, planning

SHOP = [
    Product(id="vase", title="Smoked Glass Vase, 22 cm", price=29, currency="CHF",
            category="Decor",
            description="Mouth-blown vase in smoked grey glass for a small bunch, H 22 cm."),
    Product(id="mirror", title="Round Wall Mirror, Brass Frame, 80 cm", price=229,
            currency="CHF", category="Decor",
            description="Round wall mirror with a slim brushed brass frame. Wall hook included."),
    Product(id="frame", title="Oak Photo Frame, 13 x 18 cm", price=14, currency="CHF",
            category="Decor", description="Solid oak photo frame with glass front."),
    Product(id="plates", title="Stoneware Dinner Plates, Speckled Grey, Set of 4", price=59,
            currency="CHF", category="Kitchen & Tableware",
            description="Four stoneware dinner plates. Dishwasher and microwave safe."),
    Product(id="sofa", title="Alva 3-Seater Sofa, Linen, Sand", price=1290, currency="CHF",
            category="Sofas", description="Removable washed-linen covers and solid oak legs."),
]  # fmt: skip


def test_parts_are_split_where_a_message_changes_subject() -> None:
    parts = CLAUSE.split("something to put flowers in, bday present for my mum")
    assert [p.strip() for p in parts] == ["something to put flowers in", "bday present for my mum"]
    assert len(CLAUSE.split("the 2.5 m cable")) == 1  # a decimal point is no end


async def test_the_part_near_a_product_finds_it(tmp_path: Path, log: DialogueLog) -> None:
    with planning(tmp_path, SHOP, log) as chat:
        plan = await chat.plan("something to put flowers in, bday present for my mum",
                               ShopperProfile())  # fmt: skip
        assert (plan.decision.action, ids(plan)[:1]) == ("recommend", ["vase"]), plan.decision
