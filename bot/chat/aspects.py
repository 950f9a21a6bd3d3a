"""What a question weighs products by, in the shopper's words ("how heavy is it", "which one is
lighter", "which is cheaper") and in the catalog's ("Weight: 4.6 kg", a "Weight (kg)" field).

Only what the catalog states is compared: a product whose weight it does not state is never
said to be lighter or heavier.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.catalog import Product
from retrieval.measures import UNITS
from retrieval.text import keywords

# A question's words for what a catalog calls otherwise, and the words a text says it with:
# "how heavy is it" asks its weight; "which one is quieter" is answered by "quietest", "dB".
_FAMILIES = (
    (
        ("heavy", "heavier", "heaviest", "lighter", "lightest", "weigh", "weighs"),
        ("weight", "weigh", "weighs", "light", "lightweight", "lighter", "lightest", "heavy"),
    ),
    (
        (
            "big",
            "bigger",
            "biggest",
            "small",
            "smaller",
            "smallest",
            "large",
            "larger",
            "dimension",
            "measurement",
            "tall",
            "taller",
            "wide",
            "wider",
        ),
        ("size", "dimension", "length", "width", "height", "compact", "large", "small"),
    ),  # fmt: skip
    (
        ("warm", "warmer", "warmest", "cold", "colder"),
        ("warm", "warmer", "warmest", "warmth", "temperature", "comfort", "tog", "insulated"),
    ),
    (
        ("quiet", "quieter", "quietest", "loud", "louder", "noisy", "noise"),
        ("quiet", "quieter", "quietest", "loud", "noise", "noisy", "db", "silent"),
    ),
    (("charge", "runtime"), ("battery", "runtime", "run", "charge", "hour")),
    (("hold", "holds"), ("capacity", "volume", "hold", "holds")),
)
ASKED_AS: dict[str, tuple[str, ...]] = {word: said for asked, said in _FAMILIES for word in asked}


def asked_about(text: str) -> set[str]:
    """The keywords of a question, with the catalog's words for what they ask ("how heavy":
    heavy, weight)."""
    asked = set(keywords(text))
    return asked | {spec for word in asked for spec in ASKED_AS.get(word, ())}


# Weights are in grams, as `measures.UNITS` scales them; its spellings, and these.
_SPELLED = {"kilogram": "kg", "kilograms": "kg", "ounce": "oz", "ounces": "oz"}
_UNIT = r"(kg|g|grams?|kilos?|kilograms?|lbs?|pounds?|oz|ounces?)"
# "Weight: 4.6 kg", "weight 480 g", "weighs just 890 g", "Weight (kg): 0.89" as a text states it.
_STATED_WEIGHT = re.compile(
    rf"\bweigh(?:t|s|ing)?\b(?:\s*\((?P<keyunit>{_UNIT})\))?[^.\n\d]{{0,20}}?"
    rf"(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>{_UNIT})?\b",
    re.I,
)
_BARE_MASS = re.compile(
    r"(?:^|[,;(]\s*|\b(?:only|just|a mere)\s+)(?<!up to )(?<!max )"
    r"(?P<n>\d+(?:[.,]\d+)?)\s?(?P<unit>g|kg|grams?)(?=\s*(?:[,;)]|\.(?:\s|$)|$))",
    re.I,
)
# A field that holds the product's own weight: "Weight (kg)", "weight_g", "Item weight" (not a
# shipping weight, the same for every parcel, nor a paper's weight per square metre).
_WEIGHT_KEY = re.compile(r"weight|grams", re.I)
_NOT_ITS_WEIGHT = re.compile(r"shipping|paper|gsm|capacity|max|load|limit", re.I)


def _grams(number: str, unit: str | None) -> float | None:
    if unit is None:
        return None
    said = unit.casefold()
    return float(number.replace(",", ".")) * UNITS[_SPELLED.get(said, said)][1]


def weight(product: Product) -> float | None:
    """The product's weight in grams as its description or a field states it; None when none
    does."""
    for match in _STATED_WEIGHT.finditer(product.description):
        before = re.split(
            r"[.;:()\n]", product.description[max(0, match.start() - 15) : match.start()]
        )
        if _NOT_ITS_WEIGHT.search(f"{before[-1]} {match[0]}"):
            continue  # "max load weight 150 kg" is what it carries
        if (grams := _grams(match["n"], match["unit"] or match["keyunit"])) is not None:
            return grams
    for key, value in product.attributes.items():
        if not _WEIGHT_KEY.search(key) or _NOT_ITS_WEIGHT.search(key) or isinstance(value, bool):
            continue
        unit = re.search(rf"\b{_UNIT}\b|_(g|kg|lb|oz)$", key, re.I)
        said = re.fullmatch(rf"\s*(\d+(?:[.,]\d+)?)\s*{_UNIT}?\s*", str(value), re.I)
        if said is None:
            continue
        named = (
            said[2] or (unit and (unit[1] or unit[2])) or ("g" if "gram" in key.lower() else None)
        )
        if (grams := _grams(said[1], named)) is not None and grams > 0:
            return grams
    # A mass the text says as a clause of its own: "titanium case and bracelet, only 68 g,
    # hypoallergenic", "800 fill down jacket, 290 g, packs into its own pocket".
    for match in _BARE_MASS.finditer(product.description):
        if (grams := _grams(match["n"], match["unit"])) is not None and grams > 0:
            return grams
    return None


def weight_text(grams: float) -> str:
    """A weight as a shopper reads it: "890 g", "4.6 kg"."""
    if grams < 1000:
        return f"{grams:.0f} g"
    return f"{grams / 1000:.2f}".rstrip("0").rstrip(".") + " kg"


# What a comparison asks to rank by, and which end wins.
_BY = (
    (re.compile(r"\b(?:lighter|lightest|less heavy|weighs? less)\b", re.I), "weight", False),
    (re.compile(r"\b(?:heavier|heaviest|weighs? more)\b", re.I), "weight", True),
    (
        re.compile(
            r"\b(?:cheaper|cheapest|less expensive|least expensive|more affordable|lower price"
            r"|costs? less)\b",
            re.I,
        ),
        "price",
        False,
    ),
    (
        re.compile(
            r"\b(?:dearer|dearest|pricier|priciest|more expensive|most expensive|costs? more)\b",
            re.I,
        ),
        "price",
        True,
    ),
)


@dataclass(frozen=True)
class Measure:
    """A number a catalog states of its products that a comparison asks about: how a question
    asks for more of it (`asked`), how a text states it (`stated`, its number in group "n"),
    whether more of it wins (`more`) and how the winner is said ("lasts longer than")."""

    name: str
    asked: re.Pattern[str]
    stated: re.Pattern[str]
    more: bool
    said: str
    unit: str


_N = r"(?P<n>-?\d+(?:[.,]\d+)?)"
_M = r"(?P<m>\d+(?:[.,]\d+)?)"  # (a second place the number may be said)
MEASURES = (
    Measure(
        "battery life",
        re.compile(
            r"\b(?:lasts?\s+longer|longer[- ]lasting|(?:longer|better|bigger)\s+(?:battery|runtime"
            r"|run\s*time|playtime|play\s*time)|(?:battery|runtime|playtime)\s+lasts?\s+longer"
            r"|longest\s+(?:battery|runtime|playtime))\b",
            re.I,
        ),
        re.compile(
            rf"\b(?:battery|runtime|run\s*time|playtime|play\s*time|per\s+charge)\b[^.;\n\d]{{0,25}}?"
            rf"{_N}\s*(?:h|hrs?|hours?)\b"
            rf"|{_M}\s*(?:h|hrs?|hours?)\s+(?:of\s+)?(?:battery|runtime|run\s*time"
            rf"|playtime|play\s*time|per\s+charge)\b",
            re.I,
        ),
        more=True,
        said="lasts longer than",
        unit="hours",
    ),
    Measure(
        "noise",
        re.compile(
            r"\b(?:quieter|quietest|less\s+noisy|less\s+noise|makes?\s+less\s+noise)\b", re.I
        ),
        re.compile(
            rf"\b(?:noise|noise\s+level|sound\s+level|quiet|loud|operating)\b[^.;\n\d]{{0,25}}?"
            rf"{_N}\s*db\b",
            re.I,
        ),
        more=False,
        said="is quieter than",
        unit="dB",
    ),
    Measure(
        "comfort temperature",
        re.compile(r"\b(?:warmer|warmest)\b", re.I),
        re.compile(
            rf"\bcomfort(?:\s+(?:temperature|temp|rating|limit|range))?\b[^.;\n\d-]{{0,15}}?"
            rf"{_N}\s*°\s*c\b",
            re.I,
        ),
        more=False,
        said="is warmer than",
        unit="°C comfort",
    ),
    Measure(
        "tog",
        re.compile(r"\b(?:warmer|warmest)\b", re.I),
        re.compile(rf"{_N}\s*tog\b", re.I),
        more=True,
        said="is warmer than",
        unit="tog",
    ),
    Measure(
        "length",
        re.compile(r"\b(?:shorter|shortest|fewer\s+pages|quicker\s+(?:read|to\s+read))\b", re.I),
        re.compile(rf"(?<![\w.]){_N}\s*(?:pages|páginas|pagine|seiten|pp\.)", re.I),
        more=False,
        said="is shorter than",
        unit="pages",
    ),
    Measure(
        "power",
        re.compile(r"\b(?:more\s+powerful|most\s+powerful|stronger\s+motor|more\s+power)\b", re.I),
        re.compile(rf"(?<![\w.]){_N}\s*(?:w|watts?)\b", re.I),
        more=True,
        said="is more powerful than",
        unit="W",
    ),
)


def measured(product: Product, measure: Measure) -> float | None:
    """The number its description or a field states of it (the first stated); None when none
    does."""
    fields = "; ".join(
        f"{key.replace('_', ' ')}: {value}" for key, value in product.attributes.items()
        if not isinstance(value, bool)
    )  # fmt: skip
    for text in (product.description, fields):
        if found := measure.stated.search(text):
            number = found.group("n") or found.groupdict().get("m")
            return float(number.replace(",", ".")) if number else None
    return None


def measure_text(value: float, measure: Measure) -> str:
    return f"{value:g} {measure.unit}"


def ranked_by(text: str, products: Sequence[Product]) -> tuple[list[Product], str | Measure | None]:
    """The products in the order the question asks for, the winner first ("which one is
    lighter": the lightest; "which one lasts longer": the longest battery life), and what they
    are ranked by; as they were, and None, when the question asks for no order the catalog
    states for all of them."""
    asked: list[tuple[int, str | Measure, bool]] = sorted(
        [(m.start(), aspect, most) for pattern, aspect, most in _BY
         for m in [pattern.search(text)] if m is not None]
        + [(m.start(), measure, measure.more) for measure in MEASURES
           for m in [measure.asked.search(text)] if m is not None],
        key=lambda asked: asked[0],
    )  # fmt: skip
    for _, aspect, most in asked:
        if aspect == "price":
            return sorted(products, key=lambda p: p.price, reverse=most), aspect
        if isinstance(aspect, Measure):
            values = {p.id: measured(p, aspect) for p in products}
        else:
            values = {p.id: weight(p) for p in products}
        if all(v is not None for v in values.values()):
            return sorted(products, key=lambda p: values[p.id] or 0.0, reverse=most), aspect
    return list(products), None


# A request for something short to read: "sci fi, something not too long", "a short read".
SHORT_ASKED = re.compile(
    r"\b(?:short|shorter|shortest|not\s+(?:too|very|so|that)\s+long|quick\s+(?:read|to\s+read))\b",
    re.I,
)
PAGES = next(m for m in MEASURES if m.unit == "pages")


def shortest_first(text: str, products: Sequence[Product]) -> list[Product]:
    """For a request for something short, the products in order of their stated pages, the
    fewest first, when every one states them; else as they were."""
    if not SHORT_ASKED.search(text) or len(products) < 2:
        return list(products)
    pages = {p.id: measured(p, PAGES) for p in products}
    if any(v is None for v in pages.values()):
        return list(products)
    return sorted(products, key=lambda p: pages[p.id] or 0.0)
