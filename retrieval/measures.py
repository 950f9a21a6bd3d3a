"""Sizes a request asks for ("an 85 inch tv or bigger", "a 28cm pan", "16 or 20 kg", "1tb ssd")
and whether a product's text states one that meets it.

A product that states no measure of that kind (no length, weight ...) is neither in nor out; one
that states only others is not the size asked for. What a request says about something the
shopper has ("a soundbar for my 55 inch tv") is no size asked for.
"""

import math
import re
from dataclasses import dataclass

from retrieval.catalog import Product
from retrieval.index import document_text

# Unit -> (what it measures, its size in the first unit of that kind).
UNITS: dict[str, tuple[str, float]] = {
    **dict.fromkeys(("cm",), ("length", 1.0)),
    **dict.fromkeys(("mm",), ("length", 0.1)),
    **dict.fromkeys(("m", "metre", "metres", "meter", "meters"), ("length", 100.0)),
    **dict.fromkeys(("in", "inch", "inches", '"', "”", "''"), ("length", 2.54)),
    **dict.fromkeys(("ft", "feet", "foot"), ("length", 30.48)),
    **dict.fromkeys(("ml",), ("volume", 1.0)),
    **dict.fromkeys(("cl",), ("volume", 10.0)),
    **dict.fromkeys(("l", "litre", "litres", "liter", "liters", "ltr"), ("volume", 1000.0)),
    **dict.fromkeys(("gal", "gallon", "gallons"), ("volume", 3785.0)),
    **dict.fromkeys(("qt", "quart", "quarts"), ("volume", 946.0)),
    **dict.fromkeys(("g", "gram", "grams"), ("weight", 1.0)),
    **dict.fromkeys(("kg", "kilo", "kilos"), ("weight", 1000.0)),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds"), ("weight", 453.6)),
    **dict.fromkeys(("oz",), ("weight", 28.35)),
    **dict.fromkeys(("mb",), ("data", 0.001)),
    **dict.fromkeys(("gb",), ("data", 1.0)),
    **dict.fromkeys(("tb",), ("data", 1000.0)),
    **dict.fromkeys(("w", "watt", "watts"), ("power", 1.0)),
    **dict.fromkeys(("kw",), ("power", 1000.0)),
    **dict.fromkeys(("mah",), ("charge", 1.0)),
    **dict.fromkeys(("ah",), ("charge", 1000.0)),
    **dict.fromkeys(("v", "volt", "volts"), ("voltage", 1.0)),
    **dict.fromkeys(("wh",), ("energy", 1.0)),
    **dict.fromkeys(("hz",), ("rate", 1.0)),
    # A book's length: "under 200 pages", "Paperback, 296 pages".
    **dict.fromkeys(("page", "pages", "páginas", "paginas"), ("pages", 1.0)),
    **dict.fromkeys(
        ("person", "persons", "people", "seater", "player", "players"), ("people", 1.0)
    ),
    # Counts that make another kind of the same thing: "a 5.5 cup rice cooker", "a 12 string
    # acoustic", "88 key digital piano".
    **dict.fromkeys(("cup", "cups"), ("cups", 1.0)),
    **dict.fromkeys(("string", "strings"), ("strings", 1.0)),
    **dict.fromkeys(("key", "keys"), ("keys", 1.0)),
    # An instrument's fraction of full size ("1/4 size guitar", "Tasman Junior 1/2 Size").
    "fraction": ("fraction", 1.0),
    # A sheet's ISO 216 size by its number: "a sketch pad A3", "Notebook A5, 50 sheets".
    "a-size": ("paper", 1.0),
}
# Kinds whose every value is a kind of the thing of its own: a catalog that states some values
# and nowhere this one does not carry it ("a 12 string acoustic" where the shop states 4, 5, 6
# and 7 strings).
COUNTS = frozenset(("cups", "strings", "keys", "fraction"))
# A count said in words: "a seven-string guitar", "twelve string".
NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}
WORD_COUNT = re.compile(
    rf"\b({'|'.join(list(NUMBER_WORDS)[2:])})(?=[\s-]?(?:strings?|keys?|cups?)\b)", re.I
)
# "1/4 size", "3/4-sized", "a 1/2 scale": asked; a bare "3/4" in a product's text, not of
# inches, a cup or a sensor ("1/4-inch thread", "1/2.3\" sensor").
FRACTION_ASKED = re.compile(
    r"(?<![\w./])([1-9])/([1-9]\d?)(?![\d./])\s?-?\s?(?:size[ds]?|scale)\b", re.I
)
FRACTION_STATED = re.compile(
    r"(?<![\w./])([1-9])/([248])(?![\d./])(?!\s?-?\s?(?:in\b|inch|\"|”|''|mm\b|cm\b|cups?\b"
    r"|tsp|tbsp|teaspoon|tablespoon|lb|oz|pound|ounce))",
    re.I,
)
# A count a product's text states with words between: "61 full-size touch-sensitive keys".
# (Not a number of packs or sets of them: "2 spare sets of strings".)
COUNTED = re.compile(
    r"(?<![\w.,])(\d+)(?:[\s-]+(?!(?:of|sets?|packs?|spare|extra|and|or|with)\b)[a-z][a-z-]*){1,3}"
    r"\s+(keys|strings)\b",
    re.I,
)
_UNIT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_NUMBER = r"\d+(?:,\d{3})+(?![\d,])|\d+(?:[.,]\d+)?"
# "85 inch", "28cm", "16 or 20 kg", "13-15 inch", "2-person"; not "3-in-1" nor "in 2".
MEASURE = re.compile(
    rf"(?<![\w.,/])({_NUMBER})(?:\s?(?:-|–|to|or)\s?({_NUMBER}))?\s?-?\s?({_UNIT})(?![\w'])"
    r"(?!-?\d)",
    re.I,
)
AT_LEAST = re.compile(
    r"(?<!\w)(?:at least|min(?:imum)?|over|more than|bigger than|larger than|longer than|above"
    r"|from)\s*$",
    re.I,
)
AT_MOST = re.compile(
    r"(?<!\w)(?:at most|max(?:imum)?|under|below|less than|smaller than|shorter than|up to"
    r"|no more than|no bigger than)\s*$",
    re.I,
)
OR_MORE = re.compile(
    r"^\s*(?:\+|or (?:bigger|larger|more|above|over|longer|higher)|and (?:up|above)"
    r"|at ?least\b|min(?:imum)?\b)",
    re.I,
)
OR_LESS = re.compile(r"^\s*(?:or (?:smaller|less|under|shorter)|max\b)")
# Before a size that is of something the shopper has: "for my 55 inch tv", "with a 16 inch".
OWNED = re.compile(
    r"\b(?:for|fits?|fitting|with|to) (?:my|our|his|her|their|your|a|an|the)\s+$|\bmy\s+$", re.I
)
# "around 40m deep" on a dive: a depth to reach, which a housing "rated to 60 m" does (a pot
# "20cm deep" is a size).
DEPTH = re.compile(r"^\s*(?:deep|depth|down|underwater)\b", re.I)
UNDERWATER = re.compile(r"\b(?:scuba|dive|dives|diving|divers?|underwater|snorkel\w*)\b", re.I)
# Before a size that what is asked for must take: "a backpack that fits my 16 inch macbook",
# "it should fit a 15 inch laptop", "tripod that holds 5kg": at least that big.
FITS = re.compile(
    r"\b(?:fits?|fitting|to fit|holds?|holding|takes?|room for|big enough for)\s+"
    r"(?:(?:my|our|his|her|their|your|a|an|the)\s+)?$",
    re.I,
)
# Asking, not having: "looking for a 50mm lens", "shopping for a 28cm pan".
LOOKING = re.compile(
    r"\b(?:look|looking|search|searching|shopping|hunting|market|after)\s+for\s+"
    r"(?:a|an|the|some)\s+$",
    re.I,
)
# "A3", "a4 paper" (A0 to A6; not "A7" of a camera's name nor "A2" of "U3, V30, A2" beside no
# other paper size: a size only matters where a product states another).
PAPER = re.compile(r"(?<![\w./-])a([0-6])(?![\w/-]|\.\d)", re.I)
CLOSE = 0.05  # "85 inch" is 84 to 86 inches; "15 inch" takes a bag for laptops up to 15.6
# Two dimensions as one size: "matress 160x200", "Mattress, 160 x 200 cm", "a 700x25c tyre".
DIMENSIONS = re.compile(
    rf"(?<![\w.,])({_NUMBER})\s?[x×]\s?({_NUMBER})(?![\d.,]*\s?[x×]\s?\d)"
    r"(?:\s?(mm|cm|m|in|inch|inches|ft)\b)?",
    re.I,
)


@dataclass(frozen=True)
class Size:
    """A size asked for: of what kind, the values in the first unit of that kind, and how."""

    kind: str
    unit: str
    low: float
    high: float
    how: str  # "about", "at least", "at most", "between", "either", "both" (dimensions)
    said: str  # as written: "85 inch"


def _number(text: str) -> float:
    if re.fullmatch(r"\d+(?:,\d{3})+", text):
        return float(text.replace(",", ""))
    return float(text.replace(",", "."))


def _counts_in_digits(text: str) -> str:
    """Counts said in words as digits: "seven-string" -> "7-string"."""
    return WORD_COUNT.sub(lambda m: NUMBER_WORDS[m.group(1).lower()], text)


def asked_sizes(text: str) -> list[Size]:
    """The sizes a request asks for; not one of what the shopper has ("for my 55 inch tv")."""
    text = _counts_in_digits(text)
    found = []
    paired = [m.span() for m in DIMENSIONS.finditer(text)]
    for match in MEASURE.finditer(text):
        if any(start <= match.start() < end for start, end in paired):
            continue  # "3 m" of "a 2 x 3 m rug": the pair is the size
        before, after = text[: match.start()], text[match.end() :]
        unit = match.group(3).lower()
        fits = FITS.search(before) is not None
        owned = _owned(before)
        if (owned and not fits) or (unit == "in" and _not_inches(text, match)):
            continue
        kind, scale = UNITS[unit]
        first = _number(match.group(1)) * scale
        second = _number(match.group(2)) * scale if match.group(2) else None
        if fits and second is None:
            how, low, high = "at least", first, first
        elif second is not None:
            joined = text[match.end(1) : match.start(2)].strip().lower()
            how = "either" if joined == "or" else "between"
            low, high = min(first, second), max(first, second)
        elif (
            AT_LEAST.search(before) or OR_MORE.search(after)
            or (DEPTH.search(after) and UNDERWATER.search(text))
        ):  # fmt: skip
            how, low, high = "at least", first, first
        elif AT_MOST.search(before) or OR_LESS.search(after):
            how, low, high = "at most", first, first
        else:
            how, low, high = "about", first, first
        found.append(Size(kind, unit, low, high, how, match.group(0).strip()))
    for match in DIMENSIONS.finditer(text):
        if not _owned(text[: match.start()]):
            unit, first, second = _dimensions(match)
            found.append(Size("dimensions", unit, first, second, "both", match.group(0).strip()))
    for match in FRACTION_ASKED.finditer(text):
        if not _owned(text[: match.start()]) and (value := _fraction(match)) is not None:
            found.append(Size("fraction", "fraction", value, value, "about", match.group(0)))
    for match in PAPER.finditer(text):
        if not _owned(text[: match.start()]):
            value = float(match.group(1))
            found.append(Size("paper", "a-size", value, value, "about", match.group(0)))
    return found


def _fraction(match: re.Match[str]) -> float | None:
    numerator, denominator = int(match.group(1)), int(match.group(2))
    return numerator / denominator if 0 < numerator <= denominator else None


def _owned(before: str) -> bool:
    """Whether what a size follows makes it the size of something the shopper has."""
    return OWNED.search(before) is not None and not LOOKING.search(before)


def _dimensions(match: re.Match[str]) -> tuple[str, float, float]:
    """A pair of dimensions as written, with its unit ("x" where none is said)."""
    unit = (match.group(3) or "x").lower()
    return unit, _number(match.group(1)), _number(match.group(2))


def _pair(value: "Stated", size: Size) -> bool:
    """Whether two pairs of dimensions are the same, in either order (160x200 is 200x160): in
    centimetres where both say their unit, else as written."""
    said = "x" not in (value.unit, size.unit)
    first, second = (UNITS[value.unit][1], UNITS[size.unit][1]) if said else (1.0, 1.0)
    stated_ = sorted((value.low * first, value.high * first))
    asked = sorted((size.low * second, size.high * second))
    return all(math.isclose(a, b, rel_tol=CLOSE / 5) for a, b in zip(stated_, asked, strict=True))


INCHES_OF = frozenset(
    "tv tvs screen screens monitor monitors display laptop laptops wheel wheels".split()
)


def _not_inches(text: str, match: re.Match[str]) -> bool:
    """ "in" after a number with a space, before a word: "3 in stock", "2 in the box"; not
    "65 in tv", "a 65in"."""
    spaced = text[match.start(3) - 1] in " -"
    word = re.match(r"\s+([a-z]+|\d)", text[match.end() :], re.I)
    return spaced and word is not None and word.group(1).lower() not in INCHES_OF


@dataclass(frozen=True)
class Stated:
    unit: str
    low: float
    high: float


def stated(product: Product, *, described: bool = True) -> dict[str, list[Stated]]:
    """The measures a product's title, options and (`described`) text state, by kind ("Lumaro
    U6 65\"": a length; "fits laptops 13-15 inch": 13 to 15 inches)."""
    options = ", ".join(o for v in product.variants for o in v.options.values())
    text = document_text(product) if described else ""
    return measured(f"{product.title}. {options}. {text}")


def measured(text: str) -> dict[str, list[Stated]]:
    """The measures a text states, by kind (a variant's options: "65\"")."""
    found: dict[str, list[Stated]] = {}
    text = _counts_in_digits(text)
    for match in MEASURE.finditer(text):
        unit = match.group(3).lower()
        kind, scale = UNITS[unit]
        first = _number(match.group(1)) * scale
        second = _number(match.group(2)) * scale if match.group(2) else first
        found.setdefault(kind, []).append(Stated(unit, min(first, second), max(first, second)))
    for match in COUNTED.finditer(text):
        unit = match.group(2).lower()
        value = float(match.group(1))
        found.setdefault(UNITS[unit][0], []).append(Stated(unit, value, value))
    for match in DIMENSIONS.finditer(text):
        unit, first, second = _dimensions(match)
        found.setdefault("dimensions", []).append(Stated(unit, first, second))
    for match in FRACTION_STATED.finditer(text):
        if (share := _fraction(match)) is not None:
            found.setdefault("fraction", []).append(Stated("fraction", share, share))
    for match in PAPER.finditer(text):
        value = float(match.group(1))
        found.setdefault("paper", []).append(Stated("a-size", value, value))
    return found


def meets(
    product: Product,
    size: Size,
    measures: dict[str, list[Stated]] | None = None,
    *,
    exactly: bool = False,
) -> bool | None:
    """Whether the product states a measure of the size's kind that meets it; None when it
    states none of that kind. Measures in the unit asked in count first: a TV's 65 inches, not
    the 2.5 m cable its text mentions. `exactly`: only a measure of one value counts (the
    50mm lens, not the 18-50mm zoom)."""
    measures = stated(product) if measures is None else measures
    values = measures.get(size.kind)
    if not values:
        return None
    if size.how == "both":
        return any(_pair(v, size) for v in values)
    same = [v for v in values if UNITS[v.unit] == UNITS[size.unit]]
    if exactly:
        values, same = [v for v in values if v.low == v.high], [v for v in same if v.low == v.high]
    for value in same or values:
        if size.how == "at least" and value.high >= size.low * (1 - CLOSE):
            return True
        if size.how == "at most" and value.low <= size.high * (1 + CLOSE):
            return True
        if size.how == "between" and value.high >= size.low and value.low <= size.high:
            return True
        if size.how in ("about", "either"):
            wanted = (size.low, size.high) if size.how == "either" else (size.low,)
            for target in wanted:
                if value.low * (1 - CLOSE) <= target <= value.high * (1 + CLOSE):
                    return True
    return False


# What a product's text says it takes at most or at least: "for dogs up to 25kg", "max. user
# weight 120 kg", "kills fleas on cats over 1kg", "fits chest 55-75cm".
_UP_TO = re.compile(
    r"(?<!\w)(?:up to|max(?:imum)?\.?(?:\s+(?:load|user weight|weight|capacity))?|under|below"
    r"|less than|no more than|(?:supports?|holds?|carries|takes)(?: up to)?)\s*$",
    re.I,
)
_OVER = re.compile(r"(?<!\w)(?:over|above|from|at least|min(?:imum)?\.?|more than)\s*$", re.I)
# A length of the body a thing goes round: "chest 55-75cm", "neck girth 30-40 cm".
_GIRTH = re.compile(r"\b(?:chest|neck|girth|waist|head|wrist|ankle)\b[\w\s:]{0,12}$", re.I)
# A weight or girth said of whom a thing is for: "my 10kg dog", "im 105kg", "chest is 60cm",
# "a big dog, like 40kg".
_BORNE_BEFORE = re.compile(r"\b(?:i'?m|i am|he'?s|she'?s|it'?s|is|weighs|weighing)\s+$", re.I)
_ABOUT_BEFORE = re.compile(r"\b(?:about|around|like|roughly|nearly|almost)\s+$", re.I)
_CREATURE = (
    r"(?:dogs?|pup|puppy|puppies|cats?|kitten|kids?|child|children|boy|girl|baby|toddler|lab"
    r"|labrador|retriever|shepherd|rider|person|man|woman)\b"
)
_BORNE_AFTER = re.compile(rf"^\s*(?:\w+\s+)?{_CREATURE}", re.I)
_CREATURE_SAID = re.compile(rf"\b{_CREATURE}", re.I)


def borne(text: str) -> list[Size]:
    """The weights and girths a request says of whom the thing is for, which a product's limits
    must take ("carrier for my 10kg dog", "im 105kg", "harness, chest is 60cm")."""
    found = []
    for match in MEASURE.finditer(text):
        unit = match.group(3).lower()
        kind, scale = UNITS[unit]
        before, after = text[: match.start()], text[match.end() :]
        if match.group(2) or kind not in ("weight", "length"):
            continue
        if kind == "weight" and not (
            _BORNE_BEFORE.search(before) or _BORNE_AFTER.match(after)
            or (_ABOUT_BEFORE.search(before) and _CREATURE_SAID.search(before))
        ):  # fmt: skip
            continue
        if kind == "length" and not _GIRTH.search(before):
            continue
        value = _number(match.group(1)) * scale
        found.append(Size(kind, unit, value, value, "within", match.group(0).strip()))
    return found


def limits(text: str) -> dict[str, list[tuple[float, float]]]:
    """The weights and girths a product's text says it takes, by kind, as (lowest, highest)."""
    return {kind: [(low, high) for low, high, _ in said] for kind, said in _limits(text).items()}


def _limits(text: str) -> dict[str, list[tuple[float, float, str]]]:
    found: dict[str, list[tuple[float, float, str]]] = {}
    for match in MEASURE.finditer(text):
        unit = match.group(3).lower()
        kind, scale = UNITS[unit]
        if kind not in ("weight", "length"):
            continue
        before, said = text[: match.start()], match.group(0).strip()
        first = _number(match.group(1)) * scale
        if match.group(2):
            second = _number(match.group(2)) * scale
            if kind == "length" and not _GIRTH.search(before):
                continue
            if kind == "weight" and not re.search(r"\b(?:for|fits?|from|weighing)\b[\w\s]{0,20}$",
                                                  before, re.I):  # fmt: skip
                continue
            found.setdefault(kind, []).append((min(first, second), max(first, second), said))
        elif kind == "length" and not _GIRTH.search(before):
            continue
        elif _UP_TO.search(before):
            found.setdefault(kind, []).append((0.0, first, said))
        elif _OVER.search(before):
            found.setdefault(kind, []).append((first, math.inf, said))
    return found


def bears(product: Product, sizes: list[Size]) -> bool | None:
    """Whether the product's text says it takes each weight or girth (`borne`); None when it
    says no limit of their kinds."""
    verdicts = [taken for taken, _ in _verdicts(product, sizes)]
    return None if not verdicts else all(verdicts)


def exceeded(product: Product, sizes: list[Size]) -> str | None:
    """The limit of the product's text that a weight or girth asked is outside ("up to 8kg",
    as its text writes it: "8kg"); None when there is none."""
    return next((said for taken, said in _verdicts(product, sizes) if not taken), None)


def _verdicts(product: Product, sizes: list[Size]) -> list[tuple[bool, str]]:
    stated_ = _limits(document_text(product))
    verdicts = []
    for size in sizes:
        if ranges := stated_.get(size.kind):
            inside = [
                said for low, high, said in ranges
                if low * (1 - CLOSE / 5) <= size.low <= high * (1 + CLOSE / 5)
            ]  # fmt: skip
            verdicts.append((bool(inside), inside[0] if inside else ranges[0][2]))
    return verdicts
