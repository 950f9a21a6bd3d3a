""" "It" after products were shown is the first of them: what it must have ("does it come with a
brush") points at none, nor do the request's own words ("mens trail runners size 8", then "is
the 8 in stock?": not the one titled "Men's"). Over a real index and the real embeddings."""

import functools
from pathlib import Path

from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from tests.bot.chat import shop
from tests.bot.chat.shop import ids, planning

item = functools.partial(shop.item, currency="PLN")

PAINTS = [
    item("student", "Aquelle Student Watercolour Set, 12 Half Pans", "Watercolour",
         "12 student-grade half pans in a plastic box with a mixing lid. Includes 1 water brush"
         " (medium round).", 50),
    item("travel", "Aquelle Pocket Travel Watercolour Set, 8 Pans + Water Brush", "Watercolour",
         "Palm-sized watercolour kit: 8 half pans, water brush, sponge and a postcard pad.", 59),
    item("round", "Fenna Synthetic Round Brush No. 10", "Brushes",
         "Synthetic round brush for watercolour and gouache.", 19),
    item("mop", "Fenna Squirrel Mop Brush", "Brushes", "Soft mop brush for washes.", 45),
]  # fmt: skip


async def test_what_it_must_have_points_at_none_of_those_shown(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, PAINTS, log) as chat:
        sets = await chat.plan("watercolour set for a beginner, under 60 zl", ShopperProfile())
        brush = await chat.plan("does it come with a brush", sets.profile)
    assert ids(sets)[:2] == ["student", "travel"], ids(sets)
    assert ids(brush)[:1] == ["student"], ids(brush)
    assert "Includes 1 water brush" in brush.text, brush.text
    # A question about the set shown: no request for brushes, the budget kept.
    assert brush.profile.category == "Watercolour", brush.profile
    assert brush.profile.max_price == 60, brush.profile


item_zar = functools.partial(shop.item, currency="ZAR")
RUNNERS = [
    item_zar("otter", "Karoo Trail Co. Otter Waterproof Trail Shoe", "Running Shoes",
             "Men's waterproof trail runner with a rock plate, for mountain trail running."
             " Weight: 320 g (UK 8).", 1999),
    item_zar("koppie", "Karoo Trail Co. Koppie Trail Running Shoe - Men's", "Running Shoes",
             "Light shoe for dry park paths. Weight: 300 g (UK 8).", 2299),
    item_zar("road", "Ridgeback Tempo Road Running Shoe", "Running Shoes",
             "Cushioned road running shoe for daily miles.", 1899),
]  # fmt: skip


async def test_the_request_before_does_not_pick_among_those_shown(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, RUNNERS, log) as chat:
        first = await chat.plan("cheapest mens trail runners, size 8", ShopperProfile())
        again = await chat.plan("is the 8 in stock?", first.profile)
    assert ids(first)[:2] == ["otter", "koppie"], ids(first)
    assert ids(again)[:1] == ids(first)[:1], (ids(first), ids(again))
