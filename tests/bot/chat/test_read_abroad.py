"""A message in another language than the catalog's is read by the multilingual embeddings: a
Portuguese request in an English shop, an English one in a shop that writes Spanish (real
index, both real embedding models, the real classifier; no engine)."""

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile
from bot.chat.retrieve import request_core
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.embeddings import load_embeddings, load_multilingual
from retrieval.index import CatalogIndex
from tests.bot.chat.shop import ids, planner
from tests.retrieval.test_multilingual import CAMPING

PAPELERIA = [
    Product(id="pluma", title="Pluma fuente Clásica de latón", price=890, category="Papelería",
            description="Pluma fuente de latón con plumín de acero, punto medio. Incluye un"
            " convertidor y dos cartuchos de tinta azul."),
    Product(id="cuaderno", title="Cuaderno pasta dura A5", price=189, category="Papelería",
            description="Cuaderno de pasta dura con hojas punteadas de papel grueso que no"
            " traspasa la tinta."),
    Product(id="novela", title="La sombra del malecón - Ricardo Almanza", price=389,
            category="Novela negra", description="Novela negra. En el puerto de Veracruz, la"
            " inspectora Dolores Cházaro investiga la desaparición de un estibador."),
]  # fmt: skip

LIBROS = [
    *PAPELERIA,
    Product(id="respira", title="Respira: 30 días de calma - Alma Castañeda", price=299,
            category="Desarrollo personal", description="Cuaderno de trabajo de Alma Castañeda"
            " con un ejercicio de respiración y escritura para cada día del mes, para manejar la"
            " ansiedad. Edición en español, rústica con espiral, 144 páginas."),
    Product(id="habitos", title="Hábitos pequeños, días grandes - Mónica Garza", price=279,
            category="Desarrollo personal", description="Mónica Garza propone cambios de cinco"
            " minutos para ordenar la rutina, dormir mejor y terminar lo que empiezas. Edición"
            " en español, rústica, 208 páginas."),
    Product(id="salt", title="Empires of Salt - Richard Hollis", price=449, category="History",
            description="Richard Hollis tells the history of the world through salt: from Roman"
            " roads to the Venetian republic and Gandhi's march. English edition, paperback,"
            " 480 pages."),
    Product(id="lighthouse", title="Summer at Lighthouse Row - Jenna Whitlock", price=349,
            category="Romance", description="A feel-good romance by Jenna Whitlock: a burned-out"
            " chef inherits a seaside bakery in Maine, and the grumpy lighthouse keeper next"
            " door. English edition, paperback, 352 pages."),
    Product(id="recreo", title="Detectives del recreo 1: El caso del lonche perdido - Rubén"
            " Olvera", price=229, category="Infantil", description="Primera novela de la serie"
            " de Rubén Olvera para primeros lectores de 7 a 10 años: capítulos cortos, letra"
            " grande e ilustraciones en cada página. En español, rústica, 128 páginas."),
    Product(id="atlas", title="Atlas de los animales de México - Carmen Arreola", price=459,
            category="Infantil", description="Atlas ilustrado de gran formato de Carmen Arreola"
            " con 150 animales de los ecosistemas de México, para niños de 6 a 12 años. En"
            " español, tapa dura, 64 páginas."),
    Product(id="cartographer", title="The Cartographer's Daughter - Miriam Oduya", price=419,
            category="Narrativa literaria", description="Literary novel by Miriam Oduya: in"
            " 1890s Lagos, a mapmaker's daughter redraws the borders her father was paid to"
            " invent. English edition, paperback, 432 pages."),
]  # fmt: skip


@contextmanager
def shop(tmp_path: Path, products: Sequence[Product], log: DialogueLog) -> Iterator[ChatService]:
    with CatalogIndex(
        load_embeddings(), path=tmp_path / "index", multilingual=load_multilingual()
    ) as index:
        index.upsert(list(products))
        yield planner(index, log)


def plan(chat: ChatService, text: str):  # type: ignore[no-untyped-def]
    return asyncio.run(chat.plan(text, ShopperProfile()))


def test_a_request_in_portuguese_finds_what_it_means(tmp_path: Path, log: DialogueLog) -> None:
    with shop(tmp_path, CAMPING, log) as chat:
        assert chat.abroad is not None
        found = plan(chat, "lanterna de camping que carrega celular")
        assert found.decision.action == "recommend"
        assert ids(found)[:1] == ["lantern"]
        assert "chair" not in ids(found)  # "camping" is no reason for the camp chair


def test_a_foreign_message_near_nothing_is_still_said_unread(
    tmp_path: Path, log: DialogueLog
) -> None:
    with shop(tmp_path, CAMPING, log) as chat:
        found = plan(chat, "quem ganhou o jogo do flamengo ontem")
        assert found.decision.action == "off_topic"
        assert found.decision.reason == "language"
        assert not ids(found)


def test_english_in_a_shop_that_writes_spanish_finds_what_it_means(
    tmp_path: Path, log: DialogueLog
) -> None:
    with shop(tmp_path, PAPELERIA, log) as chat:
        found = plan(chat, "a fountain pen for my dad")
        assert found.decision.action == "recommend"
        assert ids(found)[:1] == ["pluma"]
        # Off topic in English stays off topic, and is not taken for a foreign language.
        away = plan(chat, "whats the capital of france")
        assert away.decision.action == "off_topic"
        assert away.decision.reason != "language"


def test_english_in_a_shop_that_writes_spanish_is_read_by_meaning_over_its_english_words(
    tmp_path: Path, log: DialogueLog
) -> None:
    with shop(tmp_path, LIBROS, log) as chat:
        # The English search leads with an English novel by its words ("daughter"); the
        # children's atlas, written in Spanish, is what the message means.
        found = plan(chat, "something for my daughter, she is 8 and loves animals")
        assert found.decision.action == "recommend"
        assert ids(found) == ["atlas"]
        assert plan(chat, "a book to help with anxiety").decision.products[0].id == "respira"
        # A long message spreads its meaning below the floor; the pens stand apart all the same.
        pens = plan(chat, "i want to get into fountain pens, whats a good starter one")
        assert pens.decision.action == "recommend"
        assert ids(pens)[:1] == ["pluma"]


def test_what_follows_an_occasion_is_the_request(tmp_path: Path, log: DialogueLog) -> None:
    """ "gift for a baby shower, a book for a 1 year old": the whole is near nothing; what
    follows the occasion finds the board book for babies, not a novel that states no age."""
    board = Product(id="tlacuache", title="¿Dónde está Tlacuache? - Pilar Esquivel", price=189,
                    category="Infantil", description="Libro de cartón con solapas para bebés de"
                    " 0 a 3 años: busca al tlacuache en la casa, el jardín y el mercado. En"
                    " español, cartoné, 20 páginas, esquinas redondeadas.")  # fmt: skip
    with shop(tmp_path, [*LIBROS, board], log) as chat:
        found = plan(chat, "gift for a baby shower, a book for a 1 year old")
    assert found.decision.action == "recommend"
    assert ids(found)[:1] == ["tlacuache"], ids(found)


def test_a_budget_stays_with_the_kind_it_was_for_though_no_category_is_read(
    tmp_path: Path, log: DialogueLog
) -> None:
    products = [
        *PAPELERIA,
        Product(id="separador", title="Separadores magnéticos de papel picado (set de 6)",
                price=89, category="Bookmarks", description="Seis separadores magnéticos que se"
                " doblan sobre la página, con diseños de papel picado en colores."),
        Product(id="tote", title="Tote bag Lee más, scrollea menos", price=199,
                category="Accesorios de lectura", description="Bolsa de manta 100 % algodón con"
                " la frase «Lee más, scrollea menos». 38 x 42 cm, asas largas, caben 6 a 8"
                " libros."),
    ]  # fmt: skip
    with shop(tmp_path, products, log) as chat:
        first = plan(chat, "bookmarks under 100")
        assert first.profile.max_price == 100
        then = asyncio.run(chat.plan("and a tote bag for books?", first.profile))
        assert then.decision.action == "recommend", then.text
        assert ids(then)[:1] == ["tote"]
        assert then.profile.max_price is None


@pytest.mark.parametrize(
    ("text", "core"),
    [
        (
            "ok then a light for reading in bed without waking my husband",
            "a light for reading in bed",
        ),
        ("hmm so a pen that wont leak", "a pen"),
        ("bookends", "bookends"),  # nothing to leave out
        ("ok so", "ok so"),
    ],
)
def test_the_core_of_a_request(text: str, core: str) -> None:
    assert request_core(text) == core


NOVELAS = [
    Product(id="malecon", title="La sombra del malecón - Ricardo Almanza", price=389,
            category="Novela negra", description="Novela negra de Ricardo Almanza. En el puerto"
            " de Veracruz, la inspectora Dolores Cházaro investiga la desaparición de un"
            " estibador. Edición en español, rústica, 312 páginas."),
    Product(id="regina", title="Muerte en la calle Regina - Paloma Ibarra", price=429,
            category="Novela negra", description="Un anticuario aparece muerto en su local del"
            " Centro Histórico y el periodista Emilio Vargas sigue la pista de un códice robado."
            " Thriller histórico de Paloma Ibarra. Edición en español, 448 páginas."),
    Product(id="ledger", title="Cold Ledger - Thomas Whitcombe", price=479,
            category="Novela negra", description="A fast financial thriller by Thomas"
            " Whitcombe: a forensic accountant in London finds a ledger that three governments"
            " want destroyed. English edition, paperback, 512 pages."),
    Product(id="harbour", title="The Harbour Lights Murders - Eleanor Pratt", price=429,
            category="Novela negra", description="A classic village whodunit by Eleanor Pratt."
            " English edition, paperback, 368 pages."),
    Product(id="lampara", title="Lámpara de lectura recargable con clip LumiPágina", price=349,
            category="Accesorios de lectura", description="Lámpara LED con clip para leer de"
            " noche sin despertar a nadie: 3 tonos de luz, batería de hasta 20 horas."),
]  # fmt: skip


def test_the_core_of_a_request_abroad_shows_its_kind_and_the_words_rank_it(
    tmp_path: Path, log: DialogueLog
) -> None:
    with shop(tmp_path, [*PAPELERIA, *NOVELAS], log) as chat:
        lamp = plan(chat, "ok then a light for reading in bed without waking my husband")
        assert ids(lamp)[:1] == ["lampara"], lamp.text
        # Only "any good thrillers" is near the novels; the words found them too, and rank
        # those whose text says "thriller" first.
        thrillers = plan(chat, "ok any good thrillers then")
        assert thrillers.decision.action == "recommend", thrillers.text
        assert set(ids(thrillers)[:2]) == {"regina", "ledger"}, ids(thrillers)
