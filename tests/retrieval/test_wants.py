"""What a request asks a product to have, and what a text denies or rules out."""

import pytest

from retrieval.text import keywords
from retrieval.wants import (
    affirmed,
    must_have,
    ruled_out,
    searched,
    unmarked,
    used_on,
    without_denied,
)


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("2 person tent under 300, not a trekking pole shelter", [("pole", "shelter")]),
        ("pump i can carry, not a big floor one", [("floor",)]),
        ("cycling jacket in any colour except yellow", [("yellow",)]),
        ("raised bed, anything but metal", [("metal",)]),
        ("regular yoga mat (not a travel one) under $90", [("travel",)]),
        ("string trimmer, no batteries please. I hate charging things", [("battery",)]),
        ("stainless steel, no coating", [("coating",)]),
        ("without any lid", [("lid",)]),
        ("I don't want a pink one", [("pink",)]),
        ("I don’t want a pink one", [("pink",)]),
        ("a harness, no pull one", [("pull",)]),
        ("a snack with no nuts or soy", [("nut",), ("soy",)]),
        ("a cake without nuts, soy or gluten please", [("nut",), ("soy",), ("gluten",)]),
        ("bubble machine that doesnt need batteries?", [("battery",)]),  # what it lacks
        ("pregnant, want to stop using retinol, what can i use instead?", [("retinol",)]),
        ("an alternative to retinol for sensitive skin", [("retinol",)]),
        ("something for a smoothie instead of protein powder", [("protein", "powder")]),
        ("allergic to latex, need gloves", [("latex",)]),
        ("i can't use fragrance, it makes me itch", [("fragrance",)]),
        ("knife, NOT carbon steel, dont want to deal with rust", [("carbon", "steel"), ("rust",)]),
        ("sick of tangled cables, wireless earbuds pls", [("cable",)]),
        ("need smth to sweeten my tea that isnt honey", [("honey",)]),
        ("a bag that is not leather", [("leather",)]),
    ],
)
def test_what_a_request_rules_out(text: str, terms: list[tuple[str, ...]]) -> None:
    assert ruled_out(text) == terms


@pytest.mark.parametrize(
    "text",
    [
        "cheap hiking sandals, no more than $65 pls",
        "need a non stick pan, nothing over 30€",
        "not too heavy please",
        "no, I want a blue one",
        "no I want a blue one",
        "not sure, no rush",
        "a tent that is not for kids",
        "doesn't need ANC but it must be over-ear",  # not needed is not ruled out
        "not fussed about colour",
        "no the blue one",
        "no just the tent",
        "no it’s the kettle I want",  # a phone's apostrophe
        "power bank without breaking the bank",
        "a light for reading in bed without waking my husband",  # what is not done
        "something to play with without disturbing the neighbours",
        "not a fan of pink",
        "no heavier than 2kg",
        "no slip yoga mat",  # what is asked for, not ruled out
        "no pull harness",
        "I can't have it delivered before monday",
        "something big for my son's 8th birthday, money no object",
        "no limit on price",
    ],
)
def test_a_budget_a_degree_or_a_manner_of_speaking_rules_nothing_out(text: str) -> None:
    assert ruled_out(text) == []


def test_a_product_text_marks_what_it_denies() -> None:
    lite = keywords(affirmed("Over-ear headphones without noise cancelling, with 50 hours."))
    assert "noise" not in lite and {"sans-noise", "sans-cancelling", "hour"} <= set(lite)
    corded = affirmed("Plugs into an outlet (extension cord not included). No batteries to charge.")
    assert {"sans-cord", "sans-battery", "outlet"} <= set(keywords(corded))
    assert "battery" not in keywords(corded)
    assert "sans-white" in keywords(affirmed("A clear gel with no white cast on any skin tone."))
    assert affirmed("Non-stick ceramic coating.") == "Non-stick ceramic coating."
    # "X free" as tags write it, with or without its hyphen: no X.
    tags = keywords(affirmed("enamel, leftovers, plastic free, caffeine-free"))
    assert {"sans-plastic", "sans-caffeine"} <= set(tags) and not {"plastic", "caffeine"} & set(
        tags
    )


def test_a_request_as_searched() -> None:
    # What it denies is searched as said and marked: what is near it is still asked about
    # (the products it rules out are filtered, not searched away) and texts that deny it
    # too match. What it does not need is not searched.
    assert searched("string trimmer, no batteries please") == (
        "string trimmer, no batteries sans-battery please"
    )
    said = keywords(searched("a cream that doesn't irritate sensitive skin"))
    assert {"sensitive", "skin", "sans-sensitive", "sans-irritate"} <= set(said)
    assert searched("anything cheaper? doesn't need ANC but it must be over-ear") == (
        "anything cheaper? but it must be over-ear"
    )
    # Kinds are read without what it rules out; marks come off for embedding.
    assert without_denied("regular yoga mat (not a travel one) under $90") == (
        "regular yoga mat under $90"
    )
    assert unmarked("yoga mat sans-travel under $90") == "yoga mat under $90"
    # Marked once: a marked text marked again is the same.
    once = affirmed("moisturiser with no oils")
    assert keywords(affirmed(once)) == keywords(once) == ["moisturiser", "sans-oil"]


def test_x_free_and_free_from_x_deny_x() -> None:
    said = keywords(affirmed("A light oil-free gel. Free from parabens."))
    assert {"oil-free", "sans-oil", "sans-paraben"} <= set(said) and "paraben" not in said
    assert ruled_out("feel free to ask") == []


def test_what_a_product_must_have_or_be() -> None:
    assert must_have("over-ear headphones with noise cancelling") == [("noise", "cancelling")]
    assert must_have("it must be over-ear") == [("over-ear",)]
    assert must_have("a jacket with a hood, must be waterproof") == [("hood",), ("waterproof",)]
    assert must_have("something that has a lid please") == [("lid",)]
    # Who it is with, or a budget, is not something it must have.
    assert must_have("a tent to share with my kids") == []
    assert must_have("with a budget of 100") == []
    # What it must not have is marked: products that say "no coating" have it.
    assert must_have("a pan with no coating") == [("sans-coating",)]


def test_who_it_is_with_is_not_something_it_must_have() -> None:
    for text in ("a game to play with mum", "with a 7 year old", "with free delivery"):
        assert must_have(text) == [], text
    assert must_have("it should be fine") == []
    # What the one asked for has: "which camera has a headphone jack".
    assert must_have("ok which camera has headphone jack, under 1 lakh") == [("headphone", "jack")]
    assert must_have("what headphones have a mic") == [("mic",)]
    assert must_have("what else have you got") == []
    # What is put up with is not had: "i dont want to deal with rust", "fed up with tangles".
    assert must_have("a knife, i dont want to deal with rust") == []
    assert must_have("fed up with tangles, a brush with soft bristles") == [("soft", "bristle")]


def test_a_product_is_searched_by_its_title_as_written_and_its_text_less_its_denials() -> None:
    from decimal import Decimal

    from retrieval.catalog import Product
    from retrieval.hybrid import product_words

    harness = Product(id="h", title="No Pull Dog Harness", price=Decimal("30"), category="Dogs",
                      description="Stops pulling without choking. Lead not included.")  # fmt: skip
    said = product_words(harness)
    assert {"pull", "dog", "harness", "sans-choking", "sans-lead"} <= set(said)
    assert "choking" not in said and "lead" not in said


def test_what_a_product_is_not_for_is_denied() -> None:
    blade = keywords(affirmed("Fine for filter. We do not recommend it for espresso or pour-over."))
    assert "sans-espresso" in blade and "sans-pour-over" in blade and "espresso" not in blade
    assert "sans-induction" in keywords(affirmed("Not suitable for induction hobs."))
    assert "sans-espresso" in keywords(affirmed("Not recommended for espresso"))
    # "not just for" denies nothing.
    assert "espresso" in keywords(affirmed("Great for espresso, and not just for coffee."))
    # Bare after a stop or a dash, and what it is done in: a drill driver "not for concrete"
    # is no match for "a drill for concrete walls".
    driver = keywords(affirmed("Drills wood and metal. No hammer function – not for concrete."))
    assert "sans-concrete" in driver and "concrete" not in driver
    impact = keywords(affirmed("For long screws. Not suitable for drilling in concrete."))
    assert {"sans-drilling", "sans-concrete"} <= set(impact)
    assert "concrete" not in impact
    assert "sale" in keywords(affirmed("This is not for sale."))  # (the whole sentence)
    # After a comma, the sentence's own: a kettle "for boiling water only, not for brewing tea
    # leaves inside" is still one for tea.
    assert "tea" in keywords(affirmed("For boiling water only, not for brewing tea leaves."))


def test_what_a_thing_is_used_on_is_not_asked_for() -> None:
    assert used_on("what do i prime a canvas with") == ["canvas"]
    assert used_on("and something for sorting screws and small bits") == ["screw", "bit"]
    # The kind named before what it is for: "a case to keep my watches in".
    assert used_on("ok what about a case to keep my watches in") == ["watch"]
    assert used_on("need a box to store my rings") == ["ring"]
    assert used_on("a tent to sleep in") == []
    assert used_on("a drill to replace my old one") == []
    # Up to a word that says how: "wirelessly" is no phone's name.
    assert used_on("something to charge my phone wirelessly, under 150") == ["phone"]
    assert used_on("something to clean my suede boots properly") == ["boot"]


def test_a_word_that_only_stresses_what_it_must_have_is_not_required() -> None:
    # "real" is said of the diamond, not written in the pendant's text.
    assert must_have("pendant with a real diamond, nothing huge, for christmas") == [("diamond",)]
    assert must_have("jacket with a proper hood") == [("hood",)]


def test_a_not_for_does_not_deny_what_its_title_names_it_by() -> None:
    """ "Ukulele Strings" "not for baritone ukuleles": only the baritone is denied; but a
    "Rice Container" that "does not keep rice hot" denies keeping rice (hot)."""
    from decimal import Decimal

    from retrieval.catalog import Product
    from retrieval.hybrid import product_words

    strings = Product(
        id="uke", title="Aquila Concert Ukulele Strings", price=Decimal(12),
        description="For soprano and concert ukuleles. Not for baritone ukuleles.",
    )  # fmt: skip
    said = product_words(strings)
    assert "ukulele" in said and "sans-ukulele" not in said and "sans-baritone" in said
    ohitsu = Product(
        id="ohitsu", title="Sawara Wood Ohitsu Rice Container", price=Decimal(80),
        description="Keeps rice fluffy (it does not keep rice hot).",
    )  # fmt: skip
    said = product_words(ohitsu)
    assert {"sans-keep", "sans-rice", "sans-hot"} <= set(said)
    bag = Product(
        id="bag", title="Open Tool Bag 45 cm", price=Decimal(40),
        description="Wide-mouth tool bag with a padded shoulder strap. Tools not included.",
    )  # fmt: skip
    assert "sans-tool" not in product_words(bag)
