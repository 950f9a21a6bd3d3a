from decimal import Decimal

import pytest

from retrieval.values import (
    PriceRange,
    attribute_value,
    currency_code,
    html_text,
    parse_currency,
    parse_in_stock,
    parse_link,
    parse_price,
    parse_price_and_currency,
    parse_price_range,
    text_value,
)


def test_parse_price_reads_dollars_with_thousands_separator() -> None:
    assert parse_price_and_currency("$1,299.99") == (Decimal("1299.99"), "USD")


def test_parse_price_reads_iso_code_after_the_amount() -> None:
    assert parse_price_and_currency("1299.99 USD") == (Decimal("1299.99"), "USD")


def test_parse_price_reads_iso_code_before_the_amount() -> None:
    assert parse_price_and_currency("chf 1'299.50") == (Decimal("1299.50"), "CHF")


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("€ 12,50", "12.50", "EUR"),
        ("12,50 €", "12.50", "EUR"),
        ("1.299,99", "1299.99", None),
        ("1 299,99", "1299.99", None),
    ],
)
def test_parse_price_reads_european_decimal_comma(
    text: str, amount: str, currency: str | None
) -> None:
    assert parse_price_and_currency(text) == (Decimal(amount), currency)


@pytest.mark.parametrize(
    ("text", "currency"), [("£3", "GBP"), ("¥500", "JPY"), ("US$ 5", "USD"), ("5 eur", "EUR")]
)
def test_parse_price_reads_currency_symbols_and_codes(text: str, currency: str) -> None:
    assert parse_price_and_currency(text)[1] == currency


@pytest.mark.parametrize(
    ("value", "amount"),
    [(19, "19"), (19.99, "19.99"), ("  19 ", "19"), (".99", "0.99"), ("1,299", "1299")],
)
def test_parse_price_reads_plain_amounts(value: object, amount: str) -> None:
    assert parse_price(value) == Decimal(amount)


def test_parse_price_groups_thousands_with_several_dots() -> None:
    assert parse_price("1.299.000") == Decimal("1299000")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "The price is empty."),
        (None, "The price is empty."),
        ("free", "The price 'free' is not a number; write it like 19.99."),
        ("N/A", "The price 'N/A' is not a number; write it like 19.99."),
        ("NaN", "The price 'NaN' is not a number; write it like 19.99."),
        ("-5", "The price '-5' is negative; prices must be zero or more."),
        ("$-5", "The price '$-5' is negative; prices must be zero or more."),
        (-5, "The price '-5' is negative; prices must be zero or more."),
        (float("nan"), "The price 'nan' is not a finite number."),
        (float("inf"), "The price 'inf' is not a finite number."),
        (True, "The price True is not a number like 19.99."),
        ("12-15", "The price '12-15' is not a number; write it like 19.99."),
        ("$5 EUR", "The price '$5 EUR' names two different currencies."),
        ("5 dollars", "The price '5 dollars' is not a number like 19.99, $19.99 or 19.99 EUR."),
        ("19.999", "The price '19.999' has 3 decimal places; use at most 2 "),
    ],
)
def test_parse_price_rejects_what_is_not_a_price(value: object, reason: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_price(value)
    assert str(raised.value).startswith(reason)


def test_parse_price_calls_a_lone_comma_with_one_decimal_ambiguous() -> None:
    with pytest.raises(ValueError, match="'12,5' is ambiguous; write it with a dot"):
        parse_price("12,5")


@pytest.mark.parametrize(
    "value", [True, "yes", "Y", "TRUE", "1", "in stock", "In-Stock", "instock", "available"]
)
def test_parse_in_stock_reads_words_for_in_stock(value: object) -> None:
    assert parse_in_stock(value) is True


@pytest.mark.parametrize(
    "value", [False, "no", "false", "0", "out of stock", "OutOfStock", "out_of_stock", "sold out"]
)
def test_parse_in_stock_reads_words_for_out_of_stock(value: object) -> None:
    assert parse_in_stock(value) is False


@pytest.mark.parametrize(("value", "expected"), [(3, True), (0, False), ("12", True), (-1, False)])
def test_parse_in_stock_reads_quantities(value: object, expected: bool) -> None:
    assert parse_in_stock(value) is expected


@pytest.mark.parametrize("value", [None, "", "   "])
def test_parse_in_stock_treats_a_missing_value_as_in_stock(value: object) -> None:
    assert parse_in_stock(value) is True


def test_parse_in_stock_reads_schema_org_availability() -> None:
    assert parse_in_stock("https://schema.org/OutOfStock") is False


def test_parse_in_stock_rejects_unknown_words() -> None:
    with pytest.raises(ValueError) as raised:
        parse_in_stock("maybe")
    assert str(raised.value) == (
        "The in_stock value 'maybe' is not understood; use yes/no, true/false, 1/0, "
        "in stock/out of stock or a quantity."
    )


def test_parse_link_accepts_http_and_https() -> None:
    assert parse_link("https://shop.example/a?b=1", "url") == "https://shop.example/a?b=1"
    assert parse_link("http://shop.example/a", "url") == "http://shop.example/a"


def test_parse_link_makes_protocol_relative_links_https() -> None:
    assert parse_link("//cdn.example/a.jpg", "image_url") == "https://cdn.example/a.jpg"


@pytest.mark.parametrize("value", [None, "", "  "])
def test_parse_link_treats_an_empty_value_as_no_link(value: object) -> None:
    assert parse_link(value, "url") is None


@pytest.mark.parametrize("value", ["javascript:alert(1)", "ftp://x.example/a", "shop/a", "data:,x"])
def test_parse_link_rejects_other_schemes(value: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_link(value, "url")
    assert str(raised.value) == f"The url '{value}' must start with http:// or https://."


def test_parse_currency_prefers_the_named_currency_then_the_price_then_the_default() -> None:
    assert parse_currency("eur", None, "USD") == "EUR"
    assert parse_currency("", "GBP", "USD") == "GBP"
    assert parse_currency(None, None, "USD") == "USD"


def test_parse_currency_rejects_a_name_that_is_not_a_code() -> None:
    with pytest.raises(ValueError, match="The currency 'Dollars' is not a three-letter code"):
        parse_currency("Dollars", None, "USD")


def test_parse_currency_rejects_a_conflict_with_the_price() -> None:
    with pytest.raises(ValueError) as raised:
        parse_currency("EUR", "USD", "USD")
    assert str(raised.value) == "The price is in USD but the currency column says EUR."


def test_text_value_writes_lists_as_json() -> None:
    assert text_value(["a", "b"]) == '["a", "b"]'
    assert text_value("  x ") == "x"
    assert text_value(None) == ""


def test_attribute_value_keeps_scalars_and_drops_empty_values() -> None:
    assert [attribute_value(v) for v in (3, 1.5, False, " red ")] == [3, 1.5, False, "red"]
    empty: tuple[object, ...] = (None, [], {}, float("nan"))
    assert [attribute_value(v) for v in empty] == [None] * 4
    assert attribute_value({"a": 1}) == '{"a": 1}'


@pytest.mark.parametrize(
    ("text", "low", "high", "currency", "opened"),
    [
        ("$389.99 through $419.99", "389.99", "419.99", "USD", False),
        ("$389.99through-$419.99", "389.99", "419.99", "USD", False),
        ("$10 - $20", "10", "20", "USD", False),
        ("10–20 €", "10", "20", "EUR", False),
        ("1.299,99 € – 1.499,99 €", "1299.99", "1499.99", "EUR", False),
        ("from $10", "10", None, "USD", True),
        ("Starting at 5 GBP", "5", None, "GBP", True),
        ("£12 to £12", "12", None, "GBP", False),
        ("19.99", "19.99", None, None, False),
    ],
)
def test_parse_price_range_reads_ranges_as_stores_write_them(
    text: str, low: str, high: str | None, currency: str | None, opened: bool
) -> None:
    assert parse_price_range(text) == PriceRange(
        Decimal(low), Decimal(high) if high else None, currency, opened
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("$20 - $10", "The price range '$20 - $10' ends below where it starts."),
        ("$10 - 20 EUR", "The price range '$10 - 20 EUR' names two different currencies."),
        ("-5", "The price '-5' is negative; prices must be zero or more."),
    ],
)
def test_parse_price_range_rejects_ranges_that_make_no_sense(text: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_price_range(text)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("mark", "default", "code"),
    [
        ("$", "USD", "USD"),
        ("$", "CAD", "CAD"),  # the shop's own dollar
        ("$", "EUR", "USD"),  # a dollar is not a euro
        ("CA$", "USD", "CAD"),
        ("US$", "CAD", "USD"),
        ("A$", "USD", "AUD"),
        ("¥", "CNY", "CNY"),
        ("¥", "USD", "JPY"),
        ("€", "USD", "EUR"),
        ("kr", "NOK", "NOK"),
        ("chf", "USD", "CHF"),
        ("dollars", "USD", None),
    ],
)
def test_currency_code_reads_symbols_and_follows_the_shop_currency_when_ambiguous(
    mark: str, default: str, code: str | None
) -> None:
    assert currency_code(mark, default) == code


def test_parse_currency_turns_a_symbol_column_into_a_code() -> None:
    assert parse_currency("$", None, "USD") == "USD"
    assert parse_currency("£", "GBP", "USD") == "GBP"


def test_parse_price_reads_an_ambiguous_symbol_as_the_shop_currency() -> None:
    assert parse_price_and_currency("$ 12.00", "AUD") == (Decimal("12.00"), "AUD")


@pytest.mark.parametrize(
    ("html", "text"),
    [
        (
            "<p>Hand-thrown <strong>stoneware</strong> &amp; glazed.</p>"
            "<ul><li>Holds 350 ml</li><li>Dishwasher safe</li></ul>",
            "Hand-thrown stoneware & glazed. Holds 350 ml. Dishwasher safe",
        ),
        ("Plain text, no markup.", "Plain text, no markup."),
        ("<div>One<br>Two</div><script>alert(1)</script><style>p{}</style>", "One. Two"),
        ("Caf&eacute; &#8211; 5&nbsp;cups", "Café – 5 cups"),
    ],
)
def test_html_text_keeps_the_words_and_drops_the_markup(html: str, text: str) -> None:
    assert html_text(html) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [("in_stock", True), ("out_of_stock", False), ("preorder", True), ("backorder", True),
     ("https://schema.org/InStock", True), ("https://schema.org/OutOfStock", False)],
)  # fmt: skip
def test_parse_in_stock_reads_feed_availability_values(value: str, expected: bool) -> None:
    assert parse_in_stock(value) is expected
