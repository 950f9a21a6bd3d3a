"""A size a request names shows only what is sold in it: "uk 8" leaves out the shoe not sold in UK
8, "what else do u actually have in an 8" also the one sold out in it, "kids 12" finds the one
sold in Kids 12 among grown-ups' shoes, "uk 11" is in "XL (UK 10-11)", and the card's line says
the stock in that size."""

from pathlib import Path

import pytest

from bot.chat import render
from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product, Variant, is_size
from tests.bot.chat.shop import ids, planning


def shoe(pid: str, title: str, price: float, sizes: dict[str, bool], kind: str) -> Product:
    return Product(
        id=pid, title=title, price=price, category=kind,
        description=f"{title}. {kind} with a grippy rubber outsole.",
        variants=tuple(
            Variant(id=f"{pid}-{s}", options={"Size": s}, price=price, in_stock=stock)
            for s, stock in sizes.items()
        ),
    )  # fmt: skip


TRAIL = "Trail Shoes"
SHOES = [
    shoe("koppie", "Koppie Trail Running Shoe", 2299, {"UK 7": True, "UK 8": False}, TRAIL),
    shoe("otter", "Otter Waterproof Trail Shoe", 2699, {"UK 8": True, "UK 9": True}, TRAIL),
    shoe("amphi", "Amphi Trail Running Shoe", 1799, {"UK 9": True, "UK 10": True}, TRAIL),
    shoe("court", "Soweto Court Sneaker", 1299, {"UK 6": True, "UK 7": True}, "Sneakers"),
    shoe("runner", "Jozi Retro Runner Sneaker", 1499, {"UK 7": True, "UK 8": True}, "Sneakers"),
    shoe("light", "Light-Up Kids Sneaker", 499, {"Kids 11": True, "Kids 12": True}, "Sneakers"),
    shoe("moc", "Sheepskin Moccasin Slipper", 549, {"UK 10": True, "UK 11": False}, "Slippers"),
    shoe("slide", "Memory Foam Slide Slipper", 349, {"XL (UK 10-11)": True}, "Slippers"),
]


@pytest.mark.parametrize(
    ("value", "text", "named"),
    [
        ("XL (UK 10-11)", "slippers for my husband, uk 11", True),
        ("XL (UK 10-11)", "slippers, he's a 10", True),
        ("XL (UK 10-11)", "slippers in uk 9", False),
        ("XL (UK 10-11)", "slippers, eu 11", False),  # another system's 11
        ("UK 8", "what else do u have in an 8", True),
        ("UK 8.5", "trail shoes size 8,5", True),
        ("Kids 12", "something for my son, kids 12", True),
        ("UK 12", "something for my son, kids 12", False),
        # An age is no size.
        ("UK 6", "school shoes for my 6 year old son, velcro pls", False),
        ("UK 3", "shoes for a 3yo", False),
        ("UK 8", "size 8 for my 10 year old", True),
    ],
)
def test_a_size_is_named_by_its_number_or_a_range_holding_it(
    value: str, text: str, named: bool
) -> None:
    assert Variant(id="v", options={"Size": value}, price=10).size_named(text) is named


def test_what_counts_as_a_size() -> None:
    assert is_size("Size", "M")
    assert is_size("Größe", "42")
    assert is_size("Variant", "UK 8")  # a sizing system says so, whatever the option is called
    assert is_size("Option", "S (UK 3-5)")
    assert not is_size("Color", "Black")
    colour_only = Variant(id="v", options={"Color": "Black"}, price=10)
    assert colour_only.size_named("black in an 8") is None  # no size to name


async def test_only_what_is_sold_in_the_size_asked(tmp_path: Path, log: DialogueLog) -> None:
    with planning(tmp_path, SHOES, log) as chat:
        anything = await chat.plan("shoes for rocky trails with good grip", ShopperProfile())
        sized = await chat.plan("shoes for rocky trails with good grip, uk 8", ShopperProfile())
        had = await chat.plan(
            "shoes for rocky trails with good grip that you actually have in uk 8",
            ShopperProfile(),
        )
    assert {"koppie", "amphi"} <= set(ids(anything)), ids(anything)
    # Amphi is not sold in UK 8; Koppie is, sold out, and only what is in stock was asked next.
    assert "amphi" not in ids(sized) and "otter" in ids(sized), ids(sized)
    assert ids(had) == ["otter"], ids(had)
    assert "in stock in UK 8" in had.text, had.text


async def test_a_size_of_another_system_finds_the_one_sold_in_it(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, SHOES, log) as chat:
        plan = await chat.plan("sneakers for my son, kids 12", ShopperProfile())
    assert ids(plan) == ["light"], ids(plan)


async def test_a_size_none_is_to_be_had_in_changes_nothing(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, SHOES, log) as chat:
        plain = await chat.plan("trail running shoes", ShopperProfile())
        sized = await chat.plan("trail running shoes in uk 14", ShopperProfile())
    assert ids(sized) == ids(plain), (ids(sized), ids(plain))


async def test_a_range_holds_the_size_and_the_card_line_says_its_stock(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, SHOES, log) as chat:
        plan = await chat.plan("warm slippers for my husband, uk 11", ShopperProfile())
        had = await chat.plan("warm slippers in stock for my husband, uk 11", ShopperProfile())
    assert "slide" in ids(plan), ids(plan)
    assert ids(had) == ["slide"], ids(had)  # the moccasin is sold out in UK 11
    assert "in stock in XL (UK 10-11)" in had.text, had.text


def test_the_line_says_a_size_sold_out() -> None:
    moc = next(p for p in SHOES if p.id == "moc")
    text = render.recommend([moc], ShopperProfile(), ["moccasin slippers, uk 11"]).text
    assert "($549.00, out of stock in UK 11)" in text, text
    plain = render.recommend([moc], ShopperProfile(), ["moccasin slippers"]).text
    assert "($549.00, in stock)" in plain, plain


async def test_his_size_is_the_size_said_before(tmp_path: Path, log: DialogueLog) -> None:
    with planning(tmp_path, SHOES, log) as chat:
        shown = await chat.plan(
            "sheepskin moccasin slippers for my husband, uk 11", ShopperProfile()
        )
        again = await chat.plan("ag sold out? anything else in his size", shown.profile)
    assert ids(shown)[:1] == ["moc"], ids(shown)  # named by its title: shown, sold out in it
    assert "out of stock in UK 11" in shown.text, shown.text
    # Ruled out with the moccasin, the slide is still the one to be had in UK 11.
    assert again.intent == "browse", again.intent
    assert ids(again) == ["slide"], ids(again)


async def test_a_budget_is_no_size(tmp_path: Path, log: DialogueLog) -> None:
    sizes = {"74": True, "80": False, "86": True}
    bodies = [
        Product(id="body", title="Organic Cotton Bodysuit", price=20, category="Baby Clothes",
                variants=tuple(Variant(id=f"b{s}", options={"Size": s}, price=20, in_stock=ok)
                               for s, ok in sizes.items())),
        Product(id="romper", title="Striped Cotton Romper", price=30, category="Baby Clothes",
                variants=(Variant(id="r80", options={"Size": "80"}, price=30),)),
    ]  # fmt: skip
    with planning(tmp_path, bodies, log) as chat:
        budget = await chat.plan("cotton bodysuit under $80", ShopperProfile())
        sized = await chat.plan("cotton bodysuit in size 80", ShopperProfile())
    assert "body" in ids(budget), ids(budget)  # not left out as sold out in "80"
    assert " in 80" not in budget.text, budget.text
    assert ids(sized)[:1] == ["body"], ids(sized)  # named by its title: stays
    assert "out of stock in 80" in sized.text, sized.text


async def test_one_not_to_be_had_in_the_size_asked_comes_with_one_of_its_kind_that_is(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, SHOES, log) as chat:
        sold_out = await chat.plan(
            "is the koppie trail running shoe in stock in uk 8?", ShopperProfile()
        )
        had = await chat.plan(
            "is the koppie trail running shoe in stock in uk 7?", ShopperProfile()
        )
        shown = await chat.plan("sheepskin moccasin slippers", ShopperProfile())
        in_11 = await chat.plan("do you have them in uk 11", shown.profile)
    # Koppie is sold out in UK 8; Otter, of its kind, is in stock in it (Runner is a sneaker).
    assert ids(sold_out) == ["koppie", "otter"], ids(sold_out)
    assert "Another in that size: the Otter Waterproof Trail Shoe" in sold_out.text
    assert "in stock in UK 8" in sold_out.text, sold_out.text
    assert ids(had) == ["koppie"], ids(had)
    # The moccasin is sold out in UK 11; the slide's XL holds UK 10-11.
    assert ids(in_11) == ["moc", "slide"], ids(in_11)


async def test_no_other_in_a_size_over_the_budget_or_for_a_number_that_is_no_size(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, SHOES, log) as chat:
        dear = await chat.plan(
            "is the koppie trail running shoe in stock in uk 8? max 2500", ShopperProfile()
        )
        years = await chat.plan(
            "is the koppie trail running shoe ok for my 8 year old?", ShopperProfile()
        )
    assert ids(dear) == ["koppie"], ids(dear)  # the Otter is 2,699
    assert ids(years) == ["koppie"], ids(years)
