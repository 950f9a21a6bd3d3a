"""What a thing is for weighs or measures round ("my 10kg dog", "chest is 60cm") is checked
against the limits the products' texts state: one that takes it first, and a lead outside its
limit says so, quoting its text. Over a real index and the real embeddings."""

import functools
from pathlib import Path

from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from tests.bot.chat import shop
from tests.bot.chat.shop import ids, planning

item = functools.partial(shop.item, currency="GBP")

PETS = [
    item("carrier", "Purrsley Top-Loading Cat Carrier", "Cat Supplies",
         "Plastic pet carrier with top and front doors, suitable for cats and small dogs up to"
         " 8kg.", 27),
    item("large", "Pawford Orthopedic Dog Bed, Large", "Dog Beds",
         "Memory foam dog bed for large breeds up to 45kg. 110 x 80cm.", 69),
    item("donut", "Pawford Donut Calming Dog Bed, Small", "Dog Beds",
         "Round plush bed with raised rim for small dogs and cats, 60cm diameter.", 29),
    item("harness", "Trailhound Reflective Dog Harness, Medium", "Walking",
         "Padded no-pull harness with front and back lead clips. Fits chest 55-75cm.", 22),
    item("coat", "Trailhound Waterproof Dog Coat, Medium", "Walking",
         "Waterproof dog coat, back length 50cm.", 27),
]  # fmt: skip


async def test_what_the_thing_is_for_weighs_picks_by_the_limits_stated(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, PETS, log) as chat:
        bed = await chat.plan("bed for a big dog, like 40kg", ShopperProfile())
        harness = await chat.plan(
            "harness that stops my dog pulling, chest is 60cm", ShopperProfile()
        )
        carrier = await chat.plan("carrier for my 10kg dog", ShopperProfile())
        cat = await chat.plan("carrier for my 5kg cat", ShopperProfile())
    assert ids(bed)[:1] == ["large"], ids(bed)
    assert ids(harness)[:1] == ["harness"], ids(harness)  # not the bed 60cm across
    # The one carrier, over its limit: the closest, its limit quoted; within it, no note.
    assert ids(carrier)[:1] == ["carrier"], ids(carrier)
    assert "closest we have" in carrier.text and "up to 8kg." in carrier.text, carrier.text
    assert ids(cat)[:1] == ["carrier"] and "note" not in cat.text, cat.text
