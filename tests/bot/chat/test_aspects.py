"""Questions that weigh products by what the catalog states ("how heavy is it", "which one is
lighter", "which is cheaper"): answered from the stated weights and prices, the winner first,
and never from a weight the catalog does not state."""

from decimal import Decimal

import pytest

from bot.chat import render
from bot.chat.aspects import ranked_by, shortest_first, weight
from retrieval.catalog import Product


def product(pid: str, price: float, description: str = "", **attributes: object) -> Product:
    return Product(
        id=pid, title=f"Seat {pid}", price=price, description=description,
        attributes=attributes,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("description", "attributes", "grams"),
    [
        ("Installs with ISOFIX. Weight 11.8 kg. 5-point harness.", {}, 11800),
        ("Rear-facing (max 18 kg). Weight 14.5 kg.", {}, 14500),  # not the child's 18 kg
        ("Parachute nylon. Holds up to 150 kg. Weight: 650 g", {}, 650),
        ("Weighs just 2.2 lbs.", {}, 997.9),
        ("A light chair.", {"Weight (kg)": "0.89"}, 890),
        ("A light chair.", {"weight_g": 890}, 890),
        ("A watch.", {"shipping_weight": "0.3 kg"}, None),  # the parcel's, every product's
        ("A pad of paper.", {"Paper weight": "300 gsm"}, None),
        ("Max load weight 120 kg.", {}, None),
        ("Only 68 g on the wrist.", {}, None),  # no weight said as one
        # A mass said as a clause of its own is its weight; not a part's, nor a limit.
        ("Titanium case and bracelet, only 68 g, hypoallergenic.", {}, 68),
        ("800 fill down jacket, 290 g, packs into its own pocket.", {}, 290),
        ("Comes with 2 x 227 g cartridges.", {}, None),
        ("For cats and small dogs, up to 8 kg.", {}, None),
    ],
)
def test_the_weight_a_catalog_states(
    description: str, attributes: dict[str, object], grams: float | None
) -> None:
    found = weight(product("a", 10, description, **attributes))
    assert (found is None) if grams is None else found == pytest.approx(grams, rel=1e-3)


HEAVY = product("heavy", 3299, "Weight 14.5 kg.")
LIGHT = product("light", 4299, "Weight 11.8 kg.")
UNSTATED = product("unstated", 1999, "Compact.")


def test_the_one_asked_for_leads() -> None:
    assert ranked_by("snurr vs the reisa, which one is lighter?", [HEAVY, LIGHT]) == (
        [LIGHT, HEAVY],
        "weight",
    )
    assert ranked_by("which of those goes heavier", [LIGHT, HEAVY])[0] == [HEAVY, LIGHT]
    assert ranked_by("which is cheaper", [LIGHT, HEAVY]) == ([HEAVY, LIGHT], "price")
    # "cheaper and lighter": by what is asked first.
    assert ranked_by("which one is cheaper and which is lighter", [LIGHT, HEAVY])[1] == "price"
    # A weight the catalog does not state: no order by weight, nothing said of it.
    assert ranked_by("which is lighter", [UNSTATED, LIGHT]) == ([UNSTATED, LIGHT], None)


def test_a_comparison_by_weight_states_both_weights() -> None:
    text = render.compare([LIGHT, HEAVY], "which one is lighter?").text
    assert text.startswith("The Seat light (11.8 kg) is lighter than the Seat heavy (14.5 kg).")
    assert "cheaper" in text  # the prices still
    # One weight unstated: no claim which is lighter; only what each text says, quoted.
    unknown = render.compare([UNSTATED, LIGHT], "which one is lighter?").text
    assert "lighter than" not in unknown and "heavier" not in unknown, unknown
    assert 'The Seat light: "Weight 11.8 kg."' in unknown


def test_how_heavy_is_answered_with_its_stated_weight() -> None:
    chair = Product(
        id="chair", title="Lite Camp Chair", price=399.9, currency="BRL",
        description="Sit properly at camp. Packed size: 35 x 12 cm. Weight: 890 g.",
        attributes={"Weight (kg)": "0.89"},
    )  # fmt: skip
    text = render.answer(chair, "how heavy is it").text
    assert "Weight (kg): 0.89." in text or "890 g" in text, text


def test_a_comparison_by_what_no_number_states_quotes_each_text() -> None:
    # "which one is quieter": each one's own words on it, no winner the catalog does not name.
    blade = Product(
        id="blade",
        title="Moli Blade Grinder",
        price=299,
        description="Fast and simple. It is loud and the grind is uneven.",
    )
    burr = Product(
        id="burr",
        title="Graal Burr Grinder",
        price=2490,
        description="Flat burrs. One of the quietest grinders we have tested.",
    )
    text = render.compare([blade, burr], "which one is quieter? my partner sleeps in").text
    assert 'The Moli Blade Grinder: "It is loud and the grind is uneven."' in text, text
    assert 'The Graal Burr Grinder: "One of the quietest grinders we have tested."' in text
    assert "cheaper" in text


def titled(pid: str, title: str, description: str, **attributes: object) -> Product:
    return Product(
        id=pid, title=title, price=100, description=description,
        attributes=attributes,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("question", "first", "second", "said"),
    [
        (
            "which one lasts longer",
            titled("k7", "Aurevo K7", "ANC. Up to 50 hours battery, USB-C."),
            titled("boom", "Boom XL", "Splash proof, up to 12 hours playtime."),
            "The Aurevo K7 (50 hours) lasts longer than the Boom XL (12 hours).",
        ),
        (
            "ok which is warmer",
            titled("nev", "Nevasca -10", "Down fill.", **{"Comfort temperature": "-10°C"}),
            titled("ser", "Serra 5", "Comfort temperature: 5°C, limit: 0°C."),
            "The Nevasca -10 (-10 °C comfort) is warmer than the Serra 5 (5 °C comfort).",
        ),
        (
            "which one is warmer for winter",
            titled("t25", "Sleep Bag 2.5", "Merino. 2.5 tog, for 16-20 °C rooms."),
            titled("t1", "Sleep Bag 1.0", "Cotton. 1.0 tog for summer."),
            "The Sleep Bag 2.5 (2.5 tog) is warmer than the Sleep Bag 1.0 (1 tog).",
        ),
        (
            "which one is quieter",
            titled("q", "Hush 300", "Noise level: 52 dB."),
            titled("l", "Roar 500", "Powerful motor, noise level 61 dB."),
            "The Hush 300 (52 dB) is quieter than the Roar 500 (61 dB).",
        ),
    ],
)
def test_a_comparison_by_a_stated_number_names_the_winner(
    question: str, first: Product, second: Product, said: str
) -> None:
    # The winner comes first however the two were given.
    assert ranked_by(question, [second, first])[0] == [first, second]
    assert render.compare([second, first], question).text.startswith(said)


def test_lasting_longer_is_no_battery_question_where_none_is_stated() -> None:
    # Boots that "last longer": nothing the catalog states as a number, so no winner.
    boots = [
        titled("a", "Trail Boot", "Vibram sole, full-grain leather."),
        titled("b", "City Boot", "Suede upper, rubber sole."),
    ]
    assert ranked_by("which one lasts longer", boots) == (boots, None)
    assert " than the " not in render.compare(boots, "which one lasts longer").text.split(".")[0]


def test_something_short_to_read_is_the_fewest_pages_first() -> None:
    long, short = (
        Product(id=i, title=t, price=Decimal(300), description=f"Paperback, {n} pages.")
        for i, t, n in (("long", "Los jardines de Europa", 408), ("short", "Static Bloom", 296))
    )
    assert [p.id for p in shortest_first("sci fi, something not too long", [long, short])] == [
        "short",
        "long",
    ]
    assert [p.id for p in shortest_first("sci fi for my son", [long, short])] == ["long", "short"]
    # One that does not say: as they were.
    unsaid = Product(id="unsaid", title="Sakura Courier", price=Decimal(200))
    assert [p.id for p in shortest_first("a short read", [long, unsaid])] == ["long", "unsaid"]
