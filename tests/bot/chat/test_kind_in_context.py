"""What the conversation around a request says of the kind it asks for: the category talked
of decides between two kinds of one name, a question about a product shown keeps the request
that showed it, the shopper's own products are not the kind asked, what a product says it
cannot do goes last, and one of the kind comes before what only goes with it. Over a real
index and the real embeddings."""

import functools
from decimal import Decimal
from pathlib import Path

from bot.chat.profile import ShopperProfile
from bot.chat.retrieve import each_kind
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.hybrid import Filters, HybridSearch
from tests.bot.chat import shop
from tests.bot.chat.shop import ids, indexed, planning

item = functools.partial(shop.item, currency="DKK")


TOOLS = [
    item("wall", "Malerfix Indoor Wall Paint, White", "Paint & Brushes",
         "Matt wall and ceiling paint for living rooms and bedrooms.", 329),
    Product(id="roller", title="Malerfix Paint Roller Set 25 cm with Tray", price=Decimal(149),
            currency="DKK", category="Paint & Brushes",
            description="25 cm paint roller, 10 cm mini roller for edges and a paint tray.",
            attributes={"tags": "paint roller, painting, tray"}),
    Product(id="masking", title="Malerfix Masking Tape 25 mm x 50 m", price=Decimal(39),
            currency="DKK", category="Paint & Brushes",
            description="Painter's masking tape for sharp edges. Can be removed cleanly.",
            attributes={"tags": "masking tape, painting, tape"}),
    Product(id="measure", title="Vinkel Tape Measure", price=Decimal(89), currency="DKK",
            category="Measuring", description="Tape measure with nylon-coated blade, magnetic "
            "hook and belt clip.", attributes={"product_type": "Measuring Tapes"}),
    item("level", "Vinkel Spirit Level 60 cm", "Measuring", "Aluminium level with 3 vials.", 129),
    item("drill", "Hejmdal 750W Corded Hammer Drill", "Power Tools",
         "Corded hammer drill for concrete, brick and wood.", 449),
]  # fmt: skip


def test_the_category_talked_of_decides_which_of_a_kind(tmp_path: Path) -> None:
    """ "some tape" while painting is the masking tape, not the tape measure of "Measuring
    Tapes"; with no category talked of, both are tape."""
    with indexed(tmp_path, TOOLS) as index:
        search = HybridSearch(index, min_relevance=0.35)
        painting = each_kind(search, [["roller"], ["tape"]], Filters(category="Paint & Brushes"), 4)
        anywhere = each_kind(search, [["roller"], ["tape"]], Filters(), 4)
    assert sorted(p.id for p in painting) == ["masking", "roller"], painting
    assert {"masking", "measure", "roller"} <= {p.id for p in anywhere}, anywhere


BOOKS = [
    item("bloom", "Static Bloom - Ada Kerrigan", "Science Fiction",
         "A teenage hacker on a dying space station. English edition, paperback, 296 pages."),
    item("quetzal", "Ecos de la estación Quetzal - Tomás Villaseñor", "Science Fiction",
         "Novela de ciencia ficción en español: una estación orbital y sus ecos. 220 páginas."),
    item("agua", "Agua de jamaica y otros cuentos - Héctor Saldívar", "Narrativa literaria",
         "Cuentos en español sobre la vida en el barrio."),
    item("casas", "Las casas que dejamos - Lucía Montemayor", "Narrativa literaria",
         "Novela en español sobre una familia y sus mudanzas."),
]  # fmt: skip


async def test_a_question_about_one_shown_keeps_the_request_that_showed_it(
    tmp_path: Path, log: DialogueLog
) -> None:
    """ "anything in spanish?" after asking whether the sci-fi shown is in English: sci-fi in
    Spanish, not any book in Spanish."""
    with planning(tmp_path, BOOKS, log) as chat:
        first = await chat.plan("sci fi for my teenage son", ShopperProfile())
        asked = await chat.plan("does he need to read english for static bloom?", first.profile)
        spanish = await chat.plan("anything in spanish?", asked.profile)
    assert "bloom" in ids(first), ids(first)
    assert ids(asked)[:1] == ["bloom"], ids(asked)
    assert asked.profile.topic == first.profile.topic
    assert "quetzal" in ids(spanish), ids(spanish)
    assert not {"agua", "casas"} & set(ids(spanish)), ids(spanish)  # no other Spanish book


CAMP = [
    item("hammock", "Rede Camping Hammock with Mosquito Net", "Camp Furniture",
         "Parachute nylon hammock with a zip-on mosquito net.", 249),
    item("chair", "Lite Camping Chair", "Camp Furniture", "Folding chair, 900 g.", 199),
    item("tarp", "Ripstop Tarp 3 x 3 m", "Tents",
         "Square tarp to hang over a hammock or camp for shade and rain.", 349),
    item("tent", "Dome Tent 2 Person", "Tents", "Double-wall tent with a rain fly.", 899),
    item("stove", "Brasa Ultralight Canister Stove", "Stoves & Fuel",
         "Folding burner that screws onto a gas canister.", 199),
    item("gas", "Gas Canister 230 g", "Stoves & Fuel", "Butane and propane mix for stoves.", 39),
    item("pot", "Titanium Pot 750 ml", "Cookware",
         "Light pot with a folding handle and a lid.", 329),
    item("mug", "Titanium Double-Wall Mug 450 ml", "Cookware", "Double-walled mug.", 189),
]  # fmt: skip


async def test_the_shoppers_own_products_are_not_the_kind_asked(
    tmp_path: Path, log: DialogueLog
) -> None:
    """ "my brasa stove" is theirs; the pot asked for leads, though "stove" and "gas" are
    nearer in meaning to the message."""
    with planning(tmp_path, CAMP, log) as chat:
        plan = await chat.plan("pot that my brasa stove and a gas can fit inside", ShopperProfile())
    assert ids(plan)[:1] == ["pot"], ids(plan)
    assert "stove" not in ids(plan)


DRILLS = [
    item("driver", "Krafti KX18 Compact Drill Driver 18V", "Drills & Drivers",
         "Light and compact drill driver for screws and drilling in wood, metal and plastic. "
         "No hammer function – not for concrete or brick.", 649),
    item("combi", "Krafti KX18 Combi Drill 18V", "Drills & Drivers",
         "Cordless combi drill (hammer drill driver) for wood, metal and brick. Hammer function "
         "for brick and light masonry.", 899),
    item("impact", "Volterra V18 Impact Driver", "Drills & Drivers",
         "Compact impact driver for long screws and bolts. Not suitable for drilling in "
         "concrete.", 1399),
]  # fmt: skip


async def test_what_a_product_says_it_cannot_do_goes_last(tmp_path: Path, log: DialogueLog) -> None:
    """ "a drill that can do concrete walls": not first the driver "not for concrete"."""
    with planning(tmp_path, DRILLS, log) as chat:
        plan = await chat.plan("need a drill that can do concrete walls", ShopperProfile())
    assert ids(plan)[:1] == ["combi"], ids(plan)


PRAMS = [
    item("vandre", "Nordlys Vandre 2-in-1 Pram - Graphite Grey", "Prams & Strollers",
         "Carrycot and seat unit, from birth to 22 kg.", 8999),
    item("loppa", "Loppa City Compact Stroller - Black", "Prams & Strollers",
         "One-hand fold, fits small car boots, from 6 months.", 2999),
    item("cover", "Loppa Universal Pram Rain Cover", "Prams & Strollers",
         "Clear PVC-free rain cover for most prams and strollers.", 299),
    item("muff", "Fjellvarm Winter Pram Footmuff", "Prams & Strollers",
         "Down-filled footmuff for prams and strollers.", 899),
    item("cot", "Drømme Cot 60 x 120", "Nursery Furniture", "Solid birch cot.", 2499),
]  # fmt: skip


async def test_one_of_the_kind_comes_before_what_only_goes_with_it(
    tmp_path: Path, log: DialogueLog
) -> None:
    """ "we need a pram, max 4000": the stroller of "Prams & Strollers", not first the pram
    rain cover and footmuff; "up to 9000 then": the pram."""
    with planning(tmp_path, PRAMS, log) as chat:
        first = await chat.plan("we need a pram, max 4000", ShopperProfile())
        more = await chat.plan("ok fine, up to 9000 then", first.profile)
    assert ids(first)[:1] == ["loppa"], ids(first)
    assert ids(more)[:1] == ["vandre"], ids(more)
