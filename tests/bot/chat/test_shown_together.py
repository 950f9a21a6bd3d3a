"""What is shown beside the best match, over a real index and the real embeddings: products
nearly as close, or of the same kind; not the near miss of another kind ("kitten food" shows
cat food, not the puppy food a little further off)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.embeddings import load_embeddings
from retrieval.index import CatalogIndex
from tests.bot.chat.test_pipeline import ScriptedEngine, service

PETS = [
    Product(id="c1", title="Purrfect Kitten Food, Chicken, 2kg", price=12, category="Cat Supplies",
            description="Dry food for kittens up to 12 months."),
    Product(id="c2", title="Purrfect Adult Cat Food, 4kg", price=21, category="Cat Supplies",
            description="Complete dry food for adult cats."),
    Product(id="d1", title="Hartwell Puppy Food, Chicken & Rice, 2kg", price=14,
            category="Dog Food & Treats", description="Small-kibble dry food for puppies."),
    Product(id="s1", title="Meadow Guinea Pig Pellets, 1.5kg", price=9, category="Small Animals",
            description="Timothy-hay based pellets with vitamin C."),
    Product(id="t1", title="Feather Wand Cat Toy", price=6, category="Pet Toys",
            description="A wand with feathers for cats to chase."),
]  # fmt: skip


@pytest.fixture
def index(tmp_path: Path) -> Iterator[CatalogIndex]:
    with CatalogIndex(load_embeddings(), path=tmp_path / "index") as catalog:
        catalog.upsert(PETS)
        yield catalog


async def test_a_near_miss_of_another_kind_is_not_shown_beside_the_best_match(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = service(ScriptedEngine(["sure"]), index, log)
    plan = await chat.plan("kitten food", ShopperProfile())
    shown = [p.id for p in plan.decision.products]
    assert plan.decision.action == "recommend" and shown[0] == "c1", shown
    assert {p.category for p in plan.decision.products} == {"Cat Supplies"}, shown
