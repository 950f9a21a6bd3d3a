"""Whether the catalog carries the kind of thing asked for: the request's opening phrases, and
the catalog's words with typos allowed."""

from decimal import Decimal

from retrieval.catalog import Product
from retrieval.coverage import asked_kinds, spelled
from retrieval.hybrid import CatalogView


def test_the_kind_is_the_last_word_of_each_opening_phrase() -> None:
    assert asked_kinds("just need a bike bell") == [["bike", "bell"]]
    assert asked_kinds("i need a 30m garden hose") == [["garden", "hose"]]  # sizes are not kinds
    assert asked_kinds("do you sell cycling shoes? size 43") == [["cycling", "shoe"]]
    assert asked_kinds("Over-ear headphones between 50 and 150 euros") == [
        ["over-ear", "headphone"]
    ]
    assert asked_kinds("hi, have you got a dog pram for my elderly pug") == [["dog", "pram"]]
    assert asked_kinds("I overpronate badly, need a stability shoe") == [
        ["overpronate", "badly"],
        ["stability", "shoe"],
    ]


def test_a_request_that_starts_with_its_purpose_names_no_kind() -> None:
    for text in (
        "what do you recommend for a beginner",
        "need something to brush my dog's teeth with",
        "anything cheaper? max 30 eur",
        "is the Tarnhaven Firefly waterproof?",
        "how many quid is the easel",  # a question's words, then the thing it is about
        "I search gift for my grandson",
    ):
        assert asked_kinds(text) == [], text


def test_a_typo_of_a_catalog_word_is_that_word() -> None:
    vocabulary = ["pillow", "kettle", "headphone", "puzzle", "belt", "rechargeable"]
    by_initial: dict[str, list[str]] = {}
    for word in vocabulary:
        by_initial.setdefault(word[0], []).append(word)
    assert spelled("pilow", vocabulary, by_initial) == "pillow"
    assert spelled("kettel", vocabulary, by_initial) == "kettle"  # two letters swapped
    assert spelled("headphne", vocabulary, by_initial) == "headphone"
    assert spelled("rechargable", vocabulary, by_initial) == "rechargeable"
    assert spelled("muzzle", vocabulary, by_initial) is None  # not a typo of "puzzle"
    assert spelled("bell", vocabulary, by_initial) is None  # too short to guess "belt"


def test_the_catalogs_words_include_descriptions_and_categories() -> None:
    lamp = Product(
        id="l", title="Glow 300", price=Decimal("30"), category="Head Torches",
        description="A rechargeable headlamp for night runs.",
    )  # fmt: skip
    view = CatalogView({lamp.id: lamp})
    assert view.has_word("torch") and view.has_word("headlamp") and view.has_word("headlmap")
    assert not view.has_word("kayak")


def test_a_search_mends_typos_of_catalog_words_and_leaves_real_words_alone() -> None:
    products = [
        Product(id="k", title="Veltro Aria Kettle", price=Decimal("40"), category="Kitchen",
                description="A glass kettle."),
        Product(id="p", title="Dormia Pillow", price=Decimal("30"), category="Bedding",
                description="A soft feather pillow to store away."),
    ]  # fmt: skip
    view = CatalogView({p.id: p for p in products})
    assert view.corrected("need a new pilow, and a glass kettel?") == (
        "need a new pillow, and a glass kettle?"
    )
    # "stove" is a word, not a typo of "store"; "bell" is too short to guess.
    assert view.corrected("a camping stove and a bell") == "a camping stove and a bell"
    assert not view.has_word("stove")
