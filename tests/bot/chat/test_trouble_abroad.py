"""Trouble told in another language is handed over like trouble told in English ("me llegó el
libro con la portada rota y quiero mi reembolso", "ek wil met 'n mens praat"), and a question
about what a product would do in a case is not trouble ("will the down get ruined if it rains",
"how do i protect them next time")."""

from pathlib import Path

import pytest

from bot.chat.profile import ShopperProfile
from bot.chat.understand import ANOTHER_FOR_IT, HUMAN, IF_IT, PROBLEM, PROBLEM_ABROAD, supposed
from bot.log.store import DialogueLog
from retrieval.catalog import Product, Variant
from tests.bot.chat.shop import ids, planning


@pytest.mark.parametrize(
    "text",
    [
        "me llegó el libro con la portada rota y quiero mi reembolso ya",
        "a barraca chegou com a vareta quebrada",
        "das Paket kam beschädigt an",
        "mi pedido todavía no ha llegado",
        "a csomag még nem érkezett meg",
        "rossz méretű gyűrűt kaptam",
        "je veux être remboursé",
        "ich möchte mein Geld zurück",
        "mijn pakket is nog niet aangekomen",
        "paczka nie dotarła",
        "la commande n'est pas encore arrivée",
        "il pacco non è arrivato",
        "die skoene het stukkend aangekom",
        "quiero poner una reclamación",
    ],
)
def test_trouble_with_an_order_in_europes_other_languages(text: str) -> None:
    assert PROBLEM_ABROAD.search(text), text


@pytest.mark.parametrize(
    "text",
    [
        "no, it arrived fine, i just want another one",  # English "no" before "arrived"
        "a wine that arrived from spain last year",
        "quien gano el partido del america anoche",
        "tienen mochilas rojas para la escuela?",
        "barraca pra 2 pessoas até 500 reais",
        "what is your returns policy if it arrives damaged",  # English: PROBLEM's and policy's
        "hoeveel kos die sentinel in grys?",
        # English words the other languages' share a stem with.
        "what happens if an item arrives defective?",
        "do you sell reclamation timber",
        "when will the roto tiller arrive",
        "the sunday rota arrived",
        "my recumbent bike has a defect",
    ],
)
def test_shopping_and_english_are_not_trouble_abroad(text: str) -> None:
    assert not PROBLEM_ABROAD.search(text), text


def test_a_person_asked_for_with_the_verb_last_or_the_person_first() -> None:
    for text in [
        "Ek wil asseblief met 'n mens praat, nie 'n bot nie", "kan ik met iemand spreken?",
        "ik wil met een echte medewerker praten", "egy emberrel szeretnék beszélni",
        "szeretnék beszélni valakivel",
    ]:  # fmt: skip
        assert HUMAN.search(text), text
    for text in ["i met an agent of yours at the fair", "met een stevige zool", "mens shoes"]:
        assert not HUMAN.search(text), text


def test_what_a_product_would_do_in_a_case_is_not_a_problem() -> None:
    for text in [
        "will the down get ruined if it rains",
        "my new suede boots got soaked, how do i protect them next time",
        "will the leather be ruined if it gets wet",
    ]:
        assert PROBLEM.search(text) and supposed(text), text
    # What went wrong already, or a question about one's own order, stays a problem.
    for text in [
        "my boots got soaked through on the first walk",
        "the zip broke after a week",
        "the parcel arrived damaged, please pack better next time",
        "can i get a refund if it arrived damaged?",
        "will you refund me if the parcel never arrived?",
        "i was charged twice, from now on i'll use paypal",
    ]:
        assert PROBLEM.search(text) and not supposed(text), text
    assert IF_IT.search("does it still work if it gets wet")
    for text in ["is it ok if i ask you something personal", "will they deliver if im not home"]:
        assert not IF_IT.search(text), text


def test_another_kind_to_match_is_not_the_photo_or_the_price() -> None:
    for text in ["and earrings to match?", "any matching earrings", "a scarf that matches"]:
        assert ANOTHER_FOR_IT.search(text), text
    for text in [
        "the colour that matches the photo?",
        "a price to match amazon?",
        "the one that matches better, navy or grey?",
    ]:
        assert not ANOTHER_FOR_IT.search(text), text


def jacket(pid: str, title: str, text: str) -> Product:
    return Product(
        id=pid, title=title, price=649.9, category="Jackets", description=text,
        variants=tuple(
            Variant(id=f"{pid}-{s}", options={"Size": s}, price=649.9) for s in ("S", "M", "L")
        ),
    )  # fmt: skip


SHOP = [
    jacket("floco", "Floco Down Jacket", "Warm 700 fill goose down jacket, packs small."),
    jacket("sint", "Sintético Insulated Jacket", "Synthetic insulation that stays warm damp."),
    jacket("chuva", "Chuva Rain Shell", "Waterproof rain shell for wet days, packs small."),
    Product(
        id="book",
        title="El jardín de los días",
        price=289,
        category="Libros",
        description="Novela de una familia en Coyoacán.",
    ),
]


async def test_a_question_what_it_would_do_is_about_the_one_shown(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, SHOP, log) as chat:
        shown = await chat.plan("warm jacket that packs small", ShopperProfile())
        asked = await chat.plan("will the down get ruined if it rains", shown.profile)
        then = await chat.plan("then the synthetic one, do you have it in M", asked.profile)
    assert "floco" in ids(shown) and "sint" in ids(shown), ids(shown)
    assert (asked.decision.action, ids(asked)) == ("answer", ["floco"]), asked.decision
    # "the synthetic one": shown before, said so only in its text.
    assert ids(then) == ["sint"], then.decision


async def test_trouble_and_a_person_asked_abroad_are_handed_over(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, SHOP, log) as chat:
        broken = await chat.plan(
            "me llegó el libro con la portada rota y quiero mi reembolso ya", ShopperProfile()
        )
        person = await chat.plan(
            "Ek wil asseblief met 'n mens praat, nie 'n bot nie", ShopperProfile()
        )
    assert broken.decision.action == "handover" and broken.intent == "complaint", broken
    assert person.decision.action == "handover" and person.intent == "human", person
