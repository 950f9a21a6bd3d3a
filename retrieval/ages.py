"""Ages: whom a product is for, as its catalog text states it ("Ages 3-6", "ages 8+", "Ages 18
months+", "suitable from birth", an "Age range" attribute), and how old the person a shopper
buys for is ("a 5 year old", "my granddaughter is 4", "for 12 year olds", "his 8th birthday").

Ages are whole months. A product states a lowest age and sometimes a highest; a product that
states none suits anyone as far as the service can tell.
"""

import functools
import re

from retrieval.catalog import Product

Range = tuple[int, int | None]  # (lowest, highest or None), in months

_UNIT = r"(?:\s*(?P<unit>months?|mths?|mos?|m|years?|yrs?|y)\b)?"
_RANGE = re.compile(
    r"\b(?:ages?|aged)\s*:?\s*(?P<low>\d{1,2})\s*(?:-|–|to)\s*(?P<high>\d{1,2})"
    + _UNIT
    + r"|\b(?P<low2>\d{1,2})\s*(?:-|–|to)\s*(?P<high2>\d{1,2})\s*(?P<unit2>years?|yrs?|months?)"
    r"[- ]?olds?\b",  # "3-6 year olds"
    re.I,
)
_FROM = re.compile(
    r"\b(?:ages?|aged)\s*:?\s*(?P<low>\d{1,2})" + _UNIT + r"\s*(?:\+|plus\b|and (?:up|over|older)"
    r"\b|or (?:over|older)\b)",
    re.I,
)
# An attribute's value on its own: "3-6 years", "8+", "6 months+".
_VALUE = re.compile(
    r"^\s*(?P<low>\d{1,2})" + _UNIT + r"\s*(?:(?P<plus>\+)|(?:-|–|to)\s*(?P<high>\d{1,2})"
    r"(?:\s*(?P<unit2>months?|years?|yrs?)\b)?)",
    re.I,
)
# The same in the shop's or the shopper's language where it is not English: "de 7 a 10 años",
# "10 años en adelante", "a partir de 3 anos", "dès 3 ans", "ab 6 Jahren", "3-6 anni".
_UNITS_ABROAD = r"años|anos|ans|anni|jahren?|meses|mois|mesi|monaten?"
_RANGE_ABROAD = re.compile(
    r"\b(?P<low>\d{1,2})\s*(?:-|–|a|al|à|y|e|bis)\s*(?P<high>\d{1,2})\s*"
    rf"(?P<unit>{_UNITS_ABROAD})\b",
    re.I,
)
_FROM_ABROAD = re.compile(
    r"(?:\ba\s+partir\s+de|\bdesde|\bdès|\bab|\bdai|\bdagli)\s+(?P<low>\d{1,2})\s*"
    rf"(?P<unit>{_UNITS_ABROAD})\b"
    rf"|\b(?P<low2>\d{{1,2}})\s*\+?\s*(?P<unit2>{_UNITS_ABROAD})"
    r"\s*(?:\+|en\s+adelante|o\s+más|y\s+más|ou\s+mais|e\s+mais|et\s+plus|e\s+più|in\s+su"
    r"|und\s+älter|und\s+mehr)",
    re.I,
)
_BIRTH = re.compile(r"\b(?:from|since|safe from|suitable from|ages?)\s+(?:birth|newborn|0\+)", re.I)


def _months(value: str, unit: str | None) -> int:
    return int(value) if unit and unit.lower().startswith("m") else int(value) * 12


def _through(value: str, unit: str | None) -> int:
    """A highest age in months, through its last month: "up to 6 years" includes 6 years and
    11 months; "up to 18 months" ends at 18."""
    return _months(value, unit) + (0 if unit and unit.lower().startswith("m") else 11)


def _ranges(text: str) -> list[Range]:
    found: list[Range] = []
    for match in (m for pattern in (_RANGE, _RANGE_ABROAD) for m in pattern.finditer(text)):
        said = match.groupdict("")  # an unmatched group, ""
        unit = said["unit"] or said.get("unit2", "")
        low = _months(said["low"] or said.get("low2", ""), unit)
        high = _through(said["high"] or said.get("high2", ""), unit)
        if low <= high:
            found.append((low, high))
    for match in (m for pattern in (_FROM, _FROM_ABROAD) for m in pattern.finditer(text)):
        said = match.groupdict("")
        unit = said["unit"] or said.get("unit2", "")
        found.append((_months(said["low"] or said.get("low2", ""), unit), None))
    if _BIRTH.search(text):
        found.append((0, None))
    return found


@functools.lru_cache(maxsize=65536)
def _stated(title: str, description: str, values: tuple[str, ...]) -> Range | None:
    found: list[Range] = []
    for value in values:
        match = _VALUE.match(value)
        if match:
            unit = match.group("unit") or match.group("unit2")
            low = _months(match.group("low"), unit)
            high = match.group("high")
            found.append((low, None if high is None else _through(high, unit)))
        else:
            found += _ranges(value)
    found = found or _ranges(title) or _ranges(description)
    if not found:
        return None
    # Several (a jigsaw of 500 pieces for 10+, of 1000 for 12+): the widest reach of them.
    low = min(lo for lo, _ in found)
    highs = [hi for _, hi in found]
    return low, None if None in highs else max(h for h in highs if h is not None)


def product_ages(product: Product) -> Range | None:
    """The ages the product's text says it is for; None when it says nothing about ages."""
    values = tuple(str(v) for k, v in product.attributes.items() if "age" in k.lower().split())
    return _stated(product.title, product.description, values)


def _admits(ages: Range, age: int) -> bool:
    low, high = ages
    return low <= age and (high is None or age <= high)


def suits(product: Product, age: int) -> bool:
    """Whether a product may be shown for someone `age` months old: not below its lowest age
    (a safety mark: small parts) nor above its stated highest."""
    ages = product_ages(product)
    return ages is None or _admits(ages, age)


# How far above a product's lowest age a child may be and it still be made for them: a toy
# marked 18 months+ suits a two-year-old better than a twelve-year-old.
MADE_FOR = 5 * 12


def made_for(product: Product, age: int) -> bool:
    """Suits, and marked for about that age: shown before what suits only by its marking."""
    ages = product_ages(product)
    return ages is None or (_admits(ages, age) and age - ages[0] <= MADE_FOR)


_PERSON = (
    r"(?:he|she|they|son|daughter|boy|girl|kid|kids|child|children|grandson|granddaughter"
    r"|grandchild|nephew|niece|brother|sister|baby|toddler|twins?|little one)"
)
_OLD = re.compile(
    r"\b(?P<n>\d{1,2})\s*(?:-|\s)?\s*(?P<unit>years?|yrs?|yr|months?|mths?|mo)\s*(?:-|\s)?\s*olds?\b"
    r"|\b(?P<n2>\d{1,2})\s?yo\b"
    r"|\b(?:aged?|ages)\s+(?P<n3>\d{1,2})\b(?!\s*(?:\+|-|–|to\b))"
    rf"|\b{_PERSON}(?:'s|\s+is|\s+are|\s+turns?|\s+turning|\s+just turned|\s+will be"
    r"|\s+has|\s+have)\s+(?P<n4>\d{1,2})(?:\s*(?P<unit4>years?|months?))?\b(?!\s*(?:[%$€£.,]\d|cm"
    r"|kg|mm|ft|in\b|inch|pounds?|quid|dollars?|euros?|bucks?|pieces?|players?))"
    r"|\b(?P<n5>\d{1,2})(?:st|nd|rd|th)\s+birthday\b",
    re.I,
)


# Whom a shopper buys for in another language, and their age: "mis hijos de 6 y 9", "mi sobrina
# de 12", "meu filho tem 8 anos", "ma fille a 6 ans", "mein Sohn ist 7 Jahre alt".
_PERSON_ABROAD = (
    r"(?:hij[oa]s?|niñ[oa]s?|sobrin[oa]s?|niet[oa]s?|beb[éeê]s?|nen[ea]s?|chic[oa]s?|filh[oa]s?"
    r"|menin[oa]s?|crianças?|net[oa]s?|fils|filles?|enfants?|neveux?|nièces?|garçons?|bébés?"
    r"|sohn|söhne|tochter|töchter|kind|kinder|enkel(?:in)?|neffen?|nichten?|figli[oa]?|figlie"
    r"|bambin[oaie]|nipot[ei])"
)
_OLD_ABROAD = re.compile(
    rf"\b{_PERSON_ABROAD}\s+de\s+(?P<n>\d{{1,2}})(?:\s*(?P<unit>años|anos|ans|anni|meses|mois"
    r"|mesi))?\b(?!\s*(?:[%$€£.,]\d|cm|kg|mm|m\b|g\b|l\b|litros?|pesos?|reais|euros?))"
    # (Then a verb of having an age: "mi hija lleva 2 años leyendo manga" is no 2 year old.)
    rf"|\b{_PERSON_ABROAD}(?:\s+[^\W\d]+){{0,2}}?\s+(?:tiene|tienen|cumple|cumplirá|cumplió|tem"
    r"|têm|faz|fez|fará|a|ont|aura|ist|sind|wird|werden|hat|ha|hanno|compie|compirà|har|heeft"
    rf"|wordt)\s+(?P<n2>\d{{1,2}})\s*(?P<unit2>{_UNITS_ABROAD}|år|jaar|jaren|maanden)\b",
    re.I,
)


def asked_age(text: str) -> int | None:
    """The age, in months, of whom the shopper buys for; the youngest when several are named
    ("kids are 7 and 11": what suits the youngest suits both). None when no age is stated."""
    ages = []
    for match in _OLD.finditer(text):
        groups = match.groupdict()
        value = groups["n"] or groups["n2"] or groups["n3"] or groups["n4"] or groups["n5"]
        unit = groups["unit"] or groups["unit4"]
        ages.append(_months(value, unit) if unit else int(value) * 12)
        if groups["n4"]:  # "kids are 7 and 11"
            rest = text[match.end() : match.end() + 12]
            more = re.match(r"\s*(?:and|&|,)\s*(\d{1,2})\b", rest)
            if more:
                ages.append(int(more.group(1)) * 12)
    for match in _OLD_ABROAD.finditer(text):
        value, unit = (
            match.group("n") or match.group("n2"),
            match.group("unit") or match.group("unit2"),
        )
        ages.append(_months(value, unit) if unit else int(value) * 12)
    return min(ages) if ages else None


def ages_text(ages: Range) -> str:
    """The range as a shopper reads it: "ages 3-6", "ages 8+", "ages 18 months+", "from birth"."""
    low, high = ages
    if high is None:
        if low == 0:
            return "from birth"
        return f"ages {low // 12}+" if low % 12 == 0 and low >= 24 else f"ages {low} months+"
    if low % 12 == 0 and (high + 1) % 12 == 0:
        return f"ages {low // 12}-{(high + 1) // 12 - 1}"
    return f"ages {low}-{high} months"


# A product made for children, as its title or its age group says: "Curumim Kids Sleeping Bag",
# "Junior Helmet", an age group of "kids", "toddler", "infant" or "newborn".
_FOR_CHILDREN = re.compile(
    r"\b(?:kids?|kid['’]s|kids['’]|child['’]s|children['’]?s?|junior|juniors|toddlers?['’]?s?"
    r"|infants?|baby|babies['’]?|youth)\b",
    re.I,
)
_YOUNG_GROUPS = frozenset({"kids", "toddler", "infant", "newborn", "child", "children", "youth"})
# A shopper buying for a child: the words, or a child of theirs.
_CHILD_SAID = re.compile(
    r"\b(?:kids?|kid['’]s|kiddo|child|children|toddlers?|baby|babies|infant|newborn|junior|son"
    r"|daughter|grandson|granddaughter|grandkids?|grandchild(?:ren)?|nephew|niece|boy|girl"
    r"|boys|girls|teen|teenager|youth|school)\b",
    re.I,
)


def for_children(product: Product) -> bool:
    """Whether the product is made for children, by its title or its age group."""
    groups = {str(v).strip().casefold() for k, v in product.attributes.items()
              if "age" in k.lower().replace("_", " ").split()}  # fmt: skip
    return bool(_FOR_CHILDREN.search(product.title) or groups & _YOUNG_GROUPS)


def child_said(text: str) -> bool:
    """Whether the shopper speaks of buying for a child."""
    return _CHILD_SAID.search(text) is not None
