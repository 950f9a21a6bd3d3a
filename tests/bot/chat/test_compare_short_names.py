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


PRAMS = [
    # (The rain cover first in the catalog, as in the export it came from.)
    shop.item("cover", "Loppa Universal Pram Rain Cover", "Prams & Strollers",
              "Rain cover that fits most single prams and strollers.", 299, "NOK"),
    shop.item("pram", "Nordlys Vandre 2-in-1 Pram", "Prams & Strollers",
              "A pram with a carrycot and a seat unit, from birth.", 8999, "NOK"),
    shop.item("stroller", "Loppa City Compact Stroller", "Prams & Strollers",
              "Ultra-light travel stroller, 6.8 kg, folds with one hand.", 2999, "NOK"),
    shop.item("cot", "Drømme Travel Cot", "Cots", "A travel cot that folds flat.", 1499, "NOK"),
]  # fmt: skip


async def test_a_brand_named_alone_beside_a_pram_is_its_pram_not_its_rain_cover(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, PRAMS, log) as chat:
        plan = await chat.plan("loppa or nordlys, which one is cheaper", ShopperProfile())
    assert plan.decision.action == "compare", plan.decision
    assert sorted(ids(plan)) == ["pram", "stroller"], ids(plan)
    assert "Loppa City Compact Stroller" in plan.text and "Rain Cover" not in plan.text
