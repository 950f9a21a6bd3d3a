"""After buying: a shopper who says what they bought and asks about it gets the product's own
text; a person is brought in for what went wrong, an order to undo, or a late one. How to pay
and the warranty on a kind of goods are the shop's general questions. Over a real index and the
real embeddings, with the real intent classifier."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from tests.bot.chat.shop import ids, planning

SHOP = [
    Product(id="wok", title="Tetsuya Iron Wok 33cm", price=6800, category="Pans",
            description="A hand-hammered carbon iron wok. Season before first use; dry after "
            "washing to keep rust away. Works on gas and induction."),
    Product(id="pan", title="Sora Nonstick Frying Pan 26cm", price=4200, category="Pans",
            description="A light nonstick pan for eggs and fish."),
    Product(id="donabe", title="Iga Donabe 24cm", price=9800, category="Donabe",
            description="A clay pot for hot pot and rice. Before first use, cook rice porridge "
            "in it to seal the clay."),
    Product(id="kettle", title="Mochi Temperature Control Kettle 0.8L", price=12800,
            category="Kettles", description="A gooseneck electric kettle for pour over."),
    Product(id="knife", title="Aoyama Everyday Santoku 170", price=8800, category="Knives",
            description="A stainless santoku for everyday home cooking."),
    Product(id="light", title="Linea Wall Light", price=12900, category="Lighting",
            description="A brass wall light, hardwired: fitted by an electrician."),
]  # fmt: skip


@pytest.fixture
def chat(tmp_path: Path, log: DialogueLog) -> Iterator[ChatService]:
    with planning(tmp_path, SHOP, log) as service:
        yield service


async def test_saying_what_was_bought_is_about_that_product_not_a_person(
    chat: ChatService,
) -> None:
    plan = await chat.plan("hi, i bought the iron wok from you last week", ShopperProfile())
    assert plan.intent == "support"
    assert (plan.decision.action, ids(plan)) == ("answer", ["wok"])
    # Something to undo, or something wrong with it: a person.
    for text in (
        "I'd like to return the iron wok I bought last week, how does that work?",
        "i bought the iron wok from you last week and it arrived cracked",
        "i bought the iron wok from you, order #20431, can you send a second one",
    ):
        plan = await chat.plan(text, ShopperProfile())
        assert plan.decision.action == "handover", text


async def test_how_to_look_after_the_product_just_shown_is_asked_of_it(
    chat: ChatService,
) -> None:
    plan = await chat.plan("hi, i bought the iron wok from you last week", ShopperProfile())
    plan = await chat.plan("how do i stop it going rusty? theres some orange spots", plan.profile)
    # How to look after it is the shopper's support question, answered from its own text.
    assert (plan.intent, plan.decision.action, ids(plan)) == ("support", "answer", ["wok"])
    for text in (
        "how do i season the iron wok i bought from you? it came with a shiny coating",
        "how long do i soak the iga donabe before first use",
    ):
        plan = await chat.plan(text, ShopperProfile())
        assert (plan.intent, plan.decision.action) == ("support", "answer"), text
        assert ids(plan) == ["wok" if "wok" in text else "donabe"], text
    # How to buy, pay or send back is no question about the product's care.
    plan = await chat.plan("how do i pay for the iron wok", ShopperProfile())
    assert not plan.decision.action == "answer" or plan.intent != "support"
    # Someone to do a job is no person asked for: a question about the product named.
    plan = await chat.plan(
        "linea wall light - do i need an electrician to put it up?", ShopperProfile()
    )
    assert (plan.decision.action, ids(plan)) == ("answer", ["light"])


async def test_when_a_new_order_ships_is_the_shipping_policy_s_not_a_person_s(
    chat: ChatService,
) -> None:
    for text in (
        "placed order 10482 on monday, when will it ship?",
        "hi, placed order #10442 yesterday, just wondering when it'll ship?",
    ):
        plan = await chat.plan(text, ShopperProfile())
        assert (plan.intent, plan.decision.action) == ("support", "offer"), text
    # Waited long already, or asking where it is: a person looks the order up.
    for text in (
        "ordered 3 weeks ago, order #10482, when will it ship?",
        "where is my order 10482? when will it ship",
        "when will my order ship, it's been 10 days",
    ):
        plan = await chat.plan(text, ShopperProfile())
        assert plan.decision.action == "handover", text


async def test_how_to_pay_and_a_kind_s_warranty_are_general_questions(chat: ChatService) -> None:
    for text in (
        "do you take swish?",
        "and do you accept cod?",
        "can i pay at konbini or with paypay",
        "do u take apple pay",
        "how long is the warranty on kettles?",
    ):
        plan = await chat.plan(text, ShopperProfile())
        assert (plan.intent, plan.decision.action) == ("support", "offer"), text
    # The shopper's own card is a person's to look at.
    text = "can I pay with paypal? my card keeps getting declined"
    plan = await chat.plan(text, ShopperProfile())
    assert plan.decision.action == "handover"


async def test_shouting_is_anger_only_at_the_shop_or_about_a_fault(chat: ChatService) -> None:
    plan = await chat.plan(
        "got my kettle today!! do i need to do anything before i use it?", ShopperProfile()
    )
    assert plan.decision.action != "handover" and plan.intent != "complaint"
    plan = await chat.plan("you sent me the wrong wok!! order 10611", ShopperProfile())
    assert (plan.intent, plan.decision.action) == ("complaint", "handover")


async def test_how_to_fix_a_thing_the_shop_has_nothing_like_is_off_topic(
    chat: ChatService,
) -> None:
    plan = await chat.plan("how do i fix a bike chain that keeps slipping", ShopperProfile())
    assert (plan.intent, plan.decision.action) == ("off_topic", "off_topic")
    # A thing the shop sells is its matter.
    plan = await chat.plan("how do i fix a kettle that won't turn on", ShopperProfile())
    assert plan.decision.action == "handover"
