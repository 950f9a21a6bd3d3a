"""What a shop names in words of its own: an English shop's tags and names in the language of
its country ("garrafa térmica", "Facão") read in a shopper's message in that language; the
English taxonomy label beside a catalog written in Spanish ("Bookends" of the "Sujetalibros").
Real index, both real embedding models, the real classifier; no engine."""

import asyncio
from decimal import Decimal
from pathlib import Path

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from tests.bot.chat.shop import ids
from tests.bot.chat.test_read_abroad import shop


def product(
    pid: str, title: str, category: str, text: str, price: int, **attributes: str
) -> Product:
    return Product(
        id=pid, title=title, price=Decimal(price), currency="BRL", category=category,
        description=text, attributes=attributes,
    )  # fmt: skip


# An English shop in Brazil: a few tags and a name in Portuguese.
TRILHA = [
    product("bottle", "Insulated Steel Bottle 750 ml", "Bottles", "Double-wall steel bottle:"
            " cold for 24 h, hot for 12 h.", 149, tags="bottle, garrafa térmica, steel"),
    product("filter", "Filter Bottle 650 ml", "Bottles", "Soft bottle with a hollow-fibre"
            " filter in the cap.", 189, tags="filter, garrafa"),
    product("facao", 'Facão Machete 14"', "Tools", "14-inch machete for clearing overgrown"
            " trails. The classic Brazilian facão.", 119),
    product("knife", "Bushcraft Fixed Blade Knife", "Tools", "A full-tang carbon steel knife"
            " with a leather sheath.", 349),
    product("kidbag", "Kids Sleeping Bag", "Sleeping Bags", "A warm sleeping bag for children"
            " aged 5 to 10.", 199, tags="kids, criança"),
    product("kidpack", "Kids Backpack 12 L", "Backpacks", "A small daypack for children aged 5"
            " to 10.", 149, tags="kids, criança"),
    product("tent", "Dome Tent for Two", "Tents", "A freestanding dome tent for two people.", 899),
    product("bag", "Down Sleeping Bag -5", "Sleeping Bags", "A goose down sleeping bag rated"
            " to -5 C.", 999),
]  # fmt: skip


def plan(chat: ChatService, text: str, profile: ShopperProfile | None = None):  # type: ignore[no-untyped-def]
    return asyncio.run(chat.plan(text, profile or ShopperProfile()))


def test_a_message_in_the_shop_s_own_portuguese_words_finds_what_they_name(
    tmp_path: Path, log: DialogueLog
) -> None:
    with shop(tmp_path, TRILHA, log) as chat:
        # Every word is the catalog's, none English: the bottle tagged so, not "off topic".
        bottle = plan(chat, "garrafa térmica verde")
        assert bottle.intent == "browse" and ids(bottle)[:1] == ["bottle"]
        # Under the shopper's budget as any search: over it, the closest as such.
        over = plan(chat, "garrafa térmica verde até 100 reais")
        assert over.decision.action == "nothing_fits" and not ids(over)
        assert "bottle" in [p.id for p in over.decision.over_budget]
        # A name in its title, among words no text has: not a kind "preciso de um facao".
        machete = plan(chat, "enfim, preciso de um facão pra abrir trilha")
        assert machete.decision.action == "recommend" and ids(machete)[:1] == ["facao"]
        # A present for a child: the children's things, by meaning or by their tags.
        gift = plan(chat, "presente pra criança de 8 anos que vai acampar com a gente")
        assert ids(gift) and set(ids(gift)) <= {"kidbag", "kidpack"}, ids(gift)
        # Which of those shown is cheaper, asked in Portuguese: a comparison, not off topic.
        bags = plan(chat, "sleeping bags")
        assert set(ids(bags)) == {"kidbag", "bag"}, ids(bags)
        cheaper = plan(chat, "qual é mais barato", bags.profile)
        assert cheaper.intent == "compare" and ids(cheaper)[:1] == ["kidbag"]
        assert "cheaper than" in cheaper.text
        # English is read as English: its kinds, not the shop's Portuguese tags.
        english = plan(chat, "a down sleeping bag for winter")
        assert ids(english)[:1] == ["bag"]


# A shop that writes Spanish, with Google's taxonomy in English beside its own types.
LIBRERIA = [
    product("sujeta", "Sujetalibros de madera de parota (par)", "Accesorios de lectura",
            "Par de sujetalibros de madera maciza de parota, hechos a mano. Cada pieza es única.",
            599, google_product_category="Bookends"),
    product("atril", "Atril de lectura de bambú", "Accesorios de lectura", "Atril plegable de"
            " bambú con cinco inclinaciones y sujetapáginas, para recetarios o libros grandes.",
            389, google_product_category="Book Stands & Rests"),
    product("funda", "Funda acolchada para libro", "Accesorios de lectura", "Funda de tela"
            " acolchada para llevar un libro en la mochila sin doblar las esquinas.", 179,
            google_product_category="Book Covers"),
    product("cocina", "Cocina de mercado: 120 recetas - Rosalba Uribe", "Cocina", "Recetas de"
            " los mercados de la ciudad, con fotografías de cada platillo. Tapa dura.", 649,
            google_product_category="Print Books"),
    product("novela", "La sombra del malecón - Ricardo Almanza", "Novela negra", "Novela negra"
            " en el puerto de Veracruz: la inspectora investiga la desaparición de un"
            " estibador.", 389, google_product_category="Print Books"),
    product("cuentos", "Agua de jamaica y otros cuentos", "Narrativa", "Doce cuentos breves"
            " sobre veranos en Sinaloa, primeros amores y despedidas.", 279,
            google_product_category="Print Books"),
    product("orbit", "The Quiet Orbit - Sam Okafor", "Cómics", "Graphic novel written by Sam"
            " Okafor: the last astronaut on a station writes letters to her daughter. English"
            " edition, paperback.", 459, google_product_category="Print Books"),
    product("mapmaker", "The Cartographer's Daughter - Miriam Oduya", "Narrativa", "Literary"
            " novel: in 1890s Lagos, a mapmaker's daughter redraws the borders her father"
            " invented. English edition, paperback.", 419, google_product_category="Print Books"),
]  # fmt: skip


def test_the_english_taxonomy_names_what_a_spanish_text_does_not(
    tmp_path: Path, log: DialogueLog
) -> None:
    with shop(tmp_path, LIBRERIA, log) as chat:
        assert ids(plan(chat, "bookends"))[:1] == ["sujeta"]  # was: "not something we carry"
        stand = plan(chat, "do you have a stand to hold it open while she cooks")
        assert ids(stand)[:1] == ["atril"]  # was: off topic
        assert ids(plan(chat, "a book stand"))[:1] == ["atril"]  # not the book cover near it
        # A word every book's label has leads no request: "Print Books" is no "crime novel".
        assert ids(plan(chat, "a crime novel"))[:1] == ["novela"]


def test_a_kind_a_text_says_whole_leads_those_with_its_words_apart(
    tmp_path: Path, log: DialogueLog
) -> None:
    with shop(tmp_path, LIBRERIA, log) as chat:
        # "Graphic novel" in one text: that one, not the novel, in English as asked.
        assert ids(plan(chat, "graphic novels in english?"))[:1] == ["orbit"]
        assert ids(plan(chat, "a novel in english"))[:1] == ["mapmaker"]
