"""Canned replies and follow-up drafts over a real SQLite log and catalog products: variables
filled from the catalog, refusals that say why, consent before any follow-up."""

from decimal import Decimal

import pytest

from bot.errors import SalesbotError
from bot.log.models import DialogueSession, Turn
from bot.log.store import DialogueLog
from bot.staff.replies import Replies, Unfillable, cart_values, fill, product_values
from retrieval.catalog import Product

TENT = Product(id="t1", title="Ridge Tent", price=Decimal("199.00"), currency="EUR", in_stock=True,
               url="https://shop.example/t1")  # fmt: skip
LAMP = Product(id="l1", title="Camp Lamp", price=Decimal("24.50"), currency="EUR", in_stock=False)
CATALOG = {p.id: p for p in (TENT, LAMP)}


def lookup(ids: list[str]) -> list[Product]:
    return [CATALOG[i] for i in dict.fromkeys(ids) if i in CATALOG]


@pytest.fixture
def replies(log: DialogueLog) -> Replies:
    with log.sessions.begin() as db:
        db.add(DialogueSession(id="f1", channel="ws"))
        db.flush()
        db.add(
            Turn(
                session_id="f1",
                user_text="tents?",
                status="ok",
                products=[{"id": "t1", "score": 1}],
            )
        )
    return Replies(log.sessions, lookup)


def test_replies_fill_variables_from_the_catalog() -> None:
    values = {**product_values(TENT), **cart_values([TENT, LAMP]), "agent.name": "Ana"}
    template = (
        "Hi, {{agent.name}} here: {{ product.title }} is {{product.price}}, {{product.stock}}. "
        "Cart: {{cart.count}} items, {{cart.total}}."
    )
    text = fill(template, values)
    assert text == "Hi, Ana here: Ridge Tent is €199.00, in stock. Cart: 2 items, €223.50."


def test_a_preorder_is_filled_as_one_never_as_in_stock() -> None:
    novel = Product(id="n1", title="Vol. 2", price=Decimal("189.00"), currency="MXN",
                    attributes={"availability": "preorder"})  # fmt: skip
    assert product_values(novel)["product.stock"] == "available to pre-order"
    assert product_values(LAMP)["product.stock"] == "out of stock"


def test_replies_refuse_unknown_and_unfillable_variables() -> None:
    with pytest.raises(SalesbotError, match=r"Unknown variable product\.colour") as unknown:
        fill("{{product.colour}}", {})
    assert unknown.value.code == "unknown_variable"
    with pytest.raises(Unfillable, match=r"no value for cart\.total"):
        fill("{{cart.total}}", product_values(TENT))


def test_replies_canned_are_personal_or_shared(replies: Replies) -> None:
    mine = replies.add_canned("Hello", "Hi, {{agent.name}} here.", "ana")
    shared = replies.add_canned("Returns", "30 days.", None)
    replies.add_canned("Other", "Ben's own.", "ben")
    assert [c.title for c in replies.canned("ana")] == ["Hello", "Returns"]
    with pytest.raises(SalesbotError):
        replies.get_canned(mine, "ben")
    with pytest.raises(SalesbotError):
        replies.delete_canned(shared, "ana", admin=False)
    replies.delete_canned(shared, "ana", admin=True)
    with pytest.raises(SalesbotError, match="Unknown variable"):
        replies.add_canned("Bad", "{{order.id}}", "ana")


def test_replies_follow_up_needs_consent_and_quotes_the_catalog(replies: Replies) -> None:
    with pytest.raises(SalesbotError, match="not agreed") as refused:
        replies.draft_follow_up("f1", {"name": "Kim"}, [], "Shop", "ana")
    assert refused.value.code == "no_consent"
    drafted = replies.draft_follow_up(
        "f1", {"name": "Kim", "marketing_consent": True}, ["l1"], "Shop", "ana"
    )
    assert drafted.status == "draft" and drafted.subject == "Your picks from Shop"
    assert "Hi Kim," in drafted.text
    assert "- Camp Lamp: €24.50, out of stock" in drafted.text  # in the cart
    assert "- Ridge Tent: €199.00, in stock https://shop.example/t1" in drafted.text  # shown
    approved = replies.decide(drafted.id, "approved", "boss")
    assert (approved.status, approved.decided_by) == ("approved", "boss")
    with pytest.raises(SalesbotError, match="already approved"):
        replies.decide(drafted.id, "discarded", "ana")
