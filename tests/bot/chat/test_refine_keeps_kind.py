"""A follow-up that names no kind ("anything in spanish?") refines the kind just shown: more of
its category, not whatever else matches the new words."""

from pathlib import Path

from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from tests.bot.chat.shop import ids, planning


def book(pid: str, title: str, category: str, description: str) -> Product:
    return Product(
        id=pid, title=title, price=300, currency="MXN", category=category,
        description=description,
    )  # fmt: skip


BOOKS = [
    book("static", "Static Bloom", "Science Fiction",
         "A short science fiction novel for teens, in English, about a radio that hears tomorrow."),
    book("orbit", "The Long Orbit", "Science Fiction",
         "A long science fiction saga in English about a generation ship."),
    book("marea", "Marea de estrellas", "Science Fiction",
         "Novela corta de ciencia ficción en español para jóvenes lectores. In Spanish."),
    book("sombra", "La sombra del agua", "Novels",
         "Novela literaria en español sobre una familia de pescadores. In Spanish."),
    book("casa", "La casa de los relojes", "Novels",
         "Novela en español, una historia de amor en Oaxaca. In Spanish."),
    book("patio", "El patio de la abuela", "Children's Books",
         "Libro ilustrado en español para niños de 4 a 7 años. In Spanish."),
]  # fmt: skip


async def test_a_language_asked_after_a_kind_keeps_the_kind(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, BOOKS, log) as chat:
        first = await chat.plan(
            "my teenage son wants to try sci fi, something short", ShopperProfile()
        )
        assert ids(first) and all(i in {"static", "orbit", "marea"} for i in ids(first)), ids(first)
        spanish = await chat.plan("anything in spanish?", first.profile)
    assert ids(spanish)[:1] == ["marea"], ids(spanish)
    assert set(ids(spanish)) <= {"static", "orbit", "marea"}, ids(spanish)
