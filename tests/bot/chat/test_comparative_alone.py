"""A comparative alone after products were shown ("cheaper?", "a smaller one?") asks for others
of the kind shown, and keeps whom they are for: after "hiking boots for men", the grown-ups'
boots before a child's, however cheap. Over a real index and the real embeddings."""

import functools
from pathlib import Path

from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from tests.bot.chat import shop
from tests.bot.chat.shop import ids, planning

item = functools.partial(shop.item, currency="ZAR")

BOOTS = [
    item("sentinel", "Drakensberg Sentinel Mid Waterproof Hiking Boot - Men's", "Hiking Boots",
         "Waterproof leather hiking boot with a Vibram sole. Sizes UK 6-12.", 2799),
    item("cathedral", "Drakensberg Cathedral Leather Backpacking Boot", "Hiking Boots",
         "Full-grain leather boot for heavy packs and multi-day hikes.", 3899),
    item("fynbos", "Veldloper Fynbos Lightweight Hiking Shoe", "Hiking Boots",
         "Light hiking shoe for day hikes and dry trails.", 1499),
    item("klimmer", "Little Steps Klimmer Kids Waterproof Hiking Boot", "Hiking Boots",
         "Waterproof hiking boot for kids, with a hook-and-loop strap. Kids sizes 10-3.", 899),
    item("sandal", "Kaapstad Leather Sandal", "Sandals", "A leather sandal for summer.", 699),
]  # fmt: skip


async def test_cheaper_alone_shows_cheaper_ones_of_the_kind_for_whom_they_were(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, BOOTS, log) as chat:
        first = await chat.plan("hiking boots for men", ShopperProfile())
        cheaper = await chat.plan("cheaper?", first.profile)
    assert ids(first)[:1] == ["sentinel"], ids(first)
    assert cheaper.intent == "browse", cheaper.intent
    assert cheaper.decision.action == "recommend", cheaper.decision
    assert ids(cheaper)[:1] == ["fynbos"], ids(cheaper)  # the men's, not the cheapest kids' boot
    assert all(p.price < 2799 for p in cheaper.decision.products), ids(cheaper)
    assert "sandal" not in ids(cheaper)


JEWELS = [
    shop.item("charm", "Holdfeny Duna Charm Bracelet Sterling Silver", "Bracelets",
              "A charm bracelet with a lobster clasp.", 19990, "HUF"),
    shop.item("tennis", "Holdfeny Tennis Bracelet Sterling Silver Cubic Zirconia", "Bracelets",
              "A line of cubic zirconia stones set in silver.", 24990, "HUF"),
    shop.item("gold", "Aranyag Tennis Bracelet 14k White Gold Lab-Grown Diamonds", "Bracelets",
              "Lab-grown diamonds, 2.00 ct in all.", 689000, "HUF"),
    shop.item("figaro", "Aranyag Figaro Bracelet 14k Yellow Gold", "Bracelets",
              "A figaro chain bracelet.", 119000, "HUF"),
]  # fmt: skip


async def test_the_cheapest_of_the_kind_asked_is_of_every_word_of_it(
    tmp_path: Path, log: DialogueLog
) -> None:
    """ "tennis bracelet not too expensive": the cheaper tennis bracelet, not the cheaper charm
    bracelet."""
    with planning(tmp_path, JEWELS, log) as chat:
        plan = await chat.plan("tennis bracelet not too expensive", ShopperProfile())
    assert ids(plan)[:2] == ["tennis", "gold"], ids(plan)
