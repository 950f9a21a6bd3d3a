"""Sizes a request asks for, and whether a product states one that meets it."""

from decimal import Decimal

from retrieval.catalog import Product, Variant
from retrieval.measures import asked_sizes, bears, borne, exceeded, limits, measured, meets


def product(title: str, description: str = "", sizes: tuple[str, ...] = ()) -> Product:
    variants = tuple(
        Variant(id=f"v{i}", price=Decimal("10"), options={"Size": s}) for i, s in enumerate(sizes)
    )
    return Product(id="p", title=title, price=Decimal("10"), description=description,
                   variants=variants)  # fmt: skip


def test_a_size_is_a_number_and_a_unit_and_how_it_is_asked() -> None:
    [tv] = asked_sizes("need a massive tv, 85 inch or bigger")
    assert (tv.kind, tv.how, round(tv.low, 1)) == ("length", "at least", 215.9)
    [pan] = asked_sizes("non stick frying pan 28cm?")
    assert (pan.kind, pan.how, pan.low) == ("length", "about", 28.0)
    [bells] = asked_sizes("kettlebell, 16 or 20 kg")
    assert (bells.how, bells.low, bells.high) == ("either", 16000.0, 20000.0)
    [bank] = asked_sizes("10,000mah power bank")
    assert (bank.kind, bank.low) == ("charge", 10000.0)
    assert asked_sizes("under 10kg please")[0].how == "at most"
    assert asked_sizes("anything bigger than 27 inch?")[0].how == "at least"
    assert asked_sizes("a 65in tv")[0].said == "65in"
    assert asked_sizes("tent for 2 people")[0].kind == "people"
    # Words that end in one: "thunder" is not "under", "clover" not "over".
    assert asked_sizes("the thunder 5 kg")[0].how == "about"
    assert asked_sizes("the clover 20 cm pan")[0].how == "about"
    assert asked_sizes("tripod 5kg atleast")[0].how == "at least"
    # Asking for one, not having one: "for a" after looking.
    assert asked_sizes("hi, looking for a 50mm lens")[0].said == "50mm"


def test_a_depth_to_dive_to_is_at_least_that_deep() -> None:
    [depth] = asked_sizes(
        "going for scuba diving next month, around 40m deep. what should i buy to shoot video"
    )
    assert (depth.how, depth.said) == ("at least", "40m")
    housing = product("Rovix Dive Housing, 60 m", "Protective dive housing rated to 60 m.")
    camera = product("Rovix X9 Action Camera", "Waterproof to 10 m without a housing.")
    assert meets(housing, depth) is True and meets(camera, depth) is False
    # A depth of no dive is a size: a pot "20cm deep".
    assert asked_sizes("a stock pot 20cm deep")[0].how == "about"


def test_what_a_product_must_fit_or_hold_is_at_least_its_size() -> None:
    [laptop] = asked_sizes("need a backpack that fits my 16 inch macbook and 2 bodies")
    assert (laptop.how, round(laptop.low, 2)) == ("at least", 40.64)
    assert asked_sizes("it should fit a 15 inch laptop too")[0].how == "at least"
    assert asked_sizes("tripod that holds 5kg")[0].how == "at least"
    sleeve = product("Trekker 20L Backpack", "A sleeve for laptops up to 15 inches.")
    assert meets(sleeve, laptop) is False
    assert meets(product("Trekker 30L Backpack", "Laptop size: 16-inch"), laptop) is True
    # Not a size of what the shopper has: a range it must take stays one.
    assert asked_sizes("a mount that fits 32-55 inch tvs")[0].how == "between"


def test_what_is_no_size_asked_for() -> None:
    for text in (
        "looking for a soundbar for my 55 inch tv",  # what the shopper has
        "a case for a 13 inch laptop",
        "do you have 3 in stock",
        "3-in-1 charger",
        "2 in 1 stroller",
        "hdmi 2.1 cable under 50",  # no unit; a budget is no size
    ):
        assert asked_sizes(text) == [], text


def test_a_product_meets_a_size_its_title_options_or_text_state() -> None:
    [size] = asked_sizes("85 inch or bigger")
    assert meets(product('Lumaro U6 65" 4K TV', "Comes with a 2.5 m HDMI cable."), size) is False
    assert meets(product('Nordlight 86" 4K TV'), size) is True
    assert meets(product("Nordlight Q7 QLED TV"), size) is None  # states none: neither
    [pound] = asked_sizes("20lb hex dumbbells")
    assert meets(product("Hex Dumbbell", sizes=("5 lb", "10 lb", "20 lb")), pound) is True
    assert meets(product("Dial Dumbbell 5-52.5 lb"), pound) is True  # within its range
    assert meets(product("Neoprene Dumbbell", sizes=("2 lb", "3 lb")), pound) is False
    [lens] = asked_sizes("a 50mm lens")
    zoom = product("Lumora 18-50mm f/2.8 Zoom Lens")
    assert meets(zoom, lens) is True and meets(zoom, lens, exactly=True) is False
    assert meets(product("Veltra 50mm f/1.8 Prime Lens"), lens, exactly=True) is True
    [metric] = asked_sizes("a 9 kg dumbbell")
    assert meets(product("Hex Dumbbell", sizes=("20 lb",)), metric) is True  # 9.07 kg


def test_a_count_that_makes_another_kind_is_a_size() -> None:
    [cups] = asked_sizes("hi! looking for an IH rice cooker, 5.5 cups")
    assert (cups.kind, cups.low) == ("cups", 5.5)
    [keys] = asked_sizes("need a full size 88 key weighted digital piano")
    assert (keys.kind, keys.low) == ("keys", 88)
    [strings] = asked_sizes("looking for a 12 string acoustic")
    assert (strings.kind, strings.low) == ("strings", 12)
    cooker = product("Hinata IH Pressure Rice Cooker 5.5 Cup")
    assert meets(cooker, cups) is True
    assert meets(product("Hinata IH Rice Cooker 10 Cup"), cups) is False
    # A count with words between, as a description writes it.
    piano = product("Beginner Keyboard", "61 full-size touch-sensitive keys (not weighted).")
    assert meets(piano, keys) is False
    assert meets(product("Stage Piano", "88 fully weighted hammer-action keys."), keys) is True
    assert meets(product("Dreadnought Acoustic Guitar"), strings) is None  # states none
    spare = product("Dreadnought Acoustic Guitar", "Comes with 2 spare sets of strings.")
    assert meets(spare, strings) is None


def test_two_dimensions_are_one_size_in_either_order() -> None:
    [bed] = asked_sizes("I need matress 160x200, not more than 1000 francs")
    assert (bed.kind, bed.how) == ("dimensions", "both")
    assert meets(product("Aura Pocket Spring Mattress, Medium, 160 x 200 cm"), bed) is True
    assert meets(product("Cirrus Latex Mattress, 200x160"), bed) is True
    assert meets(product("Cirrus Natural Latex Mattress, Soft, 140 x 200 cm"), bed) is False
    assert meets(product("Cirrus Natural Latex Mattress"), bed) is None
    # With its unit said, in any unit; "3 m" of it is no length of its own.
    [rug] = asked_sizes("a 2 x 3 m rug")
    assert meets(product("Berber Rug 200 x 300 cm"), rug) is True
    assert meets(product("Berber Rug 160 x 230 cm"), rug) is False
    assert asked_sizes("sheets for my 140x200 bed") == []  # the shopper's own bed


def test_counts_in_words_and_fraction_sizes() -> None:
    (size,) = asked_sizes("need strings for my reaper 7, the seven string one")
    assert (size.kind, size.low) == ("strings", 7.0)
    (size,) = asked_sizes("looking for a twelve-string acoustic")
    assert (size.kind, size.low) == ("strings", 12.0)
    (size,) = asked_sizes("1/4 size guitar for my 3 year old?")
    assert (size.kind, size.low) == ("fraction", 0.25)
    assert asked_sizes("a guitar for my 3 year old, one of those 1/2 price deals") == []
    assert measured("Valence Reaper 7 Seven-String Electric Guitar")["strings"][0].low == 7.0
    assert measured("Costa Verde CV-34 Classical Guitar 3/4")["fraction"][0].low == 0.75
    # A fraction of an inch is a length, not a size of instrument, nor 4 inches.
    assert measured('cable with 1/4" jacks, a 1/4-inch thread, a 1/2.3" sensor') == {}


def test_paper_sizes_by_their_iso_number() -> None:
    [a3] = asked_sizes("sketch pad A3")
    assert (a3.kind, a3.low) == ("paper", 3.0)
    assert asked_sizes("a5 notebook, dotted")[0].low == 5.0
    assert meets(product("Spiral Sketch Pad A3, 120 gsm"), a3) is True
    assert meets(product("My First Sketch Pad", "50 sheets, A4, glued at the top."), a3) is False
    assert meets(product("Charcoal Sticks, 12"), a3) is None
    # Not a camera's name nor a model number: "a7 iii", "A20", "a4-size"'s neighbours.
    assert asked_sizes("sony a7 iii body") == []
    assert asked_sizes("galaxy a20 case") == []
    assert measured("Speed class: U3, V30, A2")["paper"][0].low == 2.0


def test_a_books_length_is_its_pages() -> None:
    [length] = asked_sizes("a thriller under 300 pages")
    assert (length.kind, length.how, length.high) == ("pages", "at most", 300.0)
    assert meets(product("Static Bloom", "English edition, paperback, 296 pages."), length)
    assert not meets(product("Ciudad de ceniza", "Tapa dura, 624 páginas."), length)


def test_a_weight_or_girth_of_whom_it_is_for_is_borne_not_a_size_of_the_thing() -> None:
    said = {
        "carrier for my 10kg dog": [("weight", 10000.0)],
        "lead for a 30kg dog": [("weight", 30000.0)],
        "bed for a big dog, like 40kg": [("weight", 40000.0)],
        "harness that stops my dog pulling, chest is 60cm": [("length", 60.0)],
        "ulla desk chair max weight? im 105kg": [("weight", 105000.0)],
        "a 5kg bag of dog food for my 30kg lab": [("weight", 30000.0)],
        # The thing's own weight or size: nobody's.
        "a 2kg bag of coffee": [],
        "dumbbells 10kg": [],
        "kettlebell around 16kg": [],
        "a 60cm dog bed": [],
    }
    for text, expected in said.items():
        assert [(s.kind, s.low) for s in borne(text)] == expected, text


def test_the_limits_a_text_states_are_read_and_a_weight_is_within_them_or_not() -> None:
    assert limits("Carrier for cats and small dogs up to 8kg.") == {"weight": [(0.0, 8000.0)]}
    assert limits("Kills fleas on cats over 1kg.") == {"weight": [(1000.0, float("inf"))]}
    assert limits("Padded harness. Fits chest 55-75cm.") == {"length": [(55.0, 75.0)]}
    assert limits("Max load 120 kg") == {"weight": [(0.0, 120000.0)]}
    # What the thing itself weighs or measures is no limit.
    assert limits("Weight 2.0 kg without battery. Round bed, 60cm diameter.") == {}
    carrier = Product(id="c", title="Cat Carrier", price=Decimal(27), description=(
        "Plastic pet carrier, suitable for cats and small dogs up to 8kg."))  # fmt: skip
    mat = Product(id="m", title="Pet Mat", price=Decimal(9), description="A washable mat.")
    assert bears(carrier, borne("carrier for my 10kg dog")) is False
    assert exceeded(carrier, borne("carrier for my 10kg dog")) == "8kg"
    assert bears(carrier, borne("carrier for my 6kg cat")) is True
    assert exceeded(carrier, borne("carrier for my 6kg cat")) is None
    assert bears(mat, borne("mat for my 10kg dog")) is None
