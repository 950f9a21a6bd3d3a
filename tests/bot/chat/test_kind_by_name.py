"""The kind a title names its product by: a title word made of its category's noun
("Screwdriver" in "Drills & Drivers"), and not whom it is for ("Cashmere Sweater Women"); the
cheapest of a kind asked are those its title names by either of its names (tees, t-shirts)."""

from pathlib import Path

from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.hybrid import CatalogView, last_name_word
from tests.bot.chat.shop import ids, planning


def tool(pid: str, title: str, price: float, description: str) -> Product:
    return Product(
        id=pid, title=title, price=price, currency="DKK", category="Drills & Drivers",
        description=description,
    )  # fmt: skip


TOOLS = [
    tool("screwdriver", "Hejmdal 3.6V Cordless Screwdriver USB-C", 249,
         "Cordless screwdriver for flat-pack furniture; charges over USB-C."),
    tool("combi", "Krafti KX18 Combi Drill 18V", 899,
         "18V cordless combi drill with hammer mode, two batteries and a charger."),
    tool("driver", "Krafti KX18 Compact Drill Driver 18V", 649,
         "Compact 18V cordless drill driver for wood and metal."),
    tool("corded", "Hejmdal 750W Corded Hammer Drill", 449,
         "Corded hammer drill for concrete and brick."),
    Product(id="bits", title="Nordstal Masonry Drill Bits, 5 pcs", price=129, currency="DKK",
            category="Bits & Blades", description="Masonry bits for concrete and brick."),
]  # fmt: skip


def test_a_compound_of_its_categorys_noun_is_the_kind_a_title_names() -> None:
    view = CatalogView({p.id: p for p in TOOLS})
    assert view.kind_words["screwdriver"] == "screwdriver"
    assert view.kind_words["combi"] == "drill"


def test_whom_a_title_ends_by_saying_it_is_for_is_not_its_kind() -> None:
    assert last_name_word("Veldmann Cashmere V-Neck Sweater Women – 100% Cashmere") == "sweater"
    assert last_name_word("Amstelgoed Half-Zip Sweater Men – 50% Merino Blend") == "sweater"
    assert last_name_word("Trail Runner Kids") == "runner"
    assert last_name_word("Little Women") == "women"  # nothing else named
    assert last_name_word("Diary of a Wimpy Kid") == "kid"  # a name of its own


def test_a_size_a_title_names_is_not_its_kind() -> None:
    assert last_name_word("Paper Tea Filter Bags Size M, 100 pcs") == "bag"
    assert last_name_word("King Size Duvet") == "duvet"


def test_a_letter_alone_and_a_ratio_do_not_end_a_name() -> None:
    title = "Optyx 100mm f/2.8 1:1 Macro Lens for Veltra VL-mount"
    assert last_name_word(title) == "lens"


def tee(pid: str, title: str, price: float) -> Product:
    return Product(
        id=pid, title=title, price=price, currency="EUR", category="T-Shirts",
        description=f"{title}: plain cotton basics.",
    )  # fmt: skip


TEES = [
    tee("merino", "Nordhaven Merino 150 T-Shirt Men – Travel Tee", 64.95),
    tee("boxy", "Amstelgoed Boxy Pocket Tee Women – Combed Cotton", 29.95),
    tee("heavy", "Kustwerk Heavyweight Organic Tee", 39.95),
    tee("bag", "Kustwerk T-Shirt Yarn Tote Bag", 9.95),
]


async def test_the_cheapest_of_a_kind_asked_counts_it_by_either_name(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, TEES, log) as chat:
        plan = await chat.plan("cheap plain tshirts, just basics", ShopperProfile())
    assert ids(plan)[:3] == ["boxy", "heavy", "merino"], ids(plan)
