"""What a request asks a product to have, and what a text says a thing is not or has not.

"Headphones with noise cancelling", "it must be over-ear": `must_have` gives the words a
product's text should have, which retrieval prefers when some of the matches have them and
others do not.

Denials: "without noise cancelling", "no batteries to charge", "charger not included", "not a
travel one".
A product described "without noise cancelling" is not a match for "noise cancelling", and a
shopper who asks for "a yoga mat, not a travel one" has ruled travel mats out. Keyword search
counts words, so both would match the very thing they deny. `affirmed` marks the denied words of
a product's text ("sans-noise"), which then match a request that denies them too; `ruled_out`
gives what a shopper's request rules out, as the keywords a product's title must not all have.

A denial reaches to the end of its phrase: a comma or other stop, "and", "but", "with", "or"
(which in "no nuts or soy" carries the denial on), at most four words; a list ending in "or"
carries it too ("without nuts, soy or gluten").
"""

import functools
import re
from collections.abc import Collection

from retrieval.coverage import FILLER, GOES_WRONG, asked_kinds, names_a_kind
from retrieval.text import keywords, manner

# "no more than $65", "no rush", "not sure", "not too loud", "without breaking the bank", "not a
# fan of", "no just the tent", "money no object", "no limit": a budget, a manner of speaking or a
# degree, not a thing ruled out.
_NOT_A_THING = (
    r"more|less|higher|lower|longer|later|earlier|cheaper|dearer|bigger|smaller|over|above"
    r"|under|below|much|many|matter|idea|clue|rush|hurry|worries|worry|problem|problems|thanks"
    r"|thank|sure|really|quite|exactly|necessarily|yet|too|so|very|that|this|it|one|ones|rule"
    r"|way|doubt|kidding|joke|offence|offense|need|fuss|i|i'm|im|you|we|they|he|she|thats"
    r"|that's|its|it's|what|which|how|why|when|where|if|there|here|now|today|offers?|a|an|the"
    r"|some|any|just|only|actually|wonder|compromise|my|your|our|his|her|their|breaking|fan"
    r"|keen|pressure|right|gift|cheap|expensive|pricey|fussed|bothered|bad|good|great|problem"
    r"|object|objection|limit|limits|budget|biggie|deal"
    r"|\w+er\s+than"
    # "without waking my husband", "without disturbing anyone": what is not done, not a thing
    r"|(?:wak|waken|disturb|bother|annoy|distract)ing\s+(?:up\s+)?(?:my|his|her|our|their|your"
    r"|him|them|us|me|anyone|anybody|someone|everyone|the)"
)
# What rules something out in a request: "not a travel one", "no batteries", "without a lid",
# "don't want anything pink", "free from parabens", "any colour except yellow", "something
# instead of retinol", "allergic to latex", "can't use fragrance". ("no" takes no
# article: "no the blue one" answers a question.)
_ARTICLE = r"(?:\s+(?:a|an|the|any)\b)?"
_RULES_OUT = (
    rf"(?:no|(?:without|not|nor|free\s+(?:of|from)|don't\s+want|dont\s+want|do\s+not\s+want"
    rf"|except(?:\s+for)?|anything\s+but|other\s+than|apart\s+from|instead\s+of"
    rf"|(?:an\s+)?alternative\s+to|(?:stop|stopped|quit)\s+using|allergic\s+to"
    # "we're breastfeeding so skip bottles", "pls skip the bibs" (not "a skip rope")
    rf"|(?:(?<=so )|(?<=, )|(?<=please )|(?<=pls )|(?<=\. )|(?<=^))skip"
    rf"|(?:can'?t|cannot|can\s+not)\s+(?:use|have|stand|tolerate)|(?:sick|tired)\s+of"
    rf"|fed\s+up\s+with|(?:don'?t|do\s+not)\s+want\s+to\s+(?:deal|bother|mess)\s+with"
    # "smth to sweeten my tea that isnt honey"
    rf"|(?:that|which)\s+(?:isn'?t|is\s+not|aren'?t|are\s+not|ain'?t)){_ARTICLE})"
)
# What only says a thing is not needed: dropped from the search, not ruled out.
_NOT_NEEDED = (
    r"(?:(?:doesn'?t|does\s+not|don'?t|do\s+not|won'?t|will\s+not)\s+(?:need|have\s+to\s+have"
    r"|require|care\s+about|mind)(?:\s+(?:a|an|the|any)\b)?|not\s+(?:fussed|bothered)\s+about)"
)
_STOP = (
    r"[,.;:!?()\[\]/\"]|\b(?:and|but|with|while|so|yet|though|although|because|if|for|to|in|on"
    r"|at|as|than|about|under|below|around|between|max|please|pls|plz|that|which|who)\b"
)
_SCOPE = rf"((?:(?!{_STOP})[\w'’-]+\s*){{1,4}})"
RULED = re.compile(rf"(?<![\w'-]){_RULES_OUT}\s+(?!(?:{_NOT_A_THING})(?![\w'’-])){_SCOPE}", re.I)
UNNEEDED = re.compile(rf"(?<![\w'-]){_NOT_NEEDED}\s+{_SCOPE}", re.I)
# What a product does not do or is not: "leaves no white cast" is denied by "no", "doesn't
# leave a white cast" here.
DENIES = re.compile(
    rf"(?<![\w'-])(?:doesn'?t|does\s+not|won'?t|will\s+not|didn'?t|isn'?t|is\s+not|aren'?t"
    rf"|are\s+not|never)(?:\s+(?:a|an|the|any)\b)?\s+(?!(?:{_NOT_A_THING})(?![\w'’-])){_SCOPE}",
    re.I,
)
# What a product is not for: "not recommended for espresso", "we do not recommend it for
# espresso or pour-over", "not suitable for induction", "unsuitable for dishwashers".
# (Bare too, after a dash or a stop: "No hammer function – not for concrete or brick"; and
# what it is done in: "not suitable for drilling in concrete".)
_FOR_SCOPE = rf"((?:(?!{_STOP.replace('|in|on|', '|')})[\w'’-]+\s*){{1,4}})"
NOT_FOR = re.compile(
    r"(?<![\w'-])(?:(?:not|never|isn'?t|aren'?t)\s+(?:really\s+)?(?:recommended|suitable|suited"
    r"|designed|made|meant|ideal|intended)|unsuitable|(?:do|does|don'?t|doesn'?t)\s+(?:not\s+)?"
    r"recommend\s+(?:it|them|this|these)|(?:^|(?<=[.;:!–—-])|(?<=[.;:!–—-]\s))not)"
    rf"\s+for\s+(?:an?\s+|the\s+)?{_FOR_SCOPE}",
    re.I,
)
# "fragrance-free", "oil-free": no fragrance, no oil ("cruelty-free" too, harmlessly).
FREE_OF = re.compile(r"(?<![\w'-])([a-z]+)(?:-|\s)free(?![\w'-])", re.I)  # "plastic free" too
# "charger not included", "(umbrella not included)", "batteries sold separately".
LEFT_OUT = re.compile(
    r"(?<![\w'’-])((?:[\w'’-]+\s+){0,2}[\w'’-]+)\s+(?:(?:is|are)\s+)?(?:not\s+included|sold\s+separately"
    r"|not\s+supplied|not\s+provided)\b",
    re.I,
)


MARK = "sans-"  # a denied word: "sans-battery" (not "no-", which shoppers write: "no-slip")


def _marked(match: re.Match[str], kept: Collection[str] = ()) -> str:
    denied = (
        w if w.startswith(MARK) or w in kept else MARK + w for w in keywords(match.group(1))
    )  # fmt: skip
    return " " + " ".join(dict.fromkeys(denied)) + " "


# "a bubble machine that doesn't need batteries": what the product lacks, not what the shopper
# does not care about ("doesn't need ANC").
_LACKS = re.compile(
    r"\b(?:that|which)\s+(?:doesn'?t|does\s+not|won'?t|will\s+not|don'?t|do\s+not)"
    r"\s+(?:need|require|use|take)\b",
    re.I,
)
# The rest of a list a denial starts: "without nuts, soy or gluten".
_LIST = re.compile(r"(?:\s*,\s*[\w'-]+(?:\s+[\w'-]+)?)+\s*,?\s+(?:or|nor)\s+[\w'-]+(?:\s+[\w'-]+)?")


def _plain(text: str) -> str:
    text = text.replace("’", "'")  # "don’t want", typed on a phone
    return _LACKS.sub("without", text)


def affirmed(text: str, kinds: Collection[str] = ()) -> str:
    """The text with each word it denies marked as denied: "headphones without noise
    cancelling" -> "headphones sans-noise sans-cancelling", which matches "no noise cancelling"
    but not "noise cancelling". `kinds`: the keywords of what the product is, which a "not
    for" or a "not included" does not deny ("Ukulele Strings" "not for baritone ukuleles" are
    no less for ukuleles, a "Tool Bag" with "tools not included" no less for tools); any other
    denial does ("Rice Container", "it does not keep rice hot")."""
    text = FREE_OF.sub(lambda m: f"{m.group(1)}-free {MARK}{m.group(1).lower()}", _plain(text))
    for pattern in (LEFT_OUT, UNNEEDED, NOT_FOR, RULED, DENIES):
        kept = kinds if pattern is NOT_FOR or pattern is LEFT_OUT else ()
        text = pattern.sub(functools.partial(_marked, kept=kept), text)
    return text


def ruled_out(text: str) -> list[tuple[str, ...]]:
    """The keywords of each thing a request rules out ("a 2 person tent, not a trekking pole
    shelter": ("pole", "shelter")); "no nuts or soy" and "without nuts, soy or gluten" rule out
    each; "a bubble machine that doesn't need batteries", batteries. Numbers, words of no
    product ("please") and describing words beside a naming one ("big", "trekking") are left
    out; a denial of a degree, a budget or a manner of speaking ("no more than $65", "not too
    heavy", "without breaking the bank") rules out nothing, and neither does a "no" that holds
    the whole of what is asked for ("no slip yoga mat", "no pull harness": kinds of them)."""
    text = UNNEEDED.sub(" ", _plain(text))
    found: list[tuple[str, ...]] = []
    for match in RULED.finditer(text):
        rest = text[: match.start()] + " " + text[match.end() :]
        bare = re.match(r"no\s", match.group(0), flags=re.I)
        if bare and len(keywords(match.group(1))) >= 2 and not asked_kinds(rest):
            continue  # "no slip yoga mat", "no pull harness": what is asked for
        listed = _LIST.match(text, match.end())
        items = match.group(1) + (listed.group(0) if listed else "")
        for part in re.split(r",|\b(?:or|nor)\b", items, flags=re.I):
            kept = tuple(w for w in keywords(part) if not w.isdigit() and w not in _FILLER)
            # "not a big floor one" rules out floor pumps, big or not; "not pink", pink ones.
            naming = tuple(w for w in kept if names_a_kind(w) is not False)
            kept = naming or kept
            if kept and kept not in found:
                found.append(kept)
    return found


def searched(text: str) -> str:
    """A request as keywords search it: what it does not need left out ("doesn't need ANC"),
    what it denies both as said and marked as denied ("no coating" also searches
    "sans-coating", which a text that says "no coating" has; "not retinol" still searches
    "retinol", for what is near it: the products ruled out are filtered, not searched away)."""
    text = UNNEEDED.sub(" ", _plain(text))
    for pattern in (RULED, DENIES):
        text = pattern.sub(lambda m: f"{m.group(0)} {_marked(m)}", text)
    return _tidy(text)


def without_denied(text: str) -> str:
    """A request with what it rules out or does not need left out, for embedding: "regular
    yoga mat (not a travel one)" is "regular yoga mat"."""
    return _tidy(RULED.sub(" ", UNNEEDED.sub(" ", _plain(text))))


def unmarked(text: str) -> str:
    """The text without the words `affirmed` or `searched` marked as denied."""
    return _tidy(re.sub(rf"(?<![\w'-]){MARK}[\w'’-]+", " ", text))


def _tidy(text: str) -> str:
    kept = re.sub(r"\(\s*\)|\[\s*\]", " ", text)
    return re.sub(r"\s+", " ", kept).strip(" ,;:-")


# What a product must have or be: "with noise cancelling", "must be over-ear", "that has a lid".
# "I don't want to deal with rust", "fed up with tangles": what is put up with, not had.
_PUT_UP = r"(?<!deal )(?<!dealing )(?<!cope )(?<!coping )(?<!bother )(?<!up )"
MUST = re.compile(
    rf"(?<![\w'-]){_PUT_UP}(?:with|(?:that|which|it)\s+(?:has|have)"
    # "which camera has a headphone jack", "what headphones have a mic"
    rf"|(?:which|what)\s+[\w-]+(?:\s+[\w-]+)?\s+(?:has|have)|(?:must|has\s+to|have\s+to"
    rf"|needs?\s+to|should)\s+(?:be|have|come\s+with)"
    # "a water filter that also gets rid of viruses": what it must do away with
    rf"|(?:that|which)\s+(?:also\s+|even\s+)?(?:removes?|kills?|gets?\s+rid\s+of|filters?\s+out"
    rf"|blocks?|repels?|protects?\s+(?:you\s+)?(?:against|from)))(?:\s+(?:a|an|the|some)\b)?\s+"
    rf"(?!(?:{_NOT_A_THING}|me|him|them|us|kids?|children|friends?|family|partner|wife"
    rf"|husband|son|daughter|mum|mom|dad|grandma|grandpa|dog|cat|budget|free|fine|ok|okay"
    rf"|possible|able|ready|delivered|here)(?![\w'’-])){_SCOPE}",
    re.I,
)


# What it should be, said alone and asked for: "..., loose please", "corded is fine", "black only".
PREFERRED = re.compile(
    r"(?:^|[,.;:!?]\s*|\b(?:and|but)\s+)((?:[\w-]+\s+)?[\w-]+)\s+(?:please|pls|plz|only"
    r"|(?:is|are|would\s+be)\s+(?:fine|ok|okay|good|great|perfect|preferred)|preferred|preferably"
    r"|ideally|if\s+possible)\b",
    re.I,
)


def must_have(text: str) -> list[tuple[str, ...]]:
    """The keywords of each thing a request says a product must have or be ("over-ear
    headphones with noise cancelling": ("noise", "cancelling"); "loose please"); not who it is
    "with" (people and ages: "with my kids", "with a 7 year old", `coverage.FILLER`), and not
    what it denies."""
    found: list[tuple[str, ...]] = []
    marked = affirmed(text)
    for match in [*MUST.finditer(marked), *PREFERRED.finditer(marked)]:
        said = keywords(match.group(1))
        kept = tuple(
            dict.fromkeys(w for w in said if not (w.isdigit() or w in FILLER or w in _EMPHASIS))
        )
        if kept and kept not in found:
            found.append(kept)
    return found


# Words that stress what follows, which no text says of it: "with a real diamond" has a
# diamond, whether its text says "real" or not.
_EMPHASIS = frozenset("real genuine proper actual decent good nice really".split())
_FILLER = frozenset("please pls plz thank thanks ta one ones thing things stuff".split())


# What the shopper has, as what a thing is for or goes with: "something to pull two kids behind
# my bike", "tyres to fit my bike", "a case for my phone". Not what is asked for.
OWNED = re.compile(
    r"\b(?:(?:for|behind|on|onto|to|fit|fits|with|in)\s+(?:my|our|his|her|their)"
    # "just got my first espresso machine, what coffee should i get": had now, not wanted
    r"|(?:just|finally|recently)\s+(?:got|bought|received)\s+(?:my|our|a|an|the)(?:\s+(?:first"
    r"|new|own))?"
    # "she already has a mat, so just the accessories": what they have, not what they want
    r"|already\s+(?:has|have|got|owns?)\s+(?:a|an|the|one|some|my|her|his|their|(?:loads|lots"
    r"|plenty|tons|a lot|a few|a couple) of|so many|too many|enough|several|many)"
    # "a gift for my husband, he plays electric guitar": the guitar is his already
    r"|(?<![\w'’-])(?:i|we|he|she|they|who)\s+plays?(?:\s+(?:a|an|the))?"
    # "something nice for the dining table, tablecloth or napkins?": what it is for
    r"|\b(?:something|anything)(?:\s+(?:nice|nicer|special|pretty|cute|new))?\s+for\s+the"
    r")\s+"
    r"((?:[\w'’-]+\s*){1,3})",
    re.I,
)


# What a thing is used on, not what is asked for: "what do i prime a canvas with", "what should
# i use to descale my kettle", "something for sorting screws", "smth to sweeten my tea" (not
# "something to replace my kettle", nor "something for morning tea").
USED_ON = re.compile(
    r"(?:\bwhat\s+(?:do|should|can|could|would|shall)\s+(?:i|we|you|one)\s+(?:use\s+to\s+)?"
    r"(?!(?:get|buy|need|have|want|use|do|pick|choose|order)\b)[a-z]+\s+"
    r"(?:a|an|the|my|our|his|her|their|these|those|this|that)"
    r"|\b(?:something|anything|smth|sth|stuff|a thing|an?\s+[a-z-]+)\s+(?:to\s+(?!(?:replace"
    r"|upgrade|swap"
    r"|go|be|get|buy|have|wear|use)\b)[a-z]+\s+(?:my|our|his|her|their|the|a|an|some|these"
    r"|those)|for\s+(?!(?:morning|evening|wedding|christening|spring|ceiling|ring|king|string"
    r"|thing|clothing|bedding|building|lighting|flooring)\b)[a-z]+ing(?:\s+(?:my|our|his|her"
    r"|their|the|a|an|some|all|these|those|small|little))?))\s+"
    r"((?:[\w'’-]+\s*){1,3})",
    re.I,
)


def owned(text: str) -> list[str]:
    """The keywords of what the shopper says they have, a few words after "for my", "behind
    my", "already has a", "he plays" and the like, up to a stop ("for my road bike, please":
    "road", "bike"); each of a list of things had ("already got a headset and a mouse")."""
    found = [word for _, _, phrase, _ in _owned(text) for word in keywords(phrase)]
    return list(dict.fromkeys(found))


def used_on(text: str) -> list[str]:
    """What a thing asked for is used on, by its last word ("something for sorting screws":
    screw; "what do i prime a canvas with": canvas)."""
    return [phrase for _, _, phrase, _ in _owned(text, used=True) if phrase]


# What the shopper has and what is wrong with it, said first: "my new boots give me blisters",
# "my automatic watch stops when i dont wear it", "my suede boots got soaked" (what helps is
# asked for, not another of them).
TROUBLED = re.compile(
    r"^\W*(?:(?:so|well|hi|hey|hello|ok|okay|ugh|hmm|help)\W+)*(?:my|our)\s+(?:new\s+|old\s+)?"
    rf"((?:[\w'’-]+\s+){{0,2}}?[\w'’-]+)\s+(?:{GOES_WRONG}"
    r"|(?:is|are)\s+(?:too|not|broken|dead|worn|falling)"
    # What happened to it: "my new suede boots got soaked", "my white sneakers get dirty so fast".
    r"|(?:got|get|gets|getting|keep\s+getting|have\s+got|are\s+getting|is\s+getting)\s+"
    r"(?:so\s+|really\s+|all\s+|very\s+)?(?:soaked|wet|dirty|muddy|stained|scuffed|scratched|smelly"
    r"|stiff|faded|rusty|dull|tarnished|mouldy|moldy|dry|cracked|damp))\b",
    re.I,
)


def troubled(text: str) -> list[str]:
    """The keywords of what the shopper has and says is wrong with it ("my new boots give me
    blisters": boots)."""
    match = TROUBLED.match(text)
    return keywords(match[1]) if match else []


def already_had(text: str) -> list[str]:
    """The keywords of what the shopper says they already have ("he's already got a headset and
    a mouse"): not to be shown again, unlike what a thing is for ("a strap for my headlamp")."""
    found = [word for _, _, phrase, had in _owned(text) if had for word in keywords(phrase)]
    return list(dict.fromkeys(found))


def unowned(text: str) -> str:
    """The text without what the shopper says they have: what is left may still ask for a kind
    ("my son plays guitar and wants a better guitar")."""
    for start, end, _, _ in reversed(_owned(text)):
        text = f"{text[:start]} {text[end:]}"
    return text


def _owned(text: str, *, used: bool = False) -> list[tuple[int, int, str, bool]]:
    """Where `owned` finds each thing had: (start, end, its words, said to be had already).
    `used`: only what a thing is used on (`USED_ON`)."""
    found = []
    had = list(OWNED.finditer(text))
    worked_on = [
        m for m in USED_ON.finditer(text)
        if not any(h.start() < m.end() and m.start() < h.end() for h in had)
    ]  # fmt: skip
    matches = worked_on if used else [*had, *worked_on]
    for match in sorted(matches, key=lambda m: m.start()):
        phrase = re.split(_STOP, match.group(1), maxsplit=1, flags=re.I)[0]
        phrase = _unmannered(re.split(_ASIDE, phrase, maxsplit=1, flags=re.I)[0])
        already = match.group(0).lower().startswith("already")
        end = match.start(1) + len(phrase)
        if match.re is USED_ON:
            # Only the things worked on, by their last words: "grind my coffee beans" is no
            # coffee; "for sorting screws and small bits": screws, bits.
            found.append((match.start(), end, (keywords(phrase) or [""])[-1], False))
            while more := AND_MORE.match(text, end):
                item = _unmannered(re.split(_STOP, more.group(1), maxsplit=1, flags=re.I)[0])
                end = more.start(1) + len(item)
                found.append((more.start(), end, (keywords(item) or [""])[-1], False))
            continue
        found.append((match.start(), end, phrase, already))
        if already:
            # Each of a list: "already got a headset and a mouse", "has a kettle, a scale".
            at = match.start(1) + len(phrase)
            while more := ALSO_HAS.match(text, at):
                item = re.split(_STOP, more.group(1), maxsplit=1, flags=re.I)[0]
                item = _unmannered(re.split(_ASIDE, item, maxsplit=1, flags=re.I)[0])
                at = more.start(1) + len(item)
                found.append((more.start(), at, item, True))
    return found


# The next of a list of things worked on: " and small bits", ", nuts".
AND_MORE = re.compile(r"\s*(?:,\s*(?:(?:and|&)\s+)?|(?:and|&)\s+)((?:[\w'’-]+\s*){1,3})", re.I)
# Said of what is had, not part of its name: "loads of knives actually".
_ASIDE = r"\b(?:actually|already|too|anyway|now|though|tbh|lol)\b"
_WORDS = re.compile(r"[\w'’-]+")


def _unmannered(phrase: str) -> str:
    """The phrase up to a word that says how, not what: "charge my phone wirelessly" works on a
    phone, "clean my boots properly" on boots."""
    for word in _WORDS.finditer(phrase):
        if manner(word[0].lower()):
            return phrase[: word.start()]
    return phrase


# The next of a list of things had: ", and a mouse", " and some filters" (not "and wants").
ALSO_HAS = re.compile(
    r"\s*(?:,\s*(?:(?:and|&)\s+)?|(?:and|&)\s+)(?:a|an|the|some|one|two|his|her|my|their)\s+"
    r"((?:[\w'’-]+\s*){1,3})",
    re.I,
)
