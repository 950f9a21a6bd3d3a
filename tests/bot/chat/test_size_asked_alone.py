"""A size asked alone after shoes are shown ("size 8 pls", "yellow in a 8?") asks whether the one
shown is sold so; a size in a sizing system ("UK 8") is named by its number; a feed's preorder is
said as such; a title's own "The" is not doubled."""

from pathlib import Path

import pytest

from bot.chat import render
from bot.chat.profile import ShopperProfile
from bot.chat.understand import only_options
from bot.log.store import DialogueLog
from retrieval.catalog import Product, Variant
from tests.bot.chat.shop import ids, planning


def shoe(pid: str, title: str, price: float, sizes: dict[str, bool]) -> Product:
    return Product(
        id=pid, title=title, price=price, category="Running Shoes",
        description=f"{title}. Trail running shoe with a lugged outsole for rocky ground.",
        variants=tuple(
            Variant(id=f"{pid}-{s}", options={"Size": s, "Color": "Black"}, price=price,
                    in_stock=stock)
            for s, stock in sizes.items()
        ),
    )  # fmt: skip


SHOES = [
    shoe("koppie", "Koppie Trail Running Shoe - Men's", 2299, {"UK 7": True, "UK 8": False}),
    shoe("otter", "Otter Waterproof Trail Shoe", 2699, {"UK 8": True, "UK 9": True}),
    shoe("amphi", "Amphi Door-to-Trail Shoe", 1799, {"UK 8": True, "UK 10": True}),
]


@pytest.mark.parametrize(
    ("text", "alone"),
    [
        ("size 8 pls", True),
        ("ok so a 10 then. got it?", True),
        ("black in 7?", True),
        ("uk 9?", True),
        ("size 8 trail shoes for my son", False),  # a request of its own
        ("size 12?", False),  # no shoe shown is sold so
    ],
)
def test_a_message_of_options_alone(text: str, alone: bool) -> None:
    assert only_options(text, SHOES) is alone


@pytest.mark.parametrize("text", ["size 8 pls", "black in 8?", "a black 8?"])
async def test_a_size_asked_alone_asks_after_the_one_shown(
    tmp_path: Path, log: DialogueLog, text: str
) -> None:
    with planning(tmp_path, SHOES, log) as chat:
        shown = await chat.plan("trail running shoes for rocky ground", ShopperProfile())
        size = await chat.plan(text, shown.profile)
    assert size.intent == "price_stock", size.intent
    assert ids(size)[:1] == ids(shown)[:1], (ids(size), ids(shown))
    first = next(p for p in SHOES if p.id == ids(shown)[0])
    said = "out of stock" if first.id == "koppie" else "in stock"
    assert f"UK 8 / Black: {said}" in render.answer(first, "size 8 pls").text


@pytest.mark.parametrize(
    ("value", "text", "named"),
    [
        ("UK 8", "size 8 pls", True),
        ("UK 8", "in an 8?", True),
        ("UK 8", "uk 8", True),
        ("UK 8", "eu 8?", False),  # another system's 8
        ("UK 11", "hiking boots, kids size 11", False),  # a kids' size
        ("Kids 11", "hiking boots, kids size 11", True),
        ("UK 8", "size 8.5", False),
        ("UK 8", "8 cm wide", False),
        ("EU 42", "canvas sneakers in EU 42?", True),
    ],
)
def test_a_size_in_a_system_is_named_by_its_number(value: str, text: str, named: bool) -> None:
    variant = Variant(id="v", options={"Size": value}, price=10)
    assert bool(variant.named_in(text)) is named


def test_a_title_with_its_own_article_keeps_one() -> None:
    fox = Product(id="fox", title="The Moon Fox", price=299, currency="MXN")
    orbit = Product(id="orbit", title="The Quiet Orbit", price=349, currency="MXN")
    text = render.recommend([fox, orbit], ShopperProfile()).text
    assert text.startswith("The Moon Fox (299.00 MXN, in stock) is the best match."), text
    assert "the The" not in text and "The The" not in text


def test_a_preorder_is_said_as_one() -> None:
    manga = Product(
        id="m", title="Sakura Courier Vol. 2", price=189, currency="MXN",
        attributes={"availability": "preorder"},
    )  # fmt: skip
    assert "available to pre-order" in render.answer(manga, "is it in stock").text


def test_the_options_named_variants_share_are_said_once() -> None:
    brogue = Product(
        id="bree", title="Bree Street Brogue", price=2499, currency="ZAR",
        variants=tuple(
            Variant(id=f"{size}-{colour}", options={"Size": size, "Color": colour}, price=2499,
                    in_stock=not (size == "UK 8" and colour == "Tan"))
            for size in ("UK 7", "UK 8", "UK 9") for colour in ("Dark Brown", "Tan")
        ),
    )  # fmt: skip
    brown = render.variants(brogue, "fine, dark brown then. how much")
    assert brown == "In Dark Brown, UK 7, UK 8 and UK 9 are in stock.", brown
    assert (
        render.variants(brogue, "uk 8") == "In UK 8, Dark Brown is in stock; Tan is out of stock."
    )
    assert render.variants(brogue, "tan in an 8?") == "UK 8 / Tan: out of stock."


@pytest.mark.parametrize(
    ("value", "text", "named"),
    [
        ("S (UK 3-5)", "small size pls", True),
        ("S (UK 3-5)", "im a uk 4", True),  # in its range
        ("S (UK 3-5)", "extra small", False),
        ("XS", "an extra small?", True),
        ("M", "she's a medium", True),
        ("L", "in x-large?", False),
        ("XL", "in x-large?", True),
        ("S", "anything smaller?", False),
        ("Kids 10-11", "and the 10-11? he'll grow into them", True),  # the range as said
        ("Kids 10-11", "a 10.5-11 cm one", False),
        ("L", "do you have it in x large?", False),
        ("XL", "xtra large?", True),
        ("S", "slippers for my small daughter", False),  # how big the person is
        ("L", "large backpack for a week trek", False),  # how big the thing is
        ("L", "warm slippers in large", True),
        ("L", "large mens", True),  # whose, or a colour, after it
        ("M", "medium grey pls", True),
        ("S", "is it small?", False),  # how it fits, asked
        ("L", "do they run a bit large", False),
        ("L", "i'm 9, is that large?", True),
    ],
)
def test_a_size_by_letter_is_named_as_spelled_and_a_range_as_said(
    value: str, text: str, named: bool
) -> None:
    variant = Variant(id="v", options={"Size": value}, price=10)
    assert bool(variant.named_in(text)) is named


INSOLES = [
    Product(
        id="arch",
        title="Orthotic Arch Support Insoles",
        price=449,
        currency="ZAR",
        category="Insoles",
        description="Semi-rigid orthotic insoles for plantar fasciitis.",
        variants=tuple(
            Variant(id=f"arch-{s}", options={"Size": s}, price=449, in_stock=stock)
            for s, stock in {"S (UK 3-5)": False, "M (UK 6-8)": True}.items()
        ),
    ),
]


@pytest.mark.parametrize(
    ("text", "alone"),
    [
        ("small size pls, im a uk 4", True),
        ("she's a medium", True),
        ("small insoles for my daughter", False),  # a request of its own
        ("large pls", False),  # no size shown is large
    ],
)
def test_who_wears_which_size_is_a_size_asked_alone(text: str, alone: bool) -> None:
    assert only_options(text, INSOLES) is alone
