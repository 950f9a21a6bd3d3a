"""The catalog's product record: the one shape every part of the service agrees on."""

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from retrieval.text import words

Scalar = str | int | float | bool
Price = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


# Currencies with no minor unit (ISO 4217): their whole amounts are written without cents.
NO_CENTS = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND",
            "VUV", "XAF", "XOF", "XPF"}  # fmt: skip


def money(amount: Decimal, currency: str) -> str:
    """`$1,299.99`, `€15.00`, `1,299.99 CHF` or `¥18,800`: how the service writes any amount."""
    whole = currency in NO_CENTS and amount == amount.to_integral_value()
    text = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


class Variant(BaseModel):
    """One buyable version of a product: a size, a colour, a pack."""

    model_config = ConfigDict(frozen=True)

    id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    options: dict[str, str] = Field(default_factory=dict)  # {"Size": "M", "Color": "Blue"}
    price: Price
    regular_price: Price | None = None  # the price before a sale, only when the catalog says
    in_stock: bool = True
    quantity: int | None = None
    image_url: str | None = None

    @property
    def name(self) -> str:
        """`M / Blue`: the variant as a shopper would pick it."""
        return " / ".join(self.options.values()) or self.id

    @property
    def on_sale(self) -> bool:
        return self.regular_price is not None and self.regular_price > self.price

    def named_in(self, text: str) -> int:
        """How many of this variant's options the text names ("the blue one in M" names two of
        M / Blue); one- and two-letter sizes count only as written ("M", not "m")."""
        return sum(_names_value(value, text) for value in self.options.values())

    @property
    def sizes(self) -> list[str]:
        """The values of its options that are sizes ("UK 8", "XL (UK 10-11)", "M")."""
        return [value for name, value in self.options.items() if is_size(name, value)]

    def size_named(self, text: str) -> bool | None:
        """Whether the text names this variant's size; None where it has no size option."""
        sizes = self.sizes
        return any(_names_value(value, text) for value in sizes) if sizes else None


MEASURE = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-z]{1,6}\.?)", re.I)  # "25 lb", "1.5kg", "500 ml"


# A size in a sizing system ("UK 8", "EU 42"): "size 8", "an 8" name it by its number alone.
_SYSTEMS = r"(uk|eu|eur|us|au|br|mx|jp|kids|kid|junior|youth|toddler)"
_SIZE_SYSTEM = re.compile(rf"{_SYSTEMS}\s?(\d{{1,2}}(?:[.,]5)?)", re.I)
# A range of them in one option, as slippers and insoles are sold: "XL (UK 10-11)", "UK 3-5".
_SIZE_RANGE = re.compile(rf"\b{_SYSTEMS}\s?(\d{{1,2}})\s?[-–]\s?(\d{{1,2}})\b", re.I)
_SIZE_WORDS = frozenset({"size", "sz", "a", "an", "in", "the"})
# What an option that is a size is called, in the languages shops export in.
_SIZE_KEY = re.compile(
    r"size|gr[öo](?:ß|ss)e|taille|talla|tamanho|tama[ñn]o|maat|grootte|m[ée]ret|rozmiar"
    r"|storlek|st[øo]rrelse|koko|velikost|taglia",
    re.I,
)
# (Not an age: "my 6 year old son", "a 3yo", "8 months".)
_NUMBER_SAID = re.compile(
    r"(?<![\w.,/-])(\d{1,2}(?:[.,]5)?)(?![\w.,/-]|\s?(?:cm|mm|kg|g)\b"
    r"|[\s-]?(?:years?|yrs?|months?|mos?|weeks?|y/?o)\b)"
)


def _said_in(system: str, text: str) -> list[float]:
    """The sizes the text says by number that may be of `system`: "size 8", "an 8", "uk 8";
    not "eu 8" for UK sizes, nor "kids size 11" for UK 11 (a system said before it, past
    "size", is the size's own)."""
    said = []
    for number in _NUMBER_SAID.finditer(text):
        before = [w.casefold() for w in re.findall(r"\w+", text[: number.start()])[-3:]]
        word = next((w for w in reversed(before) if w not in _SIZE_WORDS), "")
        if not _SIZE_SYSTEM.fullmatch(f"{word} 1") or word == system.casefold():
            said.append(float(number[1].replace(",", ".")))
    return said


# A size by letter, as shoppers spell it: "im a small", "a medium pls" (not "extra small" for S),
# alone or before a word that names no thing ("small size pls", "a large or xl?"): not how big
# a thing or a person is ("large backpack", "my small daughter", "medium roast").
_SIZE_WORD_END = (
    r"(?![\w-])(?!\s+(?!(?:size|sizes|one|ones|pls|please|plz|or|and|if|in|for|is|would|should"
    r"|will|then|too|thanks|thx|ty|maybe|probably|usually|normally|mostly|though|tho|but|fit|fits"
    r"|i|im|i'm|she|he|they|we|it|me|him|her|them|thank|cheers|mens?|womens?|ladies|kids|boys"
    r"|girls|unisex|black|white|gr[ae]y|blue|navy|red|green|pink|purple|yellow|orange|brown"
    r"|beige|cream|tan|olive|khaki|teal|burgundy|maroon|ecru|camel|charcoal|silver|gold|ivory"
    r")\b)[a-z])"
)
_SPELLED_SIZES = {
    "xs": r"(?:extra|xtra|x)[\s-]?small",
    "s": r"(?<!extra )(?<!xtra )(?<!x )(?<![\w-])small",
    "m": r"(?<![\w-])medium",
    "l": r"(?<!extra )(?<!xtra )(?<!x )(?<![\w-])large",
    "xl": r"(?:extra|xtra|x)[\s-]?large",
}
_LETTER_SIZE = re.compile(r"\s*(XS|S|M|L|XL)\b(?:\s*\([^)]*\))?\s*", re.I)
# How a product fits, asked, names no size: "is it small?", "does it run large", "are they
# a bit small".
_FIT_ASKED = re.compile(
    r"\b(?:(?:is|are|does|do)\s+(?:it|they|this|these|this one|those)|runs?|running|comes? up)"
    r"(?:\s+(?:run|come up))?(?:\s+(?:a bit|a little|bit|too|very|quite|really|kinda|kind of))?"
    r"\s+(?:small|large|big)\b",
    re.I,
)


def _names_size(value: str, text: str) -> bool:
    if (letter := _LETTER_SIZE.fullmatch(value)) and re.search(
        rf"{_SPELLED_SIZES[letter[1].casefold()]}{_SIZE_WORD_END}", _FIT_ASKED.sub(" ", text), re.I
    ):
        return True
    if system := _SIZE_SYSTEM.fullmatch(value.strip()):
        return float(system[2].replace(",", ".")) in _said_in(system[1], text)
    if spans := _SIZE_RANGE.search(value):
        low, high = int(spans[2]), int(spans[3])
        if re.search(rf"(?<![\w.,-]){low}\s?[-–/]\s?{high}(?![\w.,-])", text):
            return True  # the range as said: "and the 10-11?"
        return any(low <= size <= high for size in _said_in(spans[1], text))
    return False


def is_size(name: str, value: str) -> bool:
    """Whether an option is a size: called one ("Size", "Größe", "Shoe size"), or a size in a
    sizing system ("UK 8", "XL (UK 10-11)")."""
    return bool(_SIZE_KEY.search(name) or _SIZE_SYSTEM.fullmatch(value.strip())
                or _SIZE_RANGE.search(value))  # fmt: skip


def names_any(values: Iterable[str], text: str) -> bool:
    """Whether the text names any of these option values (as `Variant.named_in` counts)."""
    return any(_names_value(value, text) for value in values)


DECIMAL = re.compile(r"(\d)[.,](\d)")


# A letter size beside another name of it: "10 (XL)", "XL (UK 10-11)".
_LETTER_BESIDE = re.compile(r"^\s*([2-5]?X{0,3}[SML])\s*\(|\(\s*([2-5]?X{0,3}[SML])\s*\)\s*$")


def _names_value(value: str, text: str) -> bool:
    if _names_size(value, text):
        return True
    if (letter := _LETTER_BESIDE.search(value)) and _names_value(letter[1] or letter[2], text):
        return True  # "gloves in XL": the "10 (XL)"
    if len(value) <= 2:
        return re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text) is not None
    # (Not the end of a decimal: "5 lb" is not in "5-52.5 lb".)
    if re.search(rf"(?<!\w)(?<!\d[.,]){re.escape(value)}(?!\w)", text, re.I) is not None:
        return True
    if measure := MEASURE.fullmatch(value.strip()):
        # "and the 25s?", "the 25lb ones": a weight or size by its number, the unit left out.
        # ("4ah" names "4.0 Ah": a whole number written with its decimals.)
        whole = re.sub(r"[.,]0+$", "", measure[1])
        number, unit = f"(?:{re.escape(measure[1])}|{re.escape(whole)})", re.escape(measure[2])
        said = rf"(?<![\w.]){number}(\s*{unit}s?|s|'s|’s)(?![\w])"
        if re.search(said, text, re.IGNORECASE):
            return True
    # "the 1000 piece one" names "1000 pieces": the same words, plurals folded. (A decimal is
    # one number: "5-52.5 lb" names no "5 lb", though its words end "5", "lb".)
    if not DECIMAL.search(value):
        text = DECIMAL.sub(r"\1d\2", text)  # one word, no number alone
    spoken = words(text)
    wanted = words(value)
    return any(spoken[i : i + len(wanted)] == wanted for i in range(len(spoken)))


class Product(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)] = ""
    price: Price  # the lowest price it can be bought for (a range's or the variants' lowest)
    price_max: Price | None = None  # the highest, when the price is a range
    price_from: bool = False  # the catalog writes the price as "from ..." with no upper end
    regular_price: Price | None = None  # the price before a sale, only when the catalog says
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    category: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    url: str | None = None
    image_url: str | None = None
    in_stock: bool = True
    attributes: dict[str, Scalar] = Field(default_factory=dict)
    variants: tuple[Variant, ...] = ()

    @field_validator("currency", mode="before")
    @classmethod
    def _upper_currency(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @property
    def has_range(self) -> bool:
        return self.price_max is not None and self.price_max > self.price

    @property
    def on_sale(self) -> bool:
        return self.regular_price is not None and self.regular_price > self.price

    @property
    def availability(self) -> str | None:
        """ "preorder" or "backorder" where the catalog sells it ahead of stock, else None."""
        ahead = self.attributes.get("availability")
        return ahead if self.in_stock and ahead in ("preorder", "backorder") else None

    @property
    def stock_text(self) -> str:
        """Whether it can be bought now, as the catalog says: "in stock", "out of stock", or
        sold ahead of stock ("preorder", "backorder" in a feed's availability)."""
        if not self.in_stock:
            return "out of stock"
        ahead = {"preorder": "available to pre-order", "backorder": "available on backorder"}
        return ahead.get(self.availability or "", "in stock")

    def price_text(self) -> str:
        """The price exactly as the catalog holds it: `$1,299.99`, `from $10.00` for a range
        or variants at several prices, `1,299.99 CHF` in a currency without a symbol."""
        text = money(self.price, self.currency)
        return f"from {text}" if self.has_range or self.price_from else text

    def card(self) -> dict[str, object]:
        """The fields a product card shows to the shopper."""
        options: dict[str, list[str]] = {}
        for variant in self.variants:
            for name, value in variant.options.items():
                if value not in options.setdefault(name, []):
                    options[name].append(value)
        return {
            "id": self.id,
            "title": self.title,
            "price": f"{self.price:.2f}",
            "price_max": f"{self.price_max:.2f}" if self.has_range else None,
            "price_from": self.has_range or self.price_from,
            "regular_price": f"{self.regular_price:.2f}" if self.on_sale else None,
            "currency": self.currency,
            "url": self.url,
            "image_url": self.image_url,
            "in_stock": self.in_stock,
            # Sold before it is in the shop: "preorder" or "backorder", else None.
            "availability": self.availability,
            "options": options,
        }
