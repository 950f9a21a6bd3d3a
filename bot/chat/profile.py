"""The shopper's profile: what they told us in this session, as constraints retrieval obeys.

Budgets are read from the words around an amount ("under $500", "around 300", "max 150 please",
"between 80 and 120 €", "100 bucks tops"); a number with no money word or sign is not a budget
("a tent for 4 people", "size 10").
"""

import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from pydantic import BaseModel
from text_to_num import alpha2digit

from retrieval.ages import asked_age
from retrieval.genders import Gender, asked_gender

# "30k", "2 grand", "1.5 lakh" (100,000, as amounts are said in India), "1 crore", "25 ezer",
# "2 mil" (a thousand, in Hungarian and Portuguese). Thousands grouped by commas, by dots
# ("1.299,90", as most of Europe writes it) or by spaces ("30 000 Ft").
_THOUSAND = (
    r"ezer|mil|tausend|mille|tis[ií]c[eiů]?|tys(?:i[ęe]cy|i[ąa]ce)?|tusen|tuhatta|tuhat"
    r"|duizend|bin"
)
_NUMBER = (
    r"(\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+(?![.,]?\d{3})|\d{1,3}(?:[ \u00a0\u202f]\d{3})+"
    r"|\d+)(?:[.,](\d{1,2}))?"
    rf"(\s?(?:k|grand|lakhs?|lacs?|crores?|{_THOUSAND})\b)?"
)
_TIMES = {"k": 1000, "grand": 1000, "lakh": 100_000, "lac": 100_000, "crore": 10_000_000}
# (Rand written before the amount, "under R1200", "R 1,500", "r2k"; not a model's "R2".)
_SIGN = (
    r"(?:US\$|CA\$|A\$|NZ\$|R\$|[$€£¥₹₦₱₩₺₪₫฿]"
    r"|\b[Rr](?=\s?\d(?:[,. \u00a0]?\d){2,}|\s?\d+(?:[.,]\d+)?\s?k\b))"
)
# Currency codes and the short names written before or after an amount ("chf 200", "200 sek",
# "fr. 250", "kr 300"). Turkish lira only as the code is written: "ill try a 43" is a size.
_CODE = (
    r"(?:usd|eur|gbp|chf|cad|aud|nzd|jpy|cny|inr|sek|nok|dkk|isk|pln|czk|huf|zar|sgd|hkd|mxn"
    r"|brl|krw|ron|bgn|(?-i:TRY)|fr|kr|rs|zł|zl|kč|kc)"
)
_THOUSANDS_BEFORE = (
    r"(?:(?<=\d[kK])|(?<=\d[kK] )|(?<=\d[ ,.\u00a0\u202f]\d{3})|(?<=\d[ ,.\u00a0\u202f]\d{3} )"
    r"|(?<=ezer)|(?<=ezer ))"
)
_WORD = (
    r"(?:dollars?|bucks?|euros?|pounds|quid|yen|rupees|francs?|kronor|kroner|korun[ay]?|zlotys?"
    r"|z[lł]otych|reais|forints?|lei|leva|lira|pesos?|rand"
    # "30 000 Ft": forint as Hungarians write it (not "50 ft", feet), and in lower case after
    # thousands ("400k ft", "400 000 ft", "30.000 ft", "400 ezer ft": no length in feet).
    rf"|(?-i:Ft)|{_THOUSANDS_BEFORE}ft|{_CODE}\.?)"
)
# What follows a number that measures or counts rather than prices.
_UNIT = (
    r"(?:%|people|persons?|kids|adults|kg|g|mm|cm|m|l|lbs?|oz|inch|in|ft|years?|days?"
    r"|hours?|w|mah|gb|tb|person|man|season|liters?|litres?|pack|pcs|percent|seats?|seater"
    r"|degrees?|deg|°\s?[cf]?|c\b|tog|months?|weeks?"
    # "a game that takes under 30 min", "a book under 200 pages": how long, not how much
    r"|min|mins|minutes?|hrs?|pages?|players?|pieces?|sheets?|ml|cl"
    # "walls, about 40 m2", "500 watts", "18 volts": how big, not how much ("v" and "coats"
    # are not: "$40 v-neck tee", "£40 coats for toddlers")
    r"|m[23²³]|sq\.?\s?(?:m|ft|yd)|sqm|sqft|square\s+(?:m|metres?|meters?|f(?:ee)?t|yards?)"
    r"|metres?|meters?|km|miles?|gal(?:lons?)?|watts?|volts?)"
)
AMOUNT = re.compile(
    rf"(?P<sign>{_SIGN}|\b{_CODE}\.?(?=\s?\d))?\s?{_NUMBER}(?![.,]?\d)\s?"
    rf"(?P<after>{_WORD}(?!\w)|{_SIGN})?"
    rf"(?!\s?{_UNIT}\b)",
    re.I,
)
# The far end of a range of counts or sizes: "2 to 3 people", "160-200 cm".
UNIT_RANGE = re.compile(rf"(?:to|or|-|–)\s?\d+(?:[.,]\d+)?\s?{_UNIT}\b", re.I)
_MAX = (
    r"under|below|beneath|less than|cheaper than|no more than|not more than|not over|up ?to|max"
    r"(?:imum)?|at most|within|(?:budget|spend|spending|limit|pay|afford)\b(?:\s+[a-z']+){0,3}:?"
    r"|no higher than|lower than|<|(?:nothing|not|no|never|anything)\s+(?:over|above|more than"
    r"|higher than|beyond|exceeding)"
    r"|(?:could|can|would|will|i'?d|i'?ll)\s+(?:do|go|stretch|spend|pay)(?:\s+up)?"
    r"(?:\s+to|\s+as\s+(?:high|far|much)\s+as)?|as much as"
    # The budget raised, as an order: "ok stretch to 100 then", "bump it up to 250".
    r"|(?:stretch|bump|raise|push|increase)(?:\s+(?:it|that|this|the budget|my budget))?"
    r"(?:\s+up)?\s+to"
    # "até 500 reais", "bis 200", "legfeljebb 30 ezer", "maks 400": up to, in Europe's other
    # languages.
    r"|até|hasta|bis|jusqu.?[àa]|fino a|legfeljebb|maximálně|nejvýše|maksymalnie|maks|högst"
    r"|højst|høyst|enintään|hooguit"
    # "do 500 kč", "do 200 zł": up to, in Czech, Slovak and Polish, before money.
    r"|do(?=\s?\d[\d\s.,\u00a0]*\s?(?:kč|kc|czk|zł|zl|pln|eur\b|€))"
)
# A price per head before the word that caps it: "25 each max", "30 a head tops".
_EACH = r"(?:(?:each|apiece|pp|per (?:person|head|item|piece|gift)|a (?:head|piece|person))\s+)?"
_MAX_AFTER = r"max(?:imum)?|tops|or less|or under|at most|at the most|budget|limit|or cheaper"
# What follows a number that counts things rather than money.
QUANTITY = re.compile(
    r"(of\b|pieces?\b|pcs\b|units?\b|items?\b|people\b|persons?\b|days?\b|weeks?\b"
    r"|months?\b|years?\b|hours?\b|minutes?\b|times\b|pairs?\b|packs?\b|bags?\b|boxes\b"
    r"|bottles?\b|cans?\b|rolls?\b|sets?\b|instal+ments?\b|payments?\b)",
    re.I,
)
_MIN = r"over|above|more than|at least|min(?:imum)?|starting at|upwards of|>"
# "over" after a word that denies it is a ceiling: "nothing over 100", "not over 50".
_NOT_NEGATED = r"(?<!not )(?<!no )(?<!nothing )(?<!never )(?<!anything )"
# "Around 300" reaches down to 240, a fifth below what was said, and no higher (shoppers
# who write "around" seldom mean "more").
AROUND_FLOOR = Decimal("0.8")


def soft_floor(profile: "ShopperProfile") -> bool:
    """Whether the budget's lower end is only the reach of an "around" (240 of "around 300"),
    not a floor the shopper set."""
    low, high = profile.min_price, profile.max_price
    return low is not None and high is not None and low == Decimal(round(high * AROUND_FLOOR))


_AROUND = r"around|about|roughly|approximately|approx\.?|near|close to|~"
# A ceiling said as what the shopper will not do: "not spending more than 400", "won't pay over".
_NOT_ABOVE = (
    r"\b(?:not|never|no|don'?t|won'?t|wont|dont)\s+(?:be\s+)?(?:spend|spending|pay|paying|go"
    r"|going)\s+(?:over|above|more than|beyond|past)"
)
# Before an age: "hes about 11", "she is around 8", "my son, aged 9".
_AGED = r"\b(?:(?:he|she|they|who)(?:'?s| is| are| was)|aged?|turning|turns)"
CHEAP = re.compile(
    r"\b(cheap|cheapest|affordable|inexpensive|budget[- ]friendly|low[- ]cost|nothing fancy"
    # "not too costly pls", "on a budget", "wont break the bank"
    r"|not (?:too |so |very |that |overly |super )?(?:expensive|costly|pricey|dear)"
    r"|on a (?:tight |small |student )?budget|(?:won'?t|wont|doesn'?t|not) break the bank)\b",
    re.I,
)
NOT_CHEAP = re.compile(
    r"\b(?:not|no|nothing|don'?t want)(?: (?:the|that|this|a|an|too|so|super|really))* (?:cheap"
    r"|cheapest|budget)\b",
    re.I,
)
CHEAPER = re.compile(
    r"\b(cheaper|less expensive|lower price|more affordable|too expensive)\b", re.I
)
IN_STOCK = re.compile(
    r"\b(in stock|available (now|today|immediately|right away)|ships? (now|today)|right now"
    r"|(?:you|u|ya) actually (?:have|got|stock)"
    r"|deliver(?:ed)? (now|today|immediately|right away|straight away)|ready to ship)\b",
    re.I,
)
REJECT = re.compile(
    r"\b(something else|anything else|what else|other (options|ones)|another one|different one"
    r"|not (that|this) one|(an?|the|any|some|other) alternatives?|alternatives? (then|till"
    r"|until|for now|in the meantime)"
    r"|don'?t like (it|that|this|these|those|them)|none of (these|those|them)|show me more)\b",
    re.I,
)
NEGATED_BRAND = r"(?:not|no|except|other than|anything but|don'?t like|hate|without|avoid)"


class ShopperProfile(BaseModel):
    """Stored with the session (JSON) and rebuilt from nothing but the conversation."""

    min_price: Decimal | None = None
    max_price: Decimal | None = None
    category: str | None = None
    cheap_first: bool = False
    in_stock_only: bool = False
    age_months: int | None = None  # how old whom it is for is ("a 5 year old"), in months
    gender: Gender | None = None  # whom it is for: "for my boyfriend", "mens bracelet"
    features: list[str] = []
    brands_liked: list[str] = []
    brands_excluded: list[str] = []
    shown: list[str] = []
    seen: list[str] = []  # what earlier answers showed, the latest first: "the pro" of two back
    rejected: list[str] = []
    ruled_out: list[str] = []  # what titles must not name: "not a travel one" -> "travel"
    topic: str | None = None  # the last request that found products: follow-ups refine it
    fits: list[str] = []  # what the shopper's requests are for: "a lens for my korvan z-70"
    offered: bool = False  # the last answer offered a person: "yes" takes the offer up
    asked: str | None = None  # the intent of the last message: "and the 20cm?" asks it again

    def budget_text(self, price: Callable[[Decimal], str]) -> str | None:
        if self.min_price is not None and self.max_price is not None:
            return f"between {price(self.min_price)} and {price(self.max_price)}"
        if self.max_price is not None:
            return f"up to {price(self.max_price)}"
        if self.min_price is not None:
            return f"from {price(self.min_price)}"
        return None


# Words after a bare amount that still leave it money: "under 40 total", "60 tops".
_AFTER_AMOUNT = frozenset(
    "max maximum tops only total or and for please pls plz each budget ish so but i in at".split()
)
_RANGE_JOINS = ("and", "to", "-", "–", "—", "or", "through", "thru")
# (Searched in the text before an amount, so "do 500 kč" is cut from the text before "500".)
_CAPPED = re.compile(rf"(?<!\w)(?:{_MAX}|{_AROUND}|{_MIN}|do)\s*$", re.I)
_CAP_AFTER = re.compile(rf"\s*{_EACH}(?:{_MAX_AFTER})\b", re.I)
_WORD_AFTER = re.compile(r"\s*([a-z]+)", re.I)


def without_budget(text: str) -> str:
    """The message less the amounts it gives as a budget, for searching ("not the lumaro, whats
    the next best under 2k": no search for 2K cameras; "speaker under 500": not the Boom 500);
    a number that names or measures ("4k tv", "ax-500", "at least 200 lumens") stays."""
    low, high = parse_budget(text)
    if low is None and high is None:
        return text
    spans: list[tuple[int, int]] = []
    amounts = list(AMOUNT.finditer(text))
    for first, second in zip(amounts, amounts[1:], strict=False):
        joined = text[first.end() : second.start()].strip().lower()
        if joined in _RANGE_JOINS and {_amount(first), _amount(second)} == {low, high}:
            # "between 100 and 300": the range, with what opens it ("300 gsm" is no budget).
            before = text[: first.start()]
            opened = re.search(r"(?:between|from)\s*$", before, re.I) or _CAPPED.search(before)
            spans.append((opened.start() if opened else first.start(), second.end()))
    for match in amounts:
        start, end = match.span()
        if any(a <= start < b for a, b in spans):
            continue
        capped = _CAPPED.search(text, 0, start)
        word = _WORD_AFTER.match(text, end)
        if tail := _CAP_AFTER.match(text, end):
            end = tail.end()  # "60 tops", "25 each max"
        elif not _is_money(match) and (
            capped is None or (word is not None and word[1].lower() not in _AFTER_AMOUNT)
        ):
            continue
        spans.append((capped.start() if capped else start, end))
    for start, end in sorted(spans, reverse=True):
        text = f"{text[:start]} {text[end:]}"
    return re.sub(r"\s+", " ", text).strip()


def _amount(match: re.Match[str]) -> Decimal:
    whole = re.sub(r"[,. \u00a0\u202f]", "", match.group(2))
    value = Decimal(f"{whole}.{match.group(3) or '0'}")
    if not match.group(4):
        return value
    times = match.group(4).strip().lower()
    if re.fullmatch(_THOUSAND, times):
        return value * 1000
    return value * _TIMES[times.removesuffix("s")]


def _is_money(match: re.Match[str]) -> bool:
    return bool(match.group("sign") or match.group("after"))


# Amounts said as money is in speech: "under a fiver", "a tenner", "less than a grand".
_SAID_AMOUNTS = (
    (re.compile(r"\b(?:an?\s+)?fiver\b", re.I), "5"),
    (re.compile(r"\b(?:an?\s+)?tenner\b", re.I), "10"),
    (re.compile(r"\ban?\s+grand\b", re.I), "1 grand"),
)
# "a couple hundred", "a couple of thousand": two of them.
_COUPLE = re.compile(r"\ba\s+couple\s+(?:of\s+)?(\d*000?)\b", re.I)


def in_digits(text: str) -> str:
    """Numbers written in words as digits ("under a hundred": "under 100", "two hundred
    tops": "200 tops", "a couple hundred": "200", "under a fiver": "under 5"); ordinals and a
    lone "one" are left as words."""
    for said, digits in _SAID_AMOUNTS:
        text = said.sub(digits, text)
    text = _COUPLE.sub(lambda m: str(2 * int(m[1])), alpha2digit(text, "en"))
    return re.sub(r"\b(?:a|an)\s+(?=\d)", "", text, flags=re.I)


def parse_budget(text: str) -> tuple[Decimal | None, Decimal | None]:
    """The (min, max) budget a message states; (None, None) when it states none."""
    text = in_digits(text)
    amounts = list(AMOUNT.finditer(text))
    if not amounts:
        return None, None
    lowered = text.lower()
    for first, second in zip(amounts, amounts[1:], strict=False):
        between = lowered[first.end() : second.start()].strip()
        if between in _RANGE_JOINS and (
            _is_money(first) or _is_money(second)
            or re.search(r"between|from|budget|spend|price range|pay", lowered)
        ):  # fmt: skip
            low, high = sorted((_amount(first), _amount(second)))
            return low, high
    for match in amounts:
        before = lowered[max(0, match.start() - 30) : match.start()].rstrip()
        after = lowered[match.end() : match.end() + 20].lstrip()
        value = _amount(match)
        if not _is_money(match) and (QUANTITY.match(after) or UNIT_RANGE.match(after)):
            continue  # "I can do 2 of them", "under 10 days", "for 2 to 3 people": counts
        if re.search(rf"{_NOT_ABOVE}\s*$", before):
            return None, value  # "not spending more than 400 on the amp"
        if after.startswith("+") or re.search(rf"{_NOT_NEGATED}\b(?:{_MIN})\s*$", before):
            return value, None  # "150+", "happy to spend over 100" (not "nothing over 100")
        if not _is_money(match) and re.search(rf"{_AGED}\s*(?:{_AROUND})?\s*$", before):
            continue  # "a kid, hes about 11": how old, not how much
        if re.search(rf"(?<!\w)(?:{_AROUND})\s*$", before):
            # "Around 300": nothing above what was said, nothing far below it.
            return Decimal(round(value * AROUND_FLOOR)), value
        capped = re.search(rf"(?<!\w)(?:{_MAX})\s*$", before)
        if capped or _CAP_AFTER.match(after):
            return None, value
        if re.search(r"\b(costs?|is|are|was|priced?( at| of)?)\s*$", before):
            continue  # "it costs $5" states a price, not what the shopper will spend
        if _is_money(match):  # "hiking boots, $100": an amount alone is a ceiling
            return None, value
    return None, None


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9][a-z0-9'-]*", text.lower())


def find_brands(text: str, brands: Iterable[str]) -> tuple[list[str], list[str]]:
    """Brands the shopper likes and rules out, from the catalog's own brand names."""
    liked, excluded = [], []
    lowered = text.lower()
    for brand in brands:
        key = re.escape(brand.lower())
        if re.search(rf"\b{NEGATED_BRAND}\s+(?:the\s+)?{key}\b", lowered):
            excluded.append(brand)
        elif re.search(
            rf"\b(?:like|love|prefer|from|by)\s+{key}\b|\b{key}\s+(?:brand|fan)\b", lowered
        ):
            liked.append(brand)
    return liked, excluded


def update_profile(
    profile: ShopperProfile,
    text: str,
    *,
    brands: Iterable[str] = (),
    features: Iterable[str] = (),
    last_shown: Sequence[str] = (),
    last_prices: Sequence[Decimal] = (),
    browsing: bool = True,
) -> ShopperProfile:
    """The profile after this message: new statements replace old ones, the rest is kept."""
    changes: dict[str, object] = {}
    low, high = parse_budget(text)
    if low is not None or high is not None:
        changes["min_price"], changes["max_price"] = low, high
    elif browsing and CHEAPER.search(text) and last_prices:
        # "Anything cheaper?": cheaper than the best match shown last.
        changes["max_price"] = last_prices[0] - Decimal("0.01")
        changes["cheap_first"] = True
    if CHEAP.search(NOT_CHEAP.sub(" ", text)):  # not "not the cheap one"
        changes["cheap_first"] = True
    if IN_STOCK.search(text):
        changes["in_stock_only"] = True
    if (age := asked_age(text)) is not None:
        changes["age_months"] = age
    if browsing and (gender := asked_gender(text)) is not None:
        # Whom a request is for stays, until one names another ("and for my wife?"), or both.
        changes["gender"] = None if gender == "any" else gender
    words = set(_tokens(text))
    wanted = [f for f in features if f.lower() in words and f not in profile.features]
    if wanted:
        changes["features"] = profile.features + wanted
    liked, excluded = find_brands(text, brands)
    if liked:
        changes["brands_liked"] = sorted(set(profile.brands_liked) | set(liked))
    if excluded:
        changes["brands_excluded"] = sorted(set(profile.brands_excluded) | set(excluded))
        kept = liked or profile.brands_liked
        changes["brands_liked"] = [brand for brand in kept if brand not in excluded]
    if REJECT.search(text) and last_shown:
        changes["rejected"] = list(dict.fromkeys([*profile.rejected, *last_shown]))
    return profile.model_copy(update=changes)
