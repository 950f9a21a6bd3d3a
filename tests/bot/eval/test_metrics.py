from bot.eval.metrics import TurnResult, score, unsupported
from retrieval.catalog import Product

CATALOG = {
    "a": Product(id="a", title="Halvard Rain Jacket", price=95, category="Jackets"),  # type: ignore[arg-type]
    "b": Product(id="b", title="Nordhaven Drizzle Jacket", price=154.99, category="Jackets"),  # type: ignore[arg-type]
}


def turn(reply: str, cards: list[str], **label: object) -> TurnResult:
    return TurnResult("c1", "q", dict(label), cards=[{"id": i} for i in cards], reply=reply)


def test_unsupported_flags_a_price_no_shown_product_has() -> None:
    assert unsupported(turn("The Halvard Rain Jacket is $89.00.", ["a"]), CATALOG) == [
        "amount 89.00"
    ]
    assert unsupported(turn("The Halvard Rain Jacket is $95.00.", ["a"]), CATALOG) == []


def test_unsupported_allows_the_price_before_a_sale_but_not_another_products() -> None:
    sale = {"s": Product(id="s", title="Peptide Cream", price=58, regular_price=72,  # type: ignore[arg-type]
                         category="Creams"), **CATALOG}  # fmt: skip
    assert unsupported(turn("The Peptide Cream is $58.00, down from $72.00.", ["s"]), sale) == []
    said = turn("The Halvard Rain Jacket is $95.00, down from $72.00.", ["a"])
    assert unsupported(said, sale) == ["amount 72.00"]


def test_unsupported_flags_a_catalog_product_named_but_not_shown() -> None:
    found = unsupported(turn("Try the Nordhaven Drizzle Jacket.", ["a"]), CATALOG)
    assert found == ["product Nordhaven Drizzle Jacket"]


def test_score_counts_budget_violations_and_contradictions() -> None:
    turns = [
        turn("Here you go.", ["b"], max_price=100),
        turn("We don't carry jackets.", ["a"], max_price=100),
    ]
    metrics = score(turns, CATALOG)
    assert metrics["fit_violations"] == 1
    assert metrics["contradictions"] == 1


def test_score_counts_turns_showing_what_the_request_ruled_out() -> None:
    turns = [
        turn("Here you go.", ["a", "b"], excluded=["b"]),  # "a jacket, not the Drizzle"
        turn("Here you go.", ["a"], excluded=["b"]),
        turn("Here you go.", ["b"]),  # nothing ruled out
    ]
    assert score(turns, CATALOG)["ruled_out_shown"] == 1
