"""Demand the catalog misses: what shoppers asked for that it does not hold, grouped by the
thing asked for, with counts now and in the period before."""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

# Words every shopping question has: they say nothing about what is missing.
SHOP_WORDS = {
    "anything", "available", "buy", "carry", "cheap", "cheaper", "dollar", "dollars", "euro",
    "euros", "find", "good", "got", "hello", "help", "hey", "hi", "like", "looking", "need",
    "new", "offer", "order", "please", "price", "recommend", "sale", "sell", "shop", "stock",
    "store", "thanks", "want", "best", "budget", "cost", "costs", "usd", "eur", "gbp",
}  # fmt: skip
STOP = ENGLISH_STOP_WORDS | SHOP_WORDS
WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def _tokens(text: str) -> list[str]:
    words = [w.casefold() for w in WORD.findall(text)]
    words = [
        w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w for w in words
    ]
    return [w for w in words if w not in STOP]


@dataclass
class Missed:
    term: str
    count: int
    previous: int  # in the period of the same length before
    examples: list[str]


def group(now: list[str], before: list[str], top: int = 20) -> list[Missed]:
    """Group questions by the term most of them share (a word or a two-word phrase)."""
    questions = [q for q in now + before if _tokens(q)]
    if not questions:
        return []
    vectorizer = CountVectorizer(
        tokenizer=_tokens, lowercase=False, ngram_range=(1, 2), binary=True, token_pattern=None
    )
    counts = vectorizer.fit_transform(questions)
    df = dict(zip(vectorizer.get_feature_names_out(), counts.sum(axis=0).A1, strict=True))

    def term(question: str) -> str | None:
        words = _tokens(question)
        grams = words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
        # The most shared term; a phrase wins a tie with its words ("rain jacket" > "jacket").
        return max(grams, key=lambda g: (df.get(g, 0), " " in g), default=None)

    groups: dict[str, list[str]] = defaultdict(list)
    earlier: Counter[str] = Counter()
    for question in now:
        if (found := term(question)) is not None:
            groups[found].append(question)
    for question in before:
        if (found := term(question)) is not None:
            earlier[found] += 1
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top]
    return [
        Missed(t, len(qs), earlier[t], list(dict.fromkeys(q.strip() for q in qs))[:3])
        for t, qs in ranked
    ]
