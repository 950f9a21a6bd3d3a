"""A product a request names only to rule it out ("scale for pour over, not the mini") is not
what the message asks about: it is a request for the others. Over a real index and the real
embeddings."""

import functools
from pathlib import Path

from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from tests.bot.chat import shop
from tests.bot.chat.shop import ids, planning

item = functools.partial(shop.item, currency="SEK")

SCALES = [
    item("mini", "Gram Mini Pocket Scale", "Kettles & Scales",
         "Pocket scale to 500 g in 0.1 g steps, for espresso doses.", 249),
    item("brew", "Gram Brew Scale with Timer", "Kettles & Scales",
         "Scale with a built-in timer for pour over and filter brewing, to 2 kg.", 449),
    item("kettle", "Svan Gooseneck Kettle 1 l", "Kettles & Scales",
         "Gooseneck kettle for a steady pour over stream.", 699),
]  # fmt: skip


async def test_what_a_request_rules_out_is_not_what_it_asks_about(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, SCALES, log) as chat:
        plan = await chat.plan("scale for pour over, not the mini", ShopperProfile())
    assert plan.intent == "browse", plan.intent
    assert plan.decision.action == "recommend", plan.decision
    assert ids(plan)[:1] == ["brew"], ids(plan)
    assert "mini" not in ids(plan), ids(plan)
