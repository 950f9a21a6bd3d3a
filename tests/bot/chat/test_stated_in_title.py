"""What a message names of a product that its title says: an option a product is sold only in,
stated in its title, counts as the option named ("white paint": the wall paint whose title says
White, beside one sold in a White option); and a number with its unit ("the 45 cm chain") is
a measure, not a name of the one title that has it."""

from decimal import Decimal
from pathlib import Path

from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product, Variant, names_any
from retrieval.hybrid import CatalogView
from tests.bot.chat.shop import ids, planning

PAINTS = [
    Product(
        id="wood", title="Malerfix Outdoor Wood Paint, 5 L", price=Decimal(499),
        currency="DKK", category="Paint & Brushes",
        description="Water-borne paint for fences, sheds and cladding outdoors.",
        variants=[
            Variant(id=f"wood-{c}", price=Decimal(499), options={"Colour": c})
            for c in ("Falu red", "Black", "White")
        ],
    ),
    Product(
        id="wall", title="Malerfix Indoor Wall Paint, Sheen 5, White", price=Decimal(329),
        currency="DKK", category="Paint & Brushes",
        description="Matt wall and ceiling paint for living rooms and bedrooms.",
        variants=[
            Variant(id=f"wall-{s}", price=Decimal(p), options={"Size": s})
            for s, p in (("2.7 L", 329), ("9 L", 849))
        ],
    ),
    Product(
        id="brush", title="Malerfix Brush Set, 3 pcs", price=Decimal(99), currency="DKK",
        category="Paint & Brushes", description="Three synthetic brushes for water-borne paint.",
    ),
]  # fmt: skip


async def test_an_option_its_title_states_counts_as_the_option_named(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, PAINTS, log) as chat:
        white = await chat.plan("white paint for the bedroom walls", ShopperProfile())
        black = await chat.plan("black paint for the fence", ShopperProfile())
    assert ids(white)[:1] == ["wall"], ids(white)
    assert ids(black)[:1] == ["wood"], ids(black)  # only the wood paint is sold in black


def jewel(pid: str, title: str, category: str) -> Product:
    return Product(
        id=pid, title=title, price=Decimal(50000), currency="HUF", category=category,
        description=f"{title}.",
    )  # fmt: skip


JEWELS = [
    jewel("pearl", "Aranyag Freshwater Pearl Necklace 14k Gold Clasp 45 cm", "Necklaces"),
    jewel("heart", "Holdfeny Heart Pendant Necklace Sterling Silver 45 cm", "Necklaces"),
    jewel("locket", "Holdfeny Oval Locket Necklace Sterling Silver 50 cm", "Necklaces"),
    jewel("curb", "Holdfeny Curb Chain Sterling Silver", "Chains"),
    jewel("cuban", "Pannon Cuban Chain Steel", "Chains"),
    jewel("solitaire", "Aranyag Solitaire Pendant 14k White Gold Diamond", "Pendants"),
    jewel("tennis", "Holdfeny Tennis Bracelet Sterling Silver 18 cm", "Bracelets"),
    jewel("figaro", "Aranyag Figaro Bracelet 14k Gold 21 cm", "Bracelets"),
]


def test_a_number_and_its_unit_name_no_title() -> None:
    view = CatalogView({p.id: p for p in JEWELS})
    assert [p.id for p in view.named("price with the 45 cm chain?")] == []
    # (A word two titles have, said before their kind, still names one: "the heart pendant".)
    assert [p.id for p in view.named("how much is the heart pendant")] == ["heart"]


def test_a_decimal_does_not_name_the_whole_number_it_ends_with() -> None:
    """ "5-52.5 lb" in a title sells no "5 lb" by its end, nor does "the 2.5 lb one" ask for it;
    written alike, they still name it."""
    assert not names_any(["5 lb"], "PowerBlock Adjustable Dumbbell 5-52.5 lb")
    assert not names_any(["5 lb"], "the 2.5 lb one")
    assert names_any(["5 lb"], "Hex Dumbbell 5 lb")
    assert names_any(["2.5 kg"], "the 2,5 kg one")
    assert names_any(["1000 Pieces"], "the 1000 piece one")
