"""Words for keyword matching: lower-cased, stop words dropped, plurals folded ("boots": "boot")."""

import functools
import re
import unicodedata

from lemminflect import getAllLemmas

STOP_WORDS = frozenset(
    "a an and are as at be but by can could do does did for from get got have has i i'm in is it"
    " its me my of on or our please show some tell that the their them there these this those to"
    " us was we what which with would you your any anything something need want looking look"
    " like just one ones much how is are will shop sell store buy about hi hello hey smth sth"
    " somethin anythin".split()
)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
# Letters that do not decompose into a plain one and an accent.
_PLAIN = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ð": "d",
                        "þ": "th", "ı": "i"})  # fmt: skip


def plain(text: str) -> str:
    """Lower-cased, without accents: "Kåsa", "Café Crème" are written "kasa", "cafe creme"."""
    return unaccented(text.lower().translate(_PLAIN))


def unaccented(text: str) -> str:
    """The text without accents, its case kept: "Bükk" is "Bukk", a name as a capital marks it."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Words in "s" that are no plural, which English's word lists do not know as nouns.
_SINGULAR = frozenset(("christmas", "xmas", "news"))


@functools.lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """A plural fold that is right for shop words in English: boots, dresses, batteries, hoodies
    (and "hoodie" with them: "hoody"); and, where English knows the noun, lenses, knives and
    shelves, with "lens", "gas" and "canvas" left as they are."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ie"):
        # Its plural folds to "-y" ("hoodies", "takkies"), so the word does too: "hoodie" is
        # the "hoodies" a shopper asks for.
        return word[:-2] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        if word in _SINGULAR:
            return word
        nouns = getAllLemmas(word, upos="NOUN").get("NOUN", ())
        if word.endswith("ses") and word[:-2] in nouns:
            return word[:-2]  # "lenses", "buses" (not "cases")
        if word.endswith("ves") and (
            lemma := next((n for n in nouns if n[-1] in "fe" and n[-2:] != "ve"), None)
        ):
            return lemma  # "knives", "shelves", "leaves"
        if word in nouns and not getAllLemmas(word[:-1]):
            return word  # a noun in the singular: "lens", "gas", "canvas", "series"
        return word[:-1]
    return word


@functools.cache
def manner(word: str) -> bool:
    """Whether a lower-case word is an adverb of -ly that says how, no noun: "properly",
    "wirelessly" (of the adjective "wireless"); not "jelly", "lily", "weekly"."""
    if not word.endswith("ly") or len(word) < 5:
        return False
    lemmas = getAllLemmas(word)
    return "NOUN" not in lemmas and ("ADV" in lemmas or "ADJ" in getAllLemmas(word[:-2]))


# Dimensions written apart or together are one word: "160 x 200 cm" and "160x200".
_DIMENSIONS = re.compile(r"(?<![\w.])(\d+)\s*[x×*]\s*(?=\d)", re.I)


def words(text: str) -> list[str]:
    """Every word, folded, stop words kept (titles need them to match exactly); a possessive
    is its noun ("Dragon's Hoard" is named by "dragons hoard"); dimensions one word
    ("160 x 200": "160x200")."""
    return [fold(w) for w in _unfolded(text)]


# An initialism's plural, as written: "TVs", "PCs" ("tv", "pc"; not "abs", "pls").
_INITIALISMS = re.compile(r"\b([A-Z]{2,})s\b")


def _unfolded(text: str) -> list[str]:
    text = _INITIALISMS.sub(r"\1", text)
    found = _WORD.findall(_DIMENSIONS.sub(r"\1x", plain(text).replace("’", "'")))
    return [w[:-2] if w.endswith("'s") else w for w in found]


def keywords(text: str) -> list[str]:
    """The words without stop words, before or after folding ("does" is no "doe")."""
    return [
        folded for w in _unfolded(text)
        if w not in STOP_WORDS and (folded := fold(w)) not in STOP_WORDS
    ]  # fmt: skip
