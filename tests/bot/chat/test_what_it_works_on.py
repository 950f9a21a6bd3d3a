"""A request for something that works on what the shopper has ("on my tv", "charge my phone",
"my suede boots got soaked") is answered with what does that work, not with more of what they
have: over a real index and the real embeddings."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.index import CatalogIndex
from tests.bot.chat.shop import ids, indexed, planner

SHOP = [
    Product(id="tv43", title='Lumaro F4 43" Full HD Smart TV', price=499, category="TVs",
            description="A bright full HD smart TV with built-in streaming apps."),
    Product(id="tv65", title='Nordlight O9 65" OLED 4K Smart TV', price=2499, category="TVs",
            description="OLED panel with perfect blacks and Dolby Vision."),
    Product(id="sb100", title="Volta SB100 Compact Soundbar", price=99, category="Soundbars",
            description="Clearer dialogue for TV shows and films, with a speech mode."),
    Product(id="sb300", title="Kestrel SB300 Soundbar with Wireless Subwoofer", price=349,
            category="Soundbars", description="Room-filling sound for films and music."),
    Product(id="mount", title="Tandem Magnetic Car Vent Phone Mount", price=35,
            category="Phone Accessories", description="Holds your phone on the car's air vent."),
    Product(id="case", title="Quokka ToughShell Phone Case", price=49,
            category="Phone Accessories", description="Drop-tested case with raised edges."),
    Product(id="stand", title="Quokka 3-in-1 Wireless Charging Stand", price=129,
            category="Cables & Chargers",
            description="15 W magnetic wireless charging for phones, a watch and earbuds."),
    Product(id="wall", title="Volta 20W USB-C Wall Charger", price=19,
            category="Cables & Chargers", description="Fast charging over a USB-C cable."),
    Product(id="hiker", title="Karoo Kloof Suede Mid Hiker - Women's", price=1999,
            category="Hiking Boots",
            description="A comfortable suede mid hiker for day walks. Weight 450 g per boot."),
    Product(id="boot", title="Drakensberg Sentinel Waterproof Hiking Boot", price=2499,
            category="Hiking Boots", description="Waterproof leather boots for long hikes."),
    Product(id="spray", title="Shine Waterproofing Spray 400 ml", price=189,
            category="Shoe Care",
            description="Invisible water and stain protector for leather, suede and fabric."),
    Product(id="brush", title="Shine Suede & Nubuck Brush", price=99, category="Shoe Care",
            description="Brass and crepe brush that lifts dirt and restores the nap."),
    Product(id="fynbos", title="Veldloper Fynbos Suede Hiker", price=1599,
            category="Hiking Boots", description="Light suede hiker for wet trails."),
    Product(id="sock", title="Ironveld Heavy Duty Work Sock 3-Pack", price=199,
            category="Socks", description="Thick cushioned socks for long days in work boots."),
    Product(id="court", title="Ubuntu Kicks Soweto Court Sneaker", price=1299,
            category="Sneakers", description="White leather low-top sneaker."),
]  # fmt: skip


@pytest.fixture
def index(tmp_path: Path) -> Iterator[CatalogIndex]:
    with indexed(tmp_path, SHOP) as catalog:
        yield catalog


@pytest.mark.parametrize(
    ("text", "first", "never"),
    [
        # The shop's "TVs" are what the shopper has ("on my tv"): a soundbar helps.
        ("need something so i can actually hear the dialogue on my tv, its so muffled",
         "sb100", {"tv43", "tv65"}),
        # What charges is a charger, of "Cables & Chargers", not a phone accessory.
        ("something to charge my phone wirelessly, under 150", "stand", {"mount", "case"}),
        # The boots they have got soaked: the spray before the suede hiker.
        ("my new suede boots got soaked, how do i protect them next time", "spray", {"boot"}),
    ],
)  # fmt: skip
async def test_what_works_on_the_shoppers_thing_is_shown_first(
    index: CatalogIndex, log: DialogueLog, text: str, first: str, never: set[str]
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan(text, ShopperProfile())
    assert plan.decision.action == "recommend", plan.decision.action
    shown = ids(plan)
    assert shown and shown[0] == first, shown
    assert not never & set(shown), shown


async def test_a_new_one_of_what_they_name_is_still_that(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("a new tv for the living room, up to 3000", ShopperProfile())
    assert plan.decision.action == "recommend", plan.decision.action
    assert set(ids(plan)) == {"tv43", "tv65"}, ids(plan)
