"""Whether one product does a job is answered from its own text, and what to get instead is
searched without it: over a real index and the real embeddings."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.index import CatalogIndex
from tests.bot.chat.shop import ids, indexed, planner

SHOP = [
    Product(id="jozi", title="Ubuntu Kicks Jozi Retro Runner", price=1499, currency="ZAR",
            category="Sneakers",
            description="A 90s-inspired suede runner - for the streets, not for running."),
    Product(id="court", title="Ubuntu Kicks Soweto Court Sneaker", price=1299, currency="ZAR",
            category="Sneakers", description="White leather low-top sneaker."),
    Product(id="parkrun", title="Mzansi Stride Parkrun Lite Running Shoe", price=999,
            currency="ZAR", category="Running Shoes",
            description="An affordable, no-fuss road shoe for beginners, parkrun and the gym."),
    Product(id="tempo", title="Ridgeback Tempo Road Running Shoe", price=1899, currency="ZAR",
            category="Running Shoes",
            description="A light daily trainer for anything from 5k to a half marathon."),
]  # fmt: skip


@pytest.fixture
def index(tmp_path: Path) -> Iterator[CatalogIndex]:
    with indexed(tmp_path, SHOP) as catalog:
        yield catalog


async def test_whether_one_does_a_job_is_answered_from_its_text_then_others_are_shown(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("is the jozi retro runner any good for running a 10k?", ShopperProfile())
    # Its "any" asks for nothing more: the one named, with what its text says of running.
    assert (plan.intent, plan.decision.action, ids(plan)) == (
        "product_question",
        "answer",
        ["jozi"],
    ), (plan.intent, plan.decision)
    assert "not for running" in plan.text, plan.text
    # What to get instead: not the one just asked about, though the request it follows names it.
    plan = await chat.plan("ok then what must i get for a 10k, under R2000", plan.profile)
    assert plan.decision.action == "recommend", plan.decision
    assert ids(plan) and ids(plan)[0] in {"parkrun", "tempo"}, ids(plan)
    assert "jozi" not in ids(plan), ids(plan)


async def test_two_named_are_still_weighed_against_each_other(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan(
        "is the jozi retro runner or the parkrun lite better for a 10k?", ShopperProfile()
    )
    assert plan.intent == "compare", plan.intent
    assert {"jozi", "parkrun"} <= set(ids(plan)), ids(plan)
