"""The retrieve stage: products for this turn under the profile's hard filters."""

import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence

from bot.chat.policy import CLOSEST, PRODUCT_INTENTS, Found
from bot.chat.profile import CHEAP, CHEAPER, IN_STOCK, REJECT, ShopperProfile, parse_budget
from bot.chat.understand import Understanding
from retrieval.catalog import Product
from retrieval.coverage import asked_kinds
from retrieval.hybrid import CatalogView, Filters, HybridSearch

VOTE_K = 5
# Below this similarity to every product, a kind the catalog's text never names is taken as
# not carried (MiniLM, measured: "bike bell" is 0.42 from the closest product of a bike shop,
# "gps tracker" 0.13 from a pet shop's; "camping hammock" is 0.59 from a tent, so it still
# gets tents).
KIND_SIMILARITY = 0.5


def filters_of(profile: ShopperProfile) -> Filters:
    return Filters(
        min_price=profile.min_price,
        max_price=profile.max_price,
        category=profile.category,
        in_stock=True if profile.in_stock_only else None,
        exclude_ids=frozenset(profile.rejected),
        exclude_brands=tuple(profile.brands_excluded),
    )


def infer_category(
    search: HybridSearch,
    text: str,
    vector: Sequence[float],
    understanding: Understanding,
    *,
    refining: bool = False,
    named: Collection[str] | None = None,
) -> tuple[str | None, bool]:
    """The category the message names or clearly points to, and whether anything is relevant.

    A message that refines the last request ("anything similar under 135?") keeps its category
    unless it names another one ("and a sleeping bag liner, under 40").
    """
    nearby = search.search(text, vector, Filters(), VOTE_K, named=named)
    word = search.view.category_named(text)
    # A category word only counts when the best match agrees ("approach shoes" are boots;
    # "kitten food" is not in "Dog Food & Treats" when the best match is cat food).
    if word and nearby and nearby[0].product.category == word:
        return word, bool(nearby)
    if understanding.intent == "browse" and len(nearby) >= 3:
        category, votes = Counter(h.product.category for h in nearby).most_common(1)[0]
        needed = VOTE_K if refining else 3  # to leave the category refined, all must agree
        if votes >= needed and nearby[0].product.category == category and category:
            return category, True
    return None, bool(nearby)


def retrieve(
    search: HybridSearch,
    text: str,
    vector: Sequence[float],
    understanding: Understanding,
    profile: ShopperProfile,
    *,
    k: int,
    named: Sequence[Product] | None = None,
) -> tuple[ShopperProfile, Found]:
    """`named`: what `view.named(text)` gives, when the caller has it already."""
    view = search.view
    by_title = list(named) if named is not None else view.named(text)
    refining_text = refines(text)
    refining = bool(profile.category) and refining_text
    category, relevant = infer_category(
        search, text, vector, understanding, refining=refining, named={p.id for p in by_title}
    )
    asked = text
    follow_up = bool(profile.topic and refining_text and not category)
    if follow_up:
        # "actually, up to $200": the request it refines says what to look for.
        text = f"{profile.topic} {text}"
        vector = search.index.embed_queries([text])[0]
        relevant = True
        by_title = view.named(text)
    elif relevant and understanding.intent in PRODUCT_INTENTS:
        profile = profile.model_copy(update={"topic": text})
    on_topic = relevant and (category is None or category == profile.category or
                             understanding.intent == "browse")  # fmt: skip
    if not category and understanding.intent in ("price_stock", "product_question"):
        category = by_title[0].category if by_title else None  # "how much is the Tempo?": shoes
    if category and understanding.intent in ("browse", "price_stock", "product_question"):
        profile = switch_category(profile, category, text)
    filters = filters_of(profile)
    title_ids = {p.id for p in by_title}
    matches = [h.product for h in search.search(text, vector, filters, k, named=title_ids)]
    if profile.cheap_first:
        matches.sort(key=lambda p: p.price)
    subject = [view.products[i] for i in profile.shown if i in view.products]
    shown = set(profile.shown)

    def prefer(product: Product) -> int:
        return 2 * (product.id in shown) + filters.passes(product)

    if understanding.intent == "compare":
        named = named_in(view, text, prefer)
    else:
        named = view.named(text, prefer=prefer)
    unknown: str | None = None
    closest: list[Product] = []
    if understanding.intent in ("browse", "product_question") and not by_title and not follow_up:
        if missing := missing_kind(search, asked, filters):
            unknown, closest = missing
    nearest = []
    budget = profile.max_price is not None or profile.min_price is not None
    if not matches and on_topic and profile.category and budget:
        # In the category, the cheapest that fits is a match; else the cheapest is the nearest.
        matches = view.cheapest(filters, k)
        nearest = [] if matches else view.cheapest(filters.without_price(), 1)
    return profile, Found(matches, named, subject, nearest, relevant, unknown, closest)


def missing_kind(
    search: HybridSearch, text: str, filters: Filters
) -> tuple[str, list[Product]] | None:
    """The kind of product asked for, when the catalog does not carry it (`retrieval.coverage`):
    none of the request's opening phrases names a word of the catalog's or is close in meaning
    to a product. With it, the products closest to that kind that pass the filters ("chicken
    coop": the rabbit hutch, not a dog food that shares a number with the message)."""
    kinds = asked_kinds(text)
    view = search.view
    if not kinds or any(view.has_word(kind[-1]) for kind in kinds):
        return None
    phrases = [" ".join(kind) for kind in kinds]
    vectors = search.index.embed_queries(phrases)
    for vector in vectors:
        best = view.nearest(vector, Filters(), 1)
        if best is None:
            best = search.index.nearest(vector, 1)
        if best and best[0][1] >= KIND_SIMILARITY:
            return None
    hits = search.search(phrases[0], vectors[0], filters, CLOSEST)
    return phrases[0], [hit.product for hit in hits]


def named_in(
    view: CatalogView, text: str, prefer: Callable[[Product], int] | None = None
) -> list[Product]:
    """Each product a comparison names: the best title match of each part ("X or Y")."""
    parts = re.split(
        r"\bor\b|\bvs\.?|\bversus\b|\band\b|,|\bcompared? (to|with)\b", text, flags=re.I
    )
    found: list[Product] = []
    for part in parts:
        best = view.named(part or "", limit=1, prefer=prefer)
        if best and best[0] not in found:
            found.append(best[0])
    return found if len(found) >= 2 else view.named(text, prefer=prefer)


# Words that point back at what was just discussed: "which one fits four people?"
BACK_REFERENCE = re.compile(
    r"\b(it|its|these|those|them|they|which one|that one|this one|the same|similar|ones)\b", re.I
)


def refines(text: str) -> bool:
    """A message that adjusts or points back at the last request rather than starting a new one:
    a budget, "cheaper", "in stock", "something else", "which one ...?"."""
    patterns = (CHEAP, CHEAPER, IN_STOCK, REJECT, BACK_REFERENCE)
    return any(parse_budget(text)) or any(p.search(text) for p in patterns)


def switch_category(profile: ShopperProfile, category: str, text: str) -> ShopperProfile:
    """A budget belongs to a kind of product: moving to another kind without stating a new one
    drops it ("boots under $100", then "and a tent?")."""
    changes: dict[str, object] = {"category": category}
    if profile.category and category != profile.category and not any(parse_budget(text)):
        changes.update(min_price=None, max_price=None, cheap_first=False)
    return profile.model_copy(update=changes)
