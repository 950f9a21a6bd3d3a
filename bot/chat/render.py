"""Write the facts of an answer from catalog data: names, prices, stock, comparisons, policy.

Every number and name the shopper reads comes from here, computed from the catalog records;
the model only adds a short lead-in sentence in front (see `phrase.py`).
"""

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot.chat.aspects import (
    Measure,
    asked_about,
    measure_text,
    measured,
    ranked_by,
    weight,
    weight_text,
)
from bot.chat.policy import Decision
from bot.chat.profile import ShopperProfile
from retrieval.ages import ages_text, product_ages, suits
from retrieval.catalog import Product, money
from retrieval.coverage import base_forms, forms_of, said_of
from retrieval.text import keywords

OVERVIEW = 6  # categories named when asked what the shop sells


# "the The Moon Fox": a title that has its own article keeps only that one.
_TWO_ARTICLES = re.compile(r"\b[Tt]he (?=[Tt]he\b)")


@dataclass(frozen=True)
class Rendered:
    text: str  # the catalog-built part, shown after the lead-in
    lead: str | None = None  # what the model should write a lead-in about; None: no model

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", _TWO_ARTICLES.sub("", self.text))


def stock(product: Product) -> str:
    return product.stock_text if product.in_stock else "currently out of stock"


def budget(profile: ShopperProfile, currency: str) -> str | None:
    return profile.budget_text(lambda amount: money(amount, currency))


def reasons(product: Product, profile: ShopperProfile) -> list[str]:
    """Why this product fits what the shopper said: only statements the data proves."""
    found = []
    if (text := budget(profile, product.currency)) and _fits(product, profile):
        found.append(f"within your budget ({text})")
    ages = product_ages(product)
    if profile.age_months is not None and ages and suits(product, profile.age_months):
        said = ages_text(ages)  # as the catalog states it, for the age the shopper gave
        found.append(f"suitable {said}" if said == "from birth" else f"for {said}")
    found += [f"{feature}, as you asked" for feature in profile.features
              if product.attributes.get(feature) is True]  # fmt: skip
    return found


def _fits(product: Product, profile: ShopperProfile) -> bool:
    low, high = profile.min_price, profile.max_price
    return (low is None or product.price >= low) and (high is None or product.price <= high)


def price(product: Product) -> str:
    """The price as the catalog states it, with the sale it is on when the catalog says so."""
    text = product.price_text()
    if product.on_sale and product.regular_price is not None:
        text += f", down from {money(product.regular_price, product.currency)}"
    return text


def listing(product: Product, sized: Sequence[str] = ()) -> str:
    return f"the {product.title} ({price(product)}, {size_stock(product, sized) or stock(product)})"


def size_stock(product: Product, texts: Sequence[str]) -> str | None:
    """Its stock in the size the first of the texts that names one of its sizes names ("in
    stock in UK 8", "out of stock in UK 11"); None where none does."""
    for text in texts:
        named = [v for v in product.variants if v.size_named(text)]
        if named:
            sizes = dict.fromkeys(value for v in named for value in v.sizes)
            state = stock(product) if any(v.in_stock for v in named) else "out of stock"
            return f"{state} in {_series(list(sizes), 'or')}"
    return None


def recommend(
    products: Sequence[Product],
    profile: ShopperProfile,
    sized: Sequence[str] = (),
    denied: Collection[str] = (),
) -> Rendered:
    """`sized`: the texts that may name a size, the message first ("anything in an 8"), then
    the request it refines ("anything else in his size" after "slippers, uk 11"). `denied`:
    the words of what was asked that the first product's own text denies, whose sentence is
    quoted ("a wok that will work on induction", and the one wok is "not suitable for
    induction")."""
    first, rest = products[0], products[1:]
    why = reasons(first, profile)
    # (Only when it is: the cheapest of the kind asked may come before a cheaper part for it.)
    cheapest = all(first.price <= p.price for p in products)
    best = "the lowest-priced match" if profile.cheap_first and cheapest else "the best match"
    caveat = _best_sentence(first.description, set(denied)) if denied else None
    text = f"{_cap(listing(first, sized))} is {'the closest we have' if caveat else best}"
    text += (f", {' and '.join(why)}" if why else "") + "."
    if caveat:
        text += f' But note, its description says: "{caveat}"'
    if rest:
        others = ", ".join(f"the {p.title} ({price(p)})" for p in rest[:2])
        text += f" Also worth a look: {others}."
    question = (
        None if profile.max_price or profile.min_price else " What budget do you have in mind?"
    )
    kind = first.category.lower() if first.category else "products"
    return Rendered(text + (question or ""), lead=f"suggest some {kind}")


def answer(
    product: Product,
    text: str,
    instead: Sequence[Product] = (),
    sized: str = "",
    chosen: str = "",
) -> Rendered:
    """`instead`: one of its kind in stock in the size the question asks for (`sized`: the
    question without its budget), which this one is not ("Another in that size: the Otter
    Trail Shoe (2,699.00 ZAR, in stock in UK 8)."). `chosen`: the request the question follows,
    whose options name the variant when the question names none ("ultramarine blue watercolour
    tube", then "how much": the ultramarine's price)."""
    facts = f"The {product.title} is {price(product)} and {stock(product)}."
    if product.variants:
        named = any(v.named_in(text) for v in product.variants) or OPTIONS_ASKED.search(text)
        facts += " " + variants(product, text if named or not chosen else f"{text} {chosen}")
    if instead:
        facts += f" Another in that size: {listing(instead[0], [sized or text])}."
    asked = asked_about(text)  # "how heavy is it": its weight
    picked = {name.casefold() for v in product.variants for name in v.options}
    for key, value in product.attributes.items():
        if key.replace("_", " ").casefold() in picked:
            continue  # said with the variants already ("Pieces: 500 pieces, 1000 pieces.")
        if asked & set(keywords(key.replace("_", " "))) and not isinstance(value, bool):
            facts += f" {_label(key)}: {value}."
            break
    # The words that name the product say nothing of what is asked about it ("does the code a
    # bot need batteries": not "coding blocks"), unless nothing else is asked.
    titled = forms_of(product.title.replace("-", " "))
    untitled = {word for word in asked if not base_forms(word) & titled}
    if sentence := (
        _best_sentence(product.description, untitled)
        or _best_sentence(product.description, asked)
        or (_first_sentence(product.description) if WHAT_IT_IS.search(text) else None)
    ):
        facts += f' From its description: "{sentence}"'
    return Rendered(facts, lead="answer a question about one of our products")


# What the product is, asked whole: "whats it about", "what is this one like", "tell me more
# about it".
WHAT_IT_IS = re.compile(
    r"\b(?:it|they|this|that|these|those)(?: one)?(?:'?s|’s| is| are)? (?:about|like)\b"
    r"|\b(?:more )?about (?:it|them|this|that|these|those)\b",
    re.I,
)


def _first_sentence(description: str) -> str | None:
    """A description's opening sentence, when short enough to quote."""
    sentences = _sentences(description)
    return sentences[0] if sentences and len(sentences[0]) <= QUOTED else None


# Asking which options there are: "what sizes does it come in? i'm a medium" wants them all.
OPTIONS_ASKED = re.compile(
    r"\b(?:what|which)\s+(?:sizes|colou?rs|options|lengths|versions)\b", re.I
)


def variants(product: Product, text: str) -> str:
    """What the shopper can pick: the variant they name, with its own price and stock, or the
    options there are and which are available."""
    scores = [v.named_in(text) for v in product.variants]
    named = [
        v for v, score in zip(product.variants, scores, strict=True) if score == max(scores) > 0
    ]
    if named and len(named) < len(product.variants) and not OPTIONS_ASKED.search(text):
        said = price(product)
        # The options the named variants share are said once ("In Dark Brown, UK 7, UK 8 and
        # UK 9 are in stock."), not with each one.
        shared = {
            k: v for k, v in named[0].options.items() if all(n.options.get(k) == v for n in named)
        } if len(named) > 1 else {}  # fmt: skip
        grouped: dict[str, list[str]] = {}
        for variant in named[:3]:
            sale = (
                f", down from {money(variant.regular_price, product.currency)}"
                if variant.on_sale and variant.regular_price is not None
                else ""
            )
            status = stock(product) if variant.in_stock else "out of stock"
            priced = f"{money(variant.price, product.currency)}{sale}"
            # A variant at the product's own price: its price was just said.
            own = " / ".join(v for k, v in variant.options.items() if k not in shared)
            grouped.setdefault(status if priced == said else f"{priced}, {status}", []).append(
                own or variant.name
            )
        if not shared:
            return "; ".join(f"{_series(names)}: {state}" for state, names in grouped.items()) + "."
        parts = [
            f"{_series(names)} {'is' if len(names) == 1 else 'are'} {state}"
            for state, names in grouped.items()
        ]  # fmt: skip
        return f"In {' / '.join(shared.values())}, {'; '.join(parts)}."
    options: dict[str, list[str]] = {}
    for variant in product.variants:
        for name, value in variant.options.items():
            if value not in options.setdefault(name, []):
                options[name].append(value)
    said = " ".join(f"{name}: {', '.join(values)}." for name, values in options.items())
    out = [v.name for v in product.variants if not v.in_stock]
    if out and len(out) < len(product.variants):
        said += f" Out of stock: {', '.join(out[:6])}."
    return said


def compare(products: Sequence[Product], text: str = "") -> Rendered:
    """Their prices, cheapest first; and their weights, when the question asks which is lighter
    or heavier and the catalog states each one's."""
    facts = _by_price(products)
    order, by = ranked_by(text, products)
    if by == "weight":
        facts = f"{_by_weight(order)} {facts}"
    elif isinstance(by, Measure):
        facts = f"{_by_measure(order, by)} {facts}"
    elif by is None and (asked := asked_about(text) - _COMPARING):
        # "which one is quieter", "which is warmer": what each one's text says of it, as it
        # says it; the shopper weighs it.
        quoted = [
            f'The {p.title}: "{sentence}"'
            for p in products[:3] if (sentence := _best_sentence(p.description, asked))
        ]  # fmt: skip
        if quoted:
            facts = f"{' '.join(quoted)} {facts}"
    return Rendered(facts, lead="compare two products")


# The words of a comparison that say nothing of what is compared.
_COMPARING = frozenset(
    "which one ones better best difference between compare versus vs or and than more less".split()
)


def _by_weight(products: Sequence[Product]) -> str:
    grams = {p.id: weight(p) or 0.0 for p in products}
    light = sorted(products, key=lambda p: grams[p.id])
    if grams[light[0].id] == grams[light[-1].id]:
        return f"They weigh the same, {weight_text(grams[light[0].id])}."
    if len(products) == 2:
        first, second = products
        than = "lighter" if grams[first.id] < grams[second.id] else "heavier"
        return (
            f"The {first.title} ({weight_text(grams[first.id])}) is {than} than the "
            f"{second.title} ({weight_text(grams[second.id])})."
        )
    listed = ", ".join(f"the {p.title} ({weight_text(grams[p.id])})" for p in light)
    return f"From lightest to heaviest: {listed}."


def _by_measure(products: Sequence[Product], measure: Measure) -> str:
    """The stated numbers, the winner first ("The Aurevo K7 (50 hours) lasts longer than the
    Boom XL (12 hours).")."""
    values = {p.id: measured(p, measure) or 0.0 for p in products}
    said = {p.id: measure_text(values[p.id], measure) for p in products}
    first, last = products[0], products[-1]
    if values[first.id] == values[last.id]:
        return f"They are the same on {measure.name}: {said[first.id]}."
    if len(products) == 2:
        return (
            f"The {first.title} ({said[first.id]}) {measure.said} the {last.title} "
            f"({said[last.id]})."
        )
    listed = ", ".join(f"the {p.title} ({said[p.id]})" for p in products)
    return f"By {measure.name}, best first: {listed}."


def _by_price(products: Sequence[Product]) -> str:
    ranked = sorted(products, key=lambda p: p.price)
    cheap, dear = ranked[0], ranked[-1]
    if cheap.price == dear.price:
        facts = f"The {cheap.title} and the {dear.title} cost the same, {cheap.price_text()}."
    elif cheap.currency == dear.currency and len(ranked) == 2:
        gap = money(dear.price - cheap.price, cheap.currency)
        facts = (
            f"The {cheap.title} ({cheap.price_text()}) is {gap} cheaper than the "
            f"{dear.title} ({dear.price_text()})."
        )
    else:
        listed = ", ".join(f"the {p.title} ({p.price_text()})" for p in ranked)
        facts = f"From cheapest to dearest: {listed}; the cheapest is the {cheap.title}."
    out = [p for p in ranked if not p.in_stock]
    if out:
        facts += " " + " ".join(f"The {p.title} is currently out of stock." for p in out)
    return facts


def nothing_fits(
    decision: Decision, profile: ShopperProfile, categories: Sequence[str], currency: str = "USD"
) -> str:
    """`currency`: the shop's, for the budget when no product over it is shown."""
    kind = (profile.category or "our catalog").lower() if profile.category else "our catalog"
    currency = decision.over_budget[0].currency if decision.over_budget else currency
    limit = budget(profile, currency)
    text = (
        f"Nothing in {kind} fits {'your budget (' + limit + ')' if limit else 'all you asked for'}."
    )
    if decision.over_budget:
        nearest = decision.over_budget[0]
        text += f" The closest is {listing(nearest)}, which is over your budget."
    return text + " Would you like to change the budget or look at something else?"


def not_found(categories: Sequence[str], closest: Sequence[Product] = ()) -> str:
    if closest:
        listed = _series([f"the {p.title} ({price(p)})" for p in closest])  # stock: on the cards
        return (
            "I couldn't find exactly that in our catalog. The closest we have: "
            f"{listed}. Is one of these what you meant?"
        )
    offer = _series(categories[:4]).lower() if categories else "other products"
    return f"Sorry, that isn't something we carry. We do have {offer}. What can I find for you?"


def overview(categories: Sequence[str]) -> str:
    """What the shop sells: its largest categories, as many as read well."""
    if not categories:
        return "Tell me what you're looking for, and I'll find it in our catalog."
    kinds = [c.lower() for c in categories[:OVERVIEW]]
    if len(categories) > OVERVIEW:
        kinds.append("more")
    return f"We sell {_series(kinds)}. What are you looking for?"


def clarify(products: Sequence[Product], categories: Sequence[str] = ()) -> str:
    found = [p.category for p in products if p.category] or list(categories)
    kinds = list(dict.fromkeys(c.lower() for c in found))[:3]
    return f"Happy to help! Are you thinking of {_series(kinds, 'or')}, or something else?"


def _best_sentence(description: str, asked: set[str]) -> str | None:
    """The sentence of a description with the most of the asked words, in any of their forms
    ("can she shower with it": "fine for showering")."""
    scored = [(said_of(asked, s), s) for s in _sentences(description)]
    best = max(scored, default=(0, ""))
    return best[1] if best[0] > 0 and len(best[1]) <= QUOTED else None


QUOTED = 300  # the longest sentence of a description quoted whole


def _sentences(description: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", description) if s.strip()]


def _label(key: str) -> str:
    label = key.replace("_", " ").strip()
    return label[:1].upper() + label[1:]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _series(items: Sequence[str], last: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"
