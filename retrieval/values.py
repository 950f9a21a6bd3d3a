"""Parse single catalog values as stores write them: prices, currencies, stock, links."""

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

from retrieval.catalog import Scalar

# Symbols as shops write them. A symbol several currencies share maps to all of them: the
# first is meant unless the shop's own currency (`--currency`) is one of the others.
CURRENCY_MARKS: dict[str, tuple[str, ...]] = {
    "$": ("USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN"),
    "US$": ("USD",), "USD$": ("USD",), "CA$": ("CAD",), "C$": ("CAD",), "CAN$": ("CAD",),
    "A$": ("AUD",), "AU$": ("AUD",), "NZ$": ("NZD",), "HK$": ("HKD",), "S$": ("SGD",),
    "MX$": ("MXN",), "R$": ("BRL",), "€": ("EUR",), "£": ("GBP",), "¥": ("JPY", "CNY"),
    "￥": ("JPY", "CNY"), "JP¥": ("JPY",), "CN¥": ("CNY",), "元": ("CNY",), "RMB": ("CNY",),
    "₹": ("INR",), "RS": ("INR",), "RS.": ("INR",), "₩": ("KRW",), "₽": ("RUB",),
    "₺": ("TRY",), "₪": ("ILS",), "₫": ("VND",), "฿": ("THB",), "₱": ("PHP",), "ZŁ": ("PLN",),
    "KČ": ("CZK",), "FT": ("HUF",), "KR": ("SEK", "NOK", "DKK", "ISK"), "KR.": ("DKK",),
    "FR.": ("CHF",), "CHF": ("CHF",), "R": ("ZAR",),
}  # fmt: skip
IN_STOCK = {"yes", "y", "true", "t", "1", "in stock", "instock", "available", "preorder",
            "pre order", "backorder", "on backorder", "limited availability"}  # fmt: skip
OUT_OF_STOCK = {"no", "n", "false", "f", "0", "out of stock", "outofstock", "sold out",
                "discontinued", "unavailable"}  # fmt: skip
STATUS_KEYS = ("status", "availability", "in_stock", "instock", "is_in_stock", "available")
COUNT_KEYS = ("quantity", "qty", "stock", "inventory", "inventory_quantity", "count")
FROM_WORDS = r"(?:from|starting at|starts at|starting from|as low as|ab|desde|à partir de|dès)"
RANGE_SEPARATOR = r"(?:-|–|—|~|to|through|thru|till|until|bis|à)"


def parse_price(value: object) -> Decimal:
    """The amount of a price such as 19, "19.99", "$1,299.99", "1299.99 USD" or "€ 12,50"."""
    return parse_price_and_currency(value)[0]


def parse_price_and_currency(
    value: object, default: str | None = None
) -> tuple[Decimal, str | None]:
    """The amount of a price and the currency its text names ($, €, £, ¥, CA$ or an ISO
    code); a symbol several currencies share means `default` when it is one of them."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _checked(Decimal(str(value)), str(value)), None
    if isinstance(value, dict):
        return _price_object(value, default)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"The price {value!r} is not a number like 19.99.")
    text = (value or "").strip()
    if not text:
        raise ValueError("The price is empty.")
    digits = [i for i, char in enumerate(text) if char in "0123456789"]
    if not digits:
        raise ValueError(f"The price '{text}' is not a number; write it like 19.99.")
    start, end = digits[0], digits[-1] + 1
    start -= text[:start].endswith(".")  # ".99"
    prefix, suffix = text[:start].strip(), text[end:].strip()
    if "-" in prefix:
        raise ValueError(f"The price '{text}' is negative; prices must be zero or more.")
    currency = _currency_of(prefix.lstrip("+").strip(), suffix, text, default)
    return _checked(_amount(text[start:end], text), text), currency


# A price written as an object, as shop APIs dump them: {"amount": "54990.00", "currency":
# "INR"}, {"value": 19.99, "currencyCode": "USD"}, {"centAmount": 1999, "fractionDigits": 2}.
AMOUNT_KEYS = ("amount", "value", "price", "raw")
CENT_KEYS = ("centamount", "cent_amount", "amount_in_cents", "cents")
CURRENCY_KEYS = ("currency", "currency_code", "currencycode", "code")


def _price_object(value: dict[object, object], default: str | None) -> tuple[Decimal, str | None]:
    by_key = _keyed(value)
    named = next((by_key[k] for k in CURRENCY_KEYS if by_key.get(k) not in (None, "")), None)
    currency = currency_code(str(named), default) if named is not None else None
    if named is not None and currency is None:
        raise ValueError(f"The price's currency '{_clip(named)}' is not a currency code like USD.")
    cents = next((by_key[k] for k in CENT_KEYS if by_key.get(k) is not None), None)
    if cents is not None:
        digits = by_key.get("fractiondigits", 2)
        if not isinstance(digits, int) or not 0 <= digits <= 4:
            raise ValueError(f"The price's fractionDigits {_clip(digits)} is not 0 to 4.")
        amount, _ = parse_price_and_currency(cents, default)
        return _checked(amount.scaleb(-digits), _clip(value)), currency
    inner = next((by_key[k] for k in AMOUNT_KEYS if by_key.get(k) not in (None, "")), None)
    if inner is None or isinstance(inner, dict):
        raise ValueError(
            f"The price {_clip(value)} has no amount; write it like 19.99 or "
            '{"amount": "19.99", "currency": "USD"}.'
        )
    amount, written = parse_price_and_currency(inner, default)
    if currency and written and currency != written:
        raise ValueError(f"The price {_clip(value)} names two different currencies.")
    return amount, currency or written


@dataclass(frozen=True)
class PriceRange:
    low: Decimal
    high: Decimal | None  # None: a single price, or an open range ("from $10")
    currency: str | None
    open: bool = False  # "from $10": the shop says the price starts there


def parse_price_range(value: object, default: str | None = None) -> PriceRange:
    """A price as stores write it, including ranges: "$389.99 through $419.99",
    "$10 - $20", "10–20 €", "from $10"; a plain price is a range of one."""
    if not isinstance(value, str):
        amount, currency = parse_price_and_currency(value, default)
        return PriceRange(amount, None, currency)
    text = value.strip()
    opened = re.match(rf"{FROM_WORDS}\b\s*:?\s*", text, flags=re.IGNORECASE)
    if opened and re.search(r"\d", text[opened.end() :]):
        amount, currency = parse_price_and_currency(text[opened.end() :], default)
        return PriceRange(amount, None, currency, open=True)
    split = re.fullmatch(
        rf"(.*?\d(?:\s*[^\d\s-]{{1,4}})?)\s*{RANGE_SEPARATOR}[\s-]*(\D{{0,5}}\d.*)",
        text,
        flags=re.IGNORECASE | re.DOTALL,
    )
    if split is None:
        amount, currency = parse_price_and_currency(text, default)
        return PriceRange(amount, None, currency)
    low, low_currency = parse_price_and_currency(split[1], default)
    high, high_currency = parse_price_and_currency(split[2], default)
    if low_currency and high_currency and low_currency != high_currency:
        raise ValueError(f"The price range '{text}' names two different currencies.")
    if high < low:
        raise ValueError(f"The price range '{text}' ends below where it starts.")
    return PriceRange(low, high if high > low else None, low_currency or high_currency)


def _currency_of(prefix: str, suffix: str, text: str, default: str | None) -> str | None:
    codes = {_currency_code(mark, text, default) for mark in (prefix, suffix) if mark}
    if len(codes) > 1:
        raise ValueError(f"The price '{text}' names two different currencies.")
    return codes.pop() if codes else None


def currency_code(mark: str, default: str | None = None) -> str | None:
    """The ISO code a currency mark stands for ("$", "CA$", "€", "eur"), or None."""
    mark = mark.strip()
    candidates = CURRENCY_MARKS.get(mark.upper())
    if candidates:
        return default if default in candidates else candidates[0]
    if re.fullmatch(r"[A-Za-z]{3}", mark):
        return mark.upper()
    return None


def _currency_code(mark: str, text: str, default: str | None) -> str:
    code = currency_code(mark, default)
    if code is None:
        raise ValueError(f"The price '{text}' is not a number like 19.99, $19.99 or 19.99 EUR.")
    return code


def _amount(number: str, text: str) -> Decimal:
    compact = re.sub(r"[\s']", "", number)  # 1 299,99 and 1'299.99 group thousands too
    if not re.fullmatch(r"[\d.,]+", compact):
        raise ValueError(f"The price '{text}' is not a number; write it like 19.99.")
    mark = _decimal_mark(compact)
    whole, _, fraction = compact.rpartition(mark) if mark else (compact, "", "")
    separators, groups = set(re.findall(r"[.,]", whole)), re.split(r"[.,]", whole)
    if len(separators) > 1 or mark in separators or not _grouped(groups):
        raise ValueError(
            f"The price '{text}' is ambiguous; write it with a dot before the cents, like 1299.50."
        )
    if len(fraction) > 2:
        raise ValueError(
            f"The price '{text}' has {len(fraction)} decimal places; use at most 2 "
            "(and no dot between thousands)."
        )
    whole = "".join(groups) or "0"
    return Decimal(f"{whole}.{fraction}" if fraction else whole)


def _grouped(groups: list[str]) -> bool:
    return len(groups) == 1 or (0 < len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]))


def _decimal_mark(number: str) -> str:
    if "," in number and "." in number:
        return "," if number.rfind(",") > number.rfind(".") else "."
    if number.count(",") == 1 and len(number.rpartition(",")[2]) == 2:
        return ","  # 12,50 is a European decimal comma; 1,299 groups thousands
    return "." if number.count(".") == 1 else ""


def _checked(amount: Decimal, shown: str) -> Decimal:
    if not amount.is_finite():
        raise ValueError(f"The price '{shown}' is not a finite number.")
    if amount < 0:
        raise ValueError(f"The price '{shown}' is negative; prices must be zero or more.")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValueError(f"The price '{shown}' has more than 2 decimal places.")
    return amount


def parse_in_stock(value: object) -> bool:
    """Read an availability value: yes/no, true/false, 1/0, in stock/out of stock or a count."""
    if isinstance(value, bool) or value is None:
        return value is not False
    if isinstance(value, int | float) and not math.isnan(value):
        return value > 0
    if isinstance(value, dict):
        # {"status": "in_stock", "quantity": 12}, as shop APIs dump it: the status if it has
        # one, else the count.
        by_key = _keyed(value)
        for key in (*STATUS_KEYS, *COUNT_KEYS):
            if by_key.get(key) not in (None, ""):
                return parse_in_stock(by_key[key])
        raise ValueError(
            f"The in_stock value {_clip(value)} has no status or quantity; use yes/no, "
            "in stock/out of stock or a quantity."
        )
    text = _status(str(value))
    if text in IN_STOCK or not text:
        return True
    if text in OUT_OF_STOCK:
        return False
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text) > 0
    raise ValueError(
        f"The in_stock value '{_clip(value)}' is not understood; use yes/no, true/false, "
        "1/0, in stock/out of stock or a quantity."
    )


def ahead_of_stock(value: object) -> str | None:
    """ "preorder" or "backorder" where an availability value sells a product before it is in
    stock ("preorder", "pre-order", "https://schema.org/BackOrder"), else None."""
    if not isinstance(value, str):
        return None
    return {"preorder": "preorder", "pre order": "preorder", "backorder": "backorder",
            "on backorder": "backorder", "back order": "backorder"}.get(_status(value))  # fmt: skip


def _status(value: str) -> str:
    """An availability as words: "In_Stock", "https://schema.org/PreOrder": "in stock",
    "preorder"."""
    return re.sub(r"[\s_-]+", " ", value.strip().casefold()).rpartition("/")[2].strip()


def parse_currency(value: object, price_currency: str | None, default: str) -> str:
    """The currency a row names (a code or a symbol), checked against its price text's."""
    text = text_value(value)
    named = (currency_code(text, default) or "") if text else ""
    if text and not named:
        raise ValueError(
            f"The currency '{_clip(value)}' is not a three-letter code like USD or a symbol "
            "like $ or €."
        )
    if named and price_currency and named != price_currency:
        raise ValueError(f"The price is in {price_currency} but the currency column says {named}.")
    return named or price_currency or default


def parse_link(value: object, name: str) -> str | None:
    """A product or image link; only http and https links may reach the shopper."""
    text = text_value(value)
    if text.startswith("//"):
        text = "https:" + text  # protocol-relative links, common in shop exports
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"The {name} '{_clip(text)}' must start with http:// or https://.")
    return text


def text_value(value: object) -> str:
    """A text field: stripped, with lists and objects written as JSON."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def attribute_value(value: object) -> Scalar | None:
    """An attribute as a scalar, or None for an empty value that should be dropped."""
    if isinstance(value, bool | int | str):
        return value.strip() if isinstance(value, str) else value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v).strip() for v in value if str(v).strip()) or None  # tags
    return text_value(value) if value else None


def _keyed(value: dict[object, object]) -> dict[str, object]:
    """An object's values by their keys in lower case ("currencyCode" is "currencycode")."""
    return {str(k).strip().casefold(): v for k, v in value.items()}


def _clip(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def html_text(value: str) -> str:
    """Plain text of an HTML description: tags dropped, entities decoded, each paragraph or
    list item a sentence of its own. Text without markup comes back as it was."""
    if "<" not in value and "&" not in value:
        return value.strip()
    parser = _TextParser()
    parser.feed(value)
    parser.close()
    return parser.text()


class _TextParser(HTMLParser):
    BLOCKS = {"p", "div", "li", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
              "table", "section", "article", "blockquote", "dd", "dt", "hr"}  # fmt: skip
    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = [""]
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.blocks.append("")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.blocks[-1] += data

    def text(self) -> str:
        parts = [" ".join(block.split()) for block in self.blocks]
        out = ""
        for part in filter(None, parts):
            if out:
                out += " " if out[-1] in ".!?:;" else ". "
            out += part
        return out
