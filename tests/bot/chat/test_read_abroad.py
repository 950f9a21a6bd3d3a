"""A message in another language than the catalog's is read by the multilingual embeddings: a
Portuguese request in an English shop, an English one in a shop that writes Spanish (real
index, both real embedding models, the real classifier; no engine)."""

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile
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
