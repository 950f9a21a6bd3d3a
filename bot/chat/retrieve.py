"""The retrieve stage: products for this turn under the profile's hard filters."""

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import replace

import numpy as np
from lemminflect import getAllLemmas, getInflection

from bot.chat.aspects import shortest_first
from bot.chat.policy import CLOSEST, PRODUCT_INTENTS, Found
from bot.chat.profile import (
    CHEAP,
    CHEAPER,
    IN_STOCK,
    REJECT,
    ShopperProfile,
    asked_age,
    find_brands,
    parse_budget,
    soft_floor,
    without_budget,
)
from bot.chat.understand import IT, ON_SALE, USED_IN, Understanding
from retrieval.ages import child_said, for_children, made_for
from retrieval.catalog import Product, names_any
from retrieval.coverage import (
    ACTIVITIES,
    CHECKABLE,
    FILLER,
    GOODS_BREAK,
    LEAD_IN,
    PART_BEFORE,
    SAME_GOODS,
    SENTENCE_WORDS,
    asked_kinds,
    english,
    later_kinds,
    may_head,
    names_a_kind,
    said_of,
    sentence_kinds,
    which_kinds,
)
from retrieval.hybrid import (
    BRAND_KEYS,
    KIND_KEYS,
    MEASURE,
    PETS,
    THE_WORD,
    CatalogView,
    Filters,
    HybridSearch,
    brand_of,
    category_nouns,
    fitted_to,
    last_name_word,
    one_turn,
    product_words,
    title_heads,
    title_name,
)
from retrieval.index import SearchHit, document_text
from retrieval.measures import (
    COUNTS,
    Size,
    Stated,
    asked_sizes,
    bears,
    borne,
    exceeded,
    measured,
    meets,
    stated,
)
from retrieval.text import STOP_WORDS, fold, keywords, words
from retrieval.wants import (
    MARK,
    PREFERRED,
    TROUBLED,
    affirmed,
    already_had,
    must_have,
    owned,
    ruled_out,
    searched,
    troubled,
    unmarked,
    unowned,
    used_on,
    without_denied,
)

VOTE_K = 5
# Price is no limit: "money no object", "price doesn't matter", "the sky's the limit".
NO_LIMIT = re.compile(
    r"\b(money|price|cost|budget)( is|'s)? (no|not an?) (object|issue|problem)\b"
    r"|\bno (budget|price|spending) (limit|cap)\b|\b(money|price|cost) (doesn'?t|does not"
    r"|won'?t|will not) matter\b|\bwhatever it costs\b|\bsky'?s the limit\b"
    r"|\bspare no expense\b|\bregardless of (the )?(price|cost)\b",
    re.I,
)
# Below this similarity to every product, a kind no product is named by is taken as
# not carried (MiniLM, measured: "bike bell" is 0.42 from the closest product of a bike shop,
# "gps tracker" 0.13 from a pet shop's; "camping hammock" is 0.59 from a tent, so it still
# gets tents).
KIND_SIMILARITY = 0.5
# ... and a kind the shop has, with a material, a power or a hand (`coverage.CHECKABLE`), among
# the products whose text states it: those of another name for it are near this ("cashmere
# jumper": a cashmere sweater at .45; "ceramic knives": a ceramic honing rod at .36).
STATED_SIMILARITY = 0.42
# How much less close than the best match a product of another category may be and still be
# shown beside it (cosine similarity, MiniLM).
SPREAD = 0.12  # the dev set and four unseen shops: 0.10 loses needed matches, 0.15 keeps strays


def filters_of(profile: ShopperProfile) -> Filters:
    return Filters(
        min_price=profile.min_price,
        max_price=profile.max_price,
        category=profile.category,
        in_stock=True if profile.in_stock_only else None,
        exclude_ids=frozenset(profile.rejected),
        exclude_brands=tuple(profile.brands_excluded),
        age_months=profile.age_months,
        gender=profile.gender,
        exclude_terms=tuple(tuple(term.split()) for term in profile.ruled_out),
    )


# One of the kind asked before, more so: "something smaller", "a lighter one", "anything a bit
# cheaper".
ONE_MORE = re.compile(
    r"\b(?:(?:something|anything|smth|sth)\s+(?:a\s+(?:bit|little|lot)\s+|much\s+|way\s+|even\s+)?"
    r"(?!(?:other|under|over|after|never|for|from)\b)([a-z]+er|more|less)\b"
    r"|(?:a|an)\s+(?:bit\s+|little\s+)?([a-z]+er|more|less)\b(?=(?:\s+[a-z]+)?\s+(?:one|ones|pair"
    r"|version|model)\b))",
    re.I,
)


def more_said(text: str) -> bool:
    """Whether the text asks for one of the kind more so (`ONE_MORE`), by a comparative or
    "more"/"less" ("something smaller", not "something leather" or "a silver one")."""
    for match in ONE_MORE.finditer(text):
        word = (match[1] or match[2]).lower()
        if word in ("more", "less") or any(
            lemma != word for lemma in getAllLemmas(word).get("ADJ", ())
        ):
            return True
    return False


def infer_category(
    search: HybridSearch,
    text: str,
    vector: Sequence[float],
    understanding: Understanding,
    *,
    refining: bool = False,
    named: Collection[str] | None = None,
    avoid: frozenset[str] = frozenset(),
) -> tuple[str | None, bool]:
    """The category the message names or clearly points to, and whether anything is relevant.

    A message that refines the last request ("anything similar under 135?") keeps its category
    unless it names another one ("and a sleeping bag liner, under 40"). `avoid`: categories of
    what the shopper has ("behind my bike"), which the message does not ask for.
    """
    nearby = search.search(
        text, vector, Filters(exclude_categories=avoid), VOTE_K, named=named, lead=False
    )
    # A kind the message names is of what it asks for, not of what it rules out ("something to
    # listen to music with, not a gaming headset" is not for the gaming category).
    text = without_denied(text)
    word = search.view.category_named(text)
    if word and word.casefold() in avoid:
        word = None
    asked = asked_kinds(text) if understanding.intent == "browse" else []
    kinds = (asked or which_kinds(text)) if understanding.intent == "browse" else []
    # Where a question names the kind ("sanding old paint off the walls, what protection do i
    # need"), its words say the category, not those of what it is for (paint).
    kind_text = text if asked or not kinds else ", ".join(" ".join(k) for k in kinds)
    if word and kinds and search.view.category_named(" ".join(kinds[0])) is None:
        # The category word is of what the kind asked is for, not of the kind ("lamp to hang
        # above the dining table": no table).
        word = None
    if (
        word and understanding.intent == "browse" and not kinds
        and set(keywords(word)) & set(used_on(text))
        and (doing := category_done(search.view, text)) and doing.casefold() not in avoid
    ):  # fmt: skip
        # The category named by what the thing asked works on, where what it does names
        # another: "something to charge my phone" is in "Cables & Chargers", not in "Phone
        # Accessories" by the phone.
        word = doing
    # A category word only counts when the best match agrees ("approach shoes" are boots;
    # "kitten food" is not in "Dog Food & Treats" when the best match is cat food).
    if word and nearby and nearby[0].product.category == word:
        if not kind_elsewhere(search.view, text, word):
            return word, bool(nearby)
        return None, True
    if (
        word and nearby and named_within(search.view, kinds, word)
        and not of_the_kind(nearby[0].product, kinds)
    ):  # fmt: skip
        # Every product the whole kind names is of the category the message names, though
        # the best match is not ("acrylic paints": the acrylic sets, not the acrylic paint
        # markers that are first by their words).
        return word, True
    if word and not nearby and search.view.names_category(kinds, word):
        # Near no product as a whole, every kind it names a word of one category's name: "kitchen
        # and table stuff, just moved".
        return word, True
    if (
        understanding.intent == "browse" and not kinds and word is None
        and (doing := category_done(search.view, text)) and doing.casefold() not in avoid
    ):  # fmt: skip
        # No kind asked, what the shopper wants to do is one category's name: "i want to
        # record my guitar and vocals at home" (Recording & Headphones), not the accessories
        # of the guitar that is theirs.
        return doing, bool(nearby)
    if kinds and (
        titled := search.view.category_titled(kinds[0][-1])
        or search.view.category_title_headed(kinds[0][-1])
    ):
        # The kind asked for is in the titles of one category's products only ("cashmere
        # jumper": Knitwear), though something else is closer in meaning (a cashmere scarf);
        # or it is the name of one category's products only ("bass": the basses, not the bass
        # amp). A category the message names must be that one, with every word of the kind
        # in one of its products' texts ("kitten food" is no "Dog Food & Treats").
        if (
            (word is None or (word == titled and of_whole_kind(search.view, kinds[0], titled)))
            and titled.casefold() not in avoid
            and search.view.names(kinds[0])
            and not kind_elsewhere(search.view, text, titled)
        ):  # fmt: skip
            return titled, bool(nearby)
    if (
        understanding.intent == "browse" and not asked
        and (headed := which_headed(search.view, text))
        and headed.casefold() not in avoid and not kind_elsewhere(search.view, text, headed)
    ):  # fmt: skip
        # The kind a question asks for by its word ("sanding old paint off the walls, what
        # protection do i need") is the name of one category's products only, by their tags.
        return headed, bool(nearby)
    pointing = ONE_OF_THEM.search(text) is not None  # "the one that comes with little pots"
    # One of the kind refined, more so, whatever it is for: "something smaller just for day
    # hikes" after first aid kits is no backpack, though "day" names those.
    more_so = refining and not kinds and more_said(text)
    if (
        understanding.intent == "browse" and not (pointing or more_so)
        and (of_kind := kind_category(search.view, kind_text, avoid))
    ):  # fmt: skip
        # Every word of the message that names a kind of product names one category's ("he
        # basically lives in jumpers, 100 euro max", "a really warm coat", "mens jeans under a
        # hundred"), though something else is closer in meaning (a lined winter boot). With
        # nothing close in meaning, only a kind its titles name is surely the shop's (not
        # "wallets" in a taxonomy path "Handbags, Wallets & Cases" over two handbags).
        # (A word is no sign the message is for the shop at all: "can you reserve two seats
        # at the cinema" in a shop with child seats. Only meaning is, for the topic gate.)
        if not kind_elsewhere(search.view, text, of_kind) and (
            nearby or kind_category(search.view, kind_text, avoid, titled=True) == of_kind
        ):
            return of_kind, bool(nearby)
    if (
        understanding.intent == "browse" and nearby
        and (told := kind_told(search.view, kinds, text, nearby))
        and told.casefold() not in avoid
    ):  # fmt: skip
        # A kind's name that several categories' titles use, told apart by the other words.
        return told, True
    if understanding.intent == "browse" and len(nearby) >= 3 and not more_so:
        category, votes = Counter(h.product.category for h in nearby).most_common(1)[0]
        needed = VOTE_K if refining else 3  # to leave the category refined, all must agree
        if (
            votes >= needed and nearby[0].product.category == category and category
            and not kind_elsewhere(search.view, text, category)
            and not kind_not_in(search.view, kinds, category)
            and not kind_across(search.view, kinds, text, category)
        ):  # fmt: skip
            return category, True
    if (
        understanding.intent == "browse" and nearby and not refining and len(kinds) == 1
        and word is None and not search.view.titled(kinds[0][-1])
        and (of_kind := kind_near(search, kinds[0], avoid))
        and not kind_elsewhere(search.view, text, of_kind)
    ):  # fmt: skip
        # The one kind asked, a word no title has, is near one category's products when alone,
        # though the message as a whole is not ("dishes that can go in the dishwasher, i am NOT
        # hand washing anything": the plates and bowls, not the rice washing bowl). (A word
        # titles have is theirs to say: "camera" alone is nearest the action cameras.)
        return of_kind, True
    return None, bool(nearby)


def which_headed(view: CatalogView, text: str) -> str | None:
    """The one category of the products the kind a question asks for by its word is the name
    of ("what protection do i need": the glasses and ear defenders tagged so)."""
    kinds = which_kinds(without_denied(text))
    head = view.spelled(kinds[0][-1]) if kinds else None
    return view.category_headed(head) if head else None


def kind_near(search: HybridSearch, kind: Sequence[str], avoid: frozenset[str]) -> str | None:
    """The category of all but one of the `VOTE_K` products nearest in meaning to the kind's
    words alone (not their names: "Casserole Dishes" is a label's), the nearest among them,
    when all of them are close enough to count."""
    phrase = " ".join(kind)
    vector = search.embed([phrase])[0]
    nearest = search.view.nearest(vector, Filters(exclude_categories=avoid), VOTE_K)
    close = [i for i, score in nearest or () if score >= search.min_relevance]
    if len(close) < VOTE_K:
        return None
    kinds = [search.view.products[i].category for i in close]
    category, votes = Counter(kinds).most_common(1)[0]
    return category if votes >= VOTE_K - 1 and kinds[0] == category and category else None


def of_the_kind(product: Product, kinds: Sequence[Sequence[str]]) -> bool:
    """Whether a product is one of a kind asked by its title: the kind's last word ends the
    title's name ("christmas baking spice": "Gingerbread (pernik) spice 40 g"), or the title
    has every word of the kind and its category's name the last ("chai spice": "Chai spice mix
    (no tea)" in Spice Blends; not "Acrylic Paint Markers" of "acrylic paint" in Markers)."""
    title, label = set(keywords(product.title)), set(keywords(product.category))
    return any(
        last_name_word(product.title) == kind[-1] or (set(kind) <= title and kind[-1] in label)
        for kind in kinds
    )


def named_within(view: CatalogView, kinds: Sequence[Sequence[str]], category: str) -> bool:
    """Whether a kind asked of two words or more names products (by every word, and as what
    they are by its last) and all of them are of the category."""
    for kind in kinds:
        having = named_whole(view, kind)
        if having and all(view.products[view.order[i]].category == category for i in having):
            return True
    return False


def named_whole(view: CatalogView, kind: Sequence[str]) -> set[int]:
    """The products (positions) a kind of two words or more names by every word (title,
    category, type or tags), and as what they are by its last (not only for it: "Descaler for
    Espresso Machines" is no espresso machine); none for a kind of one word."""
    if len(kind) < 2 or not all(word in view.named_by for word in kind):
        return set()
    having = set.intersection(*(set(view.named_by[word].tolist()) for word in kind))
    return having & view.headed.get(kind[-1], set())


def kind_across(
    view: CatalogView, kinds: Sequence[Sequence[str]], text: str, category: str
) -> bool:
    """Whether the one kind asked, a single word, is the name of two or more products in each
    of two or more categories ("camera for my daughter, she is into photography": the action
    cameras and the mirrorless ones), and no other word of the message is one that, of those
    products, only the category's use ("camera for vlogging": the mirrorless cameras' texts
    say "vlogging"). A vote among the nearest then does not choose: the embedding model hardly
    tells one kind of camera from another."""
    if len(kinds) != 1 or len(kinds[0]) != 1 or (head := view.spelled(kinds[0][0])) is None:
        return False
    named = {kind: ids for kind, ids in view.title_headed(head).items() if len(ids) >= 2}
    if len(named) < 2 or category not in named:
        return False
    for word in set(keywords(text)) - {head, kinds[0][0]}:
        using = {kind for kind, ids in named.items() if any(word in view.said[i] for i in ids)}
        if using == {category}:
            return False  # "vlogging", "jazz": the words say which
    return True


def kind_told(
    view: CatalogView, kinds: Sequence[Sequence[str]], text: str, nearby: Sequence[SearchHit]
) -> str | None:
    """Where the one kind asked, a single word, is the name of products of two or more
    categories by their titles ("a bag for nappies and wipes, to hang on the pram": the
    sleeping bags, the changing bag), the category whose products, those near the message and
    those the word names, say two or more of the message's other words (wipes, hang, pram),
    and more of them than any other's do."""
    if len(kinds) != 1 or len(kinds[0]) != 1 or (head := view.spelled(kinds[0][0])) is None:
        return None
    named = view.title_headed(head)
    if len(named) < 2:
        return None
    others = {w for w in keywords(text) if w not in FILLER and not w.isdigit()}
    others -= {head, kinds[0][0]}
    told = {}
    for category, ids in named.items():
        products = [h.product for h in nearby if h.product.category == category]
        products += [view.products[i] for i in ids]
        told[category] = len(others & set[str]().union(*(_said(view, p) for p in products)))
    ranked = sorted(told.values(), reverse=True)
    if ranked[0] < 2 or ranked[0] == ranked[1]:
        return None
    return max(told, key=lambda c: told[c])


def kind_not_in(view: CatalogView, kinds: Sequence[Sequence[str]], category: str) -> bool:
    """Whether the kind asked is the name of products (three or more) of other categories and of
    none of this one: "best camera for wildlife" is near the telephoto lenses, and no lens is a
    camera. (Not the one "Coffee Tasting Box" in a shop of coffees.)"""
    if not kinds:
        return False
    head = view.spelled(kinds[0][-1])
    having = view.headed.get(head, set()) if head else set()
    return len(having) >= 3 and all(
        view.products[view.order[i]].category != category for i in having
    )  # fmt: skip


TO_DO = re.compile(r"\b(?:want|wanna|need|going|trying|like|love|learn(?:ing)?|how) to (\w+)", re.I)
# What a thing asked for does, to what the shopper has: "something to charge my phone" (not
# "something to brew it in", of the goods just shown).
TO_DO_WITH = re.compile(
    r"\b(?:something|anything|smth|sth|a thing)(?: \w+)? (?:to|that can|that will|that'?ll)"
    r" (\w+) (?:my|our|his|her|their)\b",
    re.I,
)


def category_done(view: CatalogView, text: str) -> str | None:
    """The one category named by the doing of what the message wants to do ("want to record":
    "Recording & Headphones"), if one is."""
    if any(
        view.names(kind) for part in PARTS.split(text)
        if not (TO_DO.search(part) or TO_DO_WITH.search(part))
        for kind in asked_kinds(part)
    ):  # fmt: skip
        return None  # a kind asked in another part: "i want to record, need a capo too"
    found: set[str] = set()
    for match in [*TO_DO.finditer(text), *TO_DO_WITH.finditer(text)]:
        verb = match[1].lower()
        if verb not in (getAllLemmas(verb).get("VERB") or ()):
            continue  # not a verb's base form: "need to be", "want to know"
        # Its doing ("want to record"), or what does it to the shopper's thing ("something to
        # charge my phone": the "Cables & Chargers").
        forms = set(getInflection(verb, "VBG") or ()) if match.re is TO_DO else set(doers(verb))
        found.update(c for c in view.categories if forms & set(keywords(c)))
    return found.pop() if len(found) == 1 else None


# What a thing has: "full frame with dual card slots" (not "surprise her with a warm coat").
HAVING = re.compile(r"(?<!\bher)(?<!\bhim)(?<!\bthem)(?<!\bme)(?<!\bus) with\b[^,.;!?]*", re.I)
SPLIT_WORD = re.compile(r"(?<![\w'’-])([a-z])[ -]([a-z]{3,})\b", re.I)


def kind_category(
    view: CatalogView, text: str, avoid: frozenset[str], *, titled: bool = False
) -> str | None:
    """The category that all the message's words naming kinds of product name
    (`CatalogView.category_of`), when they name one and the catalog has every word of the
    kinds it asks for; not a word that only describes ("waterproof"), one it denies, or what
    the shopper has (`avoid`). `titled`: by the words of titles only."""
    # "t shirt", "e bike": the catalog's "t-shirt", "e-bike", not a shirt or a bike.
    text = SPLIT_WORD.sub(
        lambda m: joined if (joined := f"{m[1]}-{m[2]}".lower()) in view.named_by else m[0], text
    )
    named_by = view.category_titled if titled else view.category_of
    found = set()
    # Not what the thing asked has: "need a 2nd body, full frame with dual card slots".
    for word in dict.fromkeys(keywords(HAVING.sub(" ", without_denied(text)))):
        if word in FILLER or word.isdigit() or names_a_kind(word) is False:
            continue
        category = named_by(view.spelled(word) or word)
        if category and category.casefold() not in avoid:
            found.add(category)
    if len(found) != 1:
        return None
    # A kind with a word no product has is another kind ("tandem bike", "ski goggles").
    if not all(view.spelled(w) for kind in asked_kinds(without_denied(text)) for w in kind):
        return None
    return found.pop()


def kind_elsewhere(view: CatalogView, text: str, category: str) -> bool:
    """Whether a product outside `category` is named by every word of a kind the message asks
    for, of two words or more ("soft toy" in a plush bunny's tags, while the nearest are baby
    books): the kind is not the category's alone. Named: by its title, category, type or tags
    (`CatalogView.named_by`), not by a description, which also names what a product fits ("a
    tyre for your mountain bike"), nor, where products of the category have it too, tags alone."""
    for kind in asked_kinds(text):
        having = named_whole(view, kind)
        outside = [i for i in having if view.products[view.order[i]].category != category]
        # Where the category has the kind too, only a title outside it says so: a belt tagged
        # "men, jeans" is no pair of men's jeans.
        if outside and (
            len(outside) == len(having) or any(kind[-1] in view.title_words[i] for i in outside)
        ):
            return True
    return False


@one_turn()  # its searches with the message's vector ask for the nearest ids once
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
    given_text, given_vector, given_profile, given_named = text, vector, profile, named
    if (
        understanding.intent == "browse" and profile.asked == "product_question"
        and profile.topic and THOSE_ASKED.match(text)
        and (needed := needed_kind(profile.topic)) is not None
    ):  # fmt: skip
        # "ok do you have those" after "does the flowe dripper need special filters": those
        # filters, for it.
        text = f"{needed} for it"
        vector = search.embed([text])[0]
    if understanding.intent == "browse" and (rest := lacked_aside(text)) is not None:
        # "i dont have any batteries, corded is fine" after saws: why it should be corded, no
        # battery asked for.
        text, vector = rest, search.embed([rest])[0]
    refining_text = refines(text)
    if (
        refining_text and understanding.intent == "browse" and (which := WHICH_KIND.search(text))
        and (word := view.spelled(which[1].lower())) and view.headed.get(word)
    ):  # fmt: skip
        # "ok which camera has headphone jack, under 1 lakh" after asking whether the vx-10 has
        # one: a request of its own, not the question before.
        refining_text = False
    asked = text
    if (spent := without_budget(text)) != text and keywords(spent):
        # The budget is a filter, not words to search: "the next best under 2k" is no 2K camera.
        text, vector = spent, search.embed([unmarked(spent)])[0]
    topic = profile.topic  # the request before this message
    ruled = [" ".join(term) for term in ruled_out(text)]
    if ruled and understanding.intent in (*PRODUCT_INTENTS, "off_topic"):
        # "not a travel one": no travel mat now or on the next turns (the gate may yet find
        # a message the classifier put off topic is shopping: "tomato plants, not seeds").
        profile = profile.model_copy(
            update={"ruled_out": list(dict.fromkeys([*profile.ruled_out, *ruled]))}
        )
    last_shown = [view.products[i] for i in profile.shown if i in view.products]
    # (Of the kind just shown: "the cheap one" is no stray of another kind shown beside it.)
    of_kind = [p for p in last_shown if last_shown and p.category == last_shown[0].category]
    no = NOT_THE_ONE.search(asked) if len(of_kind) > 1 else None
    if no and (pick := _pick(of_kind, no[1].split())):
        # "not the cheap one, i want something thatll last": that one of those shown is out.
        profile = profile.model_copy(update={"rejected": [*profile.rejected, pick.id]})
    # (Named by what is searched: "easel, between 100 and 300" names no "300 gsm" pad.)
    by_title = list(named) if named is not None and text == asked else view.named(text)
    # What the shopper has ("a trailer to pull behind my bike", "a case for my phone"): its
    # kind is not what is asked for.
    theirs = owned(text) if understanding.intent == "browse" else []
    # Unless asked for beside it: "my son plays guitar and wants a better guitar".
    asked_heads = {k[-1] for k in asked_kinds(unowned(text))} if theirs else set()
    theirs = [w for w in theirs if w not in asked_heads]
    has = frozenset(kind.casefold() for word in theirs for kind in view.categories_headed(word))
    if understanding.intent == "browse":
        # What the thing asked is used on, by the categories of the products it names by
        # title ("something for sorting screws": not the fasteners).
        has |= {c.casefold() for w in used_on(text) for c in view.title_headed(w) if c}
    worked_on = frozenset[str]()
    if understanding.intent == "browse" and last_shown and (used := USED_IN.search(asked)):
        refining_text = False  # another kind, for the one asked before
        verb = used["verb"].lower()
        forms = {verb, *(getInflection(verb, "VBG") or ())}
        if alongside := [
            p for p in view.products.values()
            if p.category == last_shown[0].category and p.id not in profile.shown
            and forms & _title_words(p)
        ]:  # fmt: skip
            # "what do i clean it with" after a water filter: the filter cleaning kit, listed
            # beside the filters, by its title (not the teas whose texts say how to brew them);
            # not the filters shown.
            worked_on = frozenset(profile.shown)
        else:
            # "and something to brew it in" after teas: what the teas go in, not another tea.
            has |= {last_shown[0].category.casefold()}
        if text == asked:
            # "what should i drive 500 of those with": searched as with what the decking
            # screws are driven, the words the tools' texts say.
            worked = last_shown[0].title if alongside else profile.topic or last_shown[0].title
            if used["at"].lower() == "with" and (tool := doer(view, verb)):
                text = f"{tool} for {worked}"  # what drives them: a driver, by its name
            elif alongside:
                text = f"{' '.join(sorted(forms - {verb}) or [verb])} {worked}"
            else:
                text = f"{asked[: used.start('it')]}{worked}{asked[used.end('it') :]}"
            vector = search.embed([unmarked(text)])[0]
    # Of their kinds' categories, what the request's own kind names by title is still asked
    # for ("a replacement inner pot for my rice cooker": the inner pot among the cookers).
    asked_heads = asked_heads if has else set()
    excepted = frozenset(
        p.id for p in (view.products[view.order[i]]
                       for w in asked_heads for i in view.kind_heads.get(w, ()))
        if p.category.casefold() in has and asked_heads & title_heads(p.title)
    )  # fmt: skip
    # ... nor, when had already, a product of that kind by its title ("he's already got a
    # headset and a mouse": in a category of gaming gear, the headsets and the mice).
    had = frozenset[str]()
    if had_words := [word for word in already_had(text) if word in theirs]:
        makers = {word for brand in view.brands for word in keywords(brand)}  # "my veltra"
        spelled = {view.spelled(word) or word for word in had_words} - makers
        had = frozenset(
            view.order[i] for word in spelled for i in view.kind_heads.get(word, ())
            if spelled & title_heads(view.products[view.order[i]].title)
        )  # fmt: skip
    troubles = frozenset[str]()
    wrong = troubled(asked) if understanding.intent == "browse" else []
    troubling = (view.spelled(wrong[-1]) or wrong[-1]) if wrong else ""
    if troubling and not asked_again(view, troubling, TROUBLED.sub(" ", asked, count=1)):
        # "my new boots give me blisters, what do you have": not boots, but what helps (the
        # socks beside them stay). (Unless boots are asked for again: "my old boots are too
        # small now, i need properly waterproof boots".)
        # (Nor is its category the one asked for: "my suede boots got soaked, how do i protect
        # them" asks for shoe care, not hiking boots; what helps may still be listed in it.)
        troubles = frozenset(kind.casefold() for kind in view.categories_headed(troubling))
        had |= frozenset(
            pid for i in view.kind_heads.get(troubling, ())
            if view.kind_words.get(pid := view.order[i]) == troubling
            or troubling in title_heads(view.products[pid].title)
        )  # fmt: skip
        # Of its category, also those whose description opens by calling them so ("Kloof Mid
        # Suede Hiker": "Waterproof suede hiking boots; ..."); not what works on them ("Dries
        # wet boots overnight", "Merino socks for hiking boots").
        had |= frozenset(
            p.id for p in view.products.values()
            if p.category.casefold() in troubles and called_so(p.description, troubling)
        )  # fmt: skip
    # "also need an extra battery for it": a kind of its own, for the product just shown; no
    # refinement of the request that showed it. What is searched: that kind for that product.
    goes_with_shown, beside_ids, for_shown = False, frozenset[str](), None
    if understanding.intent == "browse" and (for_it := FOR_IT.search(asked)):
        said_first = asked[: for_it.start()]
        kinds_before = (
            asked_kinds(said_first)
            or which_kinds(said_first)
            or (asked_kinds(which[1]) if (which := WHICH_BEFORE.search(said_first)) else [])
        )  # "which cover should i get for it", "ok which cover fits it then"
        goes_with_shown = bool(kinds_before) and all(view.names(kind) for kind in kinds_before)
        last = last_shown[0] if last_shown else None
        heads = {kind[-1] for kind in kinds_before}
        if goes_with_shown and last is not None and not heads & title_name(last.title):
            text = f"{asked[: for_it.start()].strip()} for {last.title}"
            vector = search.embed([unmarked(text)])[0]
            beside_ids, for_shown = frozenset({last.id}), (last.category, heads)
            by_title = [p for p in view.named(text) if p.id != last.id]
            if not any(parse_budget(asked)):
                # The budget was for the backpack, not for the rain cover that fits it.
                profile = profile.model_copy(
                    update={"min_price": None, "max_price": None, "cheap_first": False}
                )
    if profile.category and profile.category.casefold() in has:
        profile = profile.model_copy(update={"category": None})
    refining = bool(profile.category) and refining_text
    # The kind of product and whether the shop has anything like it: the whole message ("tomato
    # plants, not seeds" is about the shop's seeds) ...
    category, relevant = infer_category(
        search, text, vector, understanding, refining=refining, named={p.id for p in by_title},
        avoid=has | troubles,
    )  # fmt: skip
    if (
        category and profile.category and category != profile.category and profile.topic
        and understanding.intent == "browse" and not by_title and describes_only(asked, category)
    ):  # fmt: skip
        # "one that can do espresso tho" after hand grinders, "electric, 9s" after strings: the
        # kind asked before, so described; no espresso machine, no electric guitar.
        category, refining_text = None, True
    if for_shown is not None and category == for_shown[0] and not kind_in(view, *for_shown):
        category = None  # a battery for the camera shown is in no category of cameras
    if (wanted := searched(text)) != text:
        # ... and its keywords: "a yoga mat, not a travel one" searches "a yoga mat no-travel",
        # not the very words ruled out. (Its meaning stays whole: what is near a travel mat
        # or a retinol serum, less those, is what the shopper wants instead.)
        text = wanted
        by_title = view.named(text)
    if goes_with_shown and not category and profile.category:
        # Another kind than the last: its category, budget and what was ruled out go.
        profile = leave_kind(profile, asked, ruled).model_copy(update={"category": None})
    if (
        understanding.intent == "browse" and not category and profile.topic
        and another_kind(asked, profile.topic, view.names)
    ):  # fmt: skip
        # No category read for it ("bookmarks under 100", then "and a tote bag for books?" in a
        # shop that writes Spanish): another kind the titles name is still another kind, not
        # the last one refined.
        profile = leave_kind(profile, asked, ruled).model_copy(update={"category": None})
        refining_text = False
    if (
        category and understanding.intent in ("price_stock", "product_question") and last_shown
        and IT_FITS.search(asked) and not SHOW_ONE.search(asked) and not by_title
    ):  # fmt: skip
        # "does it come with a brush" after watercolour sets: what the set shown has, no
        # request for brushes.
        category = None
    follow_up = bool(profile.topic and refining_text and not category and not goes_with_shown)
    if follow_up:
        # "actually, up to $200": the request it refines says what to look for.
        text = f"{profile.topic} {text}"
        vector = search.embed([unmarked(text)])[0]
        relevant = True
        by_title = view.named(text)
        if profile.asked == "product_question" and understanding.intent == "browse":
            # After a question put to one product, what to get instead ("is the jozi retro
            # runner any good for running a 10k?", then "ok then what must i get for a 10k"):
            # the one asked about is no longer named, unless the message names it again.
            # (Searched without its name: what was asked of it, and the message.)
            named_again = {p.id for p in view.named(asked)}
            if dropped := [p for p in by_title if p.id not in named_again]:
                its_name = set().union(*(title_name(p.title) for p in dropped))
                topic_words = (profile.topic or "").split()
                unnamed = [w for w in topic_words if fold(w.lower()) not in its_name]
                text = f"{' '.join(unnamed)} {asked}"
                vector = search.embed([unmarked(text)])[0]
                by_title = [p for p in by_title if p.id in named_again]
    elif relevant and understanding.intent in PRODUCT_INTENTS and not (
        # A question about one of those just shown ("does he need to read english for static
        # bloom?" after sci-fi for a teenager) asks within the request that showed it, which
        # a follow-up still refines ("anything in spanish?": sci-fi in Spanish).
        understanding.intent != "browse" and profile.topic and last_shown
        and by_title and all(p in last_shown for p in by_title)
    ):  # fmt: skip
        profile = profile.model_copy(update={"topic": unmarked(text)})
    on_topic = relevant and (category is None or category == profile.category or
                             understanding.intent == "browse")  # fmt: skip
    if (
        follow_up and not (category or profile.category) and last_shown
        and REJECT.search(asked) and understanding.intent == "browse"
    ):  # fmt: skip
        # "any alternative till then": others of the kind of the one just shown, searched as
        # that kind (the request alone finds only the one ruled out).
        category = last_shown[0].category
        text = f"{category} {text}"
        vector = search.embed([unmarked(text)])[0]
    if not category and understanding.intent in ("price_stock", "product_question"):
        category = by_title[0].category if by_title else None  # "how much is the Tempo?": shoes
    if category and understanding.intent in ("browse", "price_stock", "product_question"):
        profile = switch_category(profile, category, asked, ruled)
    filters = replace(
        filters_of(profile), exclude_categories=has, excepted_ids=excepted,
        exclude_ids=frozenset(profile.rejected) | beside_ids | had | worked_on,
    )  # fmt: skip
    if understanding.intent != "browse":
        # Asked about a product ("is the walker ok for a 10 month old?"): it is shown, and its
        # own text says for which ages.
        filters = replace(filters, age_months=None, gender=None)
    if understanding.intent == "browse" and ON_SALE.search(asked):
        filters = replace(filters, on_sale=True)  # "anything on sale at the moment?"
    aimed = theirs_named = frozenset[str]()
    if understanding.intent == "browse" and (
        # (The request a follow-up refines says it too: "memory cards for aurex ax-500", then
        # "what other 256gb option u have".)
        aimed := (theirs_named := aimed_at(view, text if follow_up else asked, by_title))
        | upgraded_from(view, asked, by_title)
    ):
        # "lens for aurex ax-200": the camera named is the shopper's, not what is asked for;
        # "upgrading from my corsa mini": not the corsa mini.
        by_title = [p for p in by_title if p.id not in aimed]
        filters = replace(filters, exclude_ids=filters.exclude_ids | aimed)
    remembered = False
    if understanding.intent == "browse" and theirs_named:
        profile = profile.model_copy(update={"fits": sorted(theirs_named)})
    elif understanding.intent == "browse" and profile.fits and not by_title:
        # "lens for aurex ax-200", then "i want zoom for my kids sports day": still for it.
        theirs_named = frozenset(i for i in profile.fits if i in view.products)
        remembered = True
    title_ids = {p.id for p in by_title}
    shown_kinds = {p.category for p in last_shown}
    # For what the shopper has, deeper: those that fit it may not be the closest in meaning.
    hits = search.search(text, vector, filters, 3 * k if theirs_named else k, named=title_ids)
    if (
        not hits and category and understanding.intent == "browse"
        and (category == kind_category(view, asked, has) or (
            not asked_kinds(without_denied(asked)) and category == which_headed(view, asked)
        ))
    ):  # fmt: skip
        # The message names the kind, which the shop has, though none of it that passes the
        # filters is close in meaning to all its words ("he basically lives in jumpers, 100
        # max, in stock pls"): those that pass, the closest first.
        hits = search.search(text, vector, filters, k, named=title_ids, floor=0.0)
    elif (
        not hits and follow_up and understanding.intent == "browse" and not filters.category
        and len(shown_kinds) == 1
    ):  # fmt: skip
        # A follow-up none of whose kind is as close ("picture book for a 4 year old", then
        # "for a 10 year old instead"): those of the kind just shown that pass, closest first.
        [kind_shown] = shown_kinds
        hits = search.search(
            text, vector, replace(filters, category=kind_shown), k, named=title_ids, floor=0.0
        )
    # The kinds of product the message names: those it opens with, else one it asks to choose
    # among ("..., which lens should i get?").
    affirmed_ask = without_denied(asked)
    opening = asked_kinds(affirmed_ask)
    kinds = opening or which_kinds(affirmed_ask)
    if (
        not hits and understanding.intent == "browse" and kinds and not by_title
        and all(view.names(kind) for kind in kinds)
    ):  # fmt: skip
        # The whole message is near nothing, the kinds it names are the shop's ("she's mostly
        # into hair stuff"): products of those kinds, whose text has every word of them (not
        # bikes for a "tandem bike", nor shirts for a "summer dress").
        phrase = " ".join(word for kind in kinds for word in kind)
        having = {view.spelled(word) or word for kind in kinds for word in kind}
        phrased = search.embed([phrase])[0]
        # (However far in meaning: "capo?" is a word the embedding model hardly knows.)
        hits = [
            hit for hit in search.search(phrase, phrased, filters, k, named=title_ids, floor=0.0)
            if having.issubset(view.said[hit.product.id])
        ]  # fmt: skip
    elif (
        not hits and understanding.intent == "browse" and not kinds and not by_title
        and not (follow_up or COMPARED.search(asked))
        and topic and (topic_kinds := asked_kinds(topic))
        and view.names(topic_kinds[0][-1:])
    ):  # fmt: skip
        # Near nothing and naming no kind, after a request that named one: what it is for, of
        # that kind ("camera for vlogging", then "actually my son wants to record his cycling,
        # to put on helmet": cameras for that, of any category: action cameras, not only the
        # mirrorless ones shown for vlogging), those of the best one's category. The kind
        # only, not what described it then.
        text = f"{topic_kinds[0][-1]} {text}"
        vector = search.embed([unmarked(text)])[0]
        hits = search.search(text, vector, replace(filters, category=None), k, named=title_ids)
        hits = [h for h in hits if h.product.category == hits[0].product.category]
    if not hits and understanding.intent == "browse" and not by_title and not follow_up:
        # Near nothing as a whole, one of its parts is near something: "something to put
        # flowers in, bday present for my mum" (the vase, which the birthday dilutes).
        parts = [part for part in PARTS.split(asked) if len(keywords(part)) >= 2]
        if len(parts) >= 2:
            vectors = search.embed([unmarked(part) for part in parts])
            found_each = [
                search.search(part, vec, filters, k, named=title_ids)
                for part, vec in zip(parts, vectors, strict=True)
            ]  # fmt: skip
            hits = max(found_each, key=lambda h: max((x.score for x in h), default=0.0))
    if filters.exclude_terms and hits:
        # What was ruled out was the best match ("a lip balm without beeswax", and the only
        # lip balm has beeswax): the others shown must be of its kind, not whatever is next.
        # (Not when it is of the kind ruled out: "over ear headphones, not a gaming headset",
        # and the gaming headsets are a category of their own.)
        top = search.search(text, vector, replace(filters, exclude_terms=()), 1, named=title_ids)
        if (
            top and not filters.passes(top[0].product)
            and not any(term[-1] in title_heads(top[0].product.title)
                        for term in filters.exclude_terms)
        ):  # fmt: skip
            hits = [h for h in hits if h.product.category == top[0].product.category]
    if for_shown is not None:
        # Of the category of what it is for, only what is of the kind asked: the inner pot
        # beside the rice cookers, not another rice cooker.
        hits = [
            h for h in hits
            if h.product.category != for_shown[0] or for_shown[1] & title_name(h.product.title)
        ]  # fmt: skip
    if hits and understanding.intent == "browse" and kinds:
        # Only what goes with the kind asked is close ("looking for a donabe for nabe nights":
        # the spare lid "for 24cm Donabe"): the products its name names, however far.
        hits = of_kind_named(search, hits, kinds, filters, text, vector, k) + hits
    if (
        hits and understanding.intent == "browse" and opening and aimed and not by_title
        and not FOR_THEIRS.search(asked)  # "battery for my voltra 40v trimmer": what fits first
    ):  # fmt: skip
        # None of the kind the request opens with is close, though the shop has it, when the
        # shopper names their own products beside it ("pot that my brasa stove and a gas can
        # fit inside": the gas canisters, near the stove): that kind first.
        if missed := of_kind_missed(search, hits, opening, filters, text, vector, k):
            hits = missed + hits
            if profile.category:  # the kind's category is the one talked of now
                profile = profile.model_copy(update={"category": missed[0].product.category})
    if hits and (aside := accessories([h.product for h in hits], text)):
        # "need a gyuto": the gyutos, not the saya cover for one; asked about "the hinata rice
        # cooker", the cookers before the inner pot for one.
        held = [h for h in hits if h.product.id not in aside]
        hits = held if understanding.intent == "browse" else held + [
            h for h in hits if h.product.id in aside
        ]  # fmt: skip
    # (Or that of the request refined: "ok fine, up to 9000 then".)
    kinds_for = opening or (asked_kinds(without_denied(topic)) if follow_up and topic else [])
    if hits and understanding.intent == "browse" and kinds_for and not by_title:
        # "we need a pram, max 4000": the stroller of "Prams & Strollers" before the "Pram Rain
        # Cover" and the "Winter Pram Footmuff", which the word only says what they go with.
        hits = of_kind_first(search, hits, kinds_for, filters, text, vector)
    # Beside the best match, only what is nearly as close or of the same kind: "kitten food"
    # shows cat food, not the puppy food a little further off.
    best = max((h.score for h in hits), default=0.0)
    kind = hits[0].product.category if hits else None
    doing = view.pastimes(keywords(text))  # ... or for the pastime asked ("into camping")
    matches = [
        h.product for h in hits
        if h.score >= best - SPREAD or h.product.category == kind or h.product.id in title_ids
        or doing & set(view.said[h.product.id])
    ]  # fmt: skip
    if (
        follow_up and understanding.intent == "browse" and not category and len(shown_kinds) == 1
        and not opening and not goes_with_shown and not IT.search(asked)
        and any(p.category in shown_kinds for p in matches)
    ):  # fmt: skip
        # "anything in spanish?" after sci-fi for a teenager: more of the kind just shown, not
        # any novel in Spanish. (Not "what can i hang over it": another thing, for that one.)
        matches = [p for p in matches if p.category in shown_kinds]
    if understanding.intent == "browse" and not by_title:
        # "a scarf or a warm hat", "plates and bowls": the best of each kind, in turn.
        wanted_kinds = kinds or sentence_kinds(affirmed_ask)
        matches = each_kind(search, wanted_kinds, filters, k) or matches
    # The nouns of each kind asked ("big stainless pot": pot; "bass guitars": bass, guitar).
    nouns = [
        {w for w in k[:-1] if names_a_kind(w) is not False} | {k[-1]}
        for k in kinds
    ]  # fmt: skip

    # (Or, for a kind of one word, a product that word is the name of: "coffee" of the beans
    # in "Coffee > Whole Bean", not only the one tasting box whose title says coffee.)
    one_word = [view.spelled(k[-1]) or k[-1] for k in kinds if len(k) == 1]
    named_ids = {view.order[i] for w in one_word for i in view.headed.get(w, ())}

    def is_asked(product: Product) -> bool:
        # (Its title's name has the kind's nouns; a kind of one noun not only to say what it
        # goes with or does: a "Hammer Drill" is no hammer, a "Rotary Hammer" is, and a "Hip
        # Seat Carrier" is a hip seat.)
        position = view.positions.get(product.id)
        return product.id in named_ids or any(
            n <= title_name(product.title)
            and (
                position is None
                or bool(view.of_kind(named[-1])[position])
                or (len(named) > 1 and set(named) <= _title_words(product))
            )
            for n, named in zip(nouns, kinds, strict=True)
        )

    lead = next((p for p in matches if is_asked(p)), None)
    if lead is None and kinds:
        # No title has every noun of it: one named by its last word leads ("white dinner
        # plates": the porcelain plate, not the takoyaki grill beside it).
        lead = next((p for p in matches if any(k[-1] in title_name(p.title) for k in kinds)), None)
    if understanding.intent == "browse" and lead is not None:
        # The best match of the kind asked, by name, leads: beside it, only that kind or its
        # category ("need a gyuto": not the matcha set nearly as close; "big stainless pot
        # for soup, has to work on induction": not the induction cooktop; "bass guitars for
        # a kid": not the 3/4 classical guitar before them).
        matches = [
            p for p in matches if p.category == lead.category or is_asked(p) or p.id in title_ids
        ]  # fmt: skip
    # What the thing is for weighs or measures round ("my 10kg dog", "chest is 60cm").
    bodies = borne(without_budget(asked))
    if understanding.intent == "browse":
        # What a request asks for beside its kind; a product it names by name stays.
        one = title_ids if len(title_ids) == 1 else ()
        # (What the message says it should be, beside what the request refined had: "corded is
        # fine" after "need a saw".)
        wants = list(dict.fromkeys([*must_have(text), *must_have(asked)]))
        matches = having_most(
            view, matches, wants, described(text), keep=one,
            heads={view.spelled(k[-1]) or k[-1] for k in kinds},
        )  # fmt: skip
        # "something not too long": the fewest pages first, when all say how many.
        matches = shortest_first(asked, matches)
        # Of the category of what the shopper has and says is wrong, the others first ("my
        # suede boots got soaked, how do i protect them": the spray, before the suede hiker
        # whose title calls it no boot).
        matches.sort(key=lambda p: p.category.casefold() in troubles)
        # What its own text says it is not for goes last ("grinder for espresso": not the blade
        # grinder "we do not recommend for espresso").
        if purposes := asked_purposes(asked):
            matches.sort(key=functools.partial(_not_for, view, purposes))
        # "bed for a big dog, like 40kg": those whose text says they take it first ("up to
        # 45kg"). The others keep their order: "lead for a 30kg dog", the one lead "for dogs up
        # to 25kg" is still the lead, with its limit quoted; not a harness that says none.
        if bodies:
            matches.sort(key=lambda p: bears(p, bodies) is not True)
        if theirs_named and not (
            remembered and matches
            and matches[0].category in {view.products[i].category for i in theirs_named}
        ):  # fmt: skip
            # "memory cards for aurex ax-500": those that fit it first (what a later request
            # is for too, unless it asks for another of its kind).
            matches = fitting_first(view, matches, theirs_named, asked)[:k]
    # (Not the budget: "max 450 000 Ft" is no size of 0 ft.)
    # (Nor what the thing is for weighs or measures round: "harness, chest is 60cm" is no bed
    # 60cm across.)
    sizes = [
        size for size in asked_sizes(without_budget(asked))
        if size.said not in {body.said for body in bodies}
    ] if understanding.intent == "browse" and matches else []  # fmt: skip
    if (
        not sizes and follow_up and topic and understanding.intent == "browse" and matches
        and not (REJECT.search(asked) or SIMILAR.search(asked))
    ):  # fmt: skip
        # "not leather pls" after "a comfy 3 seater couch" (not "i have korvan, anything
        # similar?" after "a 50mm lens").
        sizes = asked_sizes(topic)
    # "an 85 inch tv or bigger": those of that size; none at all is none the shop has.
    matches, unsized = of_size(view, matches, sizes, filters, k, title_ids)
    unhanded = False
    if understanding.intent == "browse" and matches and not unsized and not title_ids:
        matches, unhanded = handed(view, matches, asked, filters, k)
    # "is the black hinata rice cooker available", "the sora 26cm pan": one sold in the
    # options the message names comes first.
    sold_in = {p.id: max((v.named_in(asked) for v in p.variants), default=0) for p in matches}
    if any(sold_in.values()):
        # (One sold only so says it in its title: "Indoor Wall Paint, Sheen 5, White" is as
        # white as the outdoor paint sold in White, for "white paint for the bedroom walls".)
        values = {o for p in matches for v in p.variants for o in v.options.values()}
        asked_for = [value for value in values if names_any([value], asked)]
        for p in matches:
            sold_in[p.id] = max(sold_in[p.id], sum(names_any([v], p.title) for v in asked_for))
        matches.sort(key=lambda p: -sold_in[p.id])
    dearest = max((p.price for p in last_shown), default=None)
    if (
        follow_up and dearest is not None and not profile.cheap_first
        and (raised := parse_budget(asked)[1]) is not None and raised > dearest
    ):  # fmt: skip
        # "fine, up to 2000 then": what the higher budget buys that the lower one did not.
        matches.sort(key=lambda p: p.price <= dearest)
    if profile.cheap_first:
        # The cheapest of the kind asked first ("cheap sleeping bag": the bags, then the liner
        # whose title also says "sleeping bag").
        # (By either of its names: "tshirts" are the tees and the t-shirts.)
        called = kind_called(view, kinds[0]) if kinds else set()
        # (And of those, the ones titled with every word of it: "tennis bracelet not too
        # expensive", the tennis bracelets before a cheaper charm bracelet.)
        every = {view.spelled(w) or w for w in kinds[0]} if kinds else set()
        matches.sort(
            key=lambda p: (
                bool(called) and view.kind_words.get(p.id) not in called,
                not every <= _title_words(p),
                p.price,
            )
        )
    young = {p.id for p in matches if p.id not in title_ids and for_children(p)}
    if (
        understanding.intent == "browse" and profile.age_months is None and young
        and (2 * len(young) < len(matches) or GROWN_UP.search(f"{asked} {topic or ''}"))
        and not sizes and not child_said(asked) and not (topic and child_said(topic))
    ):  # fmt: skip
        # "cheap sleeping bag for summer camping on the coast": a grown-up's, before the
        # kids' one that is cheapest, when no child is spoken of (and the kind is not mostly
        # children's, as in a baby shop, unless a grown-up is: "hiking boots for men", then
        # "any cheaper?"; a size asked picks by itself: "1/4 size guitar?").
        matches.sort(key=lambda p: p.id in young)
    if (
        (most := PRICE_MOST.search(asked)) and matches and kinds
        and understanding.intent in ("browse", "price_stock")
    ):  # fmt: skip
        # "whats the cheapest knife you sell": of all of that kind the shop has (those close in
        # meaning, of the best match's category), not only the few closest.
        dear = most[1].casefold() in DEAREST
        same = replace(filters, category=matches[0].category)
        phrase = " ".join(kinds[0])  # the kind alone, not a request it follows up
        phrased = search.embed([phrase])[0]
        of_kind = [h.product for h in search.search(phrase, phrased, same, len(view.order))]
        # Of those, the ones whose text has every word describing the kind ("the cheapest solid
        # top acoustic": a "solid spruce top"), when any has.
        words = {view.spelled(w) or w for w in kinds[0][:-1]} & view.text_df.keys()
        described_so = [p for p in of_kind if words <= _said(view, p)]
        of_kind = described_so or of_kind
        # Not what goes with the kind ("cheapest stroller": not the rain cover that "fits
        # most single prams and strollers", of the same category and cheaper).
        called = kind_called(view, kinds[0])
        of_kind = [p for p in of_kind if not goes_with_only(view, p, called)] or of_kind
        matches = sorted(of_kind, key=lambda p: -p.price if dear else p.price)[:k]
    elif (
        most and not kinds and not by_title and not follow_up and not last_shown
        and understanding.intent == "browse"
    ):  # fmt: skip
        # "whats the most expensive thing you sell", "your most premium stuff, at least 1000
        # kc": of all the shop has, within the filters.
        dear = most[1].casefold() in DEAREST
        passing = [p for p in view.products.values() if filters.passes(p)]
        matches = sorted(passing, key=lambda p: -p.price if dear else p.price)[:k]
        relevant = bool(matches)
    if filters.exclude_terms:
        # "a string trimmer, no batteries": one whose text has batteries comes after the rest;
        # "tea for kids, no caffeine": one whose text says it is caffeine-free before them.
        # ("Caffeine-free", tagged "caffeine free": free of it, however it also says it.)
        free = {p.id for p in matches if free_of(view, p, filters.exclude_terms)}
        matches.sort(
            key=lambda p: (
                p.id not in free and mentions(view, p, filters.exclude_terms),
                p.id not in free,
            )
        )
    subject = list(last_shown)
    shown = set(profile.shown)
    by_place = True
    if ORDINAL.search(text) and profile.topic and (said := named_in(view, profile.topic)):
        # "the second one" after "torn between the s-classic and the heritage hb": in the
        # order the shopper named them; not knowing all of them, by no place at all.
        by_place = len(said) > 1
        subject = said + [p for p in subject if p not in said] if by_place else subject
    before = [view.products[i] for i in profile.seen if i in view.products and i not in shown]
    pointed = shown_before(before, subject, text) or referred(
        subject, NOT_THE_ONE.sub(" ", text), by_place=by_place,
        own=NOT_THE_ONE.sub(" ", asked) if follow_up else None,
        topic=profile.topic if follow_up else None,
    )  # fmt: skip
    beside = None if pointed else sibling(view, subject, text)
    if (
        pointed is None
        and beside is None
        and not by_title
        and understanding.intent in ("price_stock", "product_question")
        and not IT_FITS.search(asked)  # "does it fit on the duna bracelet": "it" is asked about
    ):
        beside = called_otherwise(search, subject, asked, topic)
    if pointed := pointed or beside:
        subject = [pointed] + [p for p in subject if p is not pointed]

    def prefer(product: Product) -> int:
        # The one discussed, then one sold in the options named ("the black hinata rice
        # cooker"), then one that passes the filters.
        sold = any(v.named_in(asked) for v in product.variants)
        return 4 * (product.id in shown) + 2 * sold + filters.passes(product)

    if understanding.intent == "compare":
        # Those its own words name ("kona or flowe, which is cheaper" after "i have a kettle
        # and a scale"), else those of the request it refines.
        # Those shown before the last answer count too ("the duo or the pro", the pro shown
        # two answers back).
        before = [view.products[i] for i in profile.seen if i in view.products]
        among = [*last_shown, *(p for p in before if p not in last_shown)]
        named = named_in(view, asked, prefer, among=among)
        if len(named) < 2 and text != asked:
            named = named_in(view, text, prefer)
    else:
        # Not the shopper's own, named after "for": "screen protector for korvan z-70".
        # What the message itself names before what the request it refines named ("is the
        # duo in stock" after "upgrading from my corsa mini, ...").
        own = view.named(asked, prefer=prefer) if follow_up else []
        if follow_up and not own and pointed is not None:
            # "256gb pro one in stock?" after "memory cards for aurex ax-500": the Pro card
            # shown, not the camera the request named.
            own = [pointed]
        if follow_up and not own and last_shown and understanding.intent != "browse":
            # "ok whats the price and is it in stock" after "need a portrait lens for my
            # korvan z-70" and a lens shown: the lens, not the camera the request named.
            named = []
        else:
            named = [p for p in own or view.named(text, prefer=prefer) if p.id not in aimed]
    if (
        understanding.intent == "product_question" and last_shown
        and (it := IT_FITS.search(asked)) and not SHOW_ONE.search(asked)
    ):  # fmt: skip
        # "will it fit z-40" after the battery grip: the grip is asked about; the camera named
        # is what it must fit. (One named before "it" is it: "the dripper, does it need
        # special filters".)
        before_it = {p.id for p in view.named(asked[: it.start()])}
        named = [p for p in named if p in last_shown or p.id in before_it]
    if len(named) > 1 and (aside := accessories(named, asked)):
        named = [p for p in named if p.id not in aside] + [
            p for p in named if p.id in aside
        ]  # fmt: skip
    if beside is not None:  # "the rinse one": that one, not the one shown
        named = [beside] + [p for p in named if p is not beside]
    if pointed is not None and by_place and ORDINAL.search(text):
        named = [pointed]  # "the first one": that one, whatever else its words name
    elif (
        named and last_shown and not any(p in last_shown for p in named)
        and (thing := THE_THING.search(asked))
        and (picked := _pick(last_shown, thing[1].lower().split())) is not None
    ):  # fmt: skip
        # "fine, the stovetop thing then. how much" after a moka pot whose text says
        # "stovetop": that one, not the stovetop kettle no answer showed.
        named = [picked, *named]
    unknown: str | None = None
    closest: list[Product] = []
    if unsized:
        unknown, closest, matches = " ".join(size.said for size in sizes), matches, []
    elif unhanded:
        unknown, closest, matches = "left-handed", matches, []
    elif (
        understanding.intent == "browse" and not by_title and kinds
        and (whom := unserved(view, asked))
    ):  # fmt: skip
        # "kids winter jacket for my son, hes 6", "shampoo for my puppy": the shop has nothing
        # for such; the closest shown as such.
        unknown, closest, matches = f"{' '.join(kinds[0])} for {whom}", matches, []
    elif (
        understanding.intent in ("browse", "product_question", "price_stock")
        and not by_title and not follow_up
    ):  # fmt: skip
        # (A verb and what it does is no kind: "what else makes coffee without a stove".)
        things = [kind for kind in kinds if not a_doing(asked, kind)]
        if missing := missing_kind(search, things, filters, later=later_kinds(affirmed_ask)):
            unknown, closest = missing
            # Beside a kind not carried, only what is close in meaning stands in for it.
            near = {h.product.id for h in hits if h.score >= search.min_relevance}
            matches = [p for p in matches if p.id in near or p.id in title_ids]
    nearest = []
    budget = profile.max_price is not None or profile.min_price is not None
    if (
        budget and matches and understanding.intent == "browse" and not title_ids and not unknown
        and (exact := titled_kind(view, kinds, matches))
    ):  # fmt: skip
        # "a sushi knife under 15000 yen": the one knife tagged "sushi knife" is over the
        # budget; the other knives under it say nothing of sushi.
        unpriced = filters.without_price()
        over = [view.products[i] for i in exact if unpriced.passes(view.products[i])]
        if over and not any(filters.passes(p) for p in over):
            matches, nearest = [], sorted(over, key=lambda p: p.price)[:1]
    if (
        understanding.intent == "browse" and matches and not title_ids and not unknown
        and (made := made_of(asked))
        and not any(set(made) <= _said(view, p) for p in matches)
    ):  # fmt: skip
        # "anything in real gold?" after men's bracelets under 80,000, none of them gold: the
        # gold ones of that kind, those within the budget, else the nearest over it.
        made_kind = profile.category or matches[0].category
        unpriced = filters.without_price()
        made_so = sorted(
            (p for p in view.products.values()
             if p.category == made_kind and unpriced.passes(p) and set(made) <= _said(view, p)),
            key=lambda p: p.price,
        )  # fmt: skip
        if made_so:
            fitting = [p for p in made_so if filters.passes(p)]
            matches, nearest = (fitting[:k], []) if fitting else ([], made_so[:1])
    if (
        not matches and (budget or filters.on_sale) and understanding.intent == "browse"
        and not category and not by_title and not (asked_kinds(text) if follow_up else kinds)
    ):  # fmt: skip
        # "anything under 10 dollars?", "a gift under 30 for a friend", "anything on sale?":
        # a budget and no kind of product; what it buys, a few kinds, the most it buys first.
        matches = within_budget(view, filters, k)
    no_limit = understanding.intent == "browse" and NO_LIMIT.search(asked) is not None
    if (
        understanding.intent == "browse" and not category and not by_title and not unknown
        and (filters.age_months is not None or no_limit)
        and not (asked_kinds(text) if follow_up else kinds)
    ):  # fmt: skip
        # Whose age it is for, and no kind of product ("a gift for a 5 year old who is
        # football mad", "around 40 quid for a 5 year old, any ideas"): beside what the words
        # matched, the best of all that fits, however far in meaning; with money no object,
        # the most it buys, a few kinds. (A budget alone is no reason: "up to 60, I want a
        # really good night cream" names a kind the rules may not see.)
        if no_limit:
            fitting = within_budget(view, filters, 3 * k)
            if (months := filters.age_months) is not None:  # made for that age, not only suiting
                fitting.sort(key=lambda p: not made_for(p, months))
            matches = fitting[:k]
        elif len(matches) < k:
            fitting = [h.product for h in search.search(text, vector, filters, k, floor=0.0)]
            have = {p.id for p in matches}
            matches += [p for p in fitting if p.id not in have][: k - len(matches)]
    elif no_limit:
        matches.sort(key=lambda p: -p.price)  # "a tent, money no object": the dearest first
    if not matches and not nearest and on_topic and profile.category and budget:
        # In the category, the cheapest that fits is a match; else the cheapest is the nearest.
        matches = view.cheapest(filters, k)
        nearest = [] if matches else view.cheapest(filters.without_price(), 1)
    # "jigsaw for my dad, he's into geography": a kind the catalog's titles name, so shopping,
    # whatever the rest sounds like.
    # (What it rules out counts: "tomato plants, not seeds" is about the shop's seeds.)
    carried = any(view.names_kind(kind[-1]) for kind in asked_kinds(asked))
    if understanding.fixing:  # "how do i fix my soundbar": the shop's matter if it has soundbars
        carried = carried or any(view.names([thing]) for thing in understanding.fixing)
    if (age := filters.age_months) is not None:  # made for that age first, then what suits it
        matches = sorted(matches, key=lambda p: not made_for(p, age))
    if said_not := find_brands(asked, view.brands)[1]:
        # "wireless earbuds, not aurevo", "not the lumaro, whats the next best": a brand the
        # message rules out is not the product it names, nor the one it is about.
        def kept(product: Product) -> bool:
            return not any(brand_of(product, brand) for brand in said_not)

        named, subject = [p for p in named if kept(p)], [p for p in subject if kept(p)]
        pointed = pointed if pointed is not None and kept(pointed) else None
    if understanding.intent == "browse" and (matches or profile.category):
        # "what else do u actually have in an 8", "slippers for my husband, uk 11": only those
        # to be had in that size (one the request refines said counts: "anything else in his
        # size"), and what the message names by title; those shown before first, as the best
        # for what was asked.
        again = follow_up or SIZE_REFERRED.search(asked)
        sized = [without_budget(asked)] + ([without_budget(topic)] if topic and again else [])
        matches = in_size(
            search, matches, sized, text, vector, filters, k, profile.seen, title_ids,
            profile.category,
        )  # fmt: skip
    found = Found(matches, named, subject, nearest, relevant, unknown, closest, carried, pointed)
    if understanding.intent in ("price_stock", "product_question") and (about := named or subject):
        # "do you have the sentinel in a 10?" and it is sold out in 10: one like it that is not.
        found.instead = size_instead(view, about[0], without_budget(asked), filters, profile.seen)
    if (
        understanding.intent == "browse" and not matches and not unknown
        and soft_floor(given_profile) and soft_floor(profile)
    ):  # fmt: skip
        # "around 100 ezer" and nothing between 80,000 and 100,000: what it buys below that
        # (a gift of 74,900 is "around" enough), not "nothing fits".
        unfloored = given_profile.model_copy(update={"min_price": None})
        return retrieve(
            search, given_text, given_vector, understanding, unfloored, k=k, named=given_named
        )
    return profile, found


# A grown-up the goods are for: "hiking boots for men", "a watch for my husband".
GROWN_UP = re.compile(
    r"\b(?:men|mens|men's|women|womens|women's|ladies|gents|husband|wife|hubby|boyfriend"
    r"|girlfriend|dad|mum|mom|father|mother|grandpa|grandma|granny|grandad)\b",
    re.I,
)
# A size said before, referred to: "anything else in his size", "same size pls".
SIZE_REFERRED = re.compile(r"\b(?:his|her|my|their|your|our|the same|same|that|this) size\b", re.I)
# Goods asked for a child: "kids winter jacket", "a toddler's raincoat", "children's wellies".
CHILD_ASKED = re.compile(r"\b(kids?|kid's|kids'|child's|children'?s|toddlers?'?s?|baby's)\b", re.I)
# Goods asked for a pet: "shampoo for my puppy", "a bed for our two cats", "dog shampoo".
_PET = rf"(?:{PETS}|pups?)"
PET_ASKED = re.compile(
    rf"\b(?:for|to) (?:my|our|the|a|an|his|her|their)(?: [\w']+)?(?: [\w']+)? {_PET}"
    r"(?![\w-]|'s? \w*(?:loving|lover)| (?:riding|walker|walking|sitter|lover|owner|mad"
    r"|obsessed|person|people))"
    rf"|^\W*(?:(?:a|an|some|any)\s+)?{_PET}\s+(?!(?:lover|owner|person|people)\b)\w+",
    re.I,
)


def unserved(view: CatalogView, text: str) -> str | None:
    """Whom a request is for, when no product of the shop is for such: "a child" ("kids
    winter jacket", said in its opening words; not "a lamp for my kids room"), "a pet"
    ("shampoo for my puppy")."""
    # The message first: the catalog is read once per snapshot, and only when asked.
    if CHILD_ASKED.search(GOODS_BREAK.split(text, maxsplit=1)[0]) and not view.for_children:
        return "a child"
    if PET_ASKED.search(text) and not view.for_animals:
        return "a pet"
    return None


def doer(view: CatalogView, verb: str) -> str | None:
    """The name of what does the doing, where the catalog's titles name products so: "drive", a
    driver; "grind", a grinder; "trim", a trimmer."""
    return next((name for name in doers(verb) if view.headed.get(name)), None)


def doers(verb: str) -> tuple[str, ...]:
    """What does the doing of a verb, by its name: "charger", "driver", "trimmer"."""
    return (f"{verb}r", f"{verb}er", f"{verb}{verb[-1:]}er")


# "which camera has a headphone jack", "what lens is best for birds": a kind asked by its word
# (the word a product's name ends in; not "what steel is it").
WHICH_KIND = re.compile(
    r"\b(?:which|what)\s+([a-z][\w-]*)\s+(?:has|have|is|are|comes?|can|does|do|would|should"
    r"|will)\b",
    re.I,
)
# "will it fit z-40", "does this one work with my ax-500", "does it come with a rain cover":
# the product shown is asked about.
IT_FITS = re.compile(
    r"\b(?:will|would|does|do|can|could|is|are)\s+(?:it|they|this|that|these|those)"
    r"(?:\s+ones?)?\s+(?:fit|fits|work|works|go|mount|attach|be\s+compatible|compatible|suit"
    r"|come\s+with|include|have|take|need|hold|use)\b",
    re.I,
)
# "does it come with a rain cover? if not show me one": the cover is asked for too.
SHOW_ONE = re.compile(
    r"\b(?:if not|otherwise)\b.*\b(?:show|find|recommend|suggest|get|need)\b", re.I
)
# "do you have those", "can i buy them here", "ok got any?": asked of something named before.
THOSE_ASKED = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|and|great|cool|right|nice|alright|perfect)\W+)*"
    r"(?:(?:do|does|can|could) (?:you|u|ya|i|we) (?:have|sell|stock|carry|get|buy|order)"
    r"|where (?:can|do|could) (?:i|we) (?:get|buy|find)|(?:have you|you) got|got)"
    r" (?:those|them|these|any|some)(?: (?:here|too|as well|from you|at all|then))?\W*$",
    re.I,
)
# What a product was asked to need ("does the flowe dripper need special filters", "what
# batteries does it take"): the words of that kind.
NEEDED = re.compile(
    r"\b(?:needs?|takes?|uses?|requires?|comes? with|works? with)\s+"
    r"(?:(?:a|an|any|its own|their own|separate|extra)\s+)*([a-z0-9][\w\s-]*)"
    r"|\b(?:what|which)\s+(?:kind of\s+|type of\s+|sort of\s+)?([a-z][a-z-]*)\s+(?:does|do)"
    r"\s+(?:it|they|the\s+[\w\s-]+?)\s+(?:need|take|use|require)\b",
    re.I,
)


def needed_kind(question: str) -> str | None:
    """The kind a question asked whether a product needs: "special filters" of "does the flowe
    dripper need special filters"; None when it asked no such thing."""
    if (match := NEEDED.search(question)) is None:
        return None
    kinds = asked_kinds(match[1] or match[2])
    return " ".join(kinds[0]) if kinds else None


# "ok which cover" (fits it): the kind a question asks for, just before what it goes with.
WHICH_BEFORE = re.compile(r"\b(?:which|what)\s+((?:[\w-]+\s+){0,2}[\w-]+)\s*$", re.I)
FOR_IT = re.compile(
    r"\b(?:for|with|to fit|fits?|goes with) (?:it|them|this|that|these|those)\b(?! (?:one|ones)\b)",
    re.I,
)
TARGET_END = re.compile(
    r"[,.;:!?]|\b(?:but|so|because|if|under|below|less|over|more|around|about|up|within"
    r"|budget|max|at|than)\b",
    re.I,
)
# What the shopper says they have: "i have korvan z-70", "we own the ...", "i shoot on ...".
HAS = re.compile(
    r"\b(?:i|we)\s+(?:(?:already\s+)?(?:have|own|got)|shoot\s+(?:on|with)|use)\s+"
    r"(?:(?:a|an|the|my|our)\s+)?",
    re.I,
)
# A thing asked for one the shopper has: "battery for my voltra 40v hedge trimmer".
FOR_THEIRS = re.compile(r"\b(?:for|fits?|to fit)\s+(?:my|our)\b", re.I)
# What the shopper calls theirs, up to where the sentence goes on: "my brasa stove and a gas".
MINE = re.compile(r"(?<!for )(?<!fit )(?<!fits )(?<!with )\b(?:my|our)\s+", re.I)
MINE_END = re.compile(
    rf"{TARGET_END.pattern}|\b(?:and|or|that|which|can|could|will|would|is|are|fits?|to|in|on|with)\b",
    re.I,
)
FOR_TARGET = re.compile(r"\b(?:for|fits?|to fit|compatible with|works? with|goes with)\b", re.I)


# Measuring the products shown against something: "anything bigger than 27 inch?".
COMPARED = re.compile(
    r"\b(bigger|larger|smaller|longer|shorter|lighter|heavier|taller|wider|narrower|thinner"
    r"|thicker|faster|slower|stronger|quieter|louder|more|less|fewer|than)\b",
    re.I,
)


def of_whole_kind(view: CatalogView, kind: Sequence[str], category: str) -> bool:
    """Whether a product of the category has every word of the kind in its text."""
    return any(
        product.category == category and set(kind) <= set(view.said[product.id])
        for product in view.products.values()
    )


def kind_in(view: CatalogView, category: str, heads: Collection[str]) -> bool:
    """Whether products of the category are named by one of the words (title, type, tags)."""
    return any(
        view.products[view.order[i]].category == category
        for word in heads for i in view.named_by.get(word, ())
    )  # fmt: skip


def aimed_at(view: CatalogView, text: str, named: Sequence[Product]) -> frozenset[str]:
    """The products a request names only as what the thing it asks for goes with ("memory
    cards for the aurex ax-500", "a lens for my veltra vx-10"): named after "for" and the
    like, which follow the kind asked."""
    aimed: set[str] = set()
    for marker in FOR_TARGET.finditer(text):
        head = text[: marker.start()]
        kinds = asked_kinds(head)
        # (Or the kind a question asks for: "which gas do i need for the brasa", though the
        # whole message names nothing by title.)
        asked_which = not kinds and bool(kinds := which_kinds(head))
        if kinds:
            # What follows up to a stop ("for less than 100 euro? filter coffee is fine").
            target, after = _named_after(view, text, marker)
            before = {p.id for p in view.named(head)}
            among = named or ([view.products[i] for i in sorted(after)] if asked_which else [])
            # Not one of the kind asked ("case for iphone 15": the case for one is a case; a
            # camera "with 18-55mm lens kit" is no lens).
            heads = {kind[-1] for kind in kinds}
            aimed.update(
                p.id for p in among
                if p.id in after and p.id not in before and not heads & title_name(p.title)
            )  # fmt: skip
    for marker in itertools.chain(HAS.finditer(text), MINE.finditer(text)):
        # "i have korvan z-70, which lens should i buy": the camera is theirs; the lens is asked
        # ("pot that my brasa stove and a gas can fit inside": the pot).
        target, after = _named_after(
            view, text, marker, MINE_END if marker.re is MINE else TARGET_END
        )
        rest = f"{text[: marker.start()]}, {text[marker.end() + len(target) :]}"
        if after and (kinds := asked_kinds(rest) or which_kinds(rest)):
            heads = {kind[-1] for kind in kinds}
            aimed.update(
                p.id for p in named if p.id in after and not heads & title_name(p.title)
            )  # fmt: skip
    return frozenset(aimed)


# What a thing is for: "grinder for espresso", "a pan for induction hobs".
PURPOSE = re.compile(
    r"\bfor\s+((?:(?!(?:under|below|around|max|budget|with|but|and)\b)[\w'-]+\s*){1,3})", re.I
)
# What a thing must be able to do: "a drill that can do concrete walls", "a saw that will cut
# metal".
CAN_DO = re.compile(
    r"\b(?:that|which|to)\s+(?:can|could|will|would)\s+(?:(?:do|handle|take|cut|drill|go\s+through"
    r"|work\s+(?:on|with|in))\s+)((?:(?!(?:under|below|around|max|budget|with|but|and|no|not|for"
    r"|pls|please)\b)[\w'-]+\s*){1,3})",
    re.I,
)
UPGRADE = re.compile(
    r"\b(?:upgrad(?:e|ing)|moving up|switching|stepping up|step up)\s+from\s+"
    r"(?:(?:my|our|the|a|an)\s+)?",
    re.I,
)


# A spec a description states as "Key: value" ("Card slots: 2x SD UHS-II. Battery: Veltra
# NP-VX."), as exports write a product's spec list.
SPEC = re.compile(r"(?:^|(?<=[.;!?]\s))[A-Z][\w /&'()-]{1,30}?:\s+(.+?)(?=\.\s+[A-Z]|\.?$|;)")


def spec_values(product: Product) -> list[str]:
    """What a product's specs state: its attributes' text values (not its kind's or brand's:
    type, tags, vendor) and its description's "Key: value" lines."""
    values = [
        v for k, v in product.attributes.items()
        if isinstance(v, str) and k.casefold().replace(" ", "_") not in (*KIND_KEYS, *BRAND_KEYS)
    ]  # fmt: skip
    return values + [m[1] for m in SPEC.finditer(product.description)]


# Where a message's parts meet: "something to put flowers in, bday present for my mum".
PARTS = re.compile(r"[,;:!?]+|\.(?:\s|$)|\s[-–]\s")


def fitting_first(
    view: CatalogView, products: Sequence[Product], theirs: Collection[str], asked: str
) -> list[Product]:
    """The products asked for to go with what the shopper has ("memory cards for aurex
    ax-500"), those that fit it first: whose text names it ("Compatible with: Veltra VX-30"),
    then those whose text has every rarer word of one of its specs (its card slots' "2x SD
    UHS-II", a lens's "Veltra VL-mount"), and last those that name only other products they
    go with ("for cameras like the Korvan Z-70 and Z-90"). Otherwise in the order given."""
    common = max(2, len(view.order) // 4)  # in this many products' text, a word is no spec's
    asked_words = set(keywords(asked))
    theirs_codes = {code for code, ids in view.coded.items() if ids & set(theirs)}
    specs = [
        frozenset(
            w for w in keywords(value)
            if view.text_df[w] <= common and w not in asked_words
            and any(c.isalpha() for c in w) and not MEASURE.fullmatch(w)
        )
        for i in theirs for value in spec_values(view.products[i])
    ]  # fmt: skip
    specs = [spec for spec in specs if spec]

    def rank(product: Product) -> tuple[bool, bool, bool]:
        said = set(view.said[product.id])
        codes = {w.replace("-", "") for w in said} & view.coded.keys()
        others = (i for code in codes - theirs_codes for i in view.coded[code] - {product.id})
        fits = any(spec <= said for spec in specs)
        return (
            not codes & theirs_codes,
            not fits,
            not fits and any(view.products[i].category != product.category for i in others),
        )

    return sorted(products, key=rank)


def upgraded_from(view: CatalogView, text: str, named: Sequence[Product]) -> frozenset[str]:
    """The products the message names as what the shopper moves on from ("upgrading from my
    corsa mini, want something that can steam and brew at once")."""
    found: set[str] = set()
    for marker in UPGRADE.finditer(text):
        _, after = _named_after(view, text, marker)
        found.update(p.id for p in named if p.id in after)
    return frozenset(found)


def _named_after(
    view: CatalogView, text: str, marker: re.Match[str], end: re.Pattern[str] = TARGET_END
) -> tuple[str, set[str]]:
    """The words after a marker up to a stop ("for less than 100 euro? filter coffee is
    fine": "less"), and the ids of the products they name."""
    target = end.split(text[marker.end() :], maxsplit=1)[0]
    # ("my brasa stove": said as theirs, a word is a name, as "the brasa" is.)
    said = f"the {target}" if marker.re is MINE else target
    return target, {p.id for p in view.named(said)} if target.strip() else set()


def each_kind(
    search: HybridSearch, kinds: Sequence[Sequence[str]], filters: Filters, k: int
) -> list[Product]:
    """For a request of two or three kinds of product, each the name of products the shop has
    ("a scarf or a warm hat"): those of each kind closest to its words, taken in turn; [] for
    one kind, or one the shop has none of. The filters' category is the one talked of: of a
    kind it has, only those are taken ("a roller and some tape" for painting: the masking tape,
    not the tape measure), and the other kinds come from any category."""
    view = search.view
    heads = [kind[-1] for kind in kinds]
    if not 2 <= len(set(heads)) <= 3 or not all(view.kind_heads.get(h) for h in heads):
        return []
    sets = [view.kind_heads[h] for h in dict.fromkeys(heads)]
    if any(len(a & b) * 2 > min(len(a), len(b)) for a, b in itertools.combinations(sets, 2)):
        return []  # one kind by two names: "arts and crafts"
    found: list[list[Product]] = []
    phrases = [" ".join(kind) for kind in kinds]
    for kind, phrase, vector in zip(kinds, phrases, search.embed(phrases), strict=True):
        of_kind = {view.order[i] for i in view.kind_heads[kind[-1]]}
        hits = search.search(phrase, vector, replace(filters, category=None), k, floor=0.0)
        kind_found = [h.product for h in hits if h.product.id in of_kind]
        found.append([p for p in kind_found if p.category == filters.category] or kind_found)
    if not all(found):
        return []
    taken: list[Product] = []
    for product in itertools.chain.from_iterable(itertools.zip_longest(*found)):
        if product is not None and product not in taken:
            taken.append(product)
    return taken[:k]


def of_kind_named(
    search: HybridSearch,
    hits: Sequence[SearchHit],
    kinds: Sequence[Sequence[str]],
    filters: Filters,
    text: str,
    vector: Sequence[float],
    k: int,
) -> list[SearchHit]:
    """When the hits include what goes with a kind asked ("Replacement Lid for 24cm Donabe")
    and none the kind's name names ("Iga-yaki Donabe Clay Pot"): the products that pass the
    filters whose title's name has the kind's word, the closest in meaning first; else []."""
    view = search.view
    wanted = {kind[-1] for kind in kinds}
    titles = [fitted_to(h.product.title) for h in hits]
    if any(name & wanted for name, _ in titles) or not any(fits & wanted for _, fits in titles):
        return []
    have = {h.product.id for h in hits}
    named = {
        int(position): product for word in wanted for position in view.by_word.get(word, ())
        if (product := view.products[view.order[position]]).id not in have
        and word in fitted_to(product.title)[0] and filters.passes(product)
    }  # fmt: skip
    # Those with more of the request's words first ("for nabe nights": the one whose text
    # says nabe), then the closest in meaning.
    matched = dict(view.keyword_search(text, 3 * search.depth))
    query = np.asarray(vector, dtype=np.float32)
    embedded = view.vectors is not None and len(view.vectors) == len(view.order)
    scored = [
        SearchHit(p, float(view.vectors[at] @ query) if embedded else 0.0)  # type: ignore[index]
        for at, p in named.items()
    ]  # fmt: skip
    return sorted(scored, key=lambda h: (-matched.get(h.product.id, 0.0), -h.score))[:k]


def of_kind_missed(
    search: HybridSearch,
    hits: Sequence[SearchHit],
    kinds: Sequence[Sequence[str]],
    filters: Filters,
    text: str,
    vector: Sequence[float],
    k: int,
) -> list[SearchHit]:
    """When a request opens with one kind of product, which the shop has by that name, and
    none of the hits is of it: those of it that pass the filters, the closest in meaning to
    the whole request first, of any category; else []."""
    view = search.view
    heads = {view.spelled(kind[-1]) or kind[-1] for kind in kinds}
    if len(heads) != 1:
        return []
    head = heads.pop()
    of_kind = {
        pid for i in view.kind_heads.get(head, ())
        if view.kind_words.get(pid := view.order[i]) == head
        or head in title_name(view.products[pid].title)
    }  # fmt: skip
    if not of_kind or any(h.product.id in of_kind for h in hits):
        return []
    # (Of any category: "stove" and "gas" read as the stoves' one.)
    return closest_anywhere(search, text, vector, filters, lambda p: p.id in of_kind)[:k]


def closest_anywhere(
    search: HybridSearch,
    text: str,
    vector: Sequence[float],
    filters: Filters,
    keep: Callable[[Product], bool],
) -> list[SearchHit]:
    """Of every product that passes the filters but their category, those `keep` keeps, the
    closest to the request first, however far in meaning."""
    everywhere = replace(filters, category=None)
    found = search.search(text, vector, everywhere, len(search.view.order), floor=0.0)
    return [h for h in found if keep(h.product)]


def of_kind_first(
    search: HybridSearch,
    hits: Sequence[SearchHit],
    kinds: Sequence[Sequence[str]],
    filters: Filters,
    text: str,
    vector: Sequence[float],
) -> list[SearchHit]:
    """The hits of the kind asked before those whose titles have its word only to say what
    they go with: of the kind, a product its title calls so, or one its category names the
    kind of and its title calls by another of the category's names ("Loppa City Compact
    Stroller" in "Prams & Strollers", for a pram). When no hit is of the kind and some only go
    with it ("Loppa Pram Rain Cover"): those of the kind in their categories that pass the
    filters, however far in meaning, first, and those that go with it last. Else the hits as
    they were."""
    view = search.view
    heads = {view.spelled(kind[-1]) or kind[-1] for kind in kinds}

    def of_kind(product: Product) -> bool:
        word = view.kind_words.get(product.id)
        nouns = category_nouns(product.category)
        return word in heads or (word in nouns and bool(heads & nouns))

    aside = {
        h.product.id for h in hits
        if heads & title_name(h.product.title) and not of_kind(h.product)
        and goes_with(h.product, heads)
    }  # fmt: skip
    if not aside or any(of_kind(h.product) for h in hits):
        return list(hits)
    around = {view.products[i].category for i in aside}
    found = closest_anywhere(
        search, text, vector, filters, lambda p: p.category in around and of_kind(p)
    )
    if not found:
        return list(hits)
    hits = found[: search.depth] + list(hits)
    return [h for h in hits if h.product.id not in aside] + [
        h for h in hits if h.product.id in aside
    ]


def kind_called(view: CatalogView, kind: Sequence[str]) -> set[str]:
    """The names of a kind asked: its last word as the catalog spells it, and the other names
    of the same goods ("tshirt": the tees and the t-shirts)."""
    head = view.spelled(kind[-1]) or kind[-1]
    return {head, *SAME_GOODS.get(head, ())}


def kind_names(product: Product, heads: Collection[str]) -> set[str]:
    """The names of a kind, with every name the product's category has for it where the
    category is of that kind ("Prams & Strollers": pram and stroller)."""
    nouns = category_nouns(product.category)
    return set(heads) | (nouns if nouns & set(heads) else set())


def goes_with(product: Product, heads: Collection[str]) -> bool:
    """Whether a product's text says it is for a kind: "fits most single prams", "Fits
    strollers and seat units" (by any name its category has for the kind)."""
    return any(
        re.search(rf"\b(?:for|fits?|fitting)\s+(?:[\w'-]+\s+){{0,3}}{re.escape(word)}"
                  rf"(?:e?s)?\b", product.description, re.I)
        for word in kind_names(product, heads)
    )  # fmt: skip


def goes_with_only(view: CatalogView, product: Product, called: Collection[str]) -> bool:
    """Whether a product's title names the kind (by any of its names, `called`) only as what
    it goes with: "Loppa Universal Pram Rain Cover", a cover whose text says it fits prams."""
    names = kind_names(product, called)
    return (
        bool(names & title_name(product.title)) and view.kind_words.get(product.id) not in names
        and goes_with(product, called)
    )  # fmt: skip


def accessories(products: Sequence[Product], text: str) -> set[str]:
    """Of the products, those the message's words name only as what they go with ("Saya Cover
    for 210mm Gyuto" for "need a gyuto"), when another is named by them as what it is.
    The words: the kinds a request asks for, else all its keywords ("is the hinata rice cooker
    in stock?")."""
    wanted = {kind[-1] for kind in asked_kinds(text)} or {
        w for w in keywords(text) if w not in FILLER and not w.isdigit()
    }
    titles = {p.id: fitted_to(p.title) for p in products}
    if not any(name & wanted for name, _ in titles.values()):
        return set()
    return {i for i, (name, fits) in titles.items() if fits & wanted and not name & wanted}


def _sold_in(product: Product, text: str, filters: Filters) -> bool:
    """Whether it is sold in a size the text names, at a price the budget reaches."""
    return any(v.size_named(text) and filters.price_passes(v.price) for v in product.variants)


def in_stock_in(product: Product, text: str, filters: Filters) -> bool:
    """Whether a size the text names is to be had: a variant of it in stock, at a price the
    budget reaches (not the TV's 65" at 1,699 under 1,500)."""
    return product.in_stock and any(
        v.size_named(text) and v.in_stock and filters.price_passes(v.price)
        for v in product.variants
    )


def in_size(
    search: HybridSearch,
    matches: list[Product],
    said: Sequence[str],
    query: str,
    vector: Sequence[float],
    filters: Filters,
    k: int,
    seen: Sequence[str] = (),
    keep: Collection[str] = (),
    category: str | None = None,
) -> list[Product]:
    """The matches sold in a size the first of the texts that names one names ("an 8", "uk
    11", "kids 12": a variant's size option, in its sizing system or a range of it, "XL (UK
    10-11)"), and those sold in no sizes, in their order; those not sold in it left out, as
    are those sold out in it when only what is in stock is asked for (`filters.in_stock`:
    "what else do u actually have in an 8"). Where none left is in stock in it, those of
    their categories that are follow: those `seen` before first, then as `query` finds them.
    Those to `keep` (named by title) stay. Where none is to be had in it, one shown before
    that is, though ruled out with the others shown. A size none of those is sold in changes
    nothing."""
    view = search.view
    # (Most requests name no size the catalog has: nothing to read product by product.)
    said = [text for text in said if names_any(view.sizes, text)]
    if not said:
        return matches
    # (None left: of the kind asked before.)
    kinds = {p.category for p in matches} or ({category} if category else set())
    pool = [p for p in view.products.values() if p.category in kinds and filters.passes(p)]
    # Shown before and ruled out with the rest ("sold out? anything else in his size"): still
    # the one to be had in that size, when nothing else is.
    again = replace(filters, exclude_ids=frozenset())
    before = [view.products[i] for i in seen if i in view.products]
    before = [p for p in before if p.category in kinds and again.passes(p) and p not in pool]
    for text in said:
        if not any(_sold_in(p, text, filters) for p in pool + before):
            continue  # no size of these: "a tent for 2"
        stocked = {p.id for p in pool if in_stock_in(p, text, filters)}
        if not matches or not stocked:
            # (Nothing left of the kind asked: only one shown before, not another search.)
            stocked = {p.id for p in before if in_stock_in(p, text, filters)}
            if not matches and not stocked:
                return matches
        kept = [
            p for p in matches
            if p.id in keep or p.id in stocked
            or (_sold_in(p, text, filters) and not filters.in_stock)
            or all(v.size_named(text) is None for v in p.variants)  # sold in no sizes
        ]  # fmt: skip
        if stocked and not any(p.id in stocked for p in kept):
            ranked = search.search(query, vector, filters, max(k, 4 * len(stocked)))
            more = [view.products[i] for i in seen if i in stocked]
            more += [h.product for h in ranked if h.product.id in stocked and h.product not in more]
            more += sorted(
                (view.products[i] for i in stocked if i not in {p.id for p in more}),
                key=lambda p: p.price,
            )
            kept += [p for p in more if p not in kept]
        return kept[:k] or matches
    return matches


def asked_again(view: CatalogView, word: str, text: str) -> bool:
    """Whether the text asks for the kind the word (as the catalog spells it) names."""
    return any((view.spelled(kind[-1]) or kind[-1]) == word for kind in asked_kinds(text))


# Words that say a description is of what goes with a thing, not of the thing.
_GOES = frozenset("for with your any most fits fit inside into in of to on".split())


def called_so(description: str, word: str) -> bool:
    """Whether a description opens by calling its product the word's kind: "Waterproof suede
    hiking boots; ..." is boots; "Dries wet boots overnight" and "Merino socks for boots" are
    not."""
    first = re.split(r"[.;:!?]", description, maxsplit=1)[0]
    match = re.match(rf"\s*((?:[\w'-]+\s+){{0,4}}?){re.escape(word)}(?:s|es)?\b", first, re.I)
    if match is None:
        return False
    lead = [w.lower() for w in match[1].split()]
    if any(w in _GOES for w in lead):
        return False
    # Not a verb's third person first ("Dries", "Keeps", "Restores").
    return not (lead and lead[0].endswith("s") and "VERB" in getAllLemmas(lead[0]))


def size_instead(
    view: CatalogView, one: Product, text: str, filters: Filters, seen: Sequence[str] = ()
) -> list[Product]:
    """When a question about one product sold in sizes asks for a size the catalog sells, said
    as a size ("in uk 8", "size 10", "in an 8"), and that product is not to be had in it (sold
    out in it, or not made in it): the others of its category in stock in that size that pass
    the shopper's filters (the budget, what was ruled out), those `seen` before first, then
    those nearest its price. [] otherwise."""
    if not (one.variants and one.category and SIZE_SAID.search(text)):
        return []
    if not names_any(view.sizes, text) or not any(v.sizes for v in one.variants):
        return []
    if in_stock_in(one, text, filters.without_price()):
        return []
    kept = replace(filters, category=None, in_stock=None)
    pool = [
        p for p in view.products.values()
        if p.category == one.category and p.id != one.id and kept.passes(p)
        and in_stock_in(p, text, kept)
    ]  # fmt: skip
    place = {pid: at for at, pid in enumerate(seen)}
    return sorted(pool, key=lambda p: (place.get(p.id, len(place)), abs(p.price - one.price)))


# A size said as one: "size 10", "uk 8", "kids 12", "in an 8", "in 10.5", "in xl" (not "8 km",
# "my 8 year old", "in 8 colours").
SIZE_SAID = re.compile(
    r"\b(?:sizes?|sz)\b|\b(?:uk|us|eu|eur|fr|it|jp|au|kids?|youth|toddler|junior|mens|womens)\s*"
    r"\d|\bin\s+(?:an?\s+)?(?:\d+(?:[.,]5)?|xxs|xs|s|m|l|xl|xxl|xxxl|\dxl)\b(?!\s*(?:km|kg|g|cm|mm"
    r"|m|l|ml|years?|yrs?|months?|colou?rs?|pieces?|pcs|packs?|mins?|minutes?|hours?|days?|weeks?"
    r"|percent|%)\b)",
    re.I,
)


def of_size(
    view: CatalogView,
    matches: list[Product],
    sizes: Sequence[Size],
    filters: Filters,
    k: int,
    named: Collection[str] = (),
) -> tuple[list[Product], bool]:
    """The matches that state the sizes asked for (one of just that size first), then those
    that state no such measure; those of another size left out (unless `named` by the
    message), others of the same categories that state it in their place. A size sold only in
    an option the budget does not reach is not that size. When every match states another
    size: the products of their categories that pass the filters and have the size; (the
    matches, True) when none has."""
    if not sizes:
        return matches, False

    def measures_of(product: Product) -> dict[str, list[Stated]]:
        measures = view.measures.get(product.id)  # a product newer than the snapshot: read here
        return measures if measures is not None else stated(product)

    def lacks(products: Iterable[Product]) -> bool:
        """Whether the products state counts of the sizes' kinds, and none the one asked."""
        listed = [(p, measures_of(p)) for p in products]
        return any(m.get(size.kind) for _, m in listed for size in sizes) and not any(
            meets(p, size, m) for p, m in listed for size in sizes
        )

    if all(size.kind in COUNTS for size in sizes) and not any(
        meets(view.products[i], size, measures_of(view.products[i])) is None
        for i in named if i in view.products for size in sizes
    ):  # fmt: skip
        # A count that the kinds found, or the whole catalog, state others of and never this
        # one: "strings for my seven string" where the string sets say 6 and 4 strings, "a 12
        # string acoustic" in a shop whose texts say 4, 5, 6 and 7, whatever its guitars say.
        kinds = {p.category for p in matches}
        if lacks(p for p in view.products.values() if p.category in kinds) or lacks(
            view.products.values()
        ):
            # The closest: of the kinds found, those whose count is nearest ("1/4 size": the
            # 1/2, then the 3/4), then the matches.
            def off(product: Product) -> float:
                return min(
                    abs(value.low - size.low) / size.low
                    for size in sizes for value in measures_of(product).get(size.kind, ())
                )  # fmt: skip

            stating = [
                p for p in view.products.values()
                if p.category in kinds and filters.passes(p)
                and any(measures_of(p).get(size.kind) for size in sizes)
            ]  # fmt: skip
            nearest = sorted(stating, key=off)
            return [*nearest, *(p for p in matches if p not in nearest)][:k], True

    def verdict(product: Product) -> bool | None:
        if product.id in named:
            return True
        measures = measures_of(product)
        said = [meets(product, size, measures) for size in sizes]
        if False in said or True not in said:
            return False if False in said else None
        # Sold in that size only at a price the budget does not reach: the TV's 65" option at
        # 1699, though its 55" is within "under 1500".
        sized = [
            v for v in product.variants
            if True in (meets(product, size, measured(", ".join(v.options.values())))
                        for size in sizes)
        ]  # fmt: skip
        return not sized or any(filters.price_passes(v.price) for v in sized)

    def exactly(product: Product) -> bool:
        return any(meets(product, size, measures_of(product), exactly=True) for size in sizes)

    judged = [(p, verdict(p)) for p in matches]
    if all(v is None for _, v in judged):
        return matches, False
    if any(v for _, v in judged):
        sized = [p for p, v in judged if v]
        unstated = [p for p, v in judged if v is None]
        if False in (v for _, v in judged) and len(sized) + len(unstated) < k:
            # In place of those of another size, others of the same kinds that have it ("a
            # tripod that holds 5kg": the one the search put fifth, for the mini one left out).
            have, kinds = {p.id for p in matches}, {p.category for p in sized}
            sized += itertools.islice(
                (p for p in view.products.values()
                 if p.category in kinds and p.id not in have and filters.passes(p)
                 and verdict(p)),
                k - len(sized) - len(unstated),
            )  # fmt: skip
        # One of just that size before one whose range takes it in: the 50mm lens, then the
        # 18-50mm zoom.
        return sorted(sized, key=lambda p: not exactly(p)) + unstated, False
    if any(v is None for _, v in judged):
        return [p for p, v in judged if v is None], False
    kinds = {p.category for p in matches}
    wider = list(itertools.islice(
        (p for p in view.products.values()
         if p.category in kinds and filters.passes(p) and verdict(p)),
        k,
    ))  # fmt: skip
    return (wider, False) if wider else (matches, True)


# Made for the left hand: a guitar, scissors, a golf club, a mouse. Every shop that sells such
# things says so in their text.
LEFT_HANDED = re.compile(r"\bleft[\s-]?hand(?:ed|ers?)?\b|\blefty\b|\blefties?\b", re.I)
# "Edge: single bevel, right-handed only (left-handed made to order)".
RIGHT_ONLY = re.compile(r"\bright[\s-]?hand(?:ed)?\s+only\b|\bonly for right", re.I)
NOT_LEFT = re.compile(
    r"\b(?:not|no|isn'?t|never)\s+(?:a\s+|for\s+)?(?:left[\s-]?hand|lefty|leftie)", re.I
)


def handed(
    view: CatalogView, matches: list[Product], asked: str, filters: Filters, k: int
) -> tuple[list[Product], bool]:
    """For a left-handed request ("left handed bass?"), the left-handed matches, else the
    left-handed products of the matches' kinds; (the matches, True) when the shop sells
    left-handed things but none of these kinds. The matches when it sells none at all (its
    texts may not say)."""
    if not LEFT_HANDED.search(asked) or NOT_LEFT.search(asked):
        return matches, False

    def left(product: Product) -> bool:
        text = f"{product.title}. {document_text(product)}"
        return LEFT_HANDED.search(text) is not None and not RIGHT_ONLY.search(text)

    lefties = [p for p in view.products.values() if left(p)]  # each product's text read once
    if not lefties:
        return matches, False
    # The matches' kinds, and every kind the word asked heads ("left handed guitars": the
    # electric ones too, though the acoustic ones were found).
    found = {p.category for p in matches}
    headed = {c for kind in asked_kinds(asked) for c in view.categories_headed(kind[-1])}
    anywhere = replace(filters, category=None)
    left_ids, matched = {p.id for p in lefties}, {p.id for p in matches}
    lefts = [p for p in matches if p.id in left_ids] + [
        p for p in lefties
        if p.id not in matched and (
            (p.category in found and filters.passes(p))
            or (p.category in headed and anywhere.passes(p))
        )
    ]  # fmt: skip
    return (lefts[:k], False) if lefts else (matches, True)


def mentions(view: CatalogView, product: Product, terms: Sequence[Sequence[str]]) -> bool:
    """Whether the product's text, less what it denies, has every word of one of the terms."""
    text = _said(view, product)
    return any(text.issuperset(term) for term in terms)


def free_of(view: CatalogView, product: Product, terms: Sequence[Sequence[str]]) -> bool:
    """Whether the product's text says it is without one of the terms ("caffeine-free", "no
    batteries needed")."""
    text = _said(view, product)
    return any(all(MARK + word in text for word in term) for term in terms)


def _said(view: CatalogView, product: Product) -> set[str]:
    said = view.said.get(product.id)  # a product newer than the snapshot is read here
    return set(said if said is not None else product_words(product))


def described(text: str) -> list[tuple[str, ...]]:
    """The describing words before the kind a request names ("over-ear headphones",
    "backpacking tent", "wireless earbuds", "trail running vest": the sport it is for, too),
    each a term a product's text may have."""
    found: list[tuple[str, ...]] = []
    for kind in asked_kinds(unmarked(without_denied(text))):
        for word in kind[:-1]:
            if word.endswith("-free"):  # "bpa-free": texts say "BPA free", "free from BPA"
                found.append((MARK + word.removesuffix("-free"),))
            elif "-" in word or names_a_kind(word) is False or word in ACTIVITIES:
                found.append((word,))
    return found


def having_most(
    view: CatalogView,
    products: list[Product],
    wants: Sequence[Sequence[str]],
    described: Sequence[Sequence[str]] = (),
    keep: Collection[str] = (),
    heads: Collection[str] = (),
) -> list[Product]:
    """Of the products, those whose text has the most of what the shopper wants, when some have
    any: what they must have ("headphones with noise cancelling": not the ones without) and
    the words that describe the kind (`described`: "over-ear headphones", not earbuds);
    `keep`: the ones named; `heads`: the kind asked, whose describing words count ("camping
    chair": not by the "Camping Hammock")."""
    titles = {p.id: set(keywords(p.title)) for p in products}
    # Of the kind asked, by title or by a category the title need not say ("Canvas Low" in
    # Sneakers; "Acrylic Paint Set": paint, in a set).
    categories = {c for w in heads for c in view.categories_headed(w)}
    headed = {
        p.id for p in products
        if view.kind_words.get(p.id) in heads or p.category in categories
        or set(heads) & title_name(p.title)
    }  # fmt: skip
    # A describing word no title of them has ("a fun board game", "a comfy sofa") only ranks;
    # nor one only titles of another kind have ("whole cardamom": not the "Star anise whole";
    # "camping chair": the "Camping Hammock" is no chair). A pastime so lifts those: they go
    # after the kind asked.
    pastimes = [w for w in described if set(w) <= ACTIVITIES]
    titled = [titles[i] for i in headed] or list(titles.values())
    structural = [w for w in described if any(t.issuperset(w) for t in titled)]
    lifted = {
        p.id for p in products
        if headed and p.id not in headed and any(titles[p.id].issuperset(w) for w in pastimes)
        and not any(titles[i].issuperset(w) for i in headed for w in pastimes)
    }  # fmt: skip
    wants = [w for w in [*wants, *structural] if all(word in view.bm25.vocab_dict for word in w)]
    if len(products) < 2 or not (wants or lifted):
        return products
    counts = {}
    for product in products:
        said = _said(view, product)  # once per product, not per thing wanted
        counts[product.id] = sum(said.issuperset(w) for w in wants)
    most = max(counts.values())
    having = [p for p in products if counts[p.id] == most or p.id in keep] if most else products
    # A title that has the describing words is that kind ("Trail Running Vest"); a text that
    # has them may only go with it (a soft flask "for trail running").
    return sorted(
        having,
        key=lambda p: (p.id in lifted, -sum(titles[p.id].issuperset(w) for w in structural)),
    )


def within_budget(view: CatalogView, filters: Filters, k: int) -> list[Product]:
    """Products that pass the filters, the dearest of each category first, then the next."""
    fitting = sorted(
        (p for p in view.products.values() if filters.passes(p)), key=lambda p: (-p.price, p.title)
    )
    firsts: list[Product] = []
    rest: list[Product] = []
    seen: set[str] = set()
    for product in fitting:
        (rest if product.category in seen else firsts).append(product)
        seen.add(product.category)
    return (firsts + rest)[:k]


# Who or what does a thing, before the verb: "what else makes", "how do i make", "to make".
_DOER = r"\b(?:what|which|that|who|i|we|you|u|to|else|can|could|will|would|should|it|they)\s+"


def a_doing(text: str, kind: Sequence[str]) -> bool:
    """Whether a kind of two words read from the text is a verb and its object, said so there
    ("what else makes coffee without a stove", "how do i make coffee while camping": "make
    coffee"): what the shopper wants done, not the name of goods."""
    if len(kind) != 2 or "VERB" not in getAllLemmas(kind[0]):
        return False
    verb = kind[0]
    forms = {verb, *(form for tag in ("VBZ", "VBG") for form in getInflection(verb, tag) or ())}
    said = "|".join(map(re.escape, sorted(forms)))
    return re.search(rf"{_DOER}(?:{said})\s+{re.escape(kind[1])}", text, re.I) is not None


def missing_kind(
    search: HybridSearch,
    kinds: list[list[str]],
    filters: Filters,
    later: Sequence[Sequence[str]] = (),
) -> tuple[str, list[Product]] | None:
    """The kind of product asked for, when the catalog does not carry it (`retrieval.coverage`):
    none of the request's opening phrases names products of the catalog (`CatalogView.carries`:
    "office chair" is not the garden chair) or is close in meaning to one. With it, the
    products closest to that kind that pass the filters ("chicken coop": the rabbit hutch, not
    a dog food that shares a number with the message). `kinds`: `asked_kinds` of the
    message; `later`: its `later_kinds`, any of which the catalog names also makes it carried
    ("twins coming in august!! need a double buggy")."""
    if not kinds:
        return None
    kinds = [*kinds, *map(list, later)]
    if any(search.view.names(kind) for kind in kinds):
        return None  # the words decide most turns, without embedding the phrases
    view = search.view
    phrases = [" ".join(kind) for kind in kinds]
    # A kind whose own word no text of the catalog has, nor another spelling of it ("tea cosy"
    # in a shop of teas): that word alone decides, not the carried word before it ("tea cosy" is
    # .55 from a black tea, "cosy" .28; "wireless earphones" keeps the earbuds, at .53).
    unknown = [i for i, kind in enumerate(kinds) if _unknown_head(view, kind)]
    embedded = search.embed(phrases + [kinds[i][-1] for i in unknown])
    vectors = list(embedded[: len(kinds)])
    for at, i in enumerate(unknown):
        vectors[i] = embedded[len(kinds) + at]

    def near(kind: list[str], vector: Sequence[float]) -> bool:
        if (head := view.spelled(kind[-1])) is not None and view.only_a_property(head):
            # A word the catalog uses only for what its products take or stand ("bulbs" beside
            # lamps whose "E27 bulb, not included"): that word decides, not what is near it.
            return False
        if _another_kind(view, kind):
            return False
        # With a material, a power or a hand ("ceramic knives", "electric knife sharpener"),
        # only a product whose text states it is near enough.
        if stated := [view.states(word) for word in kind[:-1] if word in CHECKABLE]:
            floor = STATED_SIMILARITY if view.names(kind[-1:]) else KIND_SIMILARITY
            among = np.logical_and.reduce([*stated, view.of_kind(kind[-1])])
            return view.close_to(kind, vector, floor, among=among)
        return view.close_to(kind, vector, KIND_SIMILARITY, among=_standing_in(view, kind))

    if any(near(kind, vector) for kind, vector in zip(kinds, vectors, strict=True)):
        return None
    hits = search.search(phrases[0], embedded[0], filters, CLOSEST)
    # Shown as the closest only when close in meaning, not for a word shared ("bike bell": not
    # the bike lights).
    closest = [hit.product for hit in hits if hit.score >= search.min_relevance]
    # Before them, those whose text has the kind as a part ("do u have bibs": none of its own,
    # but a weaning set "... spoon and a silicone bib"); not one it is for ("microSD card for
    # action cameras, drones, phones").
    spelled = [known for word in kinds[0] if (known := view.spelled(word)) is not None]
    if len(spelled) == len(kinds[0]) and not view.only_a_property(head := spelled[-1]):
        having = np.logical_and.reduce([view.using(word) for word in spelled])
        part = re.compile(rf"{PART_BEFORE}{re.escape(head)}(?:s|es)?\b(?![\w-])", re.I)
        parts = [view.products[view.order[i]] for i in np.flatnonzero(having)]
        parts = [p for p in parts if filters.passes(p) and part.search(p.description)]
        # (At least one close in meaning stays.)
        closest = parts[: CLOSEST - 1] + [p for p in closest if p not in parts]
    return phrases[0], closest[:CLOSEST]


def titled_kind(
    view: CatalogView, kinds: Sequence[Sequence[str]], matches: Sequence[Product]
) -> frozenset[str]:
    """The products a kind of two or three words asked for names by all its words, in their
    titles, categories or tags ("sushi knife": the yanagiba tagged "sushi knife"), when its
    words before the last name nothing else and the text of none of the matches has all its
    words; else none."""
    found: set[str] = set()
    for kind in kinds:
        words = [w for w in (view.spelled(w) or w for w in kind) if w in view.named_by]
        if (
            len(kind) > 3 or len(words) < 2 or words[-1] != (view.spelled(kind[-1]) or kind[-1])
            or any(set(words) <= _said(view, p) for p in matches)
        ):  # fmt: skip
            continue
        naming = [set(view.named_by[word].tolist()) for word in words]
        having = set.intersection(*naming)
        # Each word before the kind's names only those ("dining" also names the dining tables,
        # and any chair may be one for dining).
        if all(named <= having for named in naming[:-1]):
            found.update(view.order[i] for i in having)
    return frozenset(found)


def _another_kind(view: CatalogView, kind: Sequence[str]) -> bool:
    """Whether a kind of two words is a kind of the goods its last word names that the catalog
    has none of: an English noun before it that no text of the catalog uses, in any form or
    spelling ("medicine ball" beside a massage ball, "motorcycle helmet" in a bike shop; not a
    pastime: "a hiking rucksack" is a backpack). Nearness in meaning decides nothing here:
    a massage ball is as near to "medicine ball" as a hip pack is to "fanny pack" (.53), and
    only the second is the same goods (`coverage.SAME_GOODS`)."""
    if len(kind) != 2 or not view.names_kind(view.spelled(kind[1]) or kind[1]):
        return False
    word = kind[0]
    return (
        english(word) and names_a_kind(word) is not False
        and word not in ACTIVITIES and not word.endswith("ing")  # ("a hiking rucksack")
        and _never_said(view, word)
    )  # fmt: skip


def _standing_in(view: CatalogView, kind: Sequence[str]) -> np.ndarray | None:
    """Per product (rows in `order`), whether it may stand in for a kind of two words, by being
    near it in meaning: not the goods the first word names, where the shop sells such ("sofa
    bed": no sofa; "bike lock": no bike, but a cable lock that never says bike); else, where
    the catalog names the last, one whose text has the first, where the catalog uses that word
    ("grass seed": no basil seeds). None where any may."""
    if len(kind) != 2 or (word := view.spelled(kind[0])) is None:
        return None
    mask = np.ones(len(view.order), dtype=bool)
    if heads := view.kind_heads.get(word):
        # (One whose text has the last word stays: "headlamp waterproof", a headlamp described.)
        last = view.spelled(kind[1])
        saying = view.using(last) if last is not None else np.zeros(len(view.order), dtype=bool)
        mask[[i for i in heads if not saying[i]]] = False
    elif names_a_kind(kind[0]) is not False and view.names_kind(view.spelled(kind[1]) or kind[1]):
        # (A word of goods the shop sells may go unsaid: a bike shop's lock is for bikes.)
        mask &= view.using(word) | view.labels(word)
    return mask


def _unknown_head(view: CatalogView, kind: Sequence[str]) -> bool:
    """Whether a kind of two or three words ends in a noun no text of the catalog has, nor a
    word it starts ("cam" of "camera"), nor another spelling of it; not a verb a misread
    phrase ends in ("what amp would go with it")."""
    head = kind[-1]
    return 2 <= len(kind) <= 3 and "VERB" not in getAllLemmas(head) and _never_said(view, head)


def _never_said(view: CatalogView, word: str) -> bool:
    """Whether no text of the catalog has the word, another spelling of it, or a word it
    starts ("cam" of "camera", "deck" of "decking")."""
    return view.spelled(word) is None and not any(known.startswith(word) for known in view.text_df)


THAT_ONE = re.compile(r"\s*(?:the|that|this) ([\w-]+) one\s*", re.I)


def named_in(
    view: CatalogView,
    text: str,
    prefer: Callable[[Product], int] | None = None,
    among: Sequence[Product] = (),
) -> list[Product]:
    """Each product a comparison names: the best title match of each part ("X or Y"); a part
    no title names outright, the one of those just shown (`among`) whose title has its words
    ("the duo or the pro": the Corsa Pro shown, not another pro)."""
    parts = [
        part or ""
        for part in re.split(
            r"\bor\b|\bvs\.?|\bversus\b|\band\b|,|\bcompared? (?:to|with)\b", text, flags=re.I
        )
    ]
    # "fleece lined beanie or the merino one": the one is of the kind the other part names.
    heads = [
        kinds[0][-1] for part in parts
        if not THAT_ONE.fullmatch(part) and (kinds := asked_kinds(part))
    ]  # fmt: skip
    found: list[Product] = []
    bare: list[tuple[int, str]] = []  # a part of one word that names no product by itself
    tied: list[tuple[int, list[Product]]] = []  # a part several titles name as much
    for part in parts:
        if heads and (one := THAT_ONE.fullmatch(part)):
            part = f"{one[1]} {heads[0]}"
        best = view.named(part, limit=1, prefer=prefer)
        if not best and among:
            shown = _most(list(among), functools.partial(_shares, _wanted(part)))
            best = [shown] if shown is not None else []
        best = best or _titled_alone(view, part)
        if best and best[0] not in found:
            found.append(best[0])
        elif not best and len(said := words(part)) == 1:
            bare.append((len(found), said[0]))
        elif not best and len(most := _titled_most(view, part)) > 1:
            tied.append((len(found), most))
    if len(found) == 1 and len(tied) == 1:
        # "compare the glass teapot and the cast iron one": of the titles "glass teapot" names
        # as much, the one of the other's kind (the teapot, not the "Glass tea set: teapot").
        (at, most), other = tied[0], found[0]
        kin = [p for p in most if p.category == other.category and p is not other]
        if len(kin) == 1 or (kin := _what_the_kind_is(view, kin)):
            found.insert(at, kin[0])
    if len(found) == 1 and len(bare) == 1:
        # "soprano or concert uke": a soprano one of the kind the other part names (not the
        # "Ukulele Strings - Soprano/Concert" the whole message names).
        (at, word), other = bare[0], found[0]
        kin = [
            p for p in view.products.values()
            if p.category == other.category and p is not other and word in words(p.title)
        ]  # fmt: skip
        if kin:
            # (Of those, one its category is named for: "loppa or nordlys" beside the Nordlys
            # pram, the Loppa stroller, not the "Loppa Universal Pram Rain Cover".)
            found.insert(at, (_what_the_kind_is(view, kin) or kin)[0])
    return found if len(found) >= 2 else view.named(text, prefer=prefer)


def _what_the_kind_is(view: CatalogView, products: Sequence[Product]) -> list[Product]:
    """Of products of one category, those whose title names them by a head noun of the
    category ("Prams & Strollers": the stroller, not the pram rain cover): when some are and
    some are not."""
    heads = view.heads.get(products[0].category, set()) if products else set()
    kind = [p for p in products if view.kind_words.get(p.id) in heads]
    return kind if 0 < len(kind) < len(products) else []


def asked_purposes(text: str) -> list[set[str]]:
    """What a request says the thing is for or must do, each as the words a product's text that
    denies it has (marked as denied): "grinder for espresso", and by its first word what it
    must be able to do ("a drill that can do concrete walls": not the drill driver "not for
    concrete or brick"; "a cleanser that will work on sensitive skin": not one whose text says
    "doesn't leave skin tight")."""
    # (All its words: "for oily skin" is not denied by "without leaving skin tight".)
    purposes = [{MARK + w for w in _wanted(m[1])} for m in PURPOSE.finditer(text)]
    purposes += [
        {MARK + must[0]} for m in CAN_DO.finditer(text)
        if (must := [w for w in keywords(m[1]) if w in _wanted(m[1])])
    ]  # fmt: skip
    return [p for p in purposes if p]


def over_limit(product: Product, text: str) -> set[str]:
    """The words of the limit of the product's text that what the request's thing is for is
    outside ("carrier for my 10kg dog": the carrier "for cats and small dogs up to 8kg")."""
    said = exceeded(product, borne(without_budget(text)))
    return set(keywords(said)) if said else set()


def denied_purpose(view: CatalogView, product: Product, text: str) -> set[str]:
    """The words of what the request asks the thing to be for or to do that the product's own
    text denies ("a wok that will work on induction": "not suitable for induction"), less those
    its title names it by ("a cover for my gyuto": the "Saya Cover for 210mm Gyuto" that "will
    not fit 240mm gyuto" denies nothing asked; "strings for my baritone ukulele": the ukulele
    strings "not for baritone ukuleles" deny the baritone); none when it denies none."""
    said, titled = _said(view, product), {MARK + w for w in _title_words(product)}
    for purpose in asked_purposes(text):
        if (rest := purpose - titled) and rest <= said:
            return {w.removeprefix(MARK) for w in rest}
    return set()


def _not_for(view: CatalogView, purposes: Sequence[set[str]], product: Product) -> bool:
    """Whether the product's text denies every word of one of the purposes."""
    said = _said(view, product)
    return any(purpose <= said for purpose in purposes)


def _wanted(text: str) -> set[str]:
    """The words of a text that may be in a title: not filler, not a number."""
    return {w for w in keywords(text) if w not in FILLER and not w.isdigit()}


def _shares(wanted: set[str], product: Product) -> int:
    """How many of the words its title has."""
    return len(wanted & _title_words(product))


def _titled_alone(view: CatalogView, part: str) -> list[Product]:
    """The one product whose title has the most of a part's title words, when no other has as
    many ("the robot", "the castle": words of a kind, not names, each in one title only)."""
    tied = _titled_most(view, part)
    if len(tied) > 1:
        # "kona or flowe": the dripper, not the paper filters for it ("Filters & Accessories").
        tied = [p for p in tied if not SECONDARY.search(p.category)]
    return tied if len(tied) == 1 else []


def _titled_most(view: CatalogView, part: str) -> list[Product]:
    """Those whose titles have the most of a part's title words."""
    wanted = [w for w in keywords(part) if w in view.by_word and w not in FILLER]
    counts = Counter(int(i) for w in wanted for i in view.by_word[w])
    most = max(counts.values(), default=0)
    return [view.products[view.order[i]] for i, n in counts.items() if n == most > 0]


# A category of what goes with other products: accessories, spare parts, refills.
SECONDARY = re.compile(r"accessor|\bspares?\b|\bparts\b|replacement|refill|consumable", re.I)
# Words that point back at what was just discussed: "which one fits four people?"
BACK_REFERENCE = re.compile(
    r"\b(it|its|these|those|them|they|which one|that one|this one|the same|similar|ones)\b", re.I
)


# A few words that narrow what was shown: "wireless only", "only the black ones", "just oak".
ONLY = re.compile(
    r"^\W*(?:(?:only|just)\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+)?(?:\s+ones?)?"
    r"|[\w-]+(?:\s+[\w-]+)?\s+only)\W*$",
    re.I,
)


# "one that can do espresso", "do you have ones with a timer": another of the kind asked.
ONE_THAT = re.compile(
    r"(?:^\W*|\b(?:have|want|need|got|is there|there)\s+(?:a\s+|an\s+|any\s+)?)ones?\s+"
    r"(?:that|thats|that's|which|with|without|for|in|i can|to)\b",
    re.I,
)


def describes_only(text: str, category: str) -> bool:
    """Whether a message names no kind of product, only describes one: "one that ...", or with
    only words of a category that describe its kind ("electric, 9s": Electric Guitars)."""
    if asked_kinds(text) or which_kinds(text):
        return False
    if ONE_THAT.search(text):
        return True
    said = set(keywords(text)) & set(keywords(category))
    return bool(said) and all(names_a_kind(word) is False for word in said)


# "something fruity", "a lighter one", "anything smoky?": the kind asked before, described.
ONLY_DESCRIBED = re.compile(
    r"^\W*(?:(?:and|or|so|ok|okay|hmm|maybe|then|what|how|about|got|have|you|do|is|there)\s+)*"
    r"(?:(?:something|anything|smth|sth)\s+(?:(?P<made>in|made\s+(?:of|from|in))\s+"
    r"(?!(?:the|a|an|my|our|your|his|her|their|this|that)\b))?((?:[a-z-]+\s+){0,2}[a-z-]+)"
    r"|an?\s+((?:[a-z-]+\s+){0,2}[a-z-]+)\s+ones?)"
    r"(?:\s+(?:instead|then|please|pls|maybe|perhaps|too))*\W*$",
    re.I,
)
# Degree words before what describes ("something a bit lighter"), said of no product.
_DEGREE = frozenset("a bit little more less really very quite slightly kinda somewhat".split())


def only_described(text: str) -> bool:
    """Whether a message only describes the thing it wants, by words that each describe and
    name no kind ("something fruity", "a lighter one"; not "something for kids")."""
    if (match := ONLY_DESCRIBED.match(text)) is None:
        return False
    words = [w for w in (match[2] or match[3]).lower().split() if w not in _DEGREE]
    # What it is made of or in ("anything in real gold?", "something made of leather"):
    # materials and colours, though English names them as things.
    return bool(words) and (
        match["made"] is not None or all(names_a_kind(w) is False for w in words)
    )


# Words that say how truly a thing is made of what follows: "real gold", "solid wood".
_TRULY = frozenset("real genuine solid pure proper actual 100".split())


def made_of(text: str) -> list[str]:
    """The keywords of what a follow-up asks the thing to be made of or in ("anything in real
    gold?": gold; "something made of leather": leather); [] when it asks nothing so."""
    if (match := ONLY_DESCRIBED.match(text)) is None or match["made"] is None:
        return []
    said = [w for w in keywords(match[2]) if w not in _TRULY and w not in _DEGREE]
    return [] if set(said) & _NOT_MADE else said  # "anything in stock" is no material


_NOT_MADE = frozenset("stock store shop sale budget range price total time".split())


# What the shopper lacks, said as a reason: "i dont have any batteries", "we have no garden".
NOT_HAD = re.compile(
    r"\b(?:i|we)\s+(?:(?:do\s*n[o'’]?t|dont|have\s*n[o'’]?t|havent)\s+(?:have|got|own)"
    r"(?:\s+(?:any|a|an))?|(?:have|got)\s+no)\s+[^,.;!?]*[,.;!?]?",
    re.I,
)


def lacked_aside(text: str) -> str | None:
    """The message without what the shopper says they lack, when the rest asks only for what
    the thing should be ("i dont have any batteries, corded is fine": "corded is fine"); None
    when it says nothing else ("i dont have a drill, which one should i get": a drill)."""
    if (match := NOT_HAD.search(text)) is None:
        return None
    rest = f"{text[: match.start()]} {text[match.end() :]}".strip()
    return rest if keywords(rest) and describes_wanted(rest) else None


def describes_wanted(text: str) -> bool:
    """Whether the message says what the thing should be by words that each describe, and
    names no kind: "corded is fine", "loose please", "black only"."""
    found = [m[1] for m in PREFERRED.finditer(text)]
    return bool(found) and all(
        names_a_kind(w) is False for part in found for w in part.lower().split()
    )


def refines(text: str) -> bool:
    """A message that adjusts or points back at the last request rather than starting a new one:
    a budget, "cheaper", "in stock", "something else", "which one ...?", "wireless only", what
    the shopper has already, only what the thing should be ("something fruity")."""
    if only_described(text) or describes_wanted(text):
        return True
    if FOR_WHOM.match(text) and not asked_kinds(text) and asked_age(text) is not None:
        return True  # "for a 10 year old instead", "what about for a 3 year old": the same
    patterns = (CHEAP, CHEAPER, IN_STOCK, REJECT, BACK_REFERENCE, ONLY)
    # "not a travel one" refines; "and a kettle, not glass" asks for another kind.
    ruling = bool(ruled_out(text)) and not asked_kinds(without_denied(text))
    # "oh i already have a kettle and a scale": the rest of what was asked for.
    having = bool(already_had(text)) and not asked_kinds(unowned(text))
    return any(parse_budget(text)) or any(p.search(text) for p in patterns) or ruling or having


# A message that is only whom the thing is for, said as another than before: "for a 10 year
# old instead", "what about for a 3 year old" (not "for my 5 year old?" after one product, a
# question about it).
FOR_WHOM = re.compile(
    r"^\W*(?:(?:(?:and|ok|okay|so|what|how|about|then|now|maybe|hmm|actually)\W+)+for\s[^,;.!?]*"
    r"|for\s[^,;.!?]*\b(?:instead|then|too))[.!?\s]*$",
    re.I,
)
SIMILAR = re.compile(r"\b(?:similar|alike|comparable|equivalent)\b", re.I)
# The cheapest or dearest of a kind: "whats the cheapest knife you sell", "your priciest tent".
PRICE_MOST = re.compile(
    r"\b(cheapest|least expensive|lowest[- ]priced|most affordable|most expensive|priciest"
    r"|dearest|most premium|most luxurious)\b",
    re.I,
)
DEAREST = frozenset({"most expensive", "priciest", "dearest", "most premium", "most luxurious"})


def switch_category(
    profile: ShopperProfile, category: str, text: str, ruled: Sequence[str] = ()
) -> ShopperProfile:
    """A budget belongs to a kind of product: moving to another kind without stating a new one
    drops it ("boots under $100", then "and a tent?"); so does what was ruled out."""
    if profile.category and category != profile.category:
        profile = leave_kind(profile, text, ruled)
    return profile.model_copy(update={"category": category})


def leave_kind(profile: ShopperProfile, text: str, ruled: Sequence[str] = ()) -> ShopperProfile:
    """The profile once the shopper asks for another kind: its budget goes unless stated now,
    and what was ruled out, which was of the last kind ("not a travel one"), unless said now
    (`ruled`: "and a lip balm without beeswax")."""
    changes: dict[str, object] = {"ruled_out": [t for t in profile.ruled_out if t in ruled]}
    if not any(parse_budget(text)):
        changes.update(min_price=None, max_price=None, cheap_first=False)
    return profile.model_copy(update=changes)


def another_kind(
    text: str, topic: str, names: Callable[[list[str]], bool] = lambda kind: True
) -> bool:
    """Whether a message asks for a kind of its own, not named in the request before (`topic`),
    which named one: "and a tote bag for books?" after "bookmarks under 100"; not "any trail
    ones?" (the kind before, described) nor anything after "a gift for my dad". `names`:
    whether the catalog names a kind (`CatalogView.names`), which each kind asked must."""
    if ONES.search(text) or not ADDED.search(text) or not (before := sentence_kinds(topic)):
        return False
    heads = {kind[-1] for kind in before}
    # (Not what is had, "oh i already have a kettle", nor ruled out, "not the aurevo".)
    kinds = asked_kinds(unowned(without_denied(text)))
    said = OPENERS.sub("", text.strip().lower()).split()
    if (
        kinds and said[:1] == kinds[0][:1] and said[0] in getAllLemmas(said[0]).get("VERB", ())
        and said[1:2] and said[1] in ("to", "it", "me", "up", "that", "this", "them", "us", "my")
    ):  # fmt: skip
        return False  # an order, not a kind: "ok stretch to 150 then" (not "tote bag?")
    # (Not a material or a pastime alone: "wool please", "trail running".)
    return bool(kinds) and all(
        kind[-1] not in heads and may_head(kind[-1])
        and kind[-1] not in CHECKABLE and kind[-1] not in ACTIVITIES and names(kind)
        for kind in kinds
    )  # fmt: skip


ONES = re.compile(r"\bones?\b", re.I)
# A thing asked for besides, or anew: "and a tote bag?", "a cap too", "do u sell polish" (not a
# word alone, which may be a flavour or a feature of the kind before: "chicken", "unscented").
ADDED = re.compile(
    r"^\W*(?:(?:ok|okay|oh|so|right)\W+)*(?:and|also|plus)\b|\b(?:as well|too)\W*$"
    rf"|\b(?:do|does|d'?you)\s+(?:you|u|ya)\s+(?:sell|have|stock|carry|do)\b|{LEAD_IN.pattern}",
    re.I,
)
# Words that open a turn with no request in them: "ok then", "hmm so", "and".
OPENERS = re.compile(
    r"^(?:(?:ok|okay|oh|ah|hmm+|um+|well|right|alright|then|so|and|also|actually|now)\b[\s,.!]*)+",
    re.I,
)
# Words that turn to why or how after a request: "without waking my husband", "because".
_TURN_TO = re.compile(
    r"\s(?:without|because|cause|since|so that|so|but|as|while|when|if|that|which|who)\s", re.I
)


def asked_later(text: str) -> str | None:
    """The part of a message after its first pause, when only that part names a kind ("gift for
    a baby shower, a book for a 1 year old": "a book for a 1 year old"); else None."""
    parts = re.split(r"\s*[,;:]\s*", text.strip(), maxsplit=1)
    if len(parts) == 2 and not asked_kinds(parts[0]) and asked_kinds(parts[1]):
        return parts[1]
    return None


def request_core(text: str) -> str:
    """A request without its opening words and what follows its first turn to why or how
    ("ok then a light for reading in bed without waking my husband": "a light for reading in
    bed"); the text itself when that leaves under two words."""
    core = _TURN_TO.split(OPENERS.sub("", text.strip()), maxsplit=1)[0].strip(" ,.!?")
    return core if len(core.split()) >= 2 else text


# Pointing at one product, of those shown: its words describe that one, not a kind asked for.
ONE_OF_THEM = re.compile(r"\b(the|that|this)( [\w-]+){0,2} ones?\b", re.I)
# "not the cheap one", "not that black one": one of those shown, ruled out.
NOT_THE_ONE = re.compile(
    r"\bnot (?:the|that|this) ((?:[\w-]+ ){1,2}?)(?:one|model|version|option)\b", re.I
)
# "The cheaper one", "the big one", "the cordless one": one of the products just shown, picked by
# price, by size, or by a word only its own text has.
THE_ONE = re.compile(
    r"\bthe ([\w-]+(?: [\w-]+)?) (?:one|model|version|option|bag|pack|tin|box|bottle|jar)\b",
    re.I,
)
# "ok the delay then": one by a word alone, as a choice.
THE_ALONE = re.compile(
    r"(?:^|[.,!?]\s*|\b(?:ok|okay|so|fine|then|hmm|right)\s+)the ([\w-]+)"
    r"(?=\s+then\b|\s*[.,!?]|\s*$)",
    re.I,
)
# "the first one", "the second", "the last option": one of those shown by its place.
ORDINAL = re.compile(
    r"\bthe (first|1st|second|2nd|third|3rd|fourth|4th|last)"
    r"(?: (?:one|model|option|pick)\b|(?=\s*(?:[,.?!]|$)))",  # not "the first time"
    re.I,
)
PLACES = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3,
          "4th": 3, "last": -1}  # fmt: skip
THE_MOST = re.compile(
    r"\bthe (cheaper|cheapest|pricier|priciest|dearer|more expensive|most expensive|bigger|biggest"
    r"|larger|largest|smaller|smallest)\b",
    re.I,
)
LOW_PRICE = frozenset("cheap cheaper cheapest inexpensive affordable budget".split())
HIGH_PRICE = frozenset("expensive pricier priciest dearer premium".split())
BIG = frozenset("big bigger biggest large larger largest long longer longest tall taller".split())
SMALL = frozenset(
    "small smaller smallest little slim slimmer compact mini short shorter light lighter".split()
)
# Sizes a product may be sold in, as its options or title name them.
BIG_OPTION = re.compile(r"\b(large|big|xl|xxl|x-large|king|super ?king|family|jumbo|giant)\b", re.I)
SMALL_OPTION = re.compile(r"\b(small|mini|xs|x-small|petite|compact|travel)\b", re.I)
SINGLE = frozenset("single individual solo".split())
MULTIPLE = frozenset("pack multipack multi-pack bundle twin-pack value".split())
# A title that sells several: "Smart Plug 4-Pack", "(25 pack)", "pack of 6", "Twin Pack".
PACK = re.compile(
    r"\b\d+\s?-?\s?(?:pack|pk|pcs|count|ct)\b|\b(?:pack|set|box|bundle) of \d+\b"
    r"|\b(?:multi-?pack|twin-?pack|value pack|bundle)\b",
    re.I,
)
# A size in a product's title or options: "200 L", "50 ft", "40cm", "12kg", "1.7 L".
SIZE = re.compile(
    r"(\d+(?:[.,]\d+)?)\s?(l|litres?|liters?|ml|cl|gal|gallons?|ft|feet|in|inch(?:es)?|cm|mm|m"
    r"|kg|g|lbs?|oz|qt|quarts?)\b",
    re.I,
)


def referred(
    subject: list[Product],
    text: str,
    *,
    by_place: bool = True,
    own: str | None = None,
    topic: str | None = None,
) -> Product | None:
    """The one of the products just shown that the message points at ("how much is the big
    one?"); None when it points at none, or at several. For a follow-up, `text` is the request
    it follows up (`topic`) and the message (`own`): its words pick among those of the kind the
    request asked for ("chelsea boots?", "the mens ones, can i wear them in the rain"); with
    none picked, "it" is the first shown when that is of the kind ("bookshelf pls", "does it
    have to be screwed to the wall?"), not one whose title has more of the request's other
    words ("need a usb c charger for my laptop", "can it charge my phone at the same time":
    not the "USB-C Wall Charger" shown fourth); else the words of both pick ("a band to help
    with my first pull up", "im about 180 lbs which one should i get": the pull-up band)."""
    if len(subject) < 2:
        return None
    if by_place and (place := ORDINAL.search(text)):
        at = PLACES[place.group(1).lower()]
        if at < len(subject):
            return subject[at]
    # The message's own "the X one" first: the request it follows may say others ("the
    # silver tennis bracelet and the gold one", then "ok the silver one").
    said = [
        m.group(1).lower()
        for each in ([own, text] if own else [text])
        for m in [*THE_ONE.finditer(each), *THE_MOST.finditer(each)]
    ]
    for phrase in said:
        pick = _pick(subject, phrase.split())
        if pick is not None:
            return pick
    if own is not None and topic:
        kinds = [set(kind) for kind in asked_kinds(topic)]
        of_kind = [p for p in subject if any(k <= _title_words(p) for k in kinds)]
        pointing = _pointing(own)
        if titled := _most(of_kind or subject, functools.partial(_shares, _wanted(pointing))):
            return titled
        if says := _which_says(of_kind or subject, pointing):
            return says
        if of_kind and IT.search(own):
            return subject[0] if subject[0] in of_kind else None
    # "is the wooden dog in stock?": the one whose title has the most of the message's words,
    # when no other has as many.
    # (A follow-up's request picks only among those its own words pick, or when asked which
    # to get: "mens trail runners size 8", "is the 8 in stock?" is of the first shown, not the
    # one titled "Men's".)
    text = _pointing(text) if own is None else text
    wanted, mine = _wanted(text), _wanted(_pointing(own or ""))
    by_all = own is None or WHICH_OF.search(own) is not None
    picks = any(_shares(mine, p) for p in subject)

    def score(product: Product) -> int:
        if by_all:
            return _shares(wanted, product)
        if not picks:
            return 0
        return 100 * _shares(mine, product) + _shares(wanted, product)  # the request's: ties

    if (titled := _most(subject, score)) is not None:
        return titled
    # "do u have navy in L": the one sold in the options the message names, when no other is.
    if optioned := _most(subject, lambda p: max((v.named_in(text) for v in p.variants), default=0)):
        return optioned
    return _which_says(subject, own if own is not None else text)


def _pointing(text: str) -> str:
    """The words of a message that may point at a product: not what "it" must have or fit
    ("does it come with a brush" after watercolour sets, one with a water brush: the first set
    shown, not that one)."""
    return text[: fits.start()] if (fits := IT_FITS.search(text)) else text


def _compared(word: str) -> bool:
    """Whether a word is an adjective's comparative or superlative ("lighter", "best")."""
    return any(word != base for base in getAllLemmas(word).get("ADJ", ()))


def _which_says(subject: list[Product], text: str) -> Product | None:
    """Of those shown, the one whose description says what "which" asks ("which of those can
    she shower with": "fine for showering", not "not for showering"), when no other does."""
    if not WHICH_OF.search(text) or NEGATED.search(text):
        return None  # "which one doesn't need batteries": not the one whose text says them
    # Not a comparison ("which one is lighter": no "red light").
    wanted = {w for w in _wanted(text) - SENTENCE_WORDS - AMONG if not _compared(w)}
    if not wanted:
        return None
    return _most(
        subject, lambda p: said_of(wanted, affirmed(NOT_FOR_CLAUSE.sub(" ", p.description)))
    )


# A question that denies ("which one doesn't need batteries", "which is not rechargeable").
NEGATED = re.compile(r"\b(?:not|no|never|without)\b|n'?t\b|n’t\b", re.I)
# "the stovetop thing": one shown, by a word of its text ("the main thing is...": no such).
THE_THING = re.compile(
    r"\bthe (?!(?:main|whole|same|only|last|other|first|next|real|big|little|best|worst|kind)\b)"
    r"([\w-]+) thing\b",
    re.I,
)
# Asking which of those shown does something ("which of those can she shower with", "ok which
# one is dishwasher safe"): "which" opening a question, not "my z-70 which is full frame", and
# not which size or colour to get.
WHICH_OF = re.compile(
    r"(?:\bwhich\s+(?:ones?|of)\b|(?:^|[.;:!?]\s*|\b(?:ok|okay|so|and|but|then)\s+)which\b"
    r"(?!\s+(?:size|sizes|colou?rs?|length|way)\b))",
    re.I,
)
# "not for showering or swimming": what a text says a product is not for, to its clause's end.
NOT_FOR_CLAUSE = re.compile(r"\b(?:not|never)\s+for\b(?:(?!\b(?:but|while|yet)\b)[^.;:!?,])*", re.I)
# The words that point among products and say nothing of them.
AMONG = frozenset(("both", "either"))


def called_otherwise(
    search: HybridSearch, subject: list[Product], text: str, topic: str | None = None
) -> Product | None:
    """The product the message calls by a noun no title just shown has: the one the request
    before named whose title has it ("ok and the bracelet itself in 21 cm?" after "does it fit
    on the duna bracelet" about a charm: the Duna bracelet, not the charm); else, of several
    shown, the one nearest in meaning to a noun none of their texts has ("how much is the
    bladder" after the purification tablets and the hydration reservoir: the reservoir)."""
    view = search.view
    for match in THE_WORD.finditer(text):
        word = fold(match[2].lower())
        if word in FILLER or word in STOP_WORDS or names_a_kind(word) is not True:
            continue
        if any(word in _title_words(p) for p in subject):
            return None  # one shown is so called: the words pick as words do
        said_before = set(keywords(topic or "")) - {word}
        titled = (view.products[view.order[i]] for i in view.by_word.get(word, ()))
        if said_before and len(earlier := [
            p for p in titled
            if word in (name := title_name(p.title)) and said_before & name and p not in subject
        ]) == 1:  # fmt: skip
            return earlier[0]
        if len(subject) < 2 or any(word in _said(view, p) for p in subject):
            return None
        if view.spelled(word) is not None:
            return None  # a word of the shop's picks as words do
        return view.closest_of(subject, search.embed([word])[0])
    return None


def _most(products: list[Product], score: Callable[[Product], int]) -> Product | None:
    """The product with the highest score, when it is above 0 and no other has as much."""
    ranked = sorted(((score(p), i) for i, p in enumerate(products)), reverse=True)
    if ranked and ranked[0][0] and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
        return products[ranked[0][1]]
    return None


def sibling(view: CatalogView, subject: list[Product], text: str) -> Product | None:
    """The product not shown that "the X one" (or "ok the X then") points at beside the one
    shown, by a word of its title that none shown has ("what about the rinse one" after the K2
    stonewash jeans: the K2 rinse; "ok the delay then" after the Orbit reverb pedal: the Orbit
    delay pedal): of those whose titles have the word, the one sharing most title words with
    the first shown, at least two, when no other shares as many."""
    if not subject:
        return None
    base = _title_words(subject[0])
    kind = view.kind_words.get(subject[0].id)  # its title's word for its kind
    shown = {p.id for p in subject}
    for match in [*THE_ONE.finditer(text), *THE_ALONE.finditer(text)]:
        wanted = {w for w in keywords(match.group(1)) if w not in FILLER}
        if not wanted or any(wanted <= _title_words(p) for p in subject):
            continue
        ranked = sorted(
            ((len(_title_words(p) & base), p.id) for p in view.products.values()
             if p.id not in shown and wanted <= _title_words(p)),
            reverse=True,
        )  # fmt: skip
        if ranked and ranked[0][0] >= 2 and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
            return view.products[ranked[0][1]]
        # "the krafti 18v one" after the Volterra batteries: the one product of the kind shown
        # (its title's last name word) whose title has the words.
        same_kind = [
            p for p in view.products.values()
            if p.id not in shown and wanted <= _title_words(p) and view.kind_words.get(p.id) == kind
        ]  # fmt: skip
        if kind and len(same_kind) == 1:
            return same_kind[0]
    for match in THE_ONE.finditer(text):
        # "and the 100g one, how much" after the 50 g sencha, "the 18v one": the one whose
        # title states that size and shares most title words with the first shown.
        sizes = asked_sizes(match.group(1))
        if not sizes or any(_titled_size(p, sizes) for p in subject):
            continue
        ranked = sorted(
            ((len(_title_words(p) & base), p.id) for p in view.products.values()
             if p.id not in shown and _titled_size(p, sizes)),
            reverse=True,
        )  # fmt: skip
        if not ranked and not any(_stated_size(p, sizes) for p in subject):
            # No title states it: "the 6 person one" after the Canastra 4 Family Tent, the
            # Canastra 6, whose text says "Capacity: 6 people".
            ranked = sorted(
                ((len(_title_words(p) & base), p.id) for p in view.products.values()
                 if p.id not in shown and _stated_size(p, sizes)),
                reverse=True,
            )  # fmt: skip
        if ranked and ranked[0][0] >= 2 and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
            return view.products[ranked[0][1]]
    for match in THE_PRICED.finditer(text):
        # "how much are the finger paints" after the crayons: the one product whose title has
        # every word of it, two or more, when none shown has them.
        wanted = {w for w in keywords(match.group(1)) if w not in FILLER}
        if len(wanted) < 2 or any(wanted <= _title_words(p) for p in subject):
            continue
        having = [p for p in view.products.values()
                  if p.id not in shown and wanted <= _title_words(p)]  # fmt: skip
        if len(having) == 1:
            return having[0]
    return None


def _titled_size(product: Product, sizes: Sequence[Size]) -> bool:
    """Whether the product's title states each size (the "100 g" of a "... green tea 100 g")."""
    stated_ = measured(product.title)
    return all(meets(product, size, stated_) for size in sizes)


def _stated_size(product: Product, sizes: Sequence[Size]) -> bool:
    """Whether the product's title, options or text state each size, as one value."""
    return all(meets(product, size, exactly=True) for size in sizes)


# What a price or stock question asks about: "how much are the finger paints", "is the wooden
# dog in stock", "price of the bath seat?".
THE_PRICED = re.compile(
    r"\b(?:how much (?:is|are|for)|price of|cost of|is|are|do you have|got) the "
    r"((?:[\w-]+ ){0,2}[\w-]+?)(?=\s*(?:[?.,!]|$)|\s(?:in stock|available|cost|and|then|pls"
    r"|please|still)\b)",
    re.I,
)


def shown_before(before: list[Product], shown: list[Product], text: str) -> Product | None:
    """The product an earlier answer showed that "the X one" points at, when nothing just shown
    has all its words ("ok the pre ground one" after grinders, the ground coffees shown before
    them): the first shown before whose title has those of its words such titles have, else the
    only one whose text has them all. (Not a price or a size: "the cheap one", "the small one"
    are of those just shown.)"""
    if not (before and shown):
        return None
    relative = LOW_PRICE | HIGH_PRICE | BIG | SMALL | SINGLE | MULTIPLE | FILLER
    for match in THE_ONE.finditer(text):
        wanted = {w for w in keywords(match.group(1)) if w not in relative}
        if not wanted or any(wanted <= set(keywords(document_text(p))) for p in shown):
            continue
        titled = wanted & set().union(*(_title_words(p) for p in before))
        if pick := next((p for p in before if titled and titled <= _title_words(p)), None):
            return pick
        # No title has them: the one product shown before whose text has them all ("the
        # synthetic one", a "Sintético Insulated Jacket" described as synthetic).
        described = [p for p in before if wanted <= set(keywords(document_text(p)))]
        if not titled and len(described) == 1:
            return described[0]
    return None


def _title_words(product: Product) -> set[str]:
    """A title's keywords, its hyphened words also apart ("Pull-Along": "pull", "along")."""
    return set(keywords(product.title)) | set(keywords(product.title.replace("-", " ")))


def _pick(subject: list[Product], said: list[str]) -> Product | None:
    if said[0] == "more" or said[0] == "most":
        said = said[1:] or said
    lowered = set(said)
    if lowered & LOW_PRICE:
        return min(subject, key=lambda p: p.price)
    if lowered & HIGH_PRICE:
        return max(subject, key=lambda p: p.price)
    if lowered & (BIG | SMALL):
        sizes = {id(p): _size(p) for p in subject}
        if all(size is not None for size in sizes.values()):
            kinds = {size[0] for size in sizes.values() if size is not None}
            by_size = sorted(subject, key=lambda p: sizes[id(p)] or (0, 0.0))
            if len(kinds) == 1 and sizes[id(by_size[0])] != sizes[id(by_size[-1])]:
                return by_size[-1] if lowered & BIG else by_size[0]
        elif all(size is None for size in sizes.values()) and (
            described := _described_size(subject)
        ):
            # No title states a size ("PowerCore 20000", "MagCore 10000"): one their texts
            # all state ("360 g", "230 g").
            by_size = sorted(subject, key=lambda p: described[p.id])
            return by_size[-1] if lowered & BIG else by_size[0]
        # No comparable sizes: the one sold in a size the word names ("the bigger one" beside
        # a bunny in Small and Large and a book in one size), else a word the title has ("the
        # slim one") still picks.
        named = BIG_OPTION if lowered & BIG else SMALL_OPTION
        offered = [p for p in subject if named.search(f"{p.title} {_options(p)}")]
        if len(offered) == 1:
            return offered[0]
    if lowered & (SINGLE | MULTIPLE):
        # "the single one" beside a 4-pack; "the pack" beside the single one.
        packs = [p for p in subject if PACK.search(p.title)]
        picked = packs if lowered & MULTIPLE else [p for p in subject if p not in packs]
        if len(picked) == 1 and len(subject) > 1:
            return picked[0]
    # ("the green coloured one": green.)
    wanted = [w for w in keywords(" ".join(said)) if w not in LOW_PRICE | HIGH_PRICE | HUED]
    if not wanted:
        return None
    # The first shown whose title has the words, else whose text has them.
    for text in (lambda p: p.title, document_text):
        having = [p for p in subject if all(w in words(text(p)) for w in wanted)]
        if having and len(having) < len(subject):
            return having[0]
    # Else the one with the most of them in its title or its options, when no other has as
    # many ("the green coloured one": the one sold in green).
    phrase = " ".join(said)
    return _most(
        subject,
        lambda p: len(set(wanted) & _title_words(p)) + any(v.named_in(phrase) for v in p.variants),
    )


HUED = frozenset("coloured colored colour color shade".split())


def _options(product: Product) -> str:
    """The sizes, colours and the like a product is sold in, as its variants name them."""
    return " ".join(o for v in product.variants for o in v.options.values())


# Dimensions: "200x200 cm", "155 x 220", "60×40×30 cm"; compared by their product.
DIMENSIONS = re.compile(r"\d+(?:[.,]\d+)?(?:\s?[x×]\s?\d+(?:[.,]\d+)?){1,2}", re.I)


# Which measure says how big a thing is, the surest first.
BULK = ("dimensions", "length", "volume", "weight", "charge")


def _described_size(products: list[Product]) -> dict[str, float] | None:
    """The largest of the first kind of measure every product's text states, when they are not
    all the same."""
    measures = [stated(p) for p in products]
    for kind in BULK:
        if all(kind in m for m in measures):
            size = {
                p.id: max(v.high for v in m[kind]) for p, m in zip(products, measures, strict=True)
            }
            if len(set(size.values())) == len(size):
                return size
    return None


def _size(product: Product) -> tuple[int, float] | None:
    """The largest size the title or options state: dimensions by their product, before a
    single measure in the title's own unit."""
    text = f"{product.title} {_options(product)}"
    areas = [
        math.prod(float(n.replace(",", ".")) for n in re.findall(r"\d+(?:[.,]\d+)?", match))
        for match in DIMENSIONS.findall(text)
    ]
    if areas:
        return 1, max(areas)
    # A single measure, in the first unit of its kind ("1 kg" is bigger than "500 g").
    measured = stated(product, described=False)
    for code, kind in enumerate(sorted(measured), start=2):
        if kind != "people":
            return code, max(value.high for value in measured[kind])
    found = [float(m.group(1).replace(",", ".")) for m in SIZE.finditer(text)]
    return (0, max(found)) if found else None
