"""A product of another kind that a describing word lifts ("camping chair" and the "Rede
Camping Hammock") comes after those of the kind asked; what a product must get rid of ("a water
filter that also gets rid of viruses") is a must-have; "Filter Cleaning Kit" is a kit."""

from pathlib import Path

import pytest

from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.hybrid import _own_kind
from retrieval.wants import must_have
from tests.bot.chat.shop import ids, planning

CAMP = [
    Product(id="hammock", title="Rede Camping Hammock", price=249.90, category="Camp Furniture",
            description="Parachute nylon hammock with tree straps for camping. Holds 150 kg."),
    Product(id="lite", title="Lite Camp Chair", price=399.90, category="Camp Furniture",
            description="Backpacking camp chair that packs small. Weight: 890 g. Holds 120 kg."),
    Product(id="director", title="Director Chair with Side Table", price=329.90,
            category="Camp Furniture",
            description="Comfortable folding camp chair with a side table, 4.6 kg."),
    # ("Camping" in more than one title: a word, not the hammock's name.)
    Product(id="lantern", title="Camping Lantern 300 lm", price=89.90, category="Lighting",
            description="Rechargeable lantern for the tent and the camp table."),
    Product(id="squeeze", title="Squeeze Water Filter", price=229.90, category="Water Filters",
            description="0.1 micron hollow fibre. Removes bacteria and protozoa. Does not remove "
                        "viruses."),
    Product(id="tabs", title="Water Purification Tablets (50)", price=49.90,
            category="Water Filters", description="Effective against viruses, bacteria and "
                                                  "protozoa. One tablet treats 1 L of water."),
    Product(id="kit", title="Filter Cleaning Kit", price=39.90, category="Water Filters",
            description="Backflush syringe and brush to keep your water filter flowing."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("water filter that also gets rid of viruses", [("virus",)]),
        ("a spray that repels mosquitoes", [("mosquitoe",)]),
        ("jacket which protects against wind", [("wind",)]),
        ("a tent that is light", []),  # what it is, not what it does away with
    ],
)
def test_what_a_product_must_do_away_with_is_a_must_have(
    text: str, wanted: list[tuple[str, ...]]
) -> None:
    assert must_have(text) == wanted


async def test_the_kind_asked_before_one_a_describing_word_lifts(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, CAMP, log) as chat:
        chair = await chat.plan("camping chair", ShopperProfile())
        light = await chat.plan("light camping chair, will it hold 110kg?", ShopperProfile())
        viruses = await chat.plan("water filter that also gets rid of viruses", ShopperProfile())
    assert set(ids(chair)[:2]) == {"lite", "director"}, ids(chair)
    assert ids(light)[:1] == ["lite"], ids(light)
    # What it must do: the tablets, though not a filter by name.
    assert ids(viruses)[:1] == ["tabs"], ids(viruses)


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Filter Cleaning Kit", None),  # a kit, for cleaning filters
        ("Filter Bottle 650 ml", "filter"),  # a filter, by its size
        ("Men's Watch Steel Bracelet", "watch"),  # a part, another category's noun
    ],
)
def test_a_doing_word_before_the_last_names_another_thing(title: str, kind: str | None) -> None:
    product = Product(id="p", title=title, price=10)
    own = {"filter", "watch"}
    assert _own_kind(product, own, {"filter", "kit", "watch", "bracelet", "bottle"}) == kind
