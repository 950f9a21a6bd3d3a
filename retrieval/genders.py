"""Whom a product is made for, men or women, as its catalog says it (a Google Merchant or Shopify
"gender" field, "Men's" or "Ladies" in its title or category), and whom a shopper buys for
("for my boyfriend", "mens bracelet", "she loves hiking").

A product that says neither, or both ("unisex", "Men's & Women's"), suits anyone.
"""

import functools
import re
from typing import Literal

from retrieval.catalog import Product

Gender = Literal["male", "female"]

# How catalogs write it: in a field ("male", "Men", "Womens"), in a title or a category path
# ("Trail Runner - Men's", "Ladies Watches", "Jewellery > For Her").
_MALE = (
    r"men|mens|men['’]s|male|males|gents?|gent['’]s|gentlemen(?:['’]s)?|boys?|boys['’]|boy['’]s"
    r"|for him|his"
)
_FEMALE = (
    r"women|womens|women['’]s|woman['’]s|female|females|ladies|ladies['’]|lady['’]s|girls?"
    r"|girls['’]|girl['’]s|for her|hers"
)
_MADE_MALE = re.compile(rf"(?<![\w'’-])(?:{_MALE})(?![\w'’-])", re.I)
_MADE_FEMALE = re.compile(rf"(?<![\w'’-])(?:{_FEMALE})(?![\w'’-])", re.I)


def _side(text: str) -> Gender | None:
    """The one gender a text names; None when it names neither or both ("unisex" names none)."""
    male, female = bool(_MADE_MALE.search(text)), bool(_MADE_FEMALE.search(text))
    if male == female:
        return None
    return "male" if male else "female"


@functools.cache
def _field(key: str) -> bool:
    return bool({"gender", "sex"} & set(re.findall(r"[a-z]+", key.casefold())))


@functools.lru_cache(maxsize=65536)
def _made(title: str, category: str, values: tuple[str, ...]) -> Gender | None:
    for value in values:
        if value.strip():  # a field says it, whatever the title says ("unisex": anyone)
            return _side(value)
    return _side(title) or _side(category)


def product_gender(product: Product) -> Gender | None:
    """Whom the product is made for, when its catalog says men or women only."""
    values = tuple(str(v) for k, v in product.attributes.items() if _field(k))
    return _made(product.title, product.category, values)


def suits_gender(product: Product, gender: Gender) -> bool:
    """Whether a product may be shown to someone buying for `gender`: not one made for the
    other."""
    made = product_gender(product)
    return made is None or made == gender


# How a shopper says whom they buy for: "mens", "for a man", "my husband", "she", "his".
_HE = (
    r"men|mens|men['’]s|male|(?:a|im|i['’]m|am)\s+man|guys?|gents?|gentleman|him|his|he|he['’]s"
    r"|hes|husband|hubby|boyfriend|bf|dad|daddy|father|son|sons|brother|bro|grandpa|grandad"
    r"|granddad|grandfather|uncle|nephew|boy|boys|grandson|fianc[eé]|groom|stepdad|stepson"
)
_SHE = (
    r"women|womens|women['’]s|woman|female|lady|ladies|her|hers|she|she['’]s|shes|wife|wifey"
    r"|girlfriend|gf|mum|mom|mommy|mummy|mother|daughter|sister|sis|grandma|granny|nan|nana"
    r"|grandmother|aunt|auntie|niece|girl|girls|granddaughter|fianc[eé]e|bride|stepmom|stepmum"
    r"|stepdaughter"
)
_SAID_HE = re.compile(rf"(?<![\w'’-])(?:{_HE})(?![\w'’-])", re.I)
_SAID_SHE = re.compile(rf"(?<![\w'’-])(?:{_SHE})(?![\w'’-])", re.I)


# Someone a thing is kept from, not bought for: "a light for reading in bed without waking my
# husband", "not bothering the kids".
_SPARED = re.compile(
    r"\b(?:without|not)\s+(?:wak|waken|disturb|bother|annoy|distract)ing\s+(?:up\s+)?"
    r"(?:my|his|her|our|their|the)\s+[\w'’-]+",
    re.I,
)


def asked_gender(text: str) -> Gender | Literal["any"] | None:
    """Whom the shopper buys for: "male" or "female"; "any" when the message names both ("for
    my son and daughter", "his and hers"); None when it names neither."""
    text = _SPARED.sub(" ", text)
    he, she = bool(_SAID_HE.search(text)), bool(_SAID_SHE.search(text))
    if he and she:
        return "any"
    if he or she:
        return "male" if he else "female"
    return None
