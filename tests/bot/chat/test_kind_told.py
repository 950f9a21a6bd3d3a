"""A kind's name that products of several categories have in their titles ("bag": sleeping
bags, changing bags) is told apart by the request's other words; a thing worked on ("what do i
prime a canvas with") is not what is asked for. Over a real index and the real embeddings."""

from pathlib import Path

from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from tests.bot.chat.shop import ids, planning

BABY = [
    Product(id="sleep-1", title="Drømme Organic Sleeping Bag 2.5 TOG", price=449,
            category="Sleeping Bags & Swaddles",
            description="Baby sleeping bag for rooms at 16-20 °C, two-way zip for easy nappy "
                        "changes."),
    Product(id="sleep-2", title="Drømme Merino Sleeping Bag 1.0 TOG", price=749,
            category="Sleeping Bags & Swaddles",
            description="A light merino sleeping bag for warm nights."),
    Product(id="swaddle", title="Drømme Muslin Swaddle Blankets 3-Pack", price=249,
            category="Sleeping Bags & Swaddles", description="Breathable muslin squares."),
    Product(id="backpack", title="Vesla Changing Backpack", price=899,
            category="Bath & Changing",
            description="Spacious changing bag backpack with a padded changing mat, a wipes "
                        "pocket and stroller straps to hang it on the pram handle."),
    Product(id="tote", title="Vesla Tote Changing Bag", price=549, category="Bath & Changing",
            description="Lightweight tote changing bag with a changing mat and stroller clips."),
    Product(id="bath", title="Plask Foldable Baby Bath", price=399, category="Bath & Changing",
            description="A foldable bath with a plug and a non-slip base."),
    Product(id="pram", title="Nordlys Pram", price=8990, category="Prams & Strollers",
            description="A pram with a carrycot and a seat unit."),
]  # fmt: skip

ART = [
    Product(id="canvas", title="Sosnowa Stretched Cotton Canvas", price=29.99,
            category="Easels & Canvas", description="Primed cotton canvas on a pine frame."),
    Product(id="panels", title="Sosnowa Canvas Panels 24 x 30 cm, 5-Pack", price=34,
            category="Easels & Canvas", description="Canvas boards for acrylic and oil."),
    Product(id="gesso", title="Torvik Gesso Primer 500 ml", price=36.5, category="Acrylic",
            description="White acrylic gesso to prime canvas, wood and paper before painting."),
    Product(id="acrylic", title="Torvik Acrylic Paint Set 12 x 22 ml", price=39.99,
            category="Acrylic", description="Twelve student acrylic colours."),
    Product(id="brush", title="Fine Synthetic Brush Set", price=24, category="Brushes",
            description="Ten synthetic brushes for acrylic and watercolour."),
]  # fmt: skip


async def test_a_bag_for_nappies_to_hang_on_the_pram_is_a_changing_bag(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, BABY, log) as chat:
        plan = await chat.plan(
            "a bag for nappies wipes etc, something i can hang on the pram", ShopperProfile()
        )
        assert ids(plan) and set(ids(plan)) <= {"tote", "backpack", "bath"}
        assert ids(plan)[0] in ("tote", "backpack")
        # Nothing else said: the sleeping bags, as before.
        plan = await chat.plan("a sleeping bag for a 4 month old", ShopperProfile())
        assert ids(plan)[:1] in (["sleep-1"], ["sleep-2"])


async def test_what_a_canvas_is_primed_with_is_no_canvas(tmp_path: Path, log: DialogueLog) -> None:
    with planning(tmp_path, ART, log) as chat:
        plan = await chat.plan("what do i prime a canvas with", ShopperProfile())
        assert ids(plan)[:1] == ["gesso"] and not {"canvas", "panels"} & set(ids(plan))


TOOLS = [
    Product(id="toolbox", title="Kassebo Plastic Toolbox 19\" with Tray", price=149,
            category="Storage & Toolboxes", description="48 cm toolbox with a removable tray."),
    Product(id="organiser", title="Kassebo Small Parts Organiser, 22 Compartments", price=99,
            category="Storage & Toolboxes",
            description="Organiser case with 22 removable bins for screws, nuts, bits and small "
                        "parts."),
    Product(id="screws", title="Skruemester Wood Screws, Torx, Bag of 200", price=79,
            category="Fasteners", description="Yellow zinc wood screws 5 x 60 mm."),
    Product(id="assortment", title="Skruemester Screw Assortment Box, 1000 pcs", price=249,
            category="Fasteners", description="1000 wood screws in a sorted box."),
    Product(id="bits", title="Volterra Impact Screwdriver Bit Set, 32 pcs", price=179,
            category="Bits & Blades", description="Torx, Pozi and Phillips bits."),
]  # fmt: skip


async def test_something_for_sorting_screws_is_no_screw(tmp_path: Path, log: DialogueLog) -> None:
    with planning(tmp_path, TOOLS, log) as chat:
        plan = await chat.plan("and something for sorting screws and small bits", ShopperProfile())
        assert ids(plan)[:1] == ["organiser"]
        assert not {"screws", "assortment", "bits"} & set(ids(plan))
