"""Whether a message is in a language the assistant does not read. The embedding model and the
intent examples are English: a message in Portuguese or Hungarian is near nothing and reads as off
topic ("quanto custa", "van raktáron?"). A message is taken as foreign by its words: fewer than
half of those the catalog does not use are English (a word English has in a dictionary, or one of
its function words or chat shorthands). Exact enough on 3,130 labelled turns of 21 question sets:
it finds the Portuguese, Hungarian, German, Czech, Danish and Japanese turns and, once the
catalog's own words are set aside, none of the English ones."""

import re
from collections.abc import Callable
from dataclasses import replace

from bot.chat.profile import parse_budget
from bot.chat.understand import PRICE_ALONE, Understanding
from retrieval.coverage import LETTERS, english

# Price and stock asked in Europe's other languages: "quanto custa", "mennyibe kerül", "was
# kostet das", "van raktáron?", "je skladem?".
PRICE_ABROAD = re.compile(
    r"\b(?:quanto\s+(?:custa|costa)|cu[aá]nto\s+(?:cuesta|vale)|pre[cç]o|precio|prezzo|prix"
    r"|combien|preis|kostet|prijs|wat\s+kost|hoeveel|cena|ile\s+kosztuje|kolik\s+stoj[ií]"
    r"|mennyi\w*|ár(?:a|at)?|hinta|paljonko|hvad\s+koster|hva\s+koster|vad\s+kostar|fiyat\w*"
    r"|ne\s+kadar|pre[tț]ul?|c[aâ]t\s+cost[aă])(?!\w)",
    re.I,
)
STOCK_ABROAD = re.compile(
    r"\b(?:dispon[ií]ve(?:l|is)|disponible|disponibile|em\s+estoque|en\s+stock|auf\s+lager"
    r"|lieferbar|skladem|na\s+sklad[eě]|dost[eę]pn\w*|op\s+voorraad|p[åa]\s+lager|i\s+lager"
    r"|varastossa|rakt[aá]ron|stokta|[iî]n\s+stoc)(?!\w)",
    re.I,
)

# "Which ... more/cheaper" in Europe's other languages: "qual é mais barato", "cuál es más
# ligera", "welcher ist billiger", "melyik olcsóbb" (not "qual é o preço").
WHICH_ABROAD = re.compile(
    r"\b(?:qual|quais|cu[aá]l(?:es)?|quel(?:le)?s?|welche[rsn]?|quale|welke|vilken|hvilken"
    r"|kter[ýáé]|kt[óo]r[yaey]|melyik)\b",
    re.I,
)
MORE_ABROAD = re.compile(
    r"\b(?:mais|m[aá]s|plus|moins|menos|pi[uù]|meno|meer|minder|mehr|weniger|mer|mindre"
    r"|billiger|teurer|goedkoper|duurder|billigere|billigare|dyrere|dyrare|olcs[oó]bb|dr[aá]g[aá]bb"
    r"|levn[eě]j[sš][ií]|dra[zž][sš][ií]|ta[nń]sz\w*|dro[zż]sz\w*)\b",
    re.I,
)

# "Also ... a" in Europe's other languages: "y un manga también?" after a novel asks for
# another thing, not about the novel ("tem também em azul?" asks about it).
ALSO_ABROAD = re.compile(
    r"\b(?:tambi[eé]n|tamb[eé]m|aussi|auch|anche|ook|ogs[aå]|ocks[aå]|te[zż]|tak[zż]e|také"
    r"|my[oö]s)(?!\w)",
    re.I,
)
A_THING_ABROAD = re.compile(
    r"\b(?:un|una|uno|um|uma|une|ein|eine|einen|einem|een|ett|egy)\s+\w", re.I
)


# A foreign message that opens by naming a thing, perhaps after "then" or "I want": "então uma
# cadeira de camping barata", "busco una mochila" (a question about a product shown does not:
# "tem em azul?", "es impermeable?").
THING_FIRST_ABROAD = re.compile(
    r"^\W*(?:(?:ent[aã]o|entonces|pues|bueno|ok|okay|e|y|et|alors|dann|und|allora|ahora|agora"
    r"|maintenant|jetzt|quiero|quero|busco|procuro|necesito|preciso|preciso\s+de|je\s+cherche"
    r"|ich\s+suche|cerco|vorrei)\W+)*(?:un|una|uno|um|uma|une|ein|eine|einen|een|ett|egy)\s+"
    # (Not a degree, a size or a colour of the one shown: "un poco más barato?", "une taille
    # plus grande?", "uma cor diferente?", "una más barata?"; nor a question about it: "uma
    # dúvida: é à prova d'água?", "una consulta: ¿está en español?".)
    r"(?!(?:poco|pouco|peu|bisschen|po|talla|tamanho|taille|gr[öo](?:ß|ss)e|taglia|maat|storlek"
    r"|m[ée]rete?|color|colou?r|cor|couleur|farbe|colore|kleur|f[äa]rg|sz[ií]n|m[áa]s|mais|plus"
    r"|pi[ùu]|mehr|meer|mer|menos|moins|weniger|meno|duda|consulta|pregunta|cosa|d[úu]vida"
    r"|pergunta|coisa|quest[ãa]o|question|chose|frage|sache|domanda|vraag|fr[åa]ga|k[ée]rd[ée]s)"
    r"\b)\w",
    re.I,
)


def another_abroad(text: str) -> bool:
    """Whether a foreign message asks for another thing as well ("y un manga también?"), or
    another thing at all ("então uma cadeira de camping barata")."""
    return bool(
        (ALSO_ABROAD.search(text) and A_THING_ABROAD.search(text)) or THING_FIRST_ABROAD.match(text)
    )


def foreign(text: str, known: Callable[[str], bool] = lambda word: False) -> bool:
    """Whether the message is in another language than English: two words or more that the
    catalog does not use (`known`), fewer than half of them English, or half with a letter
    English does not write ("van raktáron?")."""
    words = [w for w in LETTERS.findall(text.lower()) if not known(w)]
    if len(words) < 2:
        return False
    said = sum(map(english, words))
    return said * 2 < len(words) or (said * 2 == len(words) and any(not w.isascii() for w in words))


def read_abroad(
    understanding: Understanding, text: str, *, named: bool, shown: bool
) -> Understanding:
    """What a foreign message the classifier put off topic, by a guess, is taken for: a question
    about the product it names or the ones just shown (`named`, `shown`: "quanto custa", "van
    raktáron?"), its price or stock when it asks so, a comparison of those shown when it asks
    which is more so ("qual é mais barato"); a budget for the last request or anything
    else a search of its words ("posso ir até 1500": whether any is near decides after)."""
    if shown and not named and WHICH_ABROAD.search(text) and MORE_ABROAD.search(text):
        return replace(understanding, intent="compare")  # "qual é mais barato": of those shown
    if named or (shown and not any(parse_budget(text)) and not another_abroad(text)):
        asks = PRICE_ABROAD.search(text) or STOCK_ABROAD.search(text) or PRICE_ALONE.fullmatch(text)
        return replace(understanding, intent="price_stock" if asks else "product_question")
    return replace(understanding, intent="browse")
