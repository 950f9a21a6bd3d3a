from decimal import Decimal

import pytest

from bot.grounding import NO_PRODUCTS_FALLBACK, GroundingGuard, Violation, grounding_fallback
from retrieval.catalog import Product

TRAIL = Product(
    id="trail",
    title="Trail Runner",
    price=Decimal("89.99"),
    category="Running Shoes",
    description="Lightweight trail shoe with a grippy sole.",
    attributes={"color": "Blue", "weight_g": 280},
)
BOOT = Product(
    id="boot",
    title="Summit Hiking Boot",
    price=Decimal("149.00"),
    category="Boots",
    description="Waterproof leather boot.",
    in_stock=False,
)
JACKET = Product(id="jacket", title="Alpen Jacke", price=Decimal("1299.99"), currency="EUR")
BOTH_FALLBACK = (
    "Here is what our catalog lists: Trail Runner — $89.99 (in stock); "
    "Summit Hiking Boot — $149.00 (out of stock)."
)


def guard(*products: Product) -> GroundingGuard:
    return GroundingGuard(list(products), store_name="Acme Outdoors")


def shown(reply: str, *products: Product) -> tuple[str, list[Violation]]:
    g = guard(*products)
    return g.feed(reply) + g.finish(), g.violations


def test_guard_releases_clean_reply_word_by_word() -> None:
    g = guard(TRAIL)
    pieces = ["Th", "e Trail", " Runner is $8", "9.99 and in", " stock."]
    released = [g.feed(piece) for piece in pieces] + [g.finish()]
    assert released == ["", "The Trail", " Runner is", "", "", " $89.99 and in stock."]
    assert not g.stopped and g.violations == []


def test_guard_shows_a_safe_word_before_it_is_complete() -> None:
    g = guard(TRAIL)
    assert [g.feed("Sure"), g.feed(", the"), g.feed(" trail"), g.feed(" is")] == [
        "Sure",
        ", the",
        " trail",
        " is",
    ]
    assert g.finish() == ""


def test_guard_holds_the_rest_of_a_word_that_turns_risky() -> None:
    g = guard(TRAIL)
    shown = g.feed("We love the Sal") + g.feed("omon Speedcross shoes. ") + g.finish()
    assert shown.startswith("We love the")
    assert "omon" not in shown and "Speedcross" not in shown
    assert g.stopped
    assert shown.endswith("\nHere is what our catalog lists: Trail Runner — $89.99 (in stock).")


def test_guard_keeps_clean_reply_whitespace_exactly() -> None:
    reply = "## Our picks\n\n- **Trail Runner**: great grip.  \n- It is light!\n"
    assert shown(reply, TRAIL) == (reply, [])


def test_guard_passes_correct_price() -> None:
    reply = "The Summit Hiking Boot is $149.00, and the Trail Runner costs $89.99."
    assert shown(reply, TRAIL, BOOT) == (reply, [])


def test_guard_cuts_wrong_price_with_fallback() -> None:
    g = guard(TRAIL, BOOT)
    assert g.feed("The Trail Runner is $79.99. It is great.") == "The Trail Runner is"
    assert g.stopped
    assert g.finish() == "\n" + BOTH_FALLBACK
    assert g.violations == [
        Violation("price", "$79.99", "$79.99 is not the catalog price of Trail Runner.")
    ]


def test_guard_cuts_price_of_another_named_product() -> None:
    text, violations = shown("The Trail Runner costs $149.00.", TRAIL, BOOT)
    assert text == "The Trail Runner costs\n" + BOTH_FALLBACK
    assert [(v.kind, v.text) for v in violations] == [("price", "$149.00")]


def test_guard_cuts_swapped_prices_of_two_named_products() -> None:
    reply = "The Trail Runner is $149.00 and the Summit Hiking Boot is $89.99."
    assert [v.kind for v in shown(reply, TRAIL, BOOT)[1]] == ["price", "price"]


def test_guard_cuts_rounded_price() -> None:
    assert shown("It is only $90!", TRAIL)[1][0].text == "$90"


@pytest.mark.parametrize(
    ("reply", "product"),
    [
        ("The Trail Runner is 89.99 dollars.", TRAIL),
        ("The Trail Runner: 89.99", TRAIL),
        ("The Alpen Jacke costs 1.299,99 €.", JACKET),
        ("The Alpen Jacke costs EUR 1,299.99.", JACKET),
    ],
)
def test_guard_passes_price_written_other_ways(reply: str, product: Product) -> None:
    assert shown(reply, product) == (reply, [])


def test_guard_cuts_price_in_contradicting_currency() -> None:
    violations = shown("The Alpen Jacke costs $1,299.99.", JACKET)[1]
    assert violations == [
        Violation("price", "$1,299.99", "$1,299.99 is not in EUR, the currency the catalog lists.")
    ]


def test_guard_passes_stock_claim_matching_catalog() -> None:
    reply = "The Summit Hiking Boot is out of stock, but the Trail Runner is available."
    assert shown(reply, TRAIL, BOOT) == (reply, [])


def test_guard_cuts_stock_claim_contradicting_catalog() -> None:
    text, violations = shown("Good news: the Summit Hiking Boot is in stock.", TRAIL, BOOT)
    assert text == "Good news: the Summit Hiking Boot is in\n" + BOTH_FALLBACK
    assert violations == [
        Violation("stock", "in stock", "The catalog lists Summit Hiking Boot as out of stock.")
    ]


def test_guard_reads_stock_claim_as_about_the_only_product() -> None:
    assert shown("It isn't available right now.", BOOT)[1] == []
    assert shown("It is in stock.", BOOT)[1][0].kind == "stock"


def test_guard_cuts_stock_claim_about_no_product_in_particular() -> None:
    assert shown("Both are in stock.", TRAIL, BOOT)[1][0].reason == (
        "The reply does not say which product is meant."
    )


@pytest.mark.parametrize(
    ("reply", "kind"),
    [("Hurry, only 3 left!", "number"), ("We have 12 in stock.", "number")]
    + [("Only a few left.", "stock"), ("It is selling fast.", "stock")],
)
def test_guard_cuts_stock_quantities(reply: str, kind: str) -> None:
    violations = shown(reply, TRAIL)[1]
    assert violations[0] == Violation(
        kind, violations[0].text, "The catalog holds no stock quantities."
    )


def test_guard_cuts_invented_brand_mid_sentence() -> None:
    text, violations = shown("I recommend the Nike Air Max for running.", TRAIL, BOOT)
    assert text == "I recommend the\n" + BOTH_FALLBACK
    assert violations == [
        Violation(
            "product", "Nike Air Max", "Nike Air Max is not a product or name from the catalog."
        )
    ]


def test_guard_cuts_invented_name_at_sentence_start() -> None:
    text, violations = shown("Zephyr Pro boots are great.", TRAIL, BOOT)
    assert text == BOTH_FALLBACK
    assert [(v.kind, v.text) for v in violations] == [("product", "Zephyr Pro")]


def test_guard_passes_lone_capitalized_first_word() -> None:
    reply = "Welcome! Lightweight shoes suit you."
    assert shown(reply, TRAIL) == (reply, [])


def test_guard_passes_harmless_capitalized_words() -> None:
    reply = "Hi! I think you'll love it, and OK, it comes in Blue. Thanks, and have a great Friday."
    assert shown(reply, TRAIL) == (reply, [])


def test_guard_passes_store_name_and_extra_vocabulary() -> None:
    g = GroundingGuard([TRAIL], store_name="Acme Outdoors", extra_vocabulary=["Klarna"])
    reply = "At Acme Outdoors you can pay with Klarna."
    assert g.feed(reply) + g.finish() == reply


def test_guard_without_products_cuts_any_price() -> None:
    text, violations = shown("It costs $49.99.", *[])
    assert text == "It costs\n" + NO_PRODUCTS_FALLBACK
    assert violations == [
        Violation("price", "$49.99", "No product in context has a price to quote.")
    ]


def test_guard_keeps_released_text_and_appends_fallback_as_new_sentence() -> None:
    text = shown("The Trail Runner is great. $50 is a steal.", TRAIL, BOOT)[0]
    assert text == "The Trail Runner is great. " + BOTH_FALLBACK


def test_guard_ignores_feed_after_stopping() -> None:
    g = guard(TRAIL)
    assert g.feed("$10 is the price. ") == ""
    assert g.stopped
    assert g.feed("The Trail Runner is great. ") == ""
    assert g.finish() == grounding_fallback([TRAIL])
    assert g.finish() == ""


@pytest.mark.parametrize(
    "reply",
    ["We have 2 options for you.", "It weighs 280 g.", "1. Trail Runner\n2. Something light"],
)
def test_guard_passes_small_counts_and_catalog_numbers(reply: str) -> None:
    assert shown(reply, TRAIL) == (reply, [])


def test_guard_cuts_number_not_in_catalog() -> None:
    assert shown("It has 4.5 stars.", TRAIL)[1] == [
        Violation("number", "4.5", "4.5 is not in the catalog.")
    ]


def test_guard_releases_held_text_at_finish() -> None:
    g = guard(TRAIL)
    assert g.feed("The Trail Runner is $89.99") == "The Trail Runner is"
    assert g.finish() == " $89.99"


def test_guard_checks_held_text_at_finish() -> None:
    g = guard(TRAIL)
    assert g.feed("The Trail Runner is $89") == "The Trail Runner is"
    assert g.finish() == "\n" + grounding_fallback([TRAIL])
    assert g.stopped


@pytest.mark.parametrize(
    "reply",
    [
        "Sure! The Trail Runner is $89.99 and in stock, while the Summit Hiking Boot is sold out.",
        "## Picks\n- **Trail Runner**: $89.99\n- Summit Hiking Boot: $149.00, out of stock\n",
        "The Trail Runner is great. It is $79.99. More text.",
        "I recommend the Nike Air Max.\nIt is $89.99.",
        "Hello!\nOnly 3 left",
    ],
)
def test_guard_output_does_not_depend_on_piece_sizes(reply: str) -> None:
    by_char = guard(TRAIL, BOOT)
    text = "".join(by_char.feed(char) for char in reply) + by_char.finish()
    assert (text, by_char.violations) == shown(reply, TRAIL, BOOT)


def test_grounding_fallback_lists_catalog_data_only() -> None:
    assert grounding_fallback([TRAIL, BOOT]) == BOTH_FALLBACK
    assert grounding_fallback([]) == NO_PRODUCTS_FALLBACK


def test_guard_shows_a_title_model_code_without_holding() -> None:
    jacket = Product(id="j", title="Stormline 2.5L Rain Jacket", price=Decimal("129.99"))
    g = guard(jacket)
    assert g.feed("Try the Stormline 2.5L Rain Jacket ") == "Try the Stormline 2.5L Rain Jacket"


def test_guard_still_checks_a_bare_number_from_a_title() -> None:
    tent = Product(id="t", title="Meadow 4 Tent", price=Decimal("300.00"))
    reply, violations = shown("We have only 4 left.", tent)
    assert [v.kind for v in violations] == ["number"]
    assert "4 left" not in reply


def test_guard_finds_a_short_title_at_the_end_beside_longer_titles() -> None:
    long_title = Product(id="l", title="Canyon Trail Runner Pro", price=Decimal("149.00"))
    reply, violations = shown("For $89.99 you get the Trail Runner", TRAIL, long_title)
    assert violations == []
    assert reply == "For $89.99 you get the Trail Runner"


def test_guard_that_fails_shows_catalog_facts_only(monkeypatch: pytest.MonkeyPatch) -> None:
    g = guard(TRAIL)
    shown_first = g.feed("Great choice! ")

    def broken(text: str, context: object) -> list[Violation]:
        raise RuntimeError("rule bug")

    monkeypatch.setattr("bot.grounding.check_sentence", broken)
    rest = g.feed("It costs $5. ") + g.finish()
    assert shown_first == "Great choice!"
    assert "$5" not in rest
    assert rest.endswith("Here is what our catalog lists: Trail Runner — $89.99 (in stock).")
    assert g.stopped and [v.kind for v in g.violations] == ["error"]


def test_guard_survives_random_replies_in_random_pieces() -> None:
    import json
    import random

    from retrieval.ingest import DEMO_CATALOG

    catalog = [Product(**json.loads(line)) for line in DEMO_CATALOG.read_text().splitlines()]
    filler = (
        "the is in stock out of only left $ USD dollars . , ! - ** 1. 3 89.99 1,299.99 I'm We "
        "Nike Air Here available not units ( ) : 's —"
    ).split() + ["\n"]
    rng = random.Random(7)
    for _ in range(2000):
        products = rng.sample(catalog, rng.randint(0, 4))
        words = filler + [w for p in products for w in p.title.split()]
        words += [p.price_text() for p in products]
        reply = "".join(rng.choice(["", " ", "\n"]) + rng.choice(words) for _ in range(30))
        g = GroundingGuard(products, store_name="Northwind Outfitters")
        out, at = "", 0
        while at < len(reply):
            size = rng.randint(1, 6)
            out += g.feed(reply[at : at + size])
            at += size
        out += g.finish()
        assert not any(v.kind == "error" for v in g.violations), reply
        if not g.stopped:
            assert out == reply
