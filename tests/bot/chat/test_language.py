"""Whether a message is in a language the assistant does not read."""

import pytest

from bot.chat.language import PRICE_ABROAD, STOCK_ABROAD, foreign, read_abroad
from bot.chat.understand import Understanding


@pytest.mark.parametrize(
    "text",
    [
        "quanto custa",
        "tem na cor areia?",
        "van raktáron?",
        "mennyibe kerül a Bükk titán óra?",
        "kann ich bitte mit einem mitarbeiter sprechen",
        "můžu mluvit s někým z obchodu?",
    ],
)
def test_a_message_in_another_language_is_foreign(text: str) -> None:
    assert foreign(text)


@pytest.mark.parametrize(
    "text",
    [
        "whats the capital of australia",
        "looking for a headlamp under 25",
        "mens jeans under a hundred",
        "hiii",  # one word says too little
        "pls thx bye",
        "is the kåsa dishwasher safe?",
    ],
)
def test_english_is_not_foreign(text: str) -> None:
    assert not foreign(text)


def test_the_catalog_s_own_words_are_set_aside() -> None:
    # "vanta uno vs vanta duo?": names English lacks, which the catalog has.
    assert foreign("vanta uno vs vanta duo?")
    assert not foreign("vanta uno vs vanta duo?", lambda word: word in {"vanta", "uno", "duo"})


@pytest.mark.parametrize(
    ("text", "price", "stock"),
    [
        ("quanto custa", True, False),
        ("mennyibe kerül?", True, False),
        ("was kostet das", True, False),
        ("van raktáron?", False, True),
        ("está disponível?", False, True),
        ("vem com estacas?", False, False),
    ],
)
def test_price_and_stock_asked_in_other_languages(text: str, price: bool, stock: bool) -> None:
    assert bool(PRICE_ABROAD.search(text)) is price
    assert bool(STOCK_ABROAD.search(text)) is stock


@pytest.mark.parametrize(
    ("text", "named", "shown", "intent"),
    [
        ("quanto custa", False, True, "price_stock"),  # the one just shown: its price
        ("van raktáron?", False, True, "price_stock"),  # ... whether it is in stock
        ("vem com estacas?", False, True, "product_question"),  # ... what its text says
        ("mennyibe kerül a Bükk?", True, False, "price_stock"),  # the one it names
        ("posso ir até 1500 se for bem mais leve", False, True, "browse"),  # a budget: search
        ("barraca pra 2 pessoas", False, False, "browse"),  # nothing shown: search its words
        ("y un manga también?", False, True, "browse"),  # "also": another thing asked for
        ("e uma lanterna também", False, True, "browse"),
        ("gibt es auch einen schlafsack?", False, True, "browse"),
        ("tem também em azul?", False, True, "product_question"),  # of the one shown
        ("¿lo tienen también en rojo?", False, True, "product_question"),  # "en": no article
        ("então uma cadeira de camping barata", False, True, "browse"),  # a thing, first
        ("busco una mochila", False, True, "browse"),
        ("une taille plus grande?", False, True, "product_question"),  # a size of the one shown
        ("uma cor diferente?", False, True, "product_question"),
        ("uma dúvida: é à prova d'água?", False, True, "product_question"),  # a question on it
        ("una consulta: ¿está en español?", False, True, "product_question"),
        ("bueno, una más barata?", False, True, "product_question"),  # a degree of it
        ("qual é mais barato", False, True, "compare"),  # which of those shown is more so
        ("welcher ist billiger?", False, True, "compare"),
        ("melyik olcsóbb?", False, True, "compare"),
        ("qual é o preço?", False, True, "price_stock"),  # which ... but no more: its price
    ],
)
def test_a_foreign_message_put_off_topic_is_read_by_what_it_names_or_follows(
    text: str, named: bool, shown: bool, intent: str
) -> None:
    guessed = Understanding("off_topic", 0.6, off_topic=0.9)
    assert read_abroad(guessed, text, named=named, shown=shown).intent == intent
