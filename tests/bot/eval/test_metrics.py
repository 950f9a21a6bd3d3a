from bot.eval.metrics import TurnResult, score, unsupported
from retrieval.catalog import Product, Variant

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


def test_repetition_counts_the_words_written_not_titles_with_an_inch_mark() -> None:
    titles = ['Lumaro H2 32" HD Smart TV', 'Lumaro F4 43" Full HD Smart TV',
              'Lumaro U6 65" 4K UHD Smart TV', 'Nordlight O9 65" OLED 4K Smart TV']  # fmt: skip
    tvs = {str(n): Product(id=str(n), title=t, price=100 * (n + 1)) for n, t in enumerate(titles)}
    listed = (
        "Sure! From cheapest to dearest: "
        + ", ".join(f"the {t} (${100 * (n + 1)}.00)" for n, t in enumerate(titles))
        + f"; the cheapest is the {titles[0]}."
    )
    cards = [{"id": i} for i in tvs]
    turn = TurnResult("c", "which is cheapest", {}, cards=cards, reply=listed)
    assert score([turn], tvs)["repetition"] == 0
    looping = "I can help you with that and I can help you with that. " + listed
    turn = TurnResult("c", "which is cheapest", {}, cards=cards, reply=looping)
    assert score([turn], tvs)["repetition"] == 1


def test_amounts_in_any_currency_code_are_checked_and_are_no_repetition() -> None:
    tvs = {
        "q": Product(id="q", title="Nordlight Q7 QLED 4K Smart TV", price=1299, currency="AUD"),
        "u": Product(id="u", title="Lumaro U6 4K UHD Smart TV", price=1099, regular_price=1299,
                     currency="AUD"),
    }  # fmt: skip
    reply = (
        "The Nordlight Q7 QLED 4K Smart TV (from 1,299.00 AUD, in stock) is the best match. Also"
        " worth a look: the Lumaro U6 4K UHD Smart TV (1,099.00 AUD, down from 1,299.00 AUD)."
    )
    cards = [{"id": "q"}, {"id": "u"}]
    shown = TurnResult("c", "max 2 grand", {}, cards=cards, reply=reply)
    assert score([shown], tvs)["repetition"] == 0
    assert unsupported(shown, tvs) == []
    invented = TurnResult("c", "q", {}, cards=cards, reply=reply + " Today only 999.00 AUD!")
    assert unsupported(invented, tvs) == ["amount 999.00"]


def test_a_shown_product_s_description_quoted_may_name_another_product() -> None:
    seat = Product(id="s", title="Trygg Nest Infant Car Seat", price=2799, category="Car Seats",  # type: ignore[arg-type]
                   description="Install with the seatbelt or on the Trygg Nest ISOFIX Base "
                   "(sold separately).")  # fmt: skip
    base = Product(id="b", title="Trygg Nest ISOFIX Base", price=1999, category="Car Seats")  # type: ignore[arg-type]
    shop = {"s": seat, "b": base}
    quoted = (
        'The Trygg Nest Infant Car Seat is in stock. From its description: "Install with '
        'the seatbelt or on the Trygg Nest ISOFIX Base (sold separately)."'
    )
    assert unsupported(turn(quoted, ["s"]), shop) == []
    # Said outside a quote of its text, or in a quote it does not hold: not shown, so flagged.
    for reply in ("You also need the Trygg Nest ISOFIX Base.",
                  'It says: "works best with the Trygg Nest ISOFIX Base".'):  # fmt: skip
        assert unsupported(turn(reply, ["s"]), shop) == ["product Trygg Nest ISOFIX Base"]


def test_a_variant_named_twice_by_the_catalog_s_lists_is_no_repetition() -> None:
    suit = Product(  # type: ignore[arg-type]
        id="p", title="Ull Pram Suit", price=549, category="Clothes",
        variants=[
            Variant(id=f"p{n}", options={"Color": "Navy", "Size": size}, price=549,  # type: ignore[arg-type]
                    in_stock=n < 2)
            for n, size in enumerate(["68 cm (4-6 months)", "74 cm (6-9 months)",
                                      "80 cm (9-12 months)"])
        ],
    )  # fmt: skip
    listed = ("The Ull Pram Suit is in stock. Size: 68 cm (4-6 months), 74 cm (6-9 months), "
              "80 cm (9-12 months). Out of stock: Navy / 80 cm (9-12 months).")  # fmt: skip
    shown = TurnResult("c", "q", {}, cards=[{"id": "p"}], reply=listed)
    assert score([shown], {"p": suit})["repetition"] == 0
    loop = " It is so warm and soft, it is so warm and soft."
    looping = TurnResult("c", "q", {}, cards=[{"id": "p"}], reply=listed + loop)
    assert score([looping], {"p": suit})["repetition"] == 1
