"""Ages: what a product's text says about whom it is for, and how old the shopper says the
person they buy for is."""

from decimal import Decimal

import pytest

from retrieval.ages import asked_age, made_for, product_ages, suits
from retrieval.catalog import Product


def toy(description: str = "", **attributes: str) -> Product:
    return Product(
        id="x", title="Toy", description=description, price=Decimal(10), attributes=attributes
    )


@pytest.mark.parametrize(
    ("description", "ages"),
    [
        ("A stable scooter. Ages 3-6.", (36, 83)),
        ("For little riders aged 3 to 6 years", (36, 83)),
        ("A rattle for ages 6-18 months", (6, 18)),
        ("Ages 18 months+.", (18, None)),
        ("2-4 players, ages 8+. A game for 2 to 4 players aged 8+", (96, None)),
        ("Soft and safe from birth.", (0, None)),
        ("500 pieces (ages 10+) or 1000 pieces (ages 12+)", (120, None)),  # the widest reach
        ("A tent for 2 to 4 people, 3 season", None),  # counts, not ages
        ("2 year warranty", None),
        # In the shop's own language where it is not English.
        ("Novela para primeros lectores de 7 a 10 años: capítulos cortos.", (84, 131)),
        ("1 a 4 jugadores, 45 minutos, 10 años en adelante.", (120, None)),
        ("Jogo de cartas a partir de 8 anos.", (96, None)),
        ("Un puzzle dès 3 ans.", (36, None)),
        ("Ein Spiel ab 6 Jahren.", (72, None)),
        ("Libro de cartón para bebés de 0 a 3 años.", (0, 47)),
        ("Garantía de 2 años.", None),
    ],
)
def test_the_ages_a_product_states(description: str, ages: tuple[int, int | None]) -> None:
    assert product_ages(toy(description)) == ages


def test_an_age_attribute_is_read_on_its_own() -> None:
    assert product_ages(toy(**{"Age range": "3-6 years"})) == (36, 83)
    assert product_ages(toy(**{"Recommended age": "8+"})) == (96, None)
    assert product_ages(toy(**{"Age": "6-18 months"})) == (6, 18)  # through 18 months, not 29
    assert product_ages(toy("Ages 3+", Colour="Red")) == (36, None)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("need a present for a 2 year old girl under 20 pounds", 24),
        ("what have u got for 12 year olds", 144),
        ("My granddaughter is 4 what would you recommend?", 48),
        ("something for my son's 8th birthday", 96),
        ("I search gift for my grandson, he have 5 years", 60),
        ("is it ok for a 10 month old?", 10),
        ("board games, kids are 7 and 11", 84),  # what suits the youngest
        ("an 8-year-old who loves space", 96),
        ("my daughter's 9", 108),
        ("a 6 yr old", 72),
        ("qué juegos cooperativos tienen para jugar con mis hijos de 6 y 9?", 72),
        ("libro para mi sobrina de 12 q le gusta la aventura", 144),
        ("um presente para o meu filho de 8 anos", 96),
        ("ma fille a 6 ans", 72),
        ("mein Sohn ist 7 Jahre alt", 84),
        ("para mi hija de 18 meses", 18),
    ],
)
def test_the_age_a_shopper_states(text: str, months: int) -> None:
    assert asked_age(text) == months


@pytest.mark.parametrize(
    "text",
    [
        "tent for 4 people",
        "she is 5ft tall",
        "2 year warranty",
        "under 30 pounds",
        "hi",
        "garantía de 2 años",
        "mi hijo quiere 2 mochilas",
        "mi hija de 40 kg",
        "mi hija lleva 2 años leyendo manga",
    ],
)
def test_numbers_that_are_no_age(text: str) -> None:
    assert asked_age(text) is None


def test_what_suits_an_age_and_what_is_made_for_it() -> None:
    scooter, kit, rattle, plain = toy("Ages 3-6"), toy("Ages 8+"), toy("Ages 6 months+"), toy()
    assert suits(scooter, 48) and not suits(scooter, 84)  # past its highest age
    assert not suits(kit, 60) and suits(kit, 144)  # below its lowest: small parts
    assert suits(plain, 1) and made_for(plain, 300)  # says nothing: not ruled out
    assert suits(rattle, 144) and not made_for(rattle, 144)  # suits, but for a baby
    assert made_for(rattle, 12)


def test_an_age_is_a_hard_filter_and_stays_in_the_profile() -> None:
    from bot.chat.profile import ShopperProfile, update_profile
    from retrieval.hybrid import Filters

    profile = update_profile(ShopperProfile(), "a present for a 4 year old, around £20")
    assert profile.age_months == 48
    profile = update_profile(profile, "actually up to £35")  # a budget change keeps the age
    assert profile.age_months == 48
    assert not Filters(age_months=48).passes(toy("Ages 8+"))
    assert Filters(age_months=48).passes(toy("Ages 3+"))
    assert Filters(age_months=48).without_price().age_months == 48


def test_the_exact_search_of_a_narrow_filter_keeps_to_the_age() -> None:
    import numpy as np

    from retrieval.hybrid import CatalogView, Filters

    products = {
        p.id: p
        for p in (
            toy("Ages 8+").model_copy(update={"id": "kit"}),
            toy("Ages 3-6").model_copy(update={"id": "scooter"}),
            toy().model_copy(update={"id": "ball"}),
        )
    }
    vectors = np.eye(3, dtype=np.float32)
    view = CatalogView(products, vectors=vectors)
    found = view.nearest([1.0, 0.5, 0.2], Filters(age_months=48), 3)
    assert [product_id for product_id, _ in found] == ["scooter", "ball"]
    assert [i for i, _ in view.nearest([1.0, 0.5, 0.2], Filters(age_months=120), 3)] == [
        "kit",
        "ball",
    ]
