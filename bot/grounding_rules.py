"""What the grounding guard holds back, and the checks a held sentence must pass.

Pure functions over the products in context; `bot.grounding` does the streaming around them.
"""

import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, NamedTuple

from retrieval.catalog import Product

Risk = Literal["safe", "suspect", "risky"]


@dataclass(frozen=True)
class Violation:
    kind: Literal["price", "stock", "product", "number", "error"]
    text: str
    reason: str


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# "$" is ambiguous on purpose: a CAD product quoted with "$" is not a contradiction.
DOLLARS = _words("USD CAD AUD NZD SGD HKD MXN")
CURRENCY_CODES = DOLLARS | _words("EUR GBP JPY CNY CHF SEK NOK DKK PLN CZK HUF INR BRL ZAR")
_CURRENCY_NAMES = {
    **dict.fromkeys(("$", "dollar", "dollars", "buck", "bucks"), DOLLARS),
    **dict.fromkeys(("€", "euro", "euros"), frozenset({"EUR"})),
    # Singular "pound" is left out: it is usually a weight ("weighs a pound").
    **dict.fromkeys(("£", "pounds", "quid"), frozenset({"GBP"})),
    **dict.fromkeys(("¥", "yen"), frozenset({"JPY", "CNY"})),
}
STOCK_WORDS = _words(
    "stock stocks stocked in-stock instock out-of-stock sold sold-out soldout available"
    " availability unavailable inventory backorder backorders backordered restock restocks"
    " restocked restocking left remaining"
)
# Words that only matter inside quantity or scarcity claims; holding them lets us check those.
_QUANTITY_WORDS = _words("unit units piece pieces pcs limited selling gone last")
RISKY_WORDS = (
    STOCK_WORDS | _QUANTITY_WORDS | {w for w in _CURRENCY_NAMES if w.isalpha()} | {"cent", "cents"}
)
HARMLESS = _words(
    "i i'm i'll i'd i've ok okay hi hello hey thanks thank please mr mrs ms dr faq am pm eu uk us"
    " usa monday tuesday wednesday thursday friday saturday sunday january february march april"
    " may june july august september october november december"
)
# Common words a reply starts sentences with; allowed anywhere (e.g. after a colon), since an
# invented product is rarely named with them alone.
STARTERS = _words(
    "the this that these those it its our ours we we're we've we'll you you're you'll you've"
    " you'd your yours yes no not sure here there they they're their them he she his her"
    " absolutely unfortunately sorry great perfect good nice excellent awesome wonderful happy"
    " glad welcome certainly definitely indeed of course alright actually basically honestly"
    " personally generally typically usually often additionally plus finally first second next"
    " lastly overall most many much more less few several note tip keep feel check take try make"
    " get look consider choose pick enjoy find see based depending according unlike like compared"
    " between among about above below under over into through during until unless whether instead"
    " rather anyway besides otherwise therefore thus hence meanwhile fortunately luckily hopefully"
    " ideally simply if for in on at to from by with without as also and but or so what which who"
    " whom whose how when where why do does did don't doesn't didn't can can't could couldn't"
    " would wouldn't should shouldn't will won't shall might must is isn't are aren't was wasn't"
    " were be been have has had my me mine a an any all some each every both either neither one"
    " another other let just only even still yet however although though because since while"
    " after before then now today tomorrow currently right well"
)
_TITLE_GLUE = _words("a an and at by for from in of on or the to with")

WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MARKER = re.compile(r"#{1,6}|[-*+>•]|\d{1,3}[.)]")
SENTENCE_END = re.compile(r"[.!?][\"'’”)\]*_`]*$")
_RISKY_CHAR = re.compile(r"[\d$€£¥]")
_HAS_DIGIT = re.compile(r"\d")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_EDGE_PUNCTUATION = "\"'“”‘’()[]*_`.,;:!?"


def _strip_punctuation(token: str) -> str:
    return token.strip(_EDGE_PUNCTUATION).lower()


_MARKER_PREFIX = re.compile(r"^\s*(?:#{1,6}|[-*+>•]|\d{1,3}[.)])\s+")
_CURRENCY_BEFORE = re.compile(r"([$€£¥]|(?<![A-Za-z])[A-Z]{3})\s?$")
_CURRENCY_WORD = r"\b(?i:dollars?|bucks?|euros?|pounds|quid|yen|cents?)\b"
_CURRENCY_AFTER = re.compile(rf"\s?([$€£¥]|[A-Z]{{3}}\b|{_CURRENCY_WORD})")
_CURRENCY_MENTION = re.compile(rf"[$€£¥]|\b[A-Z]{{3}}\b|{_CURRENCY_WORD}")
_SPELLED = (
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    "|few|couple|handful|several|dozens?|hundreds?"
)
_NOT_A_NOUN = "(?:is|are|was|were|be|been|and|or|but|so|now|still|also|currently)"
QUANTITY_CLAIM = re.compile(
    rf"\b(?:\d+(?:[.,]\d+)*|{_SPELLED})\s+(?:(?:(?!{_NOT_A_NOUN}\b)[a-z]+\s+)?"
    r"(?:left|remaining|in[- ]?stock)|units?|pieces?|pcs|available)\b"
    r"|\b(?:only|just)\s+(?:[a-z]+\s+){0,2}?(?:left|remaining)\b"
    r"|\b(?:limited\s+(?:stock|supply|quantities|availability)|selling\s+(?:out|fast)"
    r"|almost\s+(?:gone|sold\s+out)|low\s+(?:in\s+)?stock|last\s+(?:one|few|pair|units?|pieces?))\b",
    re.IGNORECASE,
)
STOCK_CLAIM = re.compile(
    r"\b(?:(?:in|out[- ]of)[- ]?stock|stock(?:s|ed)?|sold[- ]?out|available|unavailable|inventory"
    r"|backorder(?:s|ed)?|restock(?:s|ed|ing)?)\b",
    re.IGNORECASE,
)
# "Restock" counts as negative: promising a restock implies the product is out now.
NEGATIVE_STOCK = re.compile(
    r"\b(?:out[- ]of[- ]stock|sold[- ]?out|unavailable|backorder(?:s|ed)?|restock(?:s|ed|ing)?"
    r"|no\s+stock|none\s+(?:left|remaining|available|in[- ]?stock))\b"
    r"|(?:\bnot|n't|\bno\s+longer)\s+(?:\w+\s+){0,2}?"
    r"(?:in[- ]?stock|available|stocked|in\s+(?:our\s+)?inventory)\b",
    re.IGNORECASE,
)


def norm(word: str) -> str:
    return word.lower().replace("’", "'").removesuffix("'s")


def is_name_like(word: str) -> bool:
    return any(char.isupper() for char in word)


def first_word(token: str) -> str | None:
    match = WORD.search(token)
    return match.group() if match else None


def parse_number(raw: str) -> tuple[Decimal, int]:
    """Read `1,299.99`, `89,99` or `10,000` as a Decimal; also say how many decimals it had."""
    separators = [i for i, char in enumerate(raw) if char in ".,"]
    if not separators:
        return Decimal(raw), 0
    last = separators[-1]
    decimals = len(raw) - last - 1
    if decimals == 3 and len({raw[i] for i in separators}) == 1:
        return Decimal(re.sub("[.,]", "", raw)), 0
    return Decimal(re.sub("[.,]", "", raw[:last]) + "." + raw[last + 1 :]), decimals


class Mention(NamedTuple):
    start: int
    end: int
    products: tuple[Product, ...]


class Amount(NamedTuple):
    start: int
    end: int
    text: str
    value: Decimal
    codes: frozenset[str] | None  # None: no currency given; empty: currencies contradict


class CatalogContext:
    """What the products in context allow a reply to say, worked out once per reply."""

    def __init__(self, products: Sequence[Product], store_name: str, extra: Iterable[str]):
        self.products = tuple(products)
        texts = [store_name, *extra, *(t for p in self.products for t in _product_texts(p))]
        vocabulary = {part for text in texts for part in _vocabulary_words(text)}
        self._allowed = vocabulary | HARMLESS | STARTERS | RISKY_WORDS
        self.numbers = {parse_number(m.group())[0] for t in texts for m in NUMBER.finditer(t)}
        self.codes = CURRENCY_CODES | {p.currency for p in self.products}
        self._titles = _title_index(self.products)
        # Model numbers and sizes from titles ("2.5L", "4-Person"): digits, but neither a price
        # nor a quantity, so they need not hold the sentence.
        self.title_codes = {
            code
            for p in self.products
            for code in (_strip_punctuation(t) for t in p.title.split())
            if _HAS_DIGIT.search(code) and _HAS_LETTER.search(code)
        }
        self._sizes = sorted({len(words) for words in self._titles}, reverse=True)

    def allows(self, word: str) -> bool:
        if word in self.codes:
            return True
        key = norm(word)
        return self._known(key) or all(self._known(part) for part in key.split("-"))

    def _known(self, key: str) -> bool:
        # Singular and plural of a catalog word name the same thing ("Outfitter", "Outfitters").
        return (
            key in self._allowed
            or f"{key}s" in self._allowed
            or key.removesuffix("s") in self._allowed
        )

    def is_risky_word(self, word: str) -> bool:
        parts = norm(word).split("-")
        return word in self.codes or norm(word) in RISKY_WORDS or not RISKY_WORDS.isdisjoint(parts)

    def currency(self, token: str) -> frozenset[str] | None:
        if token in self.codes:
            return frozenset({token})
        if token.lower().startswith("cent"):
            return self.codes
        return _CURRENCY_NAMES.get(token.lower())

    def mentions(self, text: str) -> list[Mention]:
        """Find the context products the text names, longest title match first."""
        words = [(m.start(), m.end(), norm(m.group())) for m in WORD.finditer(text)]
        found, i = [], 0
        while i < len(words):
            for size in self._sizes:
                if i + size > len(words):
                    continue  # near the end of the text only shorter titles fit
                products = self._titles.get(tuple(w[2] for w in words[i : i + size]))
                if products:
                    found.append(Mention(words[i][0], words[i + size - 1][1], products))
                    i += size
                    break
            else:
                i += 1
        return found


def _product_texts(product: Product) -> Iterator[str]:
    yield from (product.title, product.category, product.description)
    yield from (str(v) for v in product.attributes.values() if not isinstance(v, bool))


def _vocabulary_words(text: str) -> Iterator[str]:
    for word in WORD.findall(text):
        yield norm(word)
        yield from norm(word).split("-")


def _title_index(products: Sequence[Product]) -> dict[tuple[str, ...], tuple[Product, ...]]:
    """Map each full title, and each 2+ word part only one title has, to the products it names."""
    full: dict[tuple[str, ...], tuple[Product, ...]] = {}
    parts: dict[tuple[str, ...], list[Product]] = {}
    for product in products:
        words = tuple(norm(w) for w in WORD.findall(product.title))
        full[words] = (*full.get(words, ()), product)
        for size in range(2, len(words)):
            for start in range(len(words) - size + 1):
                part = words[start : start + size]
                if part[0] not in _TITLE_GLUE and part[-1] not in _TITLE_GLUE:
                    parts.setdefault(part, []).append(product)
    index: dict[tuple[str, ...], tuple[Product, ...]]
    index = {part: (named[0],) for part, named in parts.items() if len(named) == 1}
    index.update((words, named) for words, named in full.items() if words)
    return index


def token_risk(token: str, *, initial: bool, context: CatalogContext) -> Risk:
    """Say whether a whitespace-delimited token can be shown before its sentence is checked."""
    if _RISKY_CHAR.search(token) and _strip_punctuation(token) not in context.title_codes:
        return "risky"
    suspect = False
    for i, word in enumerate(WORD.findall(token)):
        if context.is_risky_word(word):
            return "risky"
        if not is_name_like(word):
            suspect = False
        elif suspect:
            return "risky"  # a capitalized run starts the sentence: it may be a product name
        elif not context.allows(word):
            if not (initial and i == 0):
                return "risky"
            suspect = True
    return "suspect" if suspect else "safe"


def check_sentence(text: str, context: CatalogContext) -> list[Violation]:
    """Return every claim in the sentence that the catalog does not back."""
    text = _MARKER_PREFIX.sub("", text.replace("’", "'"), count=1)
    mentions = context.mentions(text)
    amounts = [a for m in NUMBER.finditer(text) if (a := _amount(text, m, context))]
    taken = [(a.start, a.end) for a in amounts]
    # "$5 left" is a price to check, not a quantity.
    quantities = [m for m in QUANTITY_CLAIM.finditer(text) if not _inside(m.start(), taken)]
    taken += [m.span() for m in quantities]
    return [
        *_name_violations(text, context),
        *(_quantity_violation(m.group()) for m in quantities),
        *_price_violations(text, amounts, mentions, context),
        *_number_violations(text, taken, context),
        *_stock_violations(text, mentions, context),
    ]


def _name_violations(text: str, context: CatalogContext) -> Iterator[Violation]:
    run: list[tuple[int, str]] = []
    for i, word in enumerate([*WORD.findall(text), ""]):
        if word and is_name_like(word):
            run.append((i, word))
            continue
        # The first word of a sentence is capitalized anyway: alone it is no product name.
        if any(not context.allows(w) and (j > 0 or len(run) > 1) for j, w in run):
            name = " ".join(w for _, w in run)
            yield Violation("product", name, f"{name} is not a product or name from the catalog.")
        run = []


def _quantity_violation(claim: str) -> Violation:
    kind: Literal["number", "stock"] = "number" if _RISKY_CHAR.search(claim) else "stock"
    return Violation(kind, claim, "The catalog holds no stock quantities.")


def _amount(text: str, number: re.Match[str], context: CatalogContext) -> Amount | None:
    value, decimals = parse_number(number.group())
    start, end = number.span()
    codes: frozenset[str] | None = None
    window = max(0, start - 6)
    before = _CURRENCY_BEFORE.search(text[window:start])
    if before and (found := context.currency(before.group(1))) is not None:
        start, codes = window + before.start(), found
    after = _CURRENCY_AFTER.match(text, end)
    if after and (found := context.currency(after.group(1))) is not None:
        end, codes = after.end(), found if codes is None else codes & found
        value = value / 100 if after.group(1).lower().startswith("cent") else value
    if codes is None and decimals != 2:
        return None
    return Amount(start, end, text[start:end].strip(), value, codes)


def _price_violations(
    text: str, amounts: list[Amount], mentions: list[Mention], context: CatalogContext
) -> Iterator[Violation]:
    owners = _owners([(a.start, a.end) for a in amounts], mentions)
    for amount, named in zip(amounts, owners, strict=True):
        reason = _price_problem(amount, named, context)
        if reason:
            yield Violation("price", amount.text, reason)
    spans = [(a.start, a.end) for a in amounts]
    for mention in _CURRENCY_MENTION.finditer(text):
        if context.currency(mention.group()) is not None and not _inside(mention.start(), spans):
            yield Violation("price", mention.group(), "A currency is named without a price.")


def _price_problem(amount: Amount, named: list[Product], context: CatalogContext) -> str | None:
    candidates = named or list(context.products)
    if not candidates:
        return "No product in context has a price to quote."
    same = [p for p in candidates if p.price == amount.value]
    if not same:
        if amount.codes is None and amount.value in context.numbers:
            return None  # a bare catalog figure such as a weight, not a price
        whose = ", ".join(p.title for p in named) if named else "any product in context"
        return f"{amount.text} is not the catalog price of {whose}."
    if amount.codes is not None and not any(p.currency in amount.codes for p in same):
        return f"{amount.text} is not in {same[0].currency}, the currency the catalog lists."
    return None


def _number_violations(
    text: str, taken: list[tuple[int, int]], context: CatalogContext
) -> Iterator[Violation]:
    for number in NUMBER.finditer(text):
        value = parse_number(number.group())[0]
        small_count = value <= 10 and value == value.to_integral_value()
        if not (_inside(number.start(), taken) or small_count or value in context.numbers):
            yield Violation("number", number.group(), f"{number.group()} is not in the catalog.")


def _stock_violations(
    text: str, mentions: list[Mention], context: CatalogContext
) -> Iterator[Violation]:
    negative = [m.span() for m in NEGATIVE_STOCK.finditer(text)]
    claims = [(start, end, False) for start, end in negative] + [
        (*m.span(), True) for m in STOCK_CLAIM.finditer(text) if not _inside(m.start(), negative)
    ]
    claims.sort()
    owners = _owners([(start, end) for start, end, _ in claims], mentions)
    for (start, end, in_stock), named in zip(claims, owners, strict=True):
        claim = text[start:end]
        products = named or (list(context.products) if len(context.products) == 1 else [])
        if not products:
            yield Violation("stock", claim, "The reply does not say which product is meant.")
        for product in products:
            if product.in_stock != in_stock:
                state = "in stock" if product.in_stock else "out of stock"
                yield Violation("stock", claim, f"The catalog lists {product.title} as {state}.")


def _owners(items: list[tuple[int, int]], mentions: list[Mention]) -> list[list[Product]]:
    """Tie each claim to the products named between it and its neighbours, else the nearest."""
    owners = []
    for k, (start, end) in enumerate(items):
        left = items[k - 1][1] if k else 0
        right = items[k + 1][0] if k + 1 < len(items) else sys.maxsize
        before = [m for m in mentions if m.end <= start]
        after = [m for m in mentions if m.start >= end]
        near = (
            [m for m in before if m.start >= left]
            or [m for m in after if m.end <= right]
            or before[-1:]
            or after[:1]
        )
        owners.append([p for m in near for p in m.products])
    return owners


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)
