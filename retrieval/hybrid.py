"""Hybrid product search: BM25 keywords fused with embeddings, under the shopper's hard filters.

Chroma's embedded mode has no sparse index, so keywords are searched in memory (bm25s) over a
snapshot of the catalog rebuilt whenever the index changes. Exact names ("the Tempo") are what
embeddings miss and keywords find; meaning ("something to keep me dry") is the reverse.
"""

import copy
import functools
import math
import re
import threading
from collections import ChainMap, Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

import bm25s
import numpy as np
from lemminflect import getAllLemmas, getLemma

from retrieval import coverage
from retrieval.ages import product_ages, suits
from retrieval.catalog import Product
from retrieval.genders import Gender, product_gender, suits_gender
from retrieval.index import KIND_ONLY, CatalogIndex, SearchHit, document_text
from retrieval.measures import FRACTION_ASKED, Stated, stated
from retrieval.text import STOP_WORDS, fold, keywords, manner, unaccented, words
from retrieval.wants import FREE_OF, MARK, affirmed

LANGUAGE_SAMPLE = 500  # products read to tell the catalog's language
RRF_K = 60  # reciprocal rank fusion's usual constant
WHOLE_KIND = 1 / RRF_K  # a text that alone says the kind asked whole: a first place's worth
OVERFETCH = 10  # nearest ids fetched per wanted product, to filter without Chroma's filter
MIN_DENSE = 10  # fewer passing than this: let Chroma filter instead
# Up to this many products, the nearest are found exactly from the snapshot's embeddings (one
# matrix product, well under Chroma's approximate search's ~2 ms); above it, Chroma's index.
EXACT_UP_TO = 10_000
# When fewer than asked for are close in meaning, the best few keyword matches (beside others,
# only on a word one or two products have) are kept a little further off: the small embedding
# model puts "my husband has dandruff" nearer a scalp oil than the one shampoo tagged
# "dandruff", and a long story before "a scarf or a warm hat" near nothing.
KEYWORD_LEAD = 3
KEYWORD_FLOOR = 0.25
KEYWORD_RARE = 2
CLEARLY = 0.05  # how much nearer in meaning one product must be than the next to be the one meant
KEYWORD_STORY = 10  # keywords from which a message is long enough to blur its meaning
# What names the goods of a thing: "table" -> "tableware", "swim" -> "swimwear".
GOODS = ("ware", "wear")
BACKGROUND_REBUILD = 20_000  # products: from this size a changed snapshot is rebuilt aside
Mode = Literal["hybrid", "dense", "keyword"]
BRAND_KEYS = ("brand", "vendor", "manufacturer", "make")
TAXONOMY_KEYS = ("google_product_category", "product_category")
# (A shop's own category path, "Coffee > Whole Bean", in the WooCommerce export's Categories.)
KIND_KEYS = (
    "product_type",
    "type",
    "tags",
    "categories",
    "google_product_category",
    "product_category",
)


# Whom a product's text says it is for: children, animals.
CHILDREN = re.compile(
    r"\b(kids?|child(ren)?|toddlers?|bab(y|ies)|infants?|juniors?|youth|boys|girls|teens?"
    r"|newborns?)\b",
    re.I,
)
# Pets, as a product's text or a request names them (`bot.chat.retrieve.PET_ASKED`).
PETS = (
    r"dogs?|pupp(?:y|ies)|cats?|kittens?|pets?|ferrets?|rabbits?|bunn(?:y|ies)|hamsters?"
    r"|guinea pigs?|parrots?|budgies?|horses?|pon(?:y|ies)"
)
ANIMALS = re.compile(rf"\b(?:{PETS}|birds?|chinchillas?|reptiles?|aquariums?|fish)\b", re.I)
# A title's "for": what follows names what the product goes with ("Case for iPhone 15").
FOR_IN_TITLE = re.compile(r"\s+for\s+", re.I)


@dataclass(frozen=True)
class Filters:
    """Constraints no shown product may break."""

    min_price: Decimal | None = None
    max_price: Decimal | None = None
    category: str | None = None
    in_stock: bool | None = None
    exclude_ids: frozenset[str] = frozenset()
    exclude_brands: tuple[str, ...] = ()
    on_sale: bool = False  # only products (or variants) priced below their regular price
    age_months: int | None = None  # only products whose stated ages include this one
    gender: Gender | None = None  # whom it is for: no product made for the other only
    # What the shopper ruled out ("not a trekking pole shelter"): no title with all its words.
    exclude_terms: tuple[tuple[str, ...], ...] = ()
    # Kinds the shopper has and asks something for ("a trailer to pull behind my bike"):
    # casefolded category names.
    exclude_categories: frozenset[str] = frozenset()
    # Of those categories, the products of the kind asked ("a replacement inner pot for my rice
    # cooker": the inner pot listed among the rice cookers).
    excepted_ids: frozenset[str] = frozenset()

    def passes(self, product: Product) -> bool:
        if (
            self.exclude_categories
            and product.category.casefold() in self.exclude_categories
            and product.id not in self.excepted_ids
        ):
            return False
        if self.exclude_terms and _titled(product, self.exclude_terms):
            return False
        if self.age_months is not None and not suits(product, self.age_months):
            return False
        if self.gender is not None and not suits_gender(product, self.gender):
            return False
        if self.on_sale and not (product.on_sale or any(v.on_sale for v in product.variants)):
            return False
        if not self.price_passes(product.price):
            return False
        if self.category and product.category.casefold() != self.category.casefold():
            return False
        if self.in_stock is not None and product.in_stock != self.in_stock:
            return False
        if product.id in self.exclude_ids:
            return False
        return not any(brand_of(product, b) for b in self.exclude_brands)

    def price_passes(self, price: Decimal) -> bool:
        """Whether a price is within the budget."""
        low, high = self.min_price, self.max_price
        return (low is None or price >= low) and (high is None or price <= high)

    def without_price(self) -> "Filters":
        return replace(self, min_price=None, max_price=None)


# Where a title's name of the product ends: "Alva 3-Seater Sofa, Linen", "Hoodie - Navy",
# "Case (iPhone 15)", "Tent with Porch", "Grip (Z-70 / Z-90)"; not inside "f/1.8", "1:1" or
# "1,5 kg".
_TITLE_NAME_END = re.compile(
    r"\s[-–—|/]\s|[(|;]|(?<!\d)[,:]|[,:](?!\d)|(?<!\w)/|/(?!\w)"
    r"|\s(?:with|for|in|by|incl\.?|including|featuring|and)\s",
    re.I,
)


def title_name(title: str) -> set[str]:
    """The keywords of a title's name, before what it comes with, fits or is for ("Aurex AX-200
    Mirrorless Camera with 18-55mm Lens Kit": aurex, ax-200, mirrorless, camera)."""
    return set(keywords(_TITLE_NAME_END.split(title, maxsplit=1)[0]))


# Units a number in a title measures in: "Acrylic Paint 500 ml", "Paint Set 12 x 22 ml".
_MEASURED = re.compile(
    r"(\d)\s*(?:x|ml|cl|dl|l|ltr|g|kg|mg|oz|lbs?|cm|mm|m|in|inch|ft|gsm|tog|w|kw|kwh|wh|v|ah|mah|hz|mp|gb|tb|pcs?)\b",
    re.I,
)


def _name_words(title: str) -> list[str]:
    """The words of a title's name (not a number, its unit, or a model code)."""
    name = _MEASURED.sub(r"\1", _TITLE_NAME_END.split(title, maxsplit=1)[0])
    # (Nor a size it names: "Paper Tea Filter Bags Size M" are bags.)
    name = re.sub(r"\bsizes?\s+(?:[XSML]{1,4}|\d+(?:[.,/-]\d+)?)(?![\w-])", " ", name, flags=re.I)
    # (Nor a letter alone: the "f" of "f/2.8".)
    return [w for w in keywords(name) if not any(c.isdigit() for c in w) and len(w) > 1]


# Whom a title's name ends by saying it is for: "Cashmere V-Neck Sweater Women" is a sweater.
_FOR_WHOM = frozenset("men women lady kid boy girl unisex junior youth toddler adult".split())


def last_name_word(title: str) -> str | None:
    """The last word of a title's name, an aside in brackets and whom it is for left out
    ("Gingerbread (pernik) spice 40 g": spice; "Acrylic Paint Markers": marker; "Half-Zip
    Sweater Men": sweater)."""
    named = _name_words(plain := re.sub(r"\([^)]*\)", " ", title))
    # (Not "Little Women", "Diary of a Wimpy Kid": a name of its own.)
    own_name = re.search(r"\b(?:a|an|the|of|my|our|your)\s+(?:\S+\s+)?\S+\s*$", plain, re.I)
    while (
        not own_name and len(named) > 1 and named[-1] in _FOR_WHOM
        and coverage.may_head(named[-2])
    ):  # fmt: skip
        named.pop()
    return named[-1] if named else None


def _dash_heads(title: str) -> set[str]:
    """The last word (not a number or its unit) of each part of a title after a dash: "Husets
    Blend – Whole Bean 1 kg": bean."""
    heads = set()
    for part in re.split(r"\s[-–—]\s", title)[1:]:
        said = keywords(re.sub(r"\S*\d\S*(\s+[a-zA-Z]{1,3}\b)?", " ", part))
        if said:
            heads.add(said[-1])
    return heads


def title_heads(title: str) -> set[str]:
    """The words a title names its product by: the first and the last word of its name (not a
    number or model code), and a word before "of" ("Chest of 6 Drawers": chest, drawer)."""
    name = _TITLE_NAME_END.split(title, maxsplit=1)[0]
    named = _name_words(title)
    heads = {named[0], named[-1]} if named else set()
    for match in re.finditer(r"([A-Za-z][\w'’-]*)\s+of\b", name):
        heads.update(keywords(match.group(1)))
    return heads


# Where a title turns to what its product goes with: "Saya Cover for 210mm Gyuto", "Lens Hood
# (fits Veltra 24-70mm)", "Replacement Lid for 24cm Donabe".
_FITS = re.compile(r"\s(?:for|fits|to fit|compatible with)\s|\(\s*(?:fits|for)\s", re.I)


def fitted_to(title: str) -> tuple[set[str], set[str]]:
    """A title's words for what the product is, and those for what it goes with (none where
    it names nothing it goes with)."""
    parts = _FITS.split(title, maxsplit=1)
    return set(keywords(parts[0])), set(keywords(parts[1])) if len(parts) > 1 else set()


def kind_tag_words(value: str) -> list[str]:
    """The words of an export's tags, type or category path that may name what a product is: a
    tag that describes ("turntable ready", "dishwasher safe", "pet friendly") names none of its
    words."""
    found: list[str] = []
    for part in re.split(r"[,;|>/]", value):
        words_ = keywords(part)
        if len(words_) > 1 and not coverage.may_head(words_[-1]):
            continue
        found += words_
    return found


def _label_names(value: str, alone: set[str], longer: set[str]) -> None:
    """Add the label's one-word names ("Coats & Jackets": coat, jacket) to `alone`, and the last
    words of its longer names ("Casserole Dishes": dish) to `longer`."""
    for part in re.split(r"[&/,>|;]| and ", value):
        if said := keywords(part):
            (alone if len(said) == 1 else longer).add(said[-1])


@functools.lru_cache(maxsize=4096)
def category_nouns(category: str) -> frozenset[str]:
    """The noun each name of a category ends with ("Prams & Strollers": pram, stroller)."""
    return frozenset(_category_nouns(category))


def _category_nouns(category: str, *, plural: bool = False) -> set[str]:
    """The noun each name of a category ends with ("Necklaces & Pendants": necklace, pendant);
    `plural`: only those it writes in the plural, as a kind of things ("Bath & Changing" has
    none)."""
    nouns = set()
    for part in _category_parts(category):
        if said := keywords(part):
            last = re.findall(r"[\w'’-]+", part)[-1].casefold()
            if not plural or last != said[-1]:
                nouns.add(said[-1])
    return nouns


def _own_kind(product: Product, own: set[str], nouns: set[str]) -> str | None:
    """The noun of its own category a title names its product by before its materials: what
    follows it is a size, a metal, a colour (a number, a word that also describes, a hyphened
    one: "Figaro Bracelet 14k Yellow Gold 21 cm" in Bracelets; "Flower Cluster Ring Gold-Plated
    Cubic Zirconia" in Fashion Rings) or a part that is another category's noun ("Men's Watch
    Steel Bracelet"), not another thing ("Silk Sleeping Bag Liner" in Sleeping Bags is a
    liner). None where the name ends with it, or has none."""
    named = _name_words(re.sub(r"\([^)]*\)", " ", product.title))
    for at in range(len(named) - 2, -1, -1):
        # (Or a word made of one and what it is for: "Cordless Screwdriver USB-C" in "Drills &
        # Drivers" is a screwdriver.)
        if named[at] in own or any(
            named[at].endswith(n) and len(named[at]) > len(n) + 2 for n in own
        ):
            after, last = named[at + 1], named[-1]
            # (A doing word before the last names a thing: "Filter Cleaning Kit" is a kit.)
            doing = at + 2 == len(named) - 1 and (
                getAllLemmas(after).get("VERB", (after,))[0] != after
            )
            described = "-" in after or not coverage.may_head(after)
            part = last in nouns and last not in own
            return named[at] if (described or part) and not doing else None
    return None


def _named_as(product: Product, kind: str | None, nouns: set[str]) -> set[str]:
    """The words a product's title names it by (`title_heads`), and its `_own_kind`: "Men's
    Watch Steel Bracelet" (Men's Watches) is a watch, not one of the bracelets (another
    category's noun, ending it)."""
    heads = title_heads(product.title)
    if kind is None:
        return heads
    last = last_name_word(product.title)
    if last is not None and last != kind and last in nouns:
        heads = heads - {last}
    return heads | {kind}


def _category_parts(category: str) -> list[str]:
    """ "Child Seats & Trailers": "Child Seats", "Trailers"."""
    return [p for p in re.split(r"[&/,>|]| and ", category) if p.strip()]


# A range of numbers and its unit in one word ("24-70mm"): the range alone is how it is asked.
RANGE_WITH_UNIT = re.compile(r"(\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)+)[a-z]{1,3}")
# "the deba", "is the kenya back", with the word before it.
THE_WORD = re.compile(r"(?:\b([a-z]+)\s+)?\b(?:the|that|this)\s+([a-z][a-z0-9-]*)\b", re.I)
# "The" in Europe's other languages: "en hoeveel kos die sentinel in grys?" (not "a die cutting
# machine", "tie die hoodie": after these, the word is English's).
THE_ABROAD = re.compile(
    r"(?:\b([a-z]+)\s+)?\b(?:die|der|das|het|el|la|le|il|los|las|les)\s+([a-z][a-z0-9-]*)\b",
    re.I,
)
_NOT_ABROAD = frozenset(("a", "an", "the", "tie", "to", "or", "and"))
# "gold one", "rose gold ones": another of the kind said before, by its words.
_ONE_OF = re.compile(r"((?:[\w-]+\s+){0,1}[\w-]+)\s+ones?\b", re.I)
# "the" one and the words after it: "the silver tennis bracelet", "that gold one".
_DEFINITE = re.compile(r"\b(?=(?:the|that|this)\s+((?:[\w-]+\s+){0,3}[\w-]+))", re.I)
# "a dash cam for the car": after these, "the" one is what a product is for, not its name.
PLACE_WORDS = frozenset(
    "for in on onto into to with from at by of under over behind near around inside outside".split()
)
# A word with letters and digits names a model ("wh-1000xm5", "g502"), unless it is a measure.
MODEL_CODE = re.compile(r"(?=[a-z-]*\d)(?=[\d-]*[a-z])[a-z0-9]+(-[a-z0-9]+)*")
MEASURE = re.compile(
    r"\d+(\.\d+)?-?(cm|mm|m|km|ml|cl|l|kg|g|mg|in|inch|ft|w|kw|v|mah|wh|gb|tb|mb|oz|lb|lbs|x|p"
    r"|k|hz|mp|c|f|pc|pcs|pack|piece|person|people|man|seater|speed|st|nd|rd|th|s)"
    r"|\d+x\d+[a-z0-9-]*|\d+-\d+[a-z]*"
)


_TITLE_DENIES = re.compile(r"\((?:no|without|sans)\s+[^)]*\)", re.I)


def _titled(product: Product, terms: tuple[tuple[str, ...], ...]) -> bool:
    """Whether the product's title has every word of one of the terms ("Trekking-Pole Shelter"
    has "trekking pole shelter"; an "Oil-Free" moisturiser does not have oil), or one of its
    tags is the term (a yanagiba tagged "carbon steel" is ruled out by "not carbon steel",
    though its title says "Shirogami #2"; one tagged "rust resistant" is not ruled out by "no
    rust")."""
    # What a title says its product has none of: "Chai Spice Mix 50 g (no tea)".
    said = _TITLE_DENIES.sub(" ", product.title)
    parts = FREE_OF.sub(" ", said).replace("-", " ")
    title = set(keywords(said)) | set(keywords(parts))
    if any(title.issuperset(term) for term in terms):
        return True
    tags = {
        tuple(keywords(tag))
        for key, value in product.attributes.items()
        if key.casefold() == "tags" and isinstance(value, str)
        for tag in re.split(r"[,;|]", value)
    }
    return any(tuple(term) in tags for term in terms)


def product_words(product: Product) -> list[str]:
    """The keywords a product is searched by: its title as written (a name: "No Pull Dog
    Harness"; "Oil-Free" also denies oil), the rest of its text with what it denies marked
    (`wants.affirmed`: "without noise cancelling" is "sans-noise sans-cancelling")."""
    text = document_text(product)
    title = product.title.rstrip(". ")
    rest = text[len(title) :] if text.startswith(title) else text
    title_words = keywords(product.title)
    named = set(title_words)
    title_words += [MARK + m.group(1).lower() for m in FREE_OF.finditer(product.title)]  # oil-free
    return title_words + keywords(affirmed(rest, named))


def brand_of(product: Product, brand: str) -> bool:
    """Whether the product is of this brand (its brand attribute, or its title's first word)."""
    key = brand.casefold()
    for name in BRAND_KEYS:
        value = product.attributes.get(name)
        if isinstance(value, str) and value.casefold() == key:
            return True
    return product.title.casefold().split(" ", 1)[0] == key


def _title_key(product: Product) -> tuple[str, Decimal]:
    return " ".join(words(product.title)), product.price


@dataclass
class CatalogView:
    """An in-memory snapshot of the catalog: keywords, names, categories, brands, features."""

    products: dict[str, Product]
    vectors: np.ndarray | None = None  # the products' embeddings, rows in `order`
    order: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.order = list(self.products)
        listed = [self.products[i] for i in self.order]
        self.prices = np.array([float(p.price) for p in listed], dtype=np.float64)
        self.stocked = np.array([p.in_stock for p in listed], dtype=bool)
        kinds = sorted({p.category.casefold() for p in listed})
        self.kind_codes = {kind: code for code, kind in enumerate(kinds)}
        self.kinds = np.array(
            [self.kind_codes[p.category.casefold()] for p in listed], dtype=np.int32
        )
        # What a product's text denies ("without noise cancelling") does not match it.
        self.said = {i: product_words(self.products[i]) for i in self.order}
        # Per word of Google's taxonomy, the products it names (only beside a text in another
        # language: there it is the one English name of what a product is, "Bookends" of the
        # "Sujetalibros de madera"; in English, its "Print Books" on every book only blurs).
        # Not searched as text: a word every product of the label has ranks them by length.
        self.labelled: dict[str, set[str]] = {}
        if not self.english:
            for i in self.order:
                for key in KIND_ONLY:
                    if isinstance(label := self.products[i].attributes.get(key), str):
                        for word in keywords(label):
                            self.labelled.setdefault(word, set()).add(i)
        corpus = [self.said[i] or ["_"] for i in self.order]
        self.bm25 = bm25s.BM25()
        self.bm25.index(corpus, show_progress=False)
        # Every size the variants are sold in ("UK 8", "XL (UK 10-11)", "M"): a message that
        # names none asks for no size. (Read here, with the snapshot: not on a shopper's turn.)
        self.sizes = frozenset(size for p in listed for v in p.variants for size in v.sizes)
        self.title_words = [keywords(self.products[i].title) for i in self.order]
        titles = [set(words) for words in self.title_words]
        frequency = Counter(w for title in titles for w in title)
        total = max(1, len(titles))
        self.idf = {w: math.log(1 + total / n) for w, n in frequency.items()}
        by_word: dict[str, list[int]] = {}  # title word -> positions, for name lookups
        for position, title in enumerate(titles):
            for word in title:
                by_word.setdefault(word, []).append(position)
        self.by_word = {w: np.array(p, dtype=np.int64) for w, p in by_word.items()}
        # Per first title word (a brand, mostly), how many of its titles hold each other word.
        self.line: dict[str, Counter[str]] = {}
        for words_ in self.title_words:
            if words_:
                self.line.setdefault(words_[0], Counter()).update(set(words_[1:]))
        # Per title, its words that only repeat its category ("Leaf Blower" in Leaf Blowers):
        # they say what kind of product it is, not which one.
        kind_of: dict[str, list[int]] = {}
        for position, title in enumerate(titles):
            for word in title & set(keywords(self.products[self.order[position]].category)):
                kind_of.setdefault(word, []).append(position)
        self.kind_of = {w: np.array(p, dtype=np.int64) for w, p in kind_of.items()}
        self.title_weight = np.array(
            [sum(self.idf[w] for w in title) or 1.0 for title in titles], dtype=np.float64
        )
        self.df = frequency
        self.titles = titles
        self.categories = sorted({p.category for p in self.products.values() if p.category})
        # Largest first, for saying what the shop has ("We do have ...").
        sizes = Counter(p.category for p in self.products.values() if p.category)
        self.categories_by_size = sorted(self.categories, key=lambda c: (-sizes[c], c))
        # The shop's currency: what most of its prices are in (a budget is said in it).
        spent = Counter(p.currency for p in self.products.values()).most_common(1)
        self.currency = spent[0][0] if spent else "USD"
        # Each category's head nouns: "Child Seats & Trailers": seat, trailer.
        self.heads = {
            category: {words_[-1] for part in _category_parts(category)
                       if (words_ := keywords(part))}
            for category in self.categories
        }  # fmt: skip
        self.brands = self._brands()
        self.features = sorted(
            {k for p in self.products.values() for k, v in p.attributes.items() if v is True}
        )
        self._by_initial: dict[str, list[str]] | None = None  # built on first use
        self._stated: dict[str, np.ndarray] = {}  # `states`, per word, on first use
        self._of_kind: dict[str, np.ndarray] = {}  # `of_kind`, per word, on first use
        self._property: dict[str, bool] = {}  # `only_a_property`, per word, on first use
        self._titled: dict[str, str] | None = None  # built on first use
        self._compounds: dict[tuple[str, ...], str] | None = None  # built on first use
        self._unitless: dict[str, list[str]] = {}  # built with `_compounds`
        # The words that name what the products are: titles, categories and the export's
        # type paths and tags (not descriptions, which also name what a product goes with).
        named_by: dict[str, list[int]] = {}
        # Per product, the word its title names its kind by ("Figaro Bracelet 14k Yellow Gold
        # 21 cm" in Bracelets: bracelet).
        self.kind_words: dict[str, str | None] = {}
        headed: dict[str, set[int]] = {}
        # The last word of each name of what a product is, in its title, category and tags:
        # "knife" is what a Gyuto tagged "chef knife" is, not a "knife sharpener".
        kind_heads: dict[str, set[int]] = {}
        # Per word, the products whose labels (category, type, taxonomy, tags) have it only as
        # the last word of a longer name the title does not use: "dish" of a donabe in
        # "Casserole Dishes".
        modified: dict[str, set[int]] = {}
        sorted_as = {c: _category_nouns(c, plural=True) for c in self.categories}
        category_nouns = set().union(*sorted_as.values()) if sorted_as else set()
        labels = {c: _category_nouns(c) for c in self.categories}
        for position, title in enumerate(titles):
            product = self.products[self.order[position]]
            kind_words = set(title) | set(keywords(product.category))
            alone: set[str] = set()  # label words that are a whole name: "coat" in "Coats & X"
            longer: set[str] = set()
            own_kind = _own_kind(product, sorted_as.get(product.category, set()), category_nouns)
            named_as = _named_as(product, own_kind, category_nouns)
            # The word its title names its kind by: that noun, else the last of its name.
            self.kind_words[product.id] = own_kind or last_name_word(product.title)
            heads = named_as | labels.get(product.category, set())
            for key, value in product.attributes.items():
                # "Tags" and "Product Category" in Shopify and WooCommerce exports.
                name = key.casefold().replace(" ", "_")
                if name in KIND_KEYS and isinstance(value, str):
                    if name in TAXONOMY_KEYS:
                        # Google's shared taxonomy: only its last level says what the product
                        # is ("Handbags, Wallets & Cases > Handbags" is no wallet).
                        value = value.rsplit(">", 1)[-1]
                    kind_words.update(kind_tag_words(value))
                    heads.update(
                        said[-1] for part in re.split(r"[,;|>/]", value) if (said := keywords(part))
                    )  # fmt: skip
                    _label_names(value, alone, longer)
            _label_names(product.category, alone, longer)
            for word in longer - alone - set(title):
                modified.setdefault(word, set()).add(position)
            for word in kind_words:
                named_by.setdefault(word, []).append(position)
            for word in heads:
                kind_heads.setdefault(word, set()).add(position)
            # What the product is: its title's name words, and the category, type and tag
            # words its title does not use to say which kind of another thing it is, or ends
            # a part after a dash with ("Husets Blend – Whole Bean 1 kg" in "Whole Bean").
            labelled = kind_words - set(title)
            for word in (
                labelled
                | named_as
                | (_dash_heads(product.title) & (kind_words - set(title_name(product.title))))
            ):
                headed.setdefault(word, set()).add(position)
        self.named_by = {w: np.array(p, dtype=np.int64) for w, p in named_by.items()}
        self.modified = modified
        self.headed = headed  # word -> positions of the products it is the name of
        self.kind_heads = kind_heads
        # Title words that only ever say which kind of another thing a product is: "desk" in a
        # shop whose only desk word is its "Desk Chair", "coffee" beside a "Coffee Grinder".
        # (`names` takes only nouns among them for kinds: "hydrating", "travel", "firm" and
        # names English does not know, "hardshell", describe the product they are in.)
        self.modifiers = frozenset(named_by) - frozenset(headed)

    @functools.cached_property
    def english(self) -> bool:
        """Whether the catalog is written in English: half its words or more, in the titles
        and descriptions of up to `LANGUAGE_SAMPLE` products, are English's (measured: 0.70 to
        0.92 in 22 English catalogs with their brand and product names, 0.30 in a Spanish
        one)."""
        said = [
            word
            for i in self.order[:LANGUAGE_SAMPLE]
            for word in coverage.LETTERS.findall(
                f"{self.products[i].title} {self.products[i].description}".lower()
            )
        ]
        return not said or sum(map(coverage.english, said)) * 2 >= len(said)

    def closest_of(self, products: Sequence[Product], vector: Sequence[float]) -> Product | None:
        """Of the products, the one nearest in meaning to the vector, when it is clearly the
        nearest (`CLEARLY` closer than the next); None without the snapshot's embeddings."""
        if self.vectors is None or len(self.vectors) != len(self.order) or len(products) < 2:
            return None
        at = self.positions
        rows = [at[p.id] for p in products if p.id in at]
        if len(rows) != len(products):
            return None
        scores = self.vectors[rows] @ np.asarray(vector, dtype=np.float32)
        first, second = np.argsort(-scores)[:2]
        return products[int(first)] if scores[first] - scores[second] >= CLEARLY else None

    @functools.cached_property
    def positions(self) -> dict[str, int]:
        """Each product's row in `order`."""
        return {product_id: row for row, product_id in enumerate(self.order)}

    @functools.cached_property
    def measures(self) -> dict[str, dict[str, list[Stated]]]:
        """The measures each product's text states, by kind, read once."""
        return {i: stated(self.products[i]) for i in self.order}

    @functools.cached_property
    def goes_with(self) -> list[frozenset[str]]:
        """Per product (rows in `order`), the words of its title that only say what it is for
        or fits ("Case for iPhone 15 Series": iphone, 15, series), not what it is."""
        found = []
        for i in self.order:
            parts = FOR_IN_TITLE.split(self.products[i].title, maxsplit=1)
            own, rest = parts[0], parts[1] if len(parts) > 1 else ""
            found.append(frozenset(keywords(rest)) - frozenset(keywords(own)))
        return found

    @functools.cached_property
    def for_children(self) -> bool:
        """Whether any product is for children: its text says so ("kids", "junior", "ages
        3+", "toddler") or it states ages under 13."""
        return self._speaks_of(CHILDREN) or any(
            (ages := product_ages(self.products[i])) is not None and ages[0] < 13 * 12
            for i in self.order
        )

    @functools.cached_property
    def for_animals(self) -> bool:
        """Whether any product's text speaks of pets or other animals ("for dogs", "cat
        toy", "pet-safe")."""
        return self._speaks_of(ANIMALS)

    def _speaks_of(self, said: re.Pattern[str]) -> bool:
        return any(said.search(document_text(self.products[i])) for i in self.order)

    @functools.cached_property
    def few(self) -> int:
        """How many products are few in this catalog: a word, a label or a name that many or
        fewer products have tells them apart (3, or one in 20)."""
        return max(3, len(self.order) // 20)

    @functools.cached_property
    def text_df(self) -> Counter[str]:
        """In how many products' text (title, description, attributes) each keyword is."""
        return Counter(w for i in self.order for w in set(self.said[i]))

    @functools.cached_property
    def coded(self) -> dict[str, frozenset[str]]:
        """The model codes of the titles' names, hyphens dropped ("z-70" and "z70" alike), and
        the ids of the products each names."""
        codes: dict[str, set[str]] = {}
        for i in self.order:
            for word in title_name(self.products[i].title):
                if MODEL_CODE.fullmatch(word) and not MEASURE.fullmatch(word):
                    codes.setdefault(word.replace("-", ""), set()).add(i)
        return {code: frozenset(ids) for code, ids in codes.items()}

    def _brands(self) -> list[str]:
        named = {
            str(v) for p in self.products.values() for k in BRAND_KEYS
            if isinstance(v := p.attributes.get(k), str) and v
        }  # fmt: skip
        if named:
            return sorted(named)
        # Without a brand column, a title's first word is a brand when several titles share it.
        first = Counter(p.title.split(" ", 1)[0] for p in self.products.values())
        return sorted(w for w, n in first.items() if n >= 2 and w[:1].isupper() and len(w) > 2)

    def terms(self, text: str) -> list[str]:
        """The text's keywords as the catalog writes them: words it joins with a hyphen also
        joined, before them ("roll top" is its "roll-top", "t shirt" its "t-shirt"), and a
        hyphenated word it does not have as its parts ("roll-top" where it writes "roll
        top")."""
        if self._compounds is None:
            compounds: dict[tuple[str, ...], str] = {}
            for known in self.bm25.vocab_dict:
                if isinstance(known, str) and "-" in known:
                    parts = tuple(w for w in known.split("-") if w)
                    if len(parts) >= 2:
                        compounds[parts] = known
            self._compounds = compounds
            # "24-70mm" in a title is the "24-70" a shopper writes: a range of numbers, no unit.
            unitless: dict[str, list[str]] = {}
            for known in self.bm25.vocab_dict:
                if isinstance(known, str) and (ranged := RANGE_WITH_UNIT.fullmatch(known)):
                    unitless.setdefault(ranged[1], []).append(known)
            self._unitless = unitless
        said = words(text)
        found: list[str] = []
        at = 0
        while at < len(said):
            for size in (3, 2):
                joined = self._compounds.get(tuple(said[at : at + size]))
                if joined is not None and len(said) - at >= size:
                    found += [joined, *said[at : at + size]]  # the parts may name, too
                    at += size
                    break
            else:
                word = said[at]
                at += 1
                if word not in self.bm25.vocab_dict and word in self._unitless:
                    found.extend(self._unitless[word])
                elif "-" in word and word not in self.bm25.vocab_dict:
                    found.extend(part for part in word.split("-") if part)
                else:
                    found.append(word)
        return [w for w in found if w not in STOP_WORDS]

    def keyword_search(self, query: str, n: int) -> list[tuple[str, float]]:
        terms = [w for w in self.terms(query) if w in self.bm25.vocab_dict]
        if not terms or not self.order:
            return []
        scores = self.bm25.get_scores(terms)
        n = min(n, len(self.order))
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.order[i], float(scores[i])) for i in top if scores[i] > 0]

    def named(
        self, text: str, *, limit: int = 3, prefer: Callable[[Product], int] | None = None
    ) -> list[Product]:
        """Products the text names by title: most of a title, two of its distinctive words
        ("Tarnhaven Firefly"), one distinctive word written as a name ("the Tempo") or a model
        code ("wh-1000xm5"), or the title's first words in order, brand first, however they
        are cased ("the purrsley cat tree"), or the brand and a word that only one of its
        products has ("the skyward scooter")."""
        # A size asked for is no name: "1/4 size guitar" does not name the "Junior 1/2 Size".
        text = FRACTION_ASKED.sub(" ", text)
        sequence = self.terms(text)
        bare = unaccented(text)  # "the Bükk", capitalised as "Bukk" is
        said = set(sequence)
        # A capital marks a name, unless the whole message is in capitals ("LEAF BLOWER IN
        # STOCK?" names no product).
        shouted = not any(c.islower() for c in text)
        capitalised = (
            set()
            if shouted
            else {fold(w.lower()) for w in re.findall(r"\b[A-Z][A-Za-z0-9]+", bare)}
        )
        model_codes = {w for w in said if MODEL_CODE.fullmatch(w) and not MEASURE.fullmatch(w)}
        capitalised |= model_codes
        # A word of three parts or more that one title joins, however written: a coined name
        # ("the code a bot" is the "Code-a-Bot").
        capitalised |= {w for w in said if w.count("-") >= 2 and self.df.get(w) == 1}

        # "is the deba in stock?", "is the kenya back yet": a noun only one title has, said as
        # "the" one, is that product's name, however it is cased (not "the black one", nor
        # "for the car"); or two titles, a line's name ("the sentinel": men's and women's).
        def calls(w: str) -> bool:
            return (
                not MEASURE.fullmatch(w)
                and (self.df.get(w) == 1 or (self.df.get(w) == 2 and self._a_line(w)))
                and (coverage.names_a_kind(w) is True or self._heads_its_title(w))
            )

        called = {
            w for w in (
                fold(m[2].lower()) for m in THE_WORD.finditer(bare)
                if (m[1] or "").lower() not in PLACE_WORDS
            )
            if calls(w)
        } | {
            w for w in (
                fold(m[2].lower()) for m in THE_ABROAD.finditer(bare)
                if (m[1] or "").lower() not in PLACE_WORDS | _NOT_ABROAD
            )
            if calls(w) and not self._a_kind(w)
        }  # fmt: skip
        pairs = set(zip(sequence, sequence[1:], strict=False))
        distinctive_df = self.few
        # A catalog in another language writes its function words in titles ("Funda acolchada
        # para libro"); an English one may have them as names ("Vanta Uno", "the NAS").
        # (Only the message's own words are looked up: the lists hold some 1,200 words.)
        abroad = set() if self.english else (coverage.function_abroad() & said) - capitalised
        known = [w for w in said if w in self.by_word]
        if not known:
            return []
        # Per title: the idf of the words it shares with the text, and how many of those are
        # distinctive (rare in titles), or distinctive and written as a name.
        weight = np.zeros(len(self.order))
        distinct = np.zeros(len(self.order), dtype=np.int32)
        named = np.zeros(len(self.order), dtype=np.int32)
        own = np.zeros(len(self.order), dtype=bool)  # shares a word beyond its category's
        for word in known:
            positions = self.by_word[word]
            weight[positions] += self.idf[word]
            if word in self.kind_of:
                own[np.setdiff1d(positions, self.kind_of[word], assume_unique=True)] = True
            else:
                own[positions] = True
            # (A word "para" or "el" only a few titles share is not distinctive of them.)
            if self.df[word] <= distinctive_df and word not in abroad:
                distinct[positions] += 1
                if word in capitalised or word in called:
                    named[positions] += 1
        # Only what a title says the product is for ("Case for iPhone 15 Series") names the
        # thing it fits: "selling the iphone 15 pro?" asks for the phone, not its case.
        goes_with = self.goes_with
        itself = np.zeros(len(self.order), dtype=bool)
        for word in known:
            for position in self.by_word[word]:
                itself[position] |= word not in goes_with[position]
        # Only its category's words ("leaf blower") ask for a kind; they name no one product.
        candidates = np.flatnonzero((weight > 0) & own & itself)
        covered = weight[candidates] / self.title_weight[candidates]
        keep = (distinct[candidates] >= 2) | (named[candidates] > 0) | (covered >= 0.6)
        # The words after each "the" ("the silver tennis bracelet"), read once.
        definite: list[list[str]] = []
        derived: list[list[str]] = []  # "the gold one" after "the silver tennis bracelet"
        the_ones: set[str] = set()  # named so: kept however many words others share
        for match in _DEFINITE.finditer(bare):
            if (other := _ONE_OF.match(match[1])) and definite:
                # "... the silver tennis bracelet and the gold one": the gold tennis bracelet.
                before, told = definite[-1], self.terms(other[1])
                kinds = [told + before[cut:] for cut in range(1, len(before))]
                derived += kinds
                definite += kinds
            else:
                definite.append(self.terms(match[1]))
        for at, position in enumerate(candidates):
            title = self.title_words[position]
            if (
                not keep[at]
                and len(title) >= 2
                and (title[0], title[1]) in pairs
                and self.df[title[0]] <= 2 * distinctive_df  # a brand, not "Dog" or "Men's"
                and (len(title) == 2 or (title[1], title[2]) in pairs)
            ):
                keep[at] = True
            elif (
                not keep[at]
                and title
                and title[0] in said
                and title[0] not in abroad  # "La brújula de Mara": "la" is no brand
                and self.df[title[0]] <= 4 * distinctive_df  # a line, not every product
                and position not in self.kind_of.get(title[0], ())  # a brand, not "Dog"
                and any(self.line[title[0]][w] == 1 for w in said.intersection(title[1:]))
            ):
                keep[at] = True  # the brand and a word only one of its products has
            elif not keep[at] and self._motif(position, sequence):
                keep[at] = True  # "the windmill t shirt": its own thing, and its kind
            elif not keep[at] and definite and self._called(position, definite):
                keep[at] = True  # "the silver tennis bracelet": of two, the silver one
                if derived and self._called(position, derived):
                    the_ones.add(self.order[position])  # (and "the gold one" beside it)
        scored = [
            (float(weight[position] + share), self.order[position])
            for position, share in zip(candidates[keep], covered[keep], strict=True)
        ]
        scored.sort(reverse=True)
        if not scored:
            return []
        best = scored[0][0]
        close = [i for s, i in scored if s >= best * 0.8 or i in the_ones]
        # A model code one or two titles have ("does the trivex tx-190 come with an arca swiss
        # plate") names its product however many other words another title shares.
        if codes := [w for w in known if w in model_codes and self.df[w] <= 2]:
            coded = {self.order[p] for w in codes for p in self.by_word[w]}
            close = [i for _, i in scored if i in coded] + [i for i in close if i not in coded]
        # A name that fits several products ("the Moraine") means the one the conversation
        # prefers: the one just discussed, or one that fits the shopper's budget.
        if prefer is not None:
            close.sort(key=lambda i: -prefer(self.products[i]))
        return [self.products[i] for i in close[:limit]]

    def _a_kind(self, word: str) -> bool:
        """Whether a title word is what one of its products is ("gyuto" of two gyutos)."""
        return any(self.kind_words.get(self.order[p]) == word for p in self.by_word[word])

    def _a_line(self, word: str) -> bool:
        """Whether a title word is the name of one brand's line, not what its products are
        nor whom they are for: "sentinel" in the men's and the women's "Drakensberg Outdoor
        Sentinel" boot (not "gyuto" of two gyutos, nor "kids" of "Kids Camp Chair" and "Kids
        Sleeping Bag")."""
        firsts = {self.title_words[p][0] for p in self.by_word[word] if self.title_words[p]}
        return len(firsts) == 1 and word not in firsts and not self._a_kind(word)

    def _heads_its_title(self, word: str) -> bool:
        """Whether the one title a word is in names its product by it ("the cloth": the "Silver
        Polishing Cloth", though English's word lists take "cloth" for an adjective too)."""
        return all(
            word in title_heads(self.products[self.order[position]].title)
            for position in self.by_word[word]
        )

    def _motif(self, position: int, sequence: Sequence[str]) -> bool:
        """Whether the text names the product by a thing only its title has, said just before
        a word for what it is ("the windmill t shirt" for a "Molen Graphic Tee – Windmill
        Print" tagged t-shirt, "the cactus planter"): a noun, not a word that describes
        ("waterproof jacket" names no one jacket)."""
        title = self.titles[position]
        for word, kind in zip(sequence, sequence[1:], strict=False):
            if (
                word in title and self.df[word] == 1 and kind != word
                and kind in self.named_by and position in self.named_by[kind]
                and not MEASURE.fullmatch(word + kind)  # a number and its unit: no name
                and coverage.names_a_kind(word) is True
                and kind not in coverage.function_abroad()  # "libro para": no "para" is sold
            ):  # fmt: skip
                return True
        return False

    def _called(self, position: int, definite: Sequence[Sequence[str]]) -> bool:
        """Whether the text names the product as "the" one of a kind, said with a word at most
        two titles have before the kind its title is named by ("the tennis bracelet"), and
        its title has the words said before those ("the silver tennis bracelet": the silver
        one of the two, not the gold). `definite`: the words after each "the" of the text."""
        title = self.titles[position]
        for said in definite:
            for at, (word, kind) in enumerate(zip(said, said[1:], strict=False)):
                if (
                    word in title and 0 < self.df.get(word, 0) <= 2 and kind != word
                    and kind in self.named_by and position in self.named_by[kind]
                    and set(said[:at]) <= title
                    and not MEASURE.fullmatch(word + kind)  # "the 45 cm chain": no "45 cm" one
                ):  # fmt: skip
                    return True
        return False

    def spelled(self, word: str) -> str | None:
        """The catalog's word a keyword is, or is a typo of (`retrieval.coverage`)."""
        if self._by_initial is None:
            by_initial: dict[str, list[str]] = {}
            for known in self._known:
                if known:
                    by_initial.setdefault(known[0], []).append(known)
            self._by_initial = by_initial
        return coverage.spelled(word, self._known, self._by_initial)

    @functools.cached_property
    def _known(self) -> frozenset[str]:
        """The words `spelled` knows: the text's, and the taxonomy's beside a text in another
        language (`labelled`: "bookends" is a word of the Spanish bookshop's)."""
        return frozenset(w for w in self.bm25.vocab_dict if isinstance(w, str)) | set(self.labelled)

    def names_kind(self, word: str) -> bool:
        """Whether products are named by the word: in a title, a category, a type or a tag."""
        return word in self.named_by

    def carries(self, kind: Sequence[str], vector: Sequence[float], floor: float) -> bool:
        """Whether the catalog has the kind of product a phrase names (its keywords, the kind
        last, as `coverage.asked_kinds` gives them; `vector` its embedding): `names` it, or
        `close_to` it."""
        return self.names(kind) or self.close_to(kind, vector, floor)

    def names(self, kind: Sequence[str]) -> bool:
        """Whether products are named by the kind's word ("chair"; else products whose text
        uses it: "toy", "dandruff") and have in their text each word before it that names a
        kind ("garden chair"). A kind with a noun no such product has is another kind
        ("office chair" in a garden shop, "kitchen knife" beside a soil knife)."""
        head = self.spelled(kind[-1])
        if head is None or (head in self.modifiers and coverage.only_noun(head)):
            return False  # "desk" where titles have only a "Desk Chair"
        before = [self.spelled(w) or w for w in kind[:-1]]  # the catalog's words, read once
        if head in self.named_by:
            if all(head in self.goes_with[p] for p in self.named_by[head]):
                return False  # "iphone" where titles say only "Case for iPhone 15"
            having = np.zeros(len(self.order), dtype=bool)
            having[self.named_by[head]] = True
            # Or by its other name, where the catalog uses both: "light up takkies" beside a
            # "School Takkie" and a "Light-Up Kids Sneaker".
            for same in coverage.SAME_GOODS.get(head, ()):
                having[self.named_by.get(same, [])] = True
        else:
            having = self.using(head)  # "toy" in a toy shop, "dandruff" beside a shampoo
            if coverage.names_a_kind(head) is not False and self.only_a_property(head):
                return False  # "microwaves" beside microwave-safe bowls
            alone = np.flatnonzero(having)
            if (
                len(alone) == 1 and coverage.may_head(head)
                and self.kind_words.get(self.order[int(alone[0])]) not in before
            ):  # fmt: skip
                # A thing one description names is mostly what that product goes with ("plug
                # in your turntable"; "coffee beans" of a "Manual coffee grinder" that grinds
                # them), unless the rest of the kind is what its title names ("throw blanket"
                # of a "Chunky Knit Throw").
                return False
        for word in before:
            reading = coverage.names_a_kind(word)
            if word in coverage.CHECKABLE:
                # "ceramic knives": a knife whose text says so (not the knife sharpener's
                # ceramic wheels).
                having &= self.states(word) & self.of_kind(head)
                continue
            if reading is False:
                continue  # a describing word: "ergonomic", "folding"
            using = self.using(word) | self.labels(word)  # ("book stand": "Book Stands")
            if not using.any() and word.endswith("ing"):
                using = self.using(getLemma(word, "VERB")[0])  # "diving watch": a "dive watch"
            if (
                reading or not using.any() or (word in self.headed and word != head)
                or (len(kind) == 2 and not (having & using).any())
            ):  # fmt: skip
                # A noun; a noun-and-verb the catalog never uses; one that is the name of
                # products of its own ("keyboard stand": a stand whose text says keyboard, not
                # the guitar stand); or, before the kind alone, one no product of the kind
                # says ("grass seed" where only a rake speaks of grass).
                having &= using
        return bool(having.any())

    def of_kind(self, head: str) -> np.ndarray:
        """Per product (rows in `order`), whether it may be a `head`: of a category of the
        products the word is the name of, and not one whose title, category or tags use the
        word only for what it goes with (a "knife sharpener", a ceramic honing rod beside the
        knives are no knife; a sweater beside the jumpers may be the jumper asked for)."""
        word = self.spelled(head) or head
        if (known := self._of_kind.get(word)) is None:
            known = self._of_kind[word] = self._may_be(word)
        return known

    def _may_be(self, word: str) -> np.ndarray:
        mask = np.ones(len(self.order), dtype=bool)
        if not coverage.may_head(word):
            return mask  # a word that also describes: "a steel string acoustic"
        if heads := self.kind_heads.get(word):
            kinds = {self.products[self.order[i]].category for i in heads}
            mask &= np.array([self.products[i].category in kinds for i in self.order])
        if word in self.named_by:
            modifying = np.zeros(len(self.order), dtype=bool)
            modifying[self.named_by[word]] = True
            modifying[list(heads or ())] = False
            mask &= ~modifying
        return mask

    def states(self, word: str) -> np.ndarray:
        """Per product (rows in `order`), whether its text states what a `coverage.CHECKABLE`
        word says: "left-handed" for "handed", a wattage for "electric"."""
        if (known := self._stated.get(word)) is None:
            said = coverage.CHECKABLE[word]
            texts = (document_text(self.products[i]) for i in self.order)
            known = np.fromiter((bool(said.search(t)) for t in texts), dtype=bool)
            self._stated[word] = known
        return known

    def only_a_property(self, word: str) -> bool:
        """Whether the word names no product (`named_by`), some product texts use it, and each
        uses it only as what the product stands ("microwave safe", "induction-ready") or takes
        without it ("E27 bulb, not included", "takes 2 AA batteries")."""
        if word in self.named_by or not self.using(word).any():
            return False
        if (known := self._property.get(word)) is None:
            said = rf"\b{re.escape(word)}s?\b"
            used = re.compile(
                rf"{said}{coverage.PROPERTY_AFTER}|{coverage.PROPERTY_BEFORE}{said}"
                rf"|{said}{coverage.TAKEN_AFTER}|{coverage.TAKEN_BEFORE}{said}",
                re.I,
            )
            anywhere = re.compile(said, re.I)
            texts = (
                document_text(self.products[self.order[int(i)]])
                for i in np.flatnonzero(self.using(word))
            )
            known = all(len(anywhere.findall(t)) <= len(used.findall(t)) for t in texts)
            self._property[word] = known
        return known

    def close_to(
        self,
        kind: Sequence[str],
        vector: Sequence[float],
        floor: float,
        among: np.ndarray | None = None,
    ) -> bool:
        """Whether a product is at least `floor` close in meaning to the kind's phrase
        (`vector` its embedding); without embeddings, whether the catalog uses its word.
        `among`: only those products (a mask over `order`); without embeddings, whether there
        are any."""
        if among is not None and not among.any():
            return False
        if self.vectors is None or len(self.vectors) != len(self.order):
            return True if among is not None else self.spelled(kind[-1]) is not None
        vectors = self.vectors if among is None else self.vectors[among]
        if not len(vectors):
            return False
        return float((vectors @ np.asarray(vector, dtype=np.float32)).max()) >= floor

    def labels(self, word: str) -> np.ndarray:
        """Per product (rows in `order`), whether its taxonomy label has the word (`labelled`)."""
        having = np.zeros(len(self.order), dtype=bool)
        if named := self.labelled.get(word):
            having[[self.positions[i] for i in named if i in self.positions]] = True
        return having

    def using(self, word: str) -> np.ndarray:
        """Per product (rows in `order`), whether its text uses the word."""
        if word not in self.bm25.vocab_dict:
            return np.zeros(len(self.order), dtype=bool)
        return np.asarray(self.bm25.get_scores([word])) > 0

    def corrected(self, text: str) -> str:
        """The text with each mistyped catalog word spelled as the catalog does ("wireless
        headphnes" -> "wireless headphone"), for searching; the rest as written."""

        def fix(match: re.Match[str]) -> str:
            if not match.group().isascii():
                return match.group()  # a word with letters of another alphabet: not mistyped
            word = fold(match.group().lower())
            # (Nor an adverb of how, which is no mistyped catalog word: "charge my phone
            # wirelessly" stays so, not "wireless", so "phone" is still what it works on.)
            mended = None if word in STOP_WORDS or manner(word) else self.spelled(word)
            if mended is None or mended == word:
                return match.group()
            return mended.capitalize() if match.group()[:1].isupper() else mended

        # (Whole words: "tisztító" is no "tiszt" mistyped between two accented letters.)
        return re.sub(r"[^\W\d_]+", fix, text)

    def category_titled(self, word: str) -> str | None:
        """The one category of the products whose titles have the word, when two or more do
        ("jumper": Knitwear, where the cashmere scarf is only close in meaning)."""
        if self._titled is None:
            titled: dict[str, set[str]] = {}
            counts: Counter[str] = Counter()
            for position, title in enumerate(self.title_words):
                category = self.products[self.order[position]].category
                for w in set(title):
                    titled.setdefault(w, set()).add(category)
                    counts[w] += 1
            self._titled = {w: next(iter(c)) for w, c in titled.items() if len(c) == 1
                            and counts[w] >= 2 and next(iter(c))}  # fmt: skip
        return self._titled.get(word)

    def category_title_headed(self, word: str) -> str | None:
        """The one category of the products (two or more) a word names as what they are ("bass":
        the basses, not the bass amp or the bass strings, which it only says which kind of)."""
        categories = self.title_headed(word)
        if sum(map(len, categories.values())) < 2 or len(categories) != 1:
            return None
        return next(iter(categories)) or None

    def title_headed(self, word: str) -> dict[str, list[str]]:
        """Per category, the products (ids) the word names as what they are: by the last word of
        the title's name, as English names a thing ("Lens Hood" is a hood; "Ridgeline PJ Bass
        4-String" a bass)."""
        found: dict[str, list[str]] = {}
        for i in sorted(self.headed.get(word, set())):
            product = self.products[self.order[i]]
            if self.kind_words.get(product.id) == word:
                found.setdefault(product.category, []).append(product.id)
        return found

    def titled(self, word: str) -> bool:
        """Whether a product's title has the word, as the catalog spells it."""
        return (self.spelled(word) or word) in self.by_word

    def category_of(self, word: str) -> str | None:
        """The one category a word names products of: `category_titled`, else the category of
        all the products (two or more) the word names by title, category, type or tag ("coat":
        the jackets, tagged or typed "Coats & Jackets", though only an overcoat's title has
        it)."""
        if titled := self.category_titled(word):
            return titled
        positions = self.named_by.get(word)
        if positions is None or len(positions) < 2:
            return None
        if set(positions.tolist()) <= self.modified.get(word, set()):
            return None  # only the last word of a longer name: "dishes" are no "Casserole Dishes"
        categories = {self.products[self.order[i]].category for i in positions.tolist()}
        if len(categories) != 1:
            return None
        return categories.pop() or None

    def category_headed(self, word: str) -> str | None:
        """The one category of all the products (two or more) a word is the name of, by title,
        category, type or tag (`headed`: "protection", the eyewear and the ear defenders
        tagged so)."""
        positions = self.headed.get(word, set())
        categories = {self.products[self.order[i]].category for i in positions}
        return categories.pop() or None if len(positions) >= 2 and len(categories) == 1 else None

    def categories_headed(self, word: str) -> list[str]:
        """The categories whose head noun the keyword is ("bike": "Bikes" and "Kids' Bikes",
        not "Bike Accessories")."""
        return [category for category, heads in self.heads.items() if word in heads]

    def say_whole(self, text: str, among: Iterable[str]) -> set[str]:
        """Of the products `among` (ids), those whose text says a kind the text asks for, of two
        words or more, as written ("graphic novels": the one whose text says "graphic novel",
        not every novel)."""
        kinds = [kind for kind in coverage.asked_kinds(text) if len(kind) >= 2]
        found: set[str] = set()
        for i in among if kinds else ():
            said = self.said.get(i, [])
            for kind in kinds:
                n = len(kind)
                if kind[0] in said and any(
                    said[at : at + n] == kind for at in range(len(said) - n + 1)
                ):
                    found.add(i)
                    break
        return found

    def labelled_as(self, text: str) -> set[str]:
        """The products whose taxonomy label (`labelled`) has every word of a kind the text asks
        for, a kind few labels name ("a stand to hold it open while she cooks": the "Book
        Stands & Rests", whose Spanish text the English model cannot read; not every book for
        "books", of "Print Books")."""
        if not self.labelled:
            return set()
        few = self.few
        found: set[str] = set()
        for kind in coverage.asked_kinds(text):
            having = [self.labelled.get(self.spelled(w) or w, set()) for w in kind]
            if all(having) and len(having[-1]) <= few:
                found |= set.intersection(*having)
        return found

    def in_its_words(self, text: str) -> list[Product]:
        """The products a message in another language than English names by an English shop's
        own words in it, that few product texts use ("garrafa térmica verde": the bottle tagged
        "garrafa térmica", in "Verde"; "preciso de um facão": the "Facão Machete"): those
        using the most of them, when few. (Its short words are grammar: "com", "pra".)"""
        letters = coverage.LETTERS.findall(text.lower())
        if not self.english or sum(map(coverage.english, letters)) * 2 >= len(letters):
            # English, mostly: its kinds and names are read as such. (A shop that writes
            # another language has all its words in it: the multilingual reading is its own.)
            return []
        few = self.few
        counts = np.zeros(len(self.order), dtype=np.int64)
        for word in dict.fromkeys(keywords(text)):
            if len(word) >= 4 and word.isalpha() and not coverage.english(word):
                using = self.using(word)
                if 0 < int(using.sum()) <= few:
                    counts += using
        most = int(counts.max()) if len(counts) else 0
        best = np.flatnonzero(counts == most) if most else np.zeros(0, dtype=np.int64)
        return [self.products[self.order[i]] for i in best] if len(best) <= few else []

    def pastimes(self, said: Iterable[str]) -> set[str]:
        """The pastimes among the keywords that few product texts name: what those products
        are for, however far the message is in meaning ("something nice for my boyfriend, hes
        super into camping and coffee": the hand grinder and the brewer "great for travel and
        camping")."""
        return {
            w for w in set(said) & coverage.ACTIVITIES
            if 0 < int(self.using(w).sum()) <= KEYWORD_RARE
            # (Not the shop's own: "new to gardening" in a garden shop, whose texts say
            # "garden" throughout.)
            and int(self.using(getLemma(w, "VERB")[0]).sum()) <= KEYWORD_RARE
        }  # fmt: skip

    def names_category(self, kinds: Sequence[Sequence[str]], category: str) -> bool:
        """Whether each kind's word is a word of the category's name, or of its goods ("kitchen
        and table stuff": "Kitchen & Tableware")."""
        named = set(keywords(category))
        return bool(kinds) and all(
            {kind[-1], *(kind[-1] + goods for goods in GOODS)} & named for kind in kinds
        )

    def category_named(self, text: str) -> str | None:
        """The catalog category the text names ("boots" -> "Hiking Boots"), if one stands out."""
        said = set(keywords(text))
        # "table stuff" is tableware, "swim stuff" swimwear: goods for what the word names.
        said |= {word + goods for word in said if len(word) >= 4 for goods in GOODS}
        scores = {}
        for category, heads in self.heads.items():
            others = set(keywords(category)) - heads - STOP_WORDS
            score = 2 * len(heads & said) + len(others & said)
            if score:  # a head noun counts double: "hiking backpack" is a backpack
                scores[category] = score
        if not scores:
            return None
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return None
        return ranked[0][0]

    def nearest(
        self, vector: Sequence[float], filters: Filters, n: int
    ) -> list[tuple[str, float]] | None:
        """Exact nearest products among those passing the filters, from the snapshot's
        embeddings (None when it has none): a narrow filter costs one matrix product."""
        if self.vectors is None or len(self.vectors) != len(self.order):
            return None
        mask = np.ones(len(self.order), dtype=bool)
        if filters.min_price is not None:
            mask &= self.prices >= float(filters.min_price)
        if filters.max_price is not None:
            mask &= self.prices <= float(filters.max_price)
        if filters.category:
            code = self.kind_codes.get(filters.category.strip().casefold(), -1)
            mask &= self.kinds == code
        if filters.in_stock is not None:
            mask &= self.stocked == filters.in_stock
        if filters.age_months is not None:
            low, high = self.ages
            mask &= (low <= filters.age_months) & (filters.age_months <= high)
        if filters.gender is not None:
            mask &= self.genders != ("female" if filters.gender == "male" else "male")
        passing = int(mask.sum())
        if not passing:
            return []
        # Scoring every product and masking is cheaper than copying the passing rows out.
        scores = self.vectors @ np.asarray(vector, dtype=np.float32)
        scores[~mask] = -np.inf
        n = min(n, passing)
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.order[i], min(1.0, max(0.0, float(scores[i])))) for i in top]

    @functools.cached_property
    def ages(self) -> tuple[np.ndarray, np.ndarray]:
        """Per product (rows in `order`), the lowest and highest age in months its text states
        (0 and infinity when it states none), as `Filters.passes` reads them: worked out the
        first time a shopper gives an age, not when the snapshot is built."""
        low, high = np.zeros(len(self.order)), np.full(len(self.order), np.inf)
        for position, product_id in enumerate(self.order):
            if (ages := product_ages(self.products[product_id])) is not None:
                low[position] = ages[0]
                high[position] = np.inf if ages[1] is None else ages[1]
        return low, high

    @functools.cached_property
    def genders(self) -> np.ndarray:
        """Per product (rows in `order`), whom it is made for ("male", "female", "" for anyone),
        as `Filters.passes` reads it."""
        return np.array([product_gender(self.products[i]) or "" for i in self.order])

    def cheapest(self, filters: Filters, n: int) -> list[Product]:
        fitting = (p for p in self.products.values() if filters.passes(p))
        return sorted(fitting, key=lambda p: (p.price, p.title))[:n]


@dataclass
class _Turn:
    """What one turn has looked up already (`one_turn`), by the search (`id`) that did."""

    nearest: dict[tuple[int, bytes, int], list[tuple[str, float]]] = field(default_factory=dict)
    views: dict[int, "CatalogView"] = field(default_factory=dict)


_TURN: ContextVar[_Turn | None] = ContextVar("searched_this_turn", default=None)


@contextmanager
def one_turn() -> Iterator[None]:
    """Within it (or a function it decorates), a search with a query vector already searched
    reuses the nearest ids (one turn searches several times with its message's vector: the
    category vote, the matches, the fallbacks), and the whole turn reads one snapshot of the
    catalog, checked for changes once. Nested in another, it is part of that turn."""
    if _TURN.get() is not None:
        yield
        return
    token = _TURN.set(_Turn())
    try:
        yield
    finally:
        _TURN.reset(token)


class HybridSearch:
    """Fuse dense and keyword rankings; drop what is neither close in meaning nor named."""

    def __init__(
        self,
        index: CatalogIndex,
        *,
        min_relevance: float,
        depth: int = 30,
        mode: Mode = "hybrid",
        rebuild_aside_from: int = BACKGROUND_REBUILD,
    ):
        self.index = index
        self.mode = mode  # "dense" or "keyword" alone: only to measure what fusing adds
        self.min_relevance = min_relevance
        self.depth = depth
        self._view: CatalogView | None = None
        self._version = -1
        self._lock = threading.Lock()
        self._rebuilding: threading.Thread | None = None
        self.rebuild_aside_from = rebuild_aside_from

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Texts embedded as this search's vectors are."""
        return self.index.embed_queries(texts)

    @property
    def view(self) -> CatalogView:
        """The keyword snapshot of the catalog. After the catalog changes, a small one is
        rebuilt at once; a large one in the background while the old one keeps serving, so
        that a re-ingest never stalls the shoppers' searches."""
        turn = _TURN.get()
        if turn is not None and id(self) in turn.views:
            return turn.views[id(self)]
        self.index.refresh()
        version = self.index.version
        if self._view is None:
            self._rebuild(version)
        elif self._version != version:
            if len(self._view.products) < self.rebuild_aside_from:
                self._rebuild(version)
            else:
                with self._lock:
                    if self._rebuilding is None or not self._rebuilding.is_alive():
                        self._rebuilding = threading.Thread(
                            target=self._rebuild, args=(version,), daemon=True
                        )
                        self._rebuilding.start()
        assert self._view is not None
        if turn is not None:
            turn.views[id(self)] = self._view
        return self._view

    def _rebuild(self, version: int) -> None:
        products, vectors = self.index.snapshot()
        view = CatalogView({p.id: p for p in products}, vectors)
        self._view, self._version = view, version

    def search(
        self,
        query: str,
        vector: Sequence[float],
        filters: Filters,
        k: int,
        *,
        named: Collection[str] | None = None,
        floor: float | None = None,
        lead: bool = True,
    ) -> list[SearchHit]:
        """Best `k` products for the query that pass `filters`, de-duplicated, best first.

        `named`: the ids `view.named(query)` gives, when the caller has them already. `floor`:
        the least similarity in meaning kept, when not `min_relevance`. `lead`: when fewer
        than `k` are that close, keyword matches on a rare word may fill in (`KEYWORD_RARE`).
        """
        floor = self.min_relevance if floor is None else floor
        view = self.view
        dense = self._dense(vector, filters, view)
        relevance = {hit.product.id: hit.score for hit in dense}
        # While a large catalog's snapshot is being rebuilt, the index may hold newer products.
        products = ChainMap({h.product.id: h.product for h in dense}, view.products)
        if self.mode != "hybrid":
            named = set()
        elif named is None:
            named = {p.id for p in view.named(query)}
        sparse = [
            i for i, _ in view.keyword_search(query, self.depth * 3)
            if filters.passes(view.products[i])
        ][: self.depth]  # fmt: skip
        if self.mode == "keyword":
            return _dedupe([SearchHit(products[i], relevance.get(i, 0.0)) for i in sparse], k)
        rankings = [[h.product.id for h in dense]] + ([sparse] if self.mode == "hybrid" else [])
        fused: dict[str, float] = {}
        for ranking in rankings:
            for rank, product_id in enumerate(ranking):
                fused[product_id] = fused.get(product_id, 0.0) + 1 / (RRF_K + rank)
        for product_id in named:
            if product_id in products and filters.passes(products[product_id]):
                fused[product_id] = fused.get(product_id, 0.0) + 1.0  # a named product leads
        # A pastime few texts name is what those products are for, however far in meaning the
        # message is ("something nice for my boyfriend, hes super into camping and coffee").
        doing = view.pastimes(keywords(query)) if lead and self.mode == "hybrid" else set()
        for_doing = {i for i in sparse if doing & set(view.said[i])} if doing else set()
        # So is the kind a taxonomy label names, where the text is in another language.
        for_doing |= view.labelled_as(query) if lead and self.mode == "hybrid" else set()
        for product_id in for_doing:
            fused[product_id] = fused.get(product_id, 0.0) + 0.5  # ... next after a named one
        # Where none near enough in meaning says the kind asked as a whole, those found whose
        # text does, however far, and first ("graphic novels in english?": the one graphic
        # novel, far from the message; not for "cordless drill", which near ones say).
        whole = view.say_whole(query, fused) if self.mode == "hybrid" else set()
        if any(relevance.get(i, 0.0) >= floor for i in whole):
            whole = set()
        for product_id in whole:
            fused[product_id] += WHOLE_KIND
        keep = [
            i for i in fused
            if (relevance.get(i, 0.0) >= floor or i in named or i in for_doing or i in whole)
            and i in products and filters.passes(products[i])
        ]  # fmt: skip
        if lead and self.mode == "hybrid" and len(keep) < k:
            keep += self._rare_matches(query, sparse, relevance, min(floor, KEYWORD_FLOOR), keep)
        keep.sort(key=lambda i: fused[i], reverse=True)
        return _dedupe([SearchHit(products[i], relevance.get(i, 0.0)) for i in keep], k)

    def _rare_matches(
        self,
        query: str,
        sparse: list[str],
        relevance: dict[str, float],
        floor: float,
        keep: list[str],
    ) -> list[str]:
        """The best keyword matches (already filtered) at least `floor` close in meaning: on a
        word of the query few titles have; and with nothing else close, in a long message only,
        on the head noun of a category ("thinking a scarf or a warm hat for him" at the end of
        a story: Scarves, Hats); beside a few, on a word only `KEYWORD_RARE` products have."""
        view = self.view
        said = keywords(query)
        words = {w for w in said if w in view.bm25.vocab_dict}
        # A word few titles have names those products, however little the embedding model
        # knows it ("need a gyuto": the gyutos, not only the saya cover for one).
        few = view.few
        titled = {w for w in words if 0 < view.df.get(w, 0) <= few}
        if keep:
            words = {w for w in words if int(view.using(w).sum()) <= KEYWORD_RARE}
        elif len(said) < KEYWORD_STORY:
            words = set()  # a short request near nothing is for nothing here ("tandem bike")
        else:  # the kind of a category of the catalog, not any word ("summer", "garden")
            headed = set().union(*view.heads.values())
            words = {w for w in words if w in headed or _as_folded_plural(w) in headed}
        if not words and not titled:
            return []
        # With nothing else close, only a title of the whole kind asked for ("need a gyuto",
        # not a hair mask for an "LED face mask").
        kinds = [set(kind) for kind in coverage.asked_kinds(query)] if not keep else []

        def named_by_title(i: str) -> bool:
            title = set(keywords(view.products[i].title))
            return bool(titled & title) and (
                bool(keep) or any(kind <= set(view.said[i]) for kind in kinds)
            )

        return [
            i for i in sparse[:KEYWORD_LEAD]
            if i not in keep and relevance.get(i, 0.0) >= floor
            and (words & set(view.said[i]) or named_by_title(i))
        ]  # fmt: skip

    def _dense(
        self, vector: Sequence[float], filters: Filters, view: CatalogView
    ) -> list[SearchHit]:
        """The `depth` closest products that pass the filters. Nearest ids are found exactly
        from the snapshot's embeddings in a catalog of up to `EXACT_UP_TO` products, else
        fetched from Chroma without their records, and filtered here against the snapshot;
        when too few of them pass (a narrow filter), the passing products are searched exactly
        with the snapshot's embeddings (Chroma's own metadata filter is slow on a large
        catalog)."""
        wanted = self.depth
        turn = _TURN.get()
        memo = turn.nearest if turn is not None else None
        key = (id(self), np.asarray(vector, dtype=np.float32).tobytes(), wanted * OVERFETCH)
        nearest = memo.get(key) if memo is not None else None
        if nearest is None:
            # (While a changed catalog's snapshot is rebuilt, only the index has the changes.)
            current = view is self._view and self._version == self.index.version
            exact = view.nearest(vector, Filters(), wanted * OVERFETCH) if (
                current and len(view.order) <= EXACT_UP_TO
            ) else None  # fmt: skip
            nearest = exact if exact is not None else self.index.nearest(vector, wanted * OVERFETCH)
            if memo is not None:
                memo[key] = nearest
        hits = self._hits(nearest, view, filters)[:wanted]
        if len(hits) < min(wanted, MIN_DENSE) and len(nearest) == wanted * OVERFETCH:
            narrowed = view.nearest(vector, filters, wanted * 2)
            if narrowed is None:
                narrowed = self.index.nearest(
                    vector, wanted, min_price=filters.min_price, max_price=filters.max_price,
                    category=filters.category, in_stock=filters.in_stock,
                )  # fmt: skip
            hits = self._hits(narrowed, view, filters)[:wanted]
        return hits

    def _hits(
        self, nearest: list[tuple[str, float]], view: CatalogView, filters: Filters
    ) -> list[SearchHit]:
        missing = [i for i, _ in nearest if i not in view.products]
        fresh = {p.id: p for p in self.index.get(missing)} if missing else {}
        hits = []
        for product_id, score in nearest:
            product = view.products.get(product_id) or fresh.get(product_id)
            if product is not None and filters.passes(product):
                hits.append(SearchHit(product, score))
        return hits


# How far below its floor the multilingual search still reads the nearest kind, and by how much
# that kind must be nearer than any other: over the 23 labelled sets' requests and not-carried
# or off-topic messages, it keeps 76 % of the gold products against 70 % at the floor alone,
# and lets 24 % of the others through against 21 %.
APART_BELOW = 0.05
APART_BY = 0.04


class MultilingualSearch(HybridSearch):
    """The same search over the catalog's multilingual embeddings (`CatalogIndex.multilingual`):
    for what the English model cannot read, a message in another language than the catalog's.
    It shares the keyword snapshot of the search it reads beside; nearest products are found
    exactly from the snapshot's multilingual embeddings."""

    def __init__(self, beside: HybridSearch, *, min_relevance: float):
        # By meaning alone: its keywords are the other search's (an English "camping" in
        # "lanterna de camping" would lead with the camp chairs).
        super().__init__(
            beside.index, min_relevance=min_relevance, depth=beside.depth, mode="dense"
        )
        self.beside = beside
        self._read: tuple[CatalogView, CatalogView] | None = None  # (beside's, this one's)

    @property
    def view(self) -> CatalogView:
        turn = _TURN.get()
        if turn is not None and id(self) in turn.views:
            return turn.views[id(self)]
        words = self.beside.view
        read = self._read
        if read is None or read[0] is not words:
            view = copy.copy(words)  # the keyword side shared, the vectors its own
            view.vectors = self.index.multilingual_vectors(words.order)
            self._read = read = (words, view)
        if turn is not None:
            turn.views[id(self)] = read[1]
        return read[1]

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return self.index.embed_multilingual(texts)

    def search(
        self,
        query: str,
        vector: Sequence[float],
        filters: Filters,
        k: int,
        *,
        named: Collection[str] | None = None,
        floor: float | None = None,
        lead: bool = True,
    ) -> list[SearchHit]:
        """As `HybridSearch.search`; with nothing at the floor, the nearest kind when it stands
        apart: a long message spreads its meaning ("i want to get into fountain pens, whats a
        good starter one" is 0.27 from the pens, 0.16 from anything else)."""
        hits = super().search(query, vector, filters, k, named=named, floor=floor, lead=lead)
        if hits or floor is not None:
            return hits
        dense = self._dense(vector, filters, self.view)
        if not dense or dense[0].score < self.min_relevance - APART_BELOW:
            return []
        kind = dense[0].product.category
        other = max((h.score for h in dense if h.product.category != kind), default=0.0)
        if dense[0].score - other < APART_BY:
            return []
        return super().search(
            query, vector, filters, k, named=named, floor=self.min_relevance - APART_BELOW
        )

    def _dense(
        self, vector: Sequence[float], filters: Filters, view: CatalogView
    ) -> list[SearchHit]:
        nearest = view.nearest(vector, filters, self.depth) or []
        return self._hits(nearest, view, filters)


def _as_folded_plural(word: str) -> str:
    """A word in -f or -fe as its plural folds ("scarf": "Scarves" folds to "scarve")."""
    if word.endswith("fe"):
        return word[:-2] + "ve"
    return word[:-1] + "ve" if word.endswith("f") else word


def _dedupe(hits: Iterable[SearchHit], k: int) -> list[SearchHit]:
    """Near-identical listings (same title words and price) are shown once."""
    seen: set[tuple[str, Decimal]] = set()
    unique = []
    for hit in hits:
        key = _title_key(hit.product)
        if key not in seen:
            seen.add(key)
            unique.append(hit)
    return unique[:k]
