from decimal import Decimal

from bot.chat import render
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
