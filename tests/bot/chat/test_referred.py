"""Which of the products just shown a follow-up points at: "how much is the big one?"."""

from decimal import Decimal

from bot.chat.retrieve import _titled_alone, named_in, referred, shown_before, sibling
from retrieval.catalog import Product, Variant
from retrieval.hybrid import CatalogView


def product(id: str, title: str, price: str, description: str = "") -> Product:
    return Product(id=id, title=title, price=Decimal(price), category="Garden",
                   description=description)  # fmt: skip


SLIM = product("slim", "Slimline Rain Barrel 120 L", "89.00")
BIG = product("big", "Rain Barrel with Tap 200 L", "129.00")
CORDED = product("corded", "Kestrel Corded String Trimmer", "89.00")
CORDLESS = product("cordless", "Voltra 20V String Trimmer", "149.00", "Cordless, battery powered.")


def test_the_big_and_the_small_one_by_the_sizes_their_titles_state() -> None:
    assert referred([SLIM, BIG], "ok how much is the big one") is BIG
    assert referred([BIG, SLIM], "and the smaller one?") is SLIM


def test_the_big_bag_by_its_weight_in_any_unit_and_the_first_one_by_its_place() -> None:
    kilo = product("kilo", "Husets Blend – Whole Bean 1 kg", "419")
    half = product("half", "Husets Blend – Whole Bean 500 g", "229")
    small = product("small", "Decaf Peru – Whole Bean 250 g", "165")
    assert referred([small, half, kilo], "how much is the big bag") is kilo  # 1 kg > 500 g
    assert referred([kilo, half, small], "the smallest one?") is small
    assert referred([half, kilo], "the first one, is it still on sale?") is half
    assert referred([half, kilo, small], "is the second one in stock") is kilo
    assert referred([half, kilo, small], "and the last option") is small
    assert referred([half, kilo], "is this the first time you have it?") is None  # no place


def test_the_cheaper_and_the_pricier_one_by_price() -> None:
    assert referred([CORDLESS, CORDED], "how much is the cheaper one?") is CORDED
    assert referred([CORDED, CORDLESS], "is the more expensive one in stock") is CORDLESS


def test_a_word_only_one_of_them_has_picks_it_from_the_title_or_the_description() -> None:
    assert referred([CORDED, CORDLESS], "what's the price of the cordless one") is CORDLESS
    assert referred([CORDLESS, CORDED], "and the kestrel one?") is CORDED


def test_the_words_of_one_title_pick_it_without_a_pointer() -> None:
    dog = product("dog", "Meadowlark Pull-Along Wooden Dog", "18.50")
    walker = product("walker", "Tumbletot Wooden Baby Walker", "49.99")
    sorter = product("sorter", "Tumbletot Wooden Shape Sorter Cube", "15.99")
    shown = [walker, dog, sorter]
    assert referred(shown, "is the wooden dog in stock and how much") is dog
    assert referred(shown, "does the shape sorter come with blocks?") is sorter
    assert referred(shown, "are the wooden ones painted?") is None  # all three are wooden
    assert referred(shown, "tumbletot ones in stock?") is None  # two are tumbletot


def test_no_pointer_or_one_that_fits_all_or_none_keeps_the_order() -> None:
    shown = [CORDLESS, CORDED]
    assert referred(shown, "how much is it?") is None
    assert referred(shown, "the string trimmer one") is None  # both are
    assert referred(shown, "the red one") is None  # neither is
    assert referred([CORDED], "the cordless one") is None  # nothing to choose from


def test_sizes_given_as_dimensions_compare_by_area() -> None:
    square = product("square", "All-Season Duvet 200x200 cm", "79.00")
    long = product("long", "Duvet Cover Set 155x220 cm", "59.00")
    assert referred([long, square], "the bigger one - how much is it exactly?") is square


def test_a_budget_without_a_kind_shows_what_it_buys_a_few_kinds_dearest_first() -> None:
    from types import SimpleNamespace

    from bot.chat.retrieve import within_budget
    from retrieval.hybrid import Filters

    items = [
        product("a", "Sponge", "9.00"), product("b", "Lip Balm", "8.00"),
        product("c", "Serum", "28.00"), product("d", "Cream", "30.00"),
    ]  # fmt: skip
    items[1] = items[1].model_copy(update={"category": "Lips"})
    view = SimpleNamespace(products={p.id: p for p in items})
    shown = within_budget(view, Filters(max_price=Decimal(10)), 4)  # type: ignore[arg-type]
    assert [p.id for p in shown] == ["a", "b"]  # nothing over 10, each kind once first
    shown = within_budget(view, Filters(max_price=Decimal(30)), 2)  # type: ignore[arg-type]
    assert [p.id for p in shown] == ["d", "b"]


def test_on_sale_passes_a_product_or_a_variant_below_its_regular_price() -> None:
    from retrieval.catalog import Variant
    from retrieval.hybrid import Filters

    sale = product("s", "Fire Station", "22.99")
    sale = sale.model_copy(update={"regular_price": Decimal("29.99")})
    full = product("f", "Castle", "40.00")
    one = full.model_copy(update={"id": "v", "variants": (
        Variant(id="v1", price=Decimal("40.00")),
        Variant(id="v2", price=Decimal("30.00"), regular_price=Decimal("35.00")),
    )})  # fmt: skip
    assert [p.id for p in (sale, full, one) if Filters(on_sale=True).passes(p)] == ["s", "v"]
    assert Filters(on_sale=True).without_price().on_sale


def test_the_single_one_and_the_pack_by_whether_the_title_sells_several() -> None:
    single = product("one", "Klarhaus Plug Mini Wi-Fi Smart Plug", "14.90")
    four = product("four", "Klarhaus Plug Mini Wi-Fi Smart Plug 4-Pack", "49.90")
    bulbs = product("bulbs", "Mixed Tulip Bulbs (25 pack)", "21.90")
    assert referred([four, single], "how much is the single one?") is single
    assert referred([single, four], "and the multipack one, in stock?") is four
    assert referred([four, bulbs], "the single one") is None  # both sell several


def test_a_hyphened_title_word_is_also_its_parts() -> None:
    dog = product("dog", "Meadowlark Pull-Along Wooden Dog", "18.50")
    peg = product("peg", "Puzzlepine Wooden Peg Puzzle - Farm Animals", "12.99")
    assert referred([peg, dog], "price of the one u pull along on a string?") is dog


def test_without_sizes_to_compare_the_one_sold_in_the_size_named_is_picked() -> None:
    # A bunny sold in Small and Large beside a cloth book of one size: "the bigger one" is the
    # bunny (its large size), and so is "the smaller one"; two sold in sizes pick neither.
    sizes = (
        Variant(id="bunny-s", options={"Size": "Small (20 cm)"}, price=Decimal("9.99")),
        Variant(id="bunny-l", options={"Size": "Large (40 cm)"}, price=Decimal("19.99")),
    )
    bunny = product("bunny", "Pocket Pals Bunny Plush", "9.99").model_copy(
        update={"variants": sizes}
    )
    book = product("book", "Tumbletot Soft Sensory Cloth Book", "12.00")
    assert referred([book, bunny], "how much is the bigger one") is bunny
    assert referred([bunny, book], "and the small one?") is bunny
    # A title that names its size counts too.
    family = product("family", "Family Dome Tent", "199.00")
    dome = product("dome", "Dome Tent", "99.00")
    assert referred([dome, family], "the bigger one, in stock?") is family
    other = bunny.model_copy(update={"id": "bear", "title": "Pocket Pals Bear Plush"})
    assert referred([bunny, other], "how much is the bigger one") is None


def test_a_comparison_finds_each_side_by_a_word_only_one_title_has() -> None:
    # "the robot" and "the castle" are words of a kind, not names; each is in one title only.
    robot = product("robot", "Cogwise Code-a-Bot Robot Kit", "59.99")
    castle = product("castle", "BrickNest Knight's Castle", "44.99")
    farm = product("farm", "BrickNest Junior Big Bricks Farm", "24.99")
    kite = product("kite", "Skyward Rainbow Delta Kite", "12.99")
    view = CatalogView({p.id: p for p in (robot, castle, farm, kite)})
    text = "which is better out of the robot and the castle? he's really into tech and gadgets"
    assert named_in(view, text)[:2] == [robot, castle]
    # A word two titles share picks neither: "bricknest" is not one product.
    assert _titled_alone(view, "the bricknest") == []
    assert _titled_alone(view, "the bricknest farm") == [farm]


def test_the_one_by_a_word_no_shown_title_has_is_its_sibling_in_the_catalog() -> None:
    # After the K2 stonewash jeans: "what about the rinse one" is the K2 rinse, not stonewash.
    stone = product("stone", "Indigo Kanaal K2 Straight Jeans – Organic Denim, Stonewash", "119")
    rinse = product("rinse", "Indigo Kanaal K2 Straight Jeans – Organic Denim, Rinse Wash", "119")
    other = product("other", "Kustwerk Rinse Wash Chino", "79")
    slim = product("slim", "Indigo Kanaal K1 Slim Jeans – Raw", "159")
    view = CatalogView({p.id: p for p in (stone, rinse, other, slim)})
    text = "damn. what about the rinse one in that size, and how much is that one"
    assert sibling(view, [stone], text) is rinse
    # A word a shown title has, or none sharing enough of its title: no sibling.
    assert sibling(view, [stone], "is the stonewash one in stock") is None
    assert sibling(view, [slim], "and the chino one?") is None


def test_the_one_of_a_size_no_shown_title_states_is_its_sibling() -> None:
    # After the 50 g sencha: "and the 100g one, how much" is the 100 g pack of it.
    small = product("s50", "Sencha Fukamushi loose leaf green tea 50 g", "189")
    large = product("s100", "Sencha Fukamushi loose leaf green tea 100 g", "339")
    other = product("gun", "Gunpowder green tea 100 g", "129")
    drill = product("d12", "Volterra V12 Drill Driver Kit", "1199")
    drill18 = product("d18", "Volterra V18 Brushless Drill Driver 18V", "1499")
    view = CatalogView({p.id: p for p in (small, large, other, drill, drill18)})
    assert sibling(view, [small], "and the 100g one, how much") is large
    assert sibling(view, [small], "is the 50 g one in stock") is None  # the one shown
    assert sibling(view, [drill], "the 18v one?") is drill18
    # A word no shown title has, in the one title of the kind shown: "the krafti one" after the
    # Volterra batteries, though it shares no other word with them.
    volterra = product("vb", "Volterra V18 5.0 Ah Battery", "799")
    krafti = product("kb", "Krafti KX18 18V Li-ion Battery", "349")
    saw = product("ks", "Krafti KX18 Circular Saw 165 mm", "999")
    tools = CatalogView({p.id: p for p in (volterra, krafti, saw)})
    assert sibling(tools, [volterra], "the krafti 18v one, 4ah. price?") is krafti


def test_the_one_sold_in_the_options_named() -> None:
    # "do u have navy in L" after two pairs of shorts: the one sold in navy and L.
    def shorts(id: str, colours: list[str]) -> Product:
        variants = [
            Variant(id=f"{id}-{c}-{s}", options={"Color": c, "Size": s}, price=Decimal("54.99"))
            for c in colours
            for s in ("S", "M", "L")
        ]
        return Product(id=id, title=f"{id.title()} Running Short", price=Decimal("54.99"),
                       category="Running", variants=variants)  # fmt: skip

    lined, split = shorts("lined", ["Black", "Navy"]), shorts("split", ["Black", "Red"])
    assert referred([split, lined], "do u have navy in L") is lined
    assert referred([lined, split], "any in red?") is split
    assert referred([lined, split], "in L?") is None  # both are sold in L
    assert referred([lined, split], "in l?") is None  # a lower-case letter names no size


def test_a_weight_by_its_number_names_the_variant() -> None:
    weights = [Variant(id=w, options={"Size": f"{w} lb"}, price=Decimal(w)) for w in ("20", "25")]
    assert [v.named_in("and the 25s?") for v in weights] == [0, 1]
    assert [v.named_in("the 20lb ones") for v in weights] == [1, 0]
    assert [v.named_in("anything under 25") for v in weights] == [0, 0]  # a budget
    assert [v.named_in("the 125s") for v in weights] == [0, 0]
    # A whole number written with its decimals: "4ah" names "4.0 Ah", not "4.5 Ah".
    packs = [
        Variant(id=c, options={"Capacity": f"{c} Ah"}, price=Decimal(1)) for c in ("4.0", "4.5")
    ]
    assert [v.named_in("the krafti 18v one, 4ah. price?") for v in packs] == [1, 0]


def test_the_one_of_a_colour_is_the_one_sold_in_it_before_words_another_title_has() -> None:
    lera = Product(id="lera", title="Lera Stoneware Mug 350 ml", price=Decimal("189"),
                   category="Mugs", variants=[
                       Variant(id=f"lera-{c}", options={"Colour": c}, price=Decimal("189"))
                       for c in ("Green", "Sand")])  # fmt: skip
    termo = Product(id="termo", title="Termo Microwave Safe Mug 350 ml", price=Decimal("249"),
                    category="Mugs")  # fmt: skip
    assert referred([termo, lera], "is the green coloured one microwave safe") is lera


def test_the_green_coloured_one_is_the_one_whose_text_says_green() -> None:
    mug = product("mug", "Lera Stoneware Mug 350 ml", "199", "Glazed in deep moss green.")
    travel = product("travel", "Termo Vacuum Travel Mug 350 ml", "279", "Stainless, black.")
    assert referred([travel, mug], "is the green coloured one microwave safe") is mug
    assert referred([mug, travel], "and the black colour one?") is travel


def test_the_one_no_product_just_shown_has_the_words_of_is_one_shown_before() -> None:
    ground = product("ground", "Mörkrost Espresso Blend – Ground for Espresso 250 g", "139")
    beans = product("beans", "Mörkrost Espresso Blend – Whole Bean 250 g", "149")
    blade = product("blade", "Moli Electric Blade Grinder", "299", "Grinds 70 g of beans.")
    hand = product("hand", "Mulino Hand Grinder", "590", "Its drawer holds 30 g of ground coffee.")
    before, shown = [beans, ground], [blade, hand]
    # "pre" is in no title; "ground" in one shown before, and not both in any shown now.
    assert shown_before(before, shown, "ok the pre ground one. is it in stock") is ground
    assert shown_before(before, shown, "is the whole bean one in stock") is beans
    # What one just shown has, or a size or a price, is of those just shown.
    assert shown_before(before, shown, "the electric one, how loud is it") is None
    assert shown_before(before, shown, "the cheaper one?") is None


def test_the_smaller_one_by_a_measure_all_their_texts_state_when_no_title_has_one() -> None:
    big = product("big", "Volta PowerCore 20000 Power Bank", "99", "20,000 mAh. Weighs 360 g.")
    small = product("small", "Volta MagCore 10000 Power Bank", "89", "10,000 mAh. Weighs 230 g.")
    assert referred([big, small], "does the smaller one do wireless charging?") is small
    assert referred([small, big], "and the bigger one?") is big
    unsaid = product("unsaid", "Volta MagCore 10000 Power Bank", "89", "Snaps on.")
    assert referred([big, unsaid], "the smaller one?") is None  # one text states no measure


def test_the_one_by_a_word_alone_as_a_choice_is_its_sibling_too() -> None:
    reverb = product("reverb", "Orbit Cathedral Reverb Pedal", "249")
    delay = product("delay", "Orbit Echo Digital Delay Pedal", "229")
    drive = product("drive", "Fuzzwick Green Mile Overdrive Pedal", "159")
    view = CatalogView({p.id: p for p in (reverb, delay, drive)})
    assert sibling(view, [reverb], "ok the delay then. does it need batteries?") is delay
    assert sibling(view, [reverb], "fine, the delay.") is delay
    # Not a word inside a question about the one shown.
    assert sibling(view, [reverb], "is the delay on it adjustable?") is None


def test_a_follow_up_points_by_its_own_words_among_those_of_the_kind_asked() -> None:
    women = product("women", "Stapfer Chelsea Boot Women, Black Leather", "189")
    men = product("men", "Stapfer Chelsea Boot Men, Brown Suede", "199")
    hiker = product("hiker", "Stapfer Bergsteig Waterproof Boot Men", "229")
    shown = [women, men, hiker]
    text = "chelsea boots? the mens ones, can i wear them in the rain"
    own = "the mens ones, can i wear them in the rain"
    # "men" is in two titles; of the chelsea boots asked for, one.
    assert referred(shown, own) is None
    assert referred(shown, text, own=own, topic="chelsea boots?") is men
    # "it", with nothing of its own picked, is the first shown when of the kind asked, not the
    # one whose title has more of the request's other words.
    gan = product("gan", "Volta 65W GaN 3-Port Charger", "89")
    wall = product("wall", "Volta 20W USB-C Wall Charger", "29")
    topic, own = "need a usb c charger for my laptop", "can it charge my phone at the same time"
    assert referred([gan, wall], f"{topic} {own}") is wall  # by the request's words
    assert referred([gan, wall], f"{topic} {own}", own=own, topic=topic) is None
    shelf = product("shelf", "Lotta Bookshelf, Oak", "349")
    board = product("board", "Lago Sideboard, Walnut", "899")
    topic = "bookshelf pls, i have like 400 books lol"
    own = "does it have to be screwed to the wall?"
    assert referred([shelf, board], f"{topic} {own}", own=own, topic=topic) is shelf


def test_with_no_kind_in_the_request_its_words_and_the_message_pick_together() -> None:
    assist = product("assist", 'Tensio 41" Power Band Pull-Up Assist', "24.99")
    tubes = product("tubes", "Tensio 11-Piece Tube Resistance Band Set up to 150 lb", "44.99")
    loops = product("loops", "Flexloop Fabric Booty Bands Set of 3", "29.99")
    topic = "trying to get my first ever pull up lol, my trainer said get a band to help"
    own = "im about 180 lbs which one should i get"
    shown = [tubes, assist, loops]
    assert referred(shown, f"{topic} {own}", own=own, topic=topic) is assist


def test_a_bare_word_beside_a_kind_is_one_of_that_kind() -> None:
    # "soprano or concert uke": the soprano ukulele, not the strings whose title says soprano.
    def item(id: str, title: str, price: str, category: str) -> Product:
        return Product(id=id, title=title, price=Decimal(price), category=category)

    strings = item("str", "Silverline Ukulele Strings GCEA - Soprano/Concert", "12.90", "Strings")
    soprano = item("sop", "Kowhai Soprano Ukulele - Natural", "89.00", "Ukuleles")
    concert = item("con", "Kowhai Concert Ukulele - Solid Spruce Top", "189.00", "Ukuleles")
    tenor = item("ten", "Kowhai Tenor Acoustic-Electric Ukulele", "259.00", "Ukuleles")
    view = CatalogView({p.id: p for p in (strings, soprano, concert, tenor)})
    text = "soprano or concert uke for an adult with big hands? looking at the kowhai ones"
    assert named_in(view, text)[:2] == [soprano, concert]
    # Whichever side the bare word is on.
    text = "the kowhai concert uke or soprano, which is easier to play?"
    assert named_in(view, text)[:2] == [concert, soprano]


def test_the_messages_own_pointer_before_those_of_the_request_it_follows() -> None:
    gold = Product(id="ag", title="Aranyag Tennis Bracelet 14k White Gold", price=689000)
    silver = Product(id="hf", title="Holdfeny Tennis Bracelet Sterling Silver", price=24990)
    topic = "whats the difference between the silver tennis bracelet and the gold one"
    own = "lol ok the silver one. is it in stock"
    picked = referred([gold, silver], f"{topic} {own}", own=own, topic=topic)
    assert picked is silver
    own = "fine, the gold one then"
    assert referred([gold, silver], f"{topic} {own}", own=own, topic=topic) is gold


# Three watches whose descriptions say what each can take; two speak of showering.
SPLASH = product(
    "splash", "Libella 26 mm Women's Watch", "299.00",
    "Water resistant 3 ATM, splash resistant only.",
)  # fmt: skip
SHOWER = product(
    "shower", "Csillag 34 mm Women's Watch", "469.00",
    "Water resistant 5 ATM: fine for showering and hand washing, not for swimming.",
)  # fmt: skip
NOT_SHOWER = product(
    "not-shower", "Rozsa 28 mm Women's Watch", "399.00",
    "Water resistant 3 ATM: splash resistant only, not for showering or swimming.",
)  # fmt: skip


def test_which_of_those_is_the_one_whose_description_says_it_in_any_form() -> None:
    watches = [SPLASH, SHOWER, NOT_SHOWER]
    # "shower" is said "showering"; the one that is "not for showering" does not say it.
    assert referred(watches, "which of those can she shower with") is SHOWER
    assert referred(watches, "which one can i go swimming with") is None  # none says so
    # As a follow-up, the message's own words pick among those of the kind asked for.
    assert (
        referred(
            watches,
            "womens watch which of those can she shower with",
            own="which of those can she shower with",
            topic="womens watch",
        )  # fmt: skip
        is SHOWER
    )
    # Without a question's "which" the words do not pick by description: "can she shower with
    # it" is about the one shown first, as before, and so is a "which" that only goes on about
    # something else ("my z-70 which is full frame").
    assert referred(watches, "can she shower with it") is None
    assert (
        referred(watches, "is it ok for my daughter, she has a pool which she showers at") is None
    )


def test_which_does_not_pick_by_words_it_denies_compares_or_that_the_request_before_said() -> None:
    torch = product("torch", "Trail Torch", "19.00", "Runs on 3 AAA batteries.")
    lamp = product("lamp", "Trail Headlamp", "29.00", "A built-in red light. USB-C rechargeable.")
    shown = [torch, lamp]
    assert referred(shown, "which one is rechargeable?") is lamp
    # Denied or compared, the words say nothing of which: "lighter" is no "red light".
    assert referred(shown, "which one doesn't need batteries") is None
    assert referred(shown, "which one is not rechargeable") is None
    assert referred(shown, "which one is lighter?") is None
    # The request before asked "which"; the message itself does not.
    assert (
        referred(
            shown,
            "which is best for batteries ok and delivery time?",
            own="ok and delivery time?",
            topic="which is best for batteries",
        )  # fmt: skip
        is None
    )
