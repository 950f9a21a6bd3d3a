"""Whom a request is for, men or women, as the catalog marks its products ("necklace for my
boyfriend" shows no pearl necklace marked female); a title that names its kind before its
materials ("Figaro Bracelet 14k Yellow Gold"); and what a message asks of the product shown
("does it come with a rain cover", "ok which cover fits it then", "which gas do i need for the
brasa", "and the 6 person one")."""

from pathlib import Path

import pytest

from bot.chat.profile import ShopperProfile, update_profile
from bot.chat.retrieve import IT_FITS, SHOW_ONE, called_so, made_of
from bot.log.store import DialogueLog
from retrieval.catalog import Product, Variant
from retrieval.genders import asked_gender, product_gender
from retrieval.wants import troubled
from tests.bot.chat.shop import ids, planning


@pytest.mark.parametrize(
    ("text", "gender"),
    [
        ("necklace for my boyfriend", "male"),
        ("mens bracelet, less than 80000 huf", "male"),
        ("gift for my husbands 40th, he likes watches", "male"),
        ("im a woman, 1.60 tall", "female"),
        ("ring for my niece, shes 14", "female"),
        ("a light for reading in bed without waking my husband", None),  # kept from him
        ("a lamp for my wife without waking the baby", "female"),
        ("a necklace without irritating her skin", "female"),  # she is who it is for
        ("I'm not buying my husband socks again", "male"),
        ("something nice for her bday", "female"),
        ("matching watches for my son and daughter", "any"),
        ("his and hers towels", "any"),
        ("a tent for 4 people", None),
        ("something for me", None),
        ("these are for the mensa quiz night", None),  # a word, not "mens"
    ],
)
def test_whom_a_shopper_buys_for(text: str, gender: str | None) -> None:
    assert asked_gender(text) == gender


@pytest.mark.parametrize(
    ("title", "category", "attributes", "gender"),
    [
        ("Cuban Link Chain", "Necklaces", {"gender": "male"}, "male"),
        ("Pearl Necklace", "Necklaces", {"g:gender": "Female"}, "female"),
        ("Curb Chain", "Necklaces", {"Google Shopping / Gender": "Unisex"}, None),
        ("Curb Chain Men's", "Necklaces", {"Google Shopping / Gender": "Unisex"}, None),
        ("Pico Mid Waterproof Hiking Boots - Women's", "Boots", {}, "female"),
        ("Trail Runner", "Men's Shoes", {}, "male"),
        ("Ladies Watch Rose Gold", "Watches", {}, "female"),
        ("Men's & Women's Rain Poncho", "Rainwear", {}, None),
        ("Mensa Puzzle Book", "Books", {}, None),
        ("Family Tent", "Tents", {}, None),
    ],
)
def test_whom_a_product_is_made_for(
    title: str, category: str, attributes: dict[str, str], gender: str | None
) -> None:
    product = Product(id="p", title=title, price=10, category=category, attributes=attributes)
    assert product_gender(product) == gender


def test_whom_a_request_is_for_stays_until_another_is_named() -> None:
    profile = update_profile(ShopperProfile(), "necklace for my boyfriend")
    assert profile.gender == "male"
    assert update_profile(profile, "anything in real gold?").gender == "male"
    assert update_profile(profile, "and earrings for my wife").gender == "female"
    assert update_profile(profile, "one for my son and one for my daughter").gender is None
    # Asked about a product, not a request: "will it fit her" names no one to shop for.
    assert update_profile(profile, "will it fit her", browsing=False).gender == "male"


JEWELLERY = [
    Product(id="pearl", title="Aranyág Freshwater Pearl Necklace 14k Gold Clasp 45 cm",
            price=54990, category="Necklaces & Pendants", attributes={"gender": "female"},
            description="A strand of freshwater pearls."),
    Product(id="heart", title="Holdfény Heart Pendant Necklace Sterling Silver 45 cm",
            price=16990, category="Necklaces & Pendants", attributes={"gender": "female"},
            description="A heart pendant with cubic zirconia."),
    Product(id="cuban", title="Pipacs Men's Cuban Link Chain Stainless Steel 8 mm 55 cm",
            price=14990, category="Necklaces & Pendants", attributes={"gender": "male"},
            description="A heavy cuban link chain. Does not tarnish."),
    Product(id="curb", title="Holdfény Curb Chain Sterling Silver 2.5 mm", price=12990,
            category="Necklaces & Pendants", attributes={"gender": "unisex"},
            description="A classic curb chain."),
    Product(id="leather", title="Pipacs Men's Braided Leather Bracelet Black 21 cm",
            price=7490, category="Bracelets", attributes={"gender": "male"},
            description="Braided leather with a steel clasp."),
    Product(id="figaro", title="Aranyág Figaro Bracelet 14k Yellow Gold 21 cm", price=119000,
            category="Bracelets", attributes={"gender": "unisex"},
            description="A solid gold figaro chain bracelet."),
    Product(id="tennis", title="Holdfény Tennis Bracelet Sterling Silver Cubic Zirconia",
            price=24990, category="Bracelets", attributes={"gender": "female"},
            description="A line of cubic zirconia stones."),
    Product(id="matra", title="Vértes Mátra 42 mm Chronograph Men's Watch Steel Bracelet",
            price=74900, category="Men's Watches", attributes={"gender": "male"},
            description="Quartz chronograph on a steel bracelet."),
    Product(id="bukk", title="Vértes Bükk 41 mm Titanium Solar Men's Watch", price=64900,
            category="Men's Watches", attributes={"gender": "male"},
            description="Solar quartz watch in titanium."),
]  # fmt: skip


async def test_a_request_for_a_man_shows_nothing_marked_for_women(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, JEWELLERY, log) as chat:
        plan = await chat.plan("necklace for my boyfriend", ShopperProfile())
        her = await chat.plan("necklace for my girlfriend", ShopperProfile())
    assert ids(plan) and set(ids(plan)) <= {"cuban", "curb"}, ids(plan)
    assert "cuban" not in ids(her) and {"pearl", "heart"} & set(ids(her)), ids(her)


async def test_a_title_names_its_kind_before_its_materials(
    tmp_path: Path, log: DialogueLog
) -> None:
    # "Men's Watch Steel Bracelet" is a watch; "Figaro Bracelet 14k Yellow Gold 21 cm" a
    # bracelet, though its title ends in its metal and length.
    with planning(tmp_path, JEWELLERY, log) as chat:
        plan = await chat.plan("mens bracelet, less than 80000 huf", ShopperProfile())
    assert ids(plan)[:1] == ["leather"], ids(plan)
    assert not {"matra", "bukk", "tennis"} & set(ids(plan)), ids(plan)


OUTDOOR = [
    Product(id="bp-50", title="Travessia 50+10 Trekking Backpack", price=899.90,
            category="Backpacks", description="50 L trekking pack. Rain cover sold separately."),
    Product(id="bp-55w", title="Travessia 55+10 Women's Trekking Backpack", price=999.90,
            category="Backpacks", description="Women's fit, shorter torso. 55 L."),
    Product(id="cover", title="Backpack Rain Cover 40-70 L", price=89.90, category="Backpacks",
            description="Waterproof cover with elastic edge for 40 to 70 L packs."),
    Product(id="brasa", title="Brasa Ultralight Canister Stove", price=249.90,
            category="Stoves & Fuel", description="Screws onto isobutane gas canisters."),
    Product(id="gas", title="Isobutane Gas Canister", price=29.90, category="Stoves & Fuel",
            description="Isobutane-propane mix for canister stoves. 230 g."),
    Product(id="alcohol", title="Brass Alcohol Stove", price=119.90, category="Stoves & Fuel",
            description="Burns denatured alcohol."),
    Product(id="tent-4", title="Canastra 4 Family Tent", price=1899.90, category="Tents",
            description="Two rooms. Capacity: 4 people. Weight: 6.9 kg."),
    Product(id="tent-6", title="Canastra 6 Family Tent", price=2599.90, category="Tents",
            description="Two bedrooms and a living area. Capacity: 6 people."),
    Product(id="pots", title="Camp Cook Set for 6 Persons", price=399.90, category="Cookware",
            description="Pots and pans for a group."),
]  # fmt: skip


async def test_what_a_message_asks_of_the_product_shown(tmp_path: Path, log: DialogueLog) -> None:
    with planning(tmp_path, OUTDOOR, log) as chat:
        first = await chat.plan("trekking backpack, around 1k", ShopperProfile())
        woman = await chat.plan("im a woman, 1.60 tall", first.profile)
        # Asked whether it comes with one: the backpack is asked about, not the cover.
        comes = await chat.plan("does it come with a rain cover", woman.profile)
        # Then the cover that fits it, though the budget was the backpack's.
        fits = await chat.plan("ok which cover fits it then", comes.profile)
    assert ids(woman)[:1] == ["bp-55w"], ids(woman)
    assert comes.decision.action == "answer" and ids(comes) == ["bp-55w"], ids(comes)
    assert fits.intent == "browse" and ids(fits)[:1] == ["cover"], ids(fits)


async def test_what_is_needed_for_the_product_named_is_asked_for(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, OUTDOOR, log) as chat:
        first = await chat.plan("small gas stove for backpacking", ShopperProfile())
        plan = await chat.plan("which gas do i need for the brasa", first.profile)
    assert plan.intent == "browse" and ids(plan)[:1] == ["gas"], ids(plan)


async def test_the_one_of_a_size_only_its_text_states(tmp_path: Path, log: DialogueLog) -> None:
    # "the 6 person one" after the Canastra 4: the Canastra 6 ("Capacity: 6 people"), not the
    # cook set "for 6 Persons", which shares no name with it.
    with planning(tmp_path, OUTDOOR, log) as chat:
        first = await chat.plan("family tent for 4", ShopperProfile())
        plan = await chat.plan("and the 6 person one, do you have it in stock?", first.profile)
    assert ids(first)[:1] == ["tent-4"], ids(first)
    assert ids(plan) == ["tent-6"], ids(plan)


@pytest.mark.parametrize(
    ("text", "of_it", "shown_too"),
    [
        ("does it come with a rain cover", True, False),
        ("will it hold 110kg?", True, False),
        ("the dripper, does it need special filters", True, False),
        ("does it come with a rain cover? if not show me one", True, True),
        ("how much is the rain cover", False, False),
    ],
)
def test_what_is_asked_of_the_product_shown(text: str, of_it: bool, shown_too: bool) -> None:
    assert bool(IT_FITS.search(text)) is of_it
    assert bool(SHOW_ONE.search(text)) is shown_too


RINGS = [
    Product(id="stack", title="Holdfény Twisted Stacking Ring Sterling Silver 925", price=8990,
            category="Fashion Rings", description="A twisted band to stack."),
    Product(id="flower", title="Pipacs Flower Cluster Ring Gold-Plated Cubic Zirconia",
            price=4990, category="Fashion Rings", description="Nickel-free brass."),
    Product(id="studs", title="Pipacs Flower Stud Earrings Gold-Plated", price=3990,
            category="Earrings", description="Small flower studs."),
]  # fmt: skip


async def test_the_one_by_a_word_of_its_title_is_of_the_kind_shown(
    tmp_path: Path, log: DialogueLog
) -> None:
    # "the flower one" after the stacking ring: the flower ring, whose title ends in its
    # materials, not the flower earrings.
    with planning(tmp_path, RINGS, log) as chat:
        first = await chat.plan("twisted stacking ring", ShopperProfile())
        shown = first.profile.model_copy(update={"shown": ["stack"]})
        plan = await chat.plan("the flower one, is it nickel free?", shown)
    assert ids(plan) == ["flower"], ids(plan)


async def test_around_a_budget_reaches_below_it_when_nothing_is_near(
    tmp_path: Path, log: DialogueLog
) -> None:
    # "around 100 ezer": nothing between 80,000 and 100,000, so the watches below it, not
    # "nothing fits"; never one above it.
    with planning(tmp_path, JEWELLERY, log) as chat:
        plan = await chat.plan(
            "gift for my husbands 40th, he likes watches. around 100 ezer forint",
            ShopperProfile(),
        )
    assert plan.decision.action == "recommend", plan.decision
    assert {"matra", "bukk"} & set(ids(plan)), ids(plan)
    assert all(p.price <= 100000 for p in plan.decision.products)
    assert plan.profile.max_price == 100000 and plan.profile.min_price is None


BOOTS = [
    Product(id="pico-m", title="Pico Mid Waterproof Hiking Boots - Men's", price=799.90,
            category="Hiking Boots", description="Waterproof leather hiking boots.",
            variants=(Variant(id="pico-m-43", options={"Size": "43"}, price=799.90),
                      Variant(id="pico-m-44", options={"Size": "44"}, price=799.90,
                              in_stock=False))),
    Product(id="socks", title="Merino Hiking Socks", price=119.90, category="Hiking Boots",
            description="Merino socks that reduce blisters."),
]  # fmt: skip


async def test_a_size_of_the_one_shown_and_how_much_asks_its_price(
    tmp_path: Path, log: DialogueLog
) -> None:
    # "ugh ok ill try a 43. how much" after the boots in 44: the 43's price and stock (it was
    # a budget of 43 Turkish lira, then a search for nothing).
    with planning(tmp_path, BOOTS, log) as chat:
        first = await chat.plan("waterproof hiking boots, men, size 44", ShopperProfile())
        plan = await chat.plan("ugh ok ill try a 43. how much", first.profile)
    assert ids(first)[:1] == ["pico-m"], ids(first)
    assert plan.intent == "price_stock" and ids(plan) == ["pico-m"], ids(plan)
    assert "43: in stock" in plan.text, plan.text


def test_what_the_shopper_has_and_says_is_wrong_with_it() -> None:
    assert troubled("my new boots give me blisters, what do you have") == ["boot"]
    assert troubled("my automatic watch stops when i dont wear it for a day") == [
        "automatic",
        "watch",
    ]
    assert troubled("my skin is very dry") == []  # how it is, nothing wrong with a thing had
    assert troubled("need boots, my old ones leak") == []  # asked for first
    # What happened to it.
    assert troubled("my new suede boots got soaked, how do i protect them") == ["suede", "boot"]
    assert troubled("my silver ring is getting tarnished") == ["silver", "ring"]


async def test_what_helps_with_a_thing_had_is_not_another_of_it(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, BOOTS, log) as chat:
        plan = await chat.plan("my new boots give me blisters, what do you have", ShopperProfile())
    assert ids(plan)[:1] == ["socks"] and "pico-m" not in ids(plan), ids(plan)


CARE = [
    *BOOTS,
    Product(id="hiker", title="Desert Chukka Boot", price=899.0, category="Boots",
            description="Suede boots with a crepe sole."),
    Product(id="chelsea", title="Chelsea Boot", price=999.0, category="Boots",
            description="Pull-on suede boots."),
    Product(id="wp", title="Otter Waterproof Suede Hiking Boot", price=1299.0,
            category="Hiking Boots", description="Suede boots that protect your feet from water."),
    Product(id="wp2", title="Kloof Mid Suede Hiker", price=1199.0, category="Hiking Boots",
            description="Waterproof suede hiking boots; a membrane protects them from soaking."),
    Product(id="spray", title="Kaapstad Waterproof Protector Spray", price=129.0,
            category="Shoe Care", description="Protects suede, nubuck and leather from water."),
    Product(id="brush", title="Suede Brush and Eraser", price=89.0, category="Shoe Care",
            description="Lifts the nap of suede and removes marks."),
]  # fmt: skip


async def test_what_protects_a_thing_had_is_not_of_its_kind_or_category(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, CARE, log) as chat:
        plan = await chat.plan(
            "my new suede boots got soaked, how do i protect them next time", ShopperProfile()
        )
    assert plan.decision.action == "recommend", plan.decision
    assert ids(plan)[:1] == ["spray"], ids(plan)
    assert not {"hiker", "chelsea", "pico-m", "wp", "wp2"} & set(ids(plan)), ids(plan)
    # Boots asked for again are shown.
    with planning(tmp_path / "again", CARE, log) as chat:
        again = await chat.plan(
            "my old boots are too small now, i need properly waterproof boots",
            ShopperProfile(),
        )
    assert {"wp", "wp2"} & set(ids(again)), ids(again)


def test_a_description_calls_its_product_so_by_its_opening() -> None:
    assert called_so("Waterproof suede hiking boots; a membrane keeps water out.", "boot")
    assert called_so("Suede boots that protect your feet from water.", "boot")
    for text in [
        "Dries wet boots overnight.",
        "Merino socks for hiking boots.",
        "Keeps grit out of your boots.",
        "Restores water repellency to leather boots.",
    ]:
        assert not called_so(text, "boot"), text


async def test_a_material_asked_for_is_required_and_the_nearest_over_budget_said(
    tmp_path: Path, log: DialogueLog
) -> None:
    # "anything in real gold?" after men's bracelets under 80,000: not the leather one again,
    # but nothing in gold within the budget, the gold figaro at 119,000 as the nearest.
    with planning(tmp_path, JEWELLERY, log) as chat:
        first = await chat.plan("mens bracelet, less than 80000 huf", ShopperProfile())
        plan = await chat.plan("anything in real gold?", first.profile)
    assert ids(first)[:1] == ["leather"], ids(first)
    assert plan.decision.action == "nothing_fits", plan.decision
    assert [p.id for p in plan.decision.over_budget] == ["figaro"]
    assert made_of("anything in stock?") == [] and made_of("something made of leather") == [
        "leather"
    ]


SLEEP = [
    Product(id="neblina", title="Neblina 15 Summer Sleeping Bag", price=279.90,
            category="Sleeping Bags", description="Comfort 15 °C. 190 cm long."),
    Product(id="liner", title="Silk Sleeping Bag Liner", price=239.90, category="Sleeping Bags",
            description="Adds warmth to any sleeping bag; sleep in it alone on warm nights."),
    Product(id="kids", title="Curumim Kids Sleeping Bag", price=199.90,
            category="Sleeping Bags", description="For children up to 1.50 m."),
]  # fmt: skip


async def test_the_cheapest_of_the_kind_asked_for_a_grown_up_unless_a_child_is_said(
    tmp_path: Path, log: DialogueLog
) -> None:
    # "cheap sleeping bag": a sleeping bag before the liner whose title also says "sleeping
    # bag", and a grown-up's before the kids' one that is cheapest, when no child is said.
    with planning(tmp_path, SLEEP, log) as chat:
        plan = await chat.plan(
            "cheap sleeping bag for summer camping on the coast, max 300", ShopperProfile()
        )
        child = await chat.plan("cheap sleeping bag for my 8 year old", ShopperProfile())
    assert ids(plan)[:1] == ["neblina"], ids(plan)
    assert ids(child)[:1] == ["kids"], ids(child)
