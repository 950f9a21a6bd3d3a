"""A comparison by short names compares two products: "the glass teapot" is the teapot, not the
tea set whose title also says glass and teapot; "the tempo", sold for men and for women, is
one of them. Over a real index and the real embeddings."""

import functools
from pathlib import Path

from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from tests.bot.chat import shop
from tests.bot.chat.shop import ids, planning

item = functools.partial(shop.item, currency="CZK")

TEA = [
    item("glass", "Glass teapot 800 ml with steel infuser", "Teapots & Kettles",
         "Heat-resistant borosilicate glass teapot with a removable infuser.", 549),
    item("iron", "Cast iron teapot (tetsubin style) 600 ml", "Teapots & Kettles",
         "Enamel-lined cast iron teapot; keeps tea hot for a long time.", 1290),
    item("set", "Glass tea set: teapot, 2 cups and jasmine pearls", "Gift Sets",
         "A glass teapot, two cups and a tin of jasmine pearls.", 899),
    item("kettle", "Stovetop whistling kettle 1.5 l", "Teapots & Kettles", "A kettle.", 790),
    item("mug", "Double-walled glass mug 350 ml", "Mugs", "A glass mug that keeps tea hot.", 299),
    item("jar", "Glass storage jar 1 l", "Storage", "An airtight glass jar for loose tea.", 199),
    item("kyusu", "Tokoname side-handle kyusu teapot 300 ml", "Teapots & Kettles",
         "A clay teapot for Japanese green tea.", 1190),
]  # fmt: skip
SHOES = [
    shop.item("tempo-m", "Ridgeback Tempo Road Running Shoe - Men's", "Running Shoes",
              "Light neutral shoe for tempo runs. Weight: 265 g (UK 8).", 1899, "ZAR"),
    shop.item("tempo-w", "Ridgeback Tempo Road Running Shoe - Women's", "Running Shoes",
              "Light neutral shoe for tempo runs. Weight: 220 g (UK 5).", 1899, "ZAR"),
    shop.item("parkrun", "Mzansi Stride Parkrun Lite Running Shoe", "Running Shoes",
              "Budget running shoe for parkrun. Weight: 240 g (UK 8).", 999, "ZAR"),
]  # fmt: skip


async def test_a_comparison_by_short_names_compares_two_products(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path / "tea", TEA, log) as chat:
        pots = await chat.plan("compare the glass teapot and the cast iron one", ShopperProfile())
    assert pots.decision.action == "compare", pots.decision
    assert ids(pots) == ["glass", "iron"], ids(pots)
    with planning(tmp_path / "shoes", SHOES, log) as chat:
        shoes = await chat.plan("which is lighter, the tempo or the parkrun lite", ShopperProfile())
    assert shoes.decision.action == "compare", shoes.decision
    assert len(ids(shoes)) == 2 and ids(shoes)[1] == "parkrun", ids(shoes)
    assert ids(shoes)[0] in {"tempo-m", "tempo-w"}, ids(shoes)
    assert "lighter than" in shoes.text, shoes.text
