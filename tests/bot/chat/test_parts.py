"""A request near nothing as a whole whose one part is near what the shop has: that part
finds it. Over a real index and the real embeddings."""

from pathlib import Path

from bot.chat.profile import ShopperProfile
from bot.chat.retrieve import PARTS
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
    parts = PARTS.split("something to put flowers in, bday present for my mum")
    assert [p.strip() for p in parts] == ["something to put flowers in", "bday present for my mum"]
    assert len(PARTS.split("the 2.5 m cable")) == 1  # a decimal point is no end


async def test_the_part_near_a_product_finds_it(tmp_path: Path, log: DialogueLog) -> None:
    with planning(tmp_path, SHOP, log) as chat:
        plan = await chat.plan("something to put flowers in, bday present for my mum",
                               ShopperProfile())  # fmt: skip
        assert (plan.decision.action, ids(plan)[:1]) == ("recommend", ["vase"]), plan.decision


MUSIC = [
    Product(id="capo", title="Kea Gear Quick-Change Trigger Capo", price=24.9, currency="NZD",
            category="Guitar Accessories", description="Fits acoustic and electric guitars."),
    Product(id="tuner", title="Kea Gear Clip-On Chromatic Tuner", price=19.9, currency="NZD",
            category="Guitar Accessories", description="Clips on the headstock of a guitar."),
    Product(id="mic", title="EchoLab D58 Dynamic Vocal Microphone", price=129, currency="NZD",
            category="Recording & Headphones", description="A cardioid microphone for vocals."),
    Product(id="iface", title="EchoLab Duo 2x2 USB Audio Interface", price=249, currency="NZD",
            category="Recording & Headphones",
            description="Two combo XLR/jack inputs with phantom power, 24-bit recording."),
    Product(id="gtr", title="Tasman D-10 Dreadnought Acoustic Guitar", price=549,
            currency="NZD", category="Acoustic Guitars", description="Solid spruce top."),
]  # fmt: skip


async def test_what_the_shopper_wants_to_do_names_the_category(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, MUSIC, log) as chat:
        # The guitar is theirs and no kind is asked: recording gear, not its accessories.
        plan = await chat.plan("i want to record my guitar and vocals at home, budget 600",
                               ShopperProfile())  # fmt: skip
        assert set(ids(plan)) <= {"mic", "iface"} and ids(plan), ids(plan)
        # A kind asked still decides.
        plan = await chat.plan("i want to record, need a capo too", ShopperProfile())
        assert "capo" in ids(plan), ids(plan)
