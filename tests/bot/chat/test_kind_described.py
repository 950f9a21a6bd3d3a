"""The kind a request names, read as a shopper means it: a word that only says what a product
does is not its kind (a "Hammer Drill" is no hammer), a follow-up that only says whom it is for
refines the request before ("for a 10 year old instead"), and a lead whose own text denies
what was asked says so. Over a real index and the real embeddings."""

import functools
from pathlib import Path

from bot.chat.profile import ShopperProfile
from bot.chat.retrieve import refines
from bot.log.store import DialogueLog
from tests.bot.chat import shop
from tests.bot.chat.shop import ids, planning

item = functools.partial(shop.item, currency="ZAR")


def test_only_whom_it_is_for_refines_the_request_before() -> None:
    assert refines("for a 10 year old instead")
    assert refines("what about for a 3 year old?")
    assert not refines("for my 5 year old?")  # after one product: a question about it
    assert not refines("and for my wife?")  # no age: another request ("a smartwatch", none)
    assert not refines("for my dad, hiking boots")  # a kind of its own
    assert not refines("something for a 10 year old")


TOOLS = [
    item("claw", "Nordstal Claw Hammer, Fibreglass Handle", "Hand Tools",
         "16 oz claw hammer with a shock-absorbing fibreglass handle.", 159),
    item("mallet", "Nordstal Rubber Mallet", "Hand Tools", "Rubber mallet for tiles.", 99),
    item("hdrill", "Hejmdal 750W Corded Hammer Drill", "Drills & Drivers",
         "Affordable corded hammer drill for drilling in concrete, brick and wood.", 449),
    item("driver", "Krafti KX18 Drill Driver", "Drills & Drivers",
         "Cordless drill driver for wood and metal.", 649),
    item("saw", "Sagen Hand Saw 500 mm", "Hand Tools", "Hardpoint hand saw for wood.", 129),
]  # fmt: skip


async def test_a_word_that_says_what_a_product_does_is_not_its_kind(
    tmp_path: Path, log: DialogueLog
) -> None:
    """ "hammer, not too heavy": the claw hammer, not the hammer drill."""
    with planning(tmp_path, TOOLS, log) as chat:
        plan = await chat.plan("hammer, not too heavy", ShopperProfile())
    assert ids(plan)[:1] == ["claw"], ids(plan)
    assert "hdrill" not in ids(plan), ids(plan)


BABY = [
    item("hipseat", "Baeremeis Hip Seat Carrier", "Baby Carriers",
         "Hip seat carrier with a storage pocket, for babies from 6 months to 3 years.", 899),
    item("bath", "Plask Bath Seat", "Bath Time",
         "Baby bath seat for babies from 6 to 10 months, a safe seat in the tub.", 299),
    item("booster", "Matro Travel Booster Seat", "Feeding",
         "Travel booster seat for the table, for babies from 6 months.", 399),
    item("carseat", "Trygg Snurr 360 Car Seat", "Car Seats", "Rotating i-Size car seat.", 4299),
]  # fmt: skip


async def test_a_kind_of_two_words_its_title_has_is_that_kind(
    tmp_path: Path, log: DialogueLog
) -> None:
    """ "hip seat": the "Hip Seat Carrier", though its title's kind is the carrier, not the
    bath seat nor the car seat."""
    with planning(tmp_path, BABY, log) as chat:
        plan = await chat.plan("hip seat for a 10 month old", ShopperProfile())
    assert ids(plan)[:1] == ["hipseat"], ids(plan)


BOOKS = [
    item("fox", "The Moon Fox - Hannah Ellery", "Infantil",
         "A bedtime picture book for ages 4 to 7: a little fox tries to bring the moon home.", 299),
    item("ajolote", "El ajolote que no quería crecer - Pilar Esquivel", "Infantil",
         "Álbum ilustrado para niños de 3 a 6 años sobre un ajolote.", 269),
    item("detectives", "Detectives del recreo 1 - Rubén Olvera", "Infantil",
         "Primera novela de la serie para primeros lectores de 7 a 10 años: capítulos cortos.",
         229),
    item("atlas", "Atlas de los animales de México - Carmen Arreola", "Infantil",
         "Atlas ilustrado de gran formato con 150 animales, para niños de 6 a 12 años.", 449),
    item("loteria", "Lotería Nocturna - party game", "Juegos de mesa",
         "Juego de lotería para fiestas, de 8 años en adelante.", 299),
    item("novel", "Summer at Lighthouse Row - Jenna Whitlock", "Romance",
         "A summer romance novel. English edition, 320 pages.", 379),
]  # fmt: skip


async def test_whom_a_follow_up_is_for_keeps_the_kind_shown(
    tmp_path: Path, log: DialogueLog
) -> None:
    """ "picture book for a 4 year old", then "for a 10 year old instead": children's books for
    a 10 year old, not a party game or a novel."""
    with planning(tmp_path, BOOKS, log) as chat:
        first = await chat.plan("picture book for a 4 year old", ShopperProfile())
        older = await chat.plan("for a 10 year old instead", first.profile)
    assert set(ids(first)) & {"fox", "ajolote"}, ids(first)
    assert ids(older) and set(ids(older)) <= {"detectives", "atlas", "ajolote", "fox"}, ids(older)
    assert ids(older)[0] in {"detectives", "atlas"}, ids(older)


PANS = [
    item("wok", "Tetsuya Hammered Iron Wok 33cm", "Cookware",
         "A hand-hammered round-bottom wok. Round bottom: for gas burners only, not suitable for "
         "induction or flat electric hobs. Hand wash.", 7800),
    item("teapot", "Kouen Tokoname Kyusu 300ml", "Tea", "A clay teapot for green tea.", 5200),
    item("bowl", "Minoyaki Rice Bowl", "Tableware", "A porcelain rice bowl.", 1200),
    item("saya", "Magnolia Saya Cover for 210mm Gyuto", "Knife Care",
         "Magnolia wood saya for gyuto blades up to 215 mm. Will not fit 240mm gyuto.", 3800),
]  # fmt: skip


async def test_a_lead_whose_text_denies_what_was_asked_says_so(
    tmp_path: Path, log: DialogueLog
) -> None:
    """ "a wok that will work on induction", and the one wok is not suitable for induction: it
    is shown as the closest, with its own words quoted; asked without induction, it is the best
    match, with no such note."""
    with planning(tmp_path, PANS, log) as chat:
        induction = await chat.plan("a wok that will work on induction", ShopperProfile())
        plain = await chat.plan("a wok for stir fry", ShopperProfile())
    assert ids(induction)[:1] == ["wok"], ids(induction)
    assert "closest we have" in induction.text, induction.text
    assert '"Round bottom: for gas burners only, not suitable for induction' in induction.text
    assert ids(plain)[:1] == ["wok"] and "best match" in plain.text, plain.text
    assert "note" not in plain.text, plain.text
    # What its title names it by is not denied: the saya is for a gyuto, if not a 240mm one.
    with planning(tmp_path / "saya", PANS, log) as chat:
        cover = await chat.plan("a cover for my gyuto", ShopperProfile())
    assert ids(cover)[:1] == ["saya"] and "note" not in cover.text, cover.text
