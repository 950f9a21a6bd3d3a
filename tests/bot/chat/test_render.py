from decimal import Decimal

from bot.chat import render
from bot.chat.policy import Decision
from bot.chat.profile import ShopperProfile
from retrieval.catalog import Product


def product(id_: str, title: str, price: str, **extra: object) -> Product:
    return Product.model_validate({"id": id_, "title": title, "price": price, **extra})


CHEAP = product("a", "Halvard Rain Jacket", "95.00", category="Jackets")
DEAR = product("b", "Nordhaven Drizzle Jacket", "154.99", category="Jackets", in_stock=False)


def test_compare_states_the_true_cheaper_product_and_the_difference() -> None:
    text = render.compare([DEAR, CHEAP]).text
    assert text.startswith(
        "The Halvard Rain Jacket ($95.00) is $59.99 cheaper than the Nordhaven Drizzle Jacket "
        "($154.99)."
    )
    assert "The Nordhaven Drizzle Jacket is currently out of stock." in text


def test_recommend_gives_the_budget_as_the_reason() -> None:
    profile = ShopperProfile(max_price=Decimal(100))
    rendered = render.recommend([CHEAP], profile)
    assert rendered.text == (
        "The Halvard Rain Jacket ($95.00, in stock) is the best match, within your budget "
        "(up to $100.00)."
    )
    assert rendered.lead == "suggest some jackets"


def test_recommend_gives_the_ages_the_catalog_states_for_the_age_the_shopper_gave() -> None:
    kite = product("k", "Delta Kite", "12.99", description="A stunt kite. Ages 6+.")
    profile = ShopperProfile(max_price=Decimal(20), age_months=7 * 12)
    assert render.recommend([kite], profile).text.startswith(
        "The Delta Kite ($12.99, in stock) is the best match, within your budget (up to $20.00)"
        " and for ages 6+."
    )
    bunny = product("p", "Bunny Plush", "9.99", description="Soft and safe from birth.")
    said = render.recommend([bunny], ShopperProfile(age_months=10)).text
    assert said.startswith(
        "The Bunny Plush ($9.99, in stock) is the best match, suitable from birth."
    )
    # No age given: no age said.
    assert "ages" not in render.recommend([kite], ShopperProfile()).text


def test_recommend_asks_for_a_budget_when_none_was_given() -> None:
    assert render.recommend([CHEAP], ShopperProfile()).text.endswith(
        "What budget do you have in mind?"
    )


def test_answer_quotes_price_stock_and_the_asked_attribute() -> None:
    jacket = product("c", "Tarn Shell", "120.00", attributes={"weight_g": 310})
    assert render.answer(jacket, "how heavy is it, what weight?").text == (
        "The Tarn Shell is $120.00 and in stock. Weight g: 310."
    )


def test_answer_uses_the_catalog_currency() -> None:
    mug = product("m", "Enamel Mug", "12.50", currency="CHF")
    assert render.answer(mug, "how much?").text.startswith("The Enamel Mug is 12.50 CHF")
    # Yen and won have no cents: a whole amount is written whole.
    knife = product("k", "Gyuto Knife", "18800", currency="JPY")
    assert render.answer(knife, "how much?").text.startswith("The Gyuto Knife is ¥18,800 ")
    pan = product("p", "Wok", "45000", currency="KRW", regular_price="52000")
    assert "45,000 KRW" in render.recommend([pan], ShopperProfile()).text


SHIRT = product(
    "shirt", "Harbor Linen Shirt", "49.00", price_max="55.00", regular_price="65.00",
    variants=[
        {"id": "S-B", "options": {"Size": "S", "Color": "Blue"}, "price": "49.00",
         "regular_price": "65.00", "in_stock": True},
        {"id": "M-B", "options": {"Size": "M", "Color": "Blue"}, "price": "49.00",
         "regular_price": "65.00", "in_stock": False},
        {"id": "L-W", "options": {"Size": "L", "Color": "White"}, "price": "55.00"},
    ],
)  # fmt: skip


def test_a_product_with_variants_is_listed_from_its_lowest_price_and_its_sale() -> None:
    assert render.listing(SHIRT) == (
        "the Harbor Linen Shirt (from $49.00, down from $65.00, in stock)"
    )


def test_an_answer_about_a_named_variant_gives_its_own_price_and_stock() -> None:
    assert (
        "M / Blue: $49.00, down from $65.00, out of stock."
        in render.answer(SHIRT, "Do you have the Harbor shirt in M?").text
    )
    assert "L / White: $55.00, in stock." in render.answer(SHIRT, "is it in white?").text
    # a lone lowercase "m" or "s" is a word, not a size
    assert (
        "Size: S, M, L. Color: Blue, White. Out of stock: M / Blue."
        in render.answer(SHIRT, "what sizes does it come in? i'm a medium").text
    )


def test_a_question_naming_no_variant_answers_of_the_one_its_request_named() -> None:
    # "blue linen shirt in L", then "how much": the white L's price, not "from $49.00" alone.
    said = render.answer(SHIRT, "how much", chosen="linen shirt in white").text
    assert "L / White: $55.00, in stock." in said, said
    # What the question itself names, or asks to see, comes first.
    assert "M / Blue" in render.answer(SHIRT, "and in M?", chosen="linen shirt in white").text
    listed = render.answer(SHIRT, "what sizes does it come in?", chosen="shirt in white").text
    assert "Size: S, M, L." in listed, listed
    # A letter size beside another name of it: "XL" names "10 (XL)".
    gloves = product(
        "g", "Work Gloves", "49", variants=[
            {"id": "g9", "options": {"Size": "9 (L)", "Pack": "1 pair"}, "price": "49"},
            {"id": "g10", "options": {"Size": "10 (XL)", "Pack": "12 pairs"}, "price": "399",
             "in_stock": False},
        ],
    )  # fmt: skip
    said = render.answer(gloves, "how much", chosen="work gloves XL").text
    assert "$399.00, out of stock" in said, said


def test_a_price_range_is_said_with_from_and_no_sale_is_claimed_without_a_regular_price() -> None:
    ranged = product("r", "Phone Case", "389.99", price_max="419.99")
    opened = product("o", "Gift Card", "10", price_from=True)
    assert render.listing(ranged) == "the Phone Case (from $389.99, in stock)"
    assert render.listing(opened) == "the Gift Card (from $10.00, in stock)"
    assert "down from" not in render.listing(product("p", "Mug", "9", regular_price="9"))


def test_a_variant_named_in_the_singular_is_found_and_its_option_is_said_once() -> None:
    jigsaw = product(
        "j", "World Map Jigsaw", "14.99", attributes={"Pieces": "500 pieces, 1000 pieces"},
        variants=[
            {"id": "j5", "options": {"Pieces": "500 pieces"}, "price": "14.99"},
            {"id": "j1", "options": {"Pieces": "1000 pieces"}, "price": "19.99"},
        ],
    )  # fmt: skip
    said = render.answer(jigsaw, "how much is the 1000 piece one").text
    assert "1000 pieces: $19.99, in stock." in said
    listed = render.answer(jigsaw, "how many pieces does it have?").text
    assert listed.count("Pieces: 500 pieces, 1000 pieces.") == 1, listed


def test_a_named_variant_at_the_products_own_price_is_not_priced_twice() -> None:
    shoe = product(
        "t", "Trailhawk GTX Trail Shoe", "169.99", regular_price="199.99",
        variants=[
            {"id": "o10", "options": {"Color": "Olive", "Size": "10"}, "price": "169.99",
             "regular_price": "199.99"},
            {"id": "o11", "options": {"Color": "Olive", "Size": "11"}, "price": "169.99",
             "regular_price": "199.99", "in_stock": False},
        ],
    )  # fmt: skip
    said = render.answer(shoe, "mens 10 in stock?").text
    assert said == (
        "The Trailhawk GTX Trail Shoe is $169.99, down from $199.99 and in stock. "
        "Olive / 10: in stock."
    ), said


def test_nothing_fits_says_the_budget_in_the_shop_s_currency() -> None:
    # "gift for my husbands 40th ... around 100 ezer forint" in a shop priced in forints, with
    # nothing over the budget to show either: the budget in forints, never in dollars.
    profile = ShopperProfile(min_price=Decimal(80000), max_price=Decimal(100000))
    text = render.nothing_fits(Decision("nothing_fits"), profile, [], "HUF")
    assert "between 80,000.00 HUF and 100,000.00 HUF" in text and "$" not in text


def test_an_answer_quotes_the_sentence_that_says_the_asked_word_in_another_form() -> None:
    watch = product("w", "Csillag Watch", "469.00", description=(
        "A 34 mm steel case. Water resistant 5 ATM: fine for showering, not for swimming."
    ))  # fmt: skip
    text = render.answer(watch, "can she shower with it?").text
    assert 'From its description: "Water resistant 5 ATM: fine for showering' in text


def test_an_answer_quotes_what_is_asked_not_the_words_that_name_the_product() -> None:
    keyboard = product("k", "Control 49 MIDI Controller", "299.00", description=(
        "49 keys and 8 knobs for making beats and playing software instruments. "
        "USB powered with no built-in sounds or speakers."
    ))  # fmt: skip
    text = render.answer(keyboard, "does the control 49 make any sound on its own").text
    assert 'From its description: "USB powered with no built-in sounds' in text
    # The title's word is what is asked, and nothing else: it still finds its sentence.
    boot = product("b", "Tor Waterproof Hiking Boot", "200.00", description=(
        "A mid-cut boot. Waterproof membrane keeps feet dry."
    ))  # fmt: skip
    assert "Waterproof membrane" in render.answer(boot, "is the tor waterproof?").text


def test_an_answer_to_what_it_is_quotes_the_opening_of_its_description() -> None:
    novel = product("n", "The Cartographer's Daughter", "399.00", description=(
        "Literary novel: in 1890s Lagos, a mapmaker's daughter redraws the borders. "
        "Paperback, 312 pages."
    ))  # fmt: skip
    for text in ("whats it about", "what is this one like?", "tell me more about it"):
        said = render.answer(novel, text).text
        assert 'From its description: "Literary novel: in 1890s Lagos' in said, text
    # A question of something else quotes nothing it does not say.
    assert "From its description" not in render.answer(novel, "is it in stock?").text
