"""Plurals folded to the word a title uses for one: the same word whichever is typed."""

import pytest

from retrieval.text import fold, keywords


@pytest.mark.parametrize(
    ("plural", "one"),
    [
        ("boots", "boot"), ("dresses", "dress"), ("batteries", "battery"), ("boxes", "box"),
        ("lenses", "lens"), ("buses", "bus"), ("cases", "case"), ("glasses", "glass"),
        ("knives", "knife"), ("shelves", "shelf"), ("leaves", "leaf"), ("gloves", "glove"),
        ("valves", "valve"),
    ],
)  # fmt: skip
def test_a_plural_folds_to_its_singular(plural: str, one: str) -> None:
    assert fold(plural) == fold(one) == one


@pytest.mark.parametrize(
    "word", ["lens", "gas", "canvas", "atlas", "dress", "cactus", "christmas", "xmas", "news"]
)
def test_a_noun_that_ends_in_s_in_the_singular_is_left_whole(word: str) -> None:
    assert fold(word) == word


def test_an_unknown_word_or_name_loses_only_its_plural_s() -> None:
    assert keywords("two aurevos and the wh-1000xm5s") == ["two", "aurevo", "wh-1000xm5"]


def test_dimensions_written_apart_or_together_are_one_word() -> None:
    assert keywords("Mattress, 160 x 200 cm") == ["mattress", "160x200", "cm"]
    assert keywords("matress 160x200") == ["matress", "160x200"]


@pytest.mark.parametrize(
    ("plural", "one"),
    [("hoodies", "hoodie"), ("takkies", "takkie"), ("beanies", "beanie"), ("cookies", "cookie")],
)
def test_a_word_in_ie_folds_as_its_plural_does(plural: str, one: str) -> None:
    # "Kids' School Takkie" is found by "white takkies for PE".
    assert fold(plural) == fold(one)
    assert fold("pies") == fold("pie") == "pie"  # short words stay whole


def test_a_stop_word_is_dropped_before_it_is_folded() -> None:
    """ "does" is no plural of "doe": a question that opens with it names no kind."""
    assert keywords("does he need to read english") == ["he", "read", "english"]


def test_an_initialism_as_written_loses_its_plural_s() -> None:
    # "TVs" is the category of the "tv" a shopper says they have; "abs" and "pls" stay.
    assert keywords("Smart TVs, PCs and CDs") == ["smart", "tv", "pc", "cd"]
    assert keywords("abs roller pls, 180 lbs") == ["abs", "roller", "pls", "180", "lbs"]
