"""Parse single catalog values as stores write them: prices, currencies, stock, links."""

import json
import math
import re
from decimal import Decimal
from urllib.parse import urlsplit

from retrieval.catalog import Scalar

CURRENCY_MARKS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
IN_STOCK = {"yes", "y", "true", "t", "1", "in stock", "instock", "available"}
OUT_OF_STOCK = {"no", "n", "false", "f", "0", "out of stock", "outofstock", "sold out"}


def parse_price(value: object) -> Decimal:
    """The amount of a price such as 19, "19.99", "$1,299.99", "1299.99 USD" or "€ 12,50"."""
    return parse_price_and_currency(value)[0]


def parse_price_and_currency(value: object) -> tuple[Decimal, str | None]:
    """The amount of a price and the currency its text names ($, €, £, ¥ or an ISO code)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _checked(Decimal(str(value)), str(value)), None
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
    currency = _currency_of(prefix.lstrip("+").strip(), suffix, text)
    return _checked(_amount(text[start:end], text), text), currency


def _currency_of(prefix: str, suffix: str, text: str) -> str | None:
    codes = {_currency_code(mark, text) for mark in (prefix, suffix) if mark}
    if len(codes) > 1:
        raise ValueError(f"The price '{text}' names two different currencies.")
    return codes.pop() if codes else None


def _currency_code(mark: str, text: str) -> str:
    if mark.upper() in CURRENCY_MARKS:
        return CURRENCY_MARKS[mark.upper()]
    if re.fullmatch(r"[A-Za-z]{3}", mark):
        return mark.upper()
    raise ValueError(f"The price '{text}' is not a number like 19.99, $19.99 or 19.99 EUR.")


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
    text = re.sub(r"[\s_-]+", " ", str(value).strip().casefold()).rpartition("/")[2]
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


def parse_currency(value: object, price_currency: str | None, default: str) -> str:
    """The currency a row names, checked against the one its price text carries."""
    named = text_value(value).upper()
    if named and not re.fullmatch(r"[A-Z]{3}", named):
        raise ValueError(f"The currency '{_clip(value)}' is not a three-letter code like USD.")
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
    return text_value(value) if value else None


def _clip(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
