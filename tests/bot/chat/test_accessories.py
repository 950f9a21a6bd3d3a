"""What goes with a product is not that product: a saya cover for a gyuto is no gyuto, paper
filters for a dripper are not the dripper a shopper names; over a real index and the real
embeddings, which hardly know the names of Japanese knives."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile
from bot.chat.retrieve import _titled_alone, accessories, aimed_at, of_kind_named
from bot.log.store import DialogueLog
from retrieval.catalog import Product, Variant
from retrieval.hybrid import CatalogView, Filters
from retrieval.index import CatalogIndex, SearchHit
from tests.bot.chat.shop import ids, indexed, planner

KITCHEN = [
    Product(id="gyuto-1", title="Hayate VG-10 Damascus Gyuto Chef's Knife", price=18800,
            currency="JPY", category="Kitchen Knives",
            description="A 67-layer stainless Damascus blade for everyday cutting."),
    Product(id="gyuto-2", title="Kurogane Sakai Aogami #2 Kurouchi Gyuto 240mm", price=34000,
            currency="JPY", category="Kitchen Knives",
            description="Blue steel, hand forged in Sakai. Wipe dry after use."),
    Product(id="santoku", title="Aoyama Everyday Santoku 170", price=6800, currency="JPY",
            category="Kitchen Knives", description="A stainless all-purpose knife."),
    Product(id="saya", title="Magnolia Saya Cover for 210mm Gyuto", price=3800, currency="JPY",
            category="Sharpening & Care", description="A magnolia wood sheath with a pin."),
    Product(id="matcha", title="Uji Matcha Starter Set", price=7200, currency="JPY",
            category="Tea", description="Bowl, bamboo whisk and scoop with 30 g of matcha."),
    Product(id="cooker-3", title="Hinata Micom Rice Cooker 3 Cup (0.54L)", price=14800,
            currency="JPY", category="Rice Cookers",
            description="A small rice cooker with a keep-warm mode."),
    Product(id="cooker-5", title="Hinata IH Pressure Rice Cooker 5.5 Cup (1.0L)", price=39800,
            currency="JPY", category="Rice Cookers",
            description="Induction heating and pressure for sticky, sweet rice.",
            variants=[Variant(id="cooker-5-w", price=Decimal(39800), options={"Colour": "White"}),
                      Variant(id="cooker-5-b", price=Decimal(39800), options={"Colour": "Black"})]),
    Product(id="pot", title="Replacement Inner Pot for Hinata 5.5 Cup IH Rice Cooker",
            price=6200, currency="JPY", category="Rice Cookers",
            description="A spare non-stick inner pot."),
    Product(id="kona", title="Kona Ceramic Pour-Over Dripper 02", price=2990, currency="JPY",
            category="Brewers", description="A ceramic cone dripper for one or two cups."),
    Product(id="kona-filters", title="Kona Paper Filters 02 - 100 pcs", price=590,
            currency="JPY", category="Filters & Accessories",
            description="Paper filters for the Kona 02 dripper."),
    Product(id="flowe", title="Flowe Flat-Bottom Dripper 185", price=3490, currency="JPY",
            category="Brewers", description="A flat-bottomed dripper for an even extraction."),
    Product(id="flowe-filters", title="Flowe Wave Filters 185 - 50 pcs", price=690,
            currency="JPY", category="Filters & Accessories",
            description="Wave paper filters for the Flowe 185."),
    Product(id="kettle", title="Svan Gooseneck Kettle 1.0 L", price=5900, currency="JPY",
            category="Kettles", description="A stovetop pour-over kettle."),
]  # fmt: skip


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CatalogIndex]:
    with indexed(tmp_path_factory.mktemp("kitchen"), KITCHEN) as catalog:
        yield catalog


def test_a_product_only_for_the_kind_asked_is_an_accessory() -> None:
    shown = [p for p in KITCHEN if p.id in {"gyuto-1", "gyuto-2", "saya"}]
    assert accessories(shown, "need a gyuto") == {"saya"}
    # Asked for itself, it is what is asked for.
    assert accessories(shown, "a saya cover for my gyuto") == set()
    # With nothing that is of the kind, nothing is set aside.
    assert accessories([p for p in KITCHEN if p.id == "saya"], "need a gyuto") == set()
    cookers = [p for p in KITCHEN if p.id in {"cooker-3", "cooker-5", "pot"}]
    assert accessories(cookers, "is the black hinata rice cooker available") == {"pot"}
    assert accessories(cookers, "replacement inner pot for my rice cooker") == set()


def test_a_name_two_products_share_means_the_one_not_in_an_accessories_category() -> None:
    view = CatalogView({p.id: p for p in KITCHEN})
    assert [p.id for p in _titled_alone(view, "kona")] == ["kona"]
    assert _titled_alone(view, "hinata") == []  # three cookers: no one of them


async def test_an_accessory_for_the_kind_asked_is_not_shown_as_that_kind(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("need a gyuto", ShopperProfile())
    assert plan.decision.action == "recommend"
    assert set(ids(plan)[:2]) == {"gyuto-1", "gyuto-2"} and "saya" not in ids(plan), ids(plan)
    plan = await chat.plan("what about under 20000 yen", plan.profile)
    assert ids(plan) == ["gyuto-1"], ids(plan)
    # Asked about by name, the product comes before what goes with it.
    plan = await chat.plan("is the black hinata rice cooker available", ShopperProfile())
    assert ids(plan)[0] == "cooker-5", ids(plan)  # the one sold in black


async def test_a_comparison_names_its_products_in_its_own_words(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("i want a gooseneck kettle", ShopperProfile())
    plan = await chat.plan("kona or flowe, which is cheaper", plan.profile)
    assert plan.decision.action == "compare"
    assert set(ids(plan)) == {"kona", "flowe"}, ids(plan)


def test_a_product_named_after_for_is_what_the_thing_asked_for_goes_with() -> None:
    view = CatalogView({p.id: p for p in KITCHEN})
    cooker = [p for p in KITCHEN if p.id == "cooker-5"]
    text = "looking for a cover for the hayate vg-10 damascus gyuto"
    assert aimed_at(view, text, view.named(text)) == {"gyuto-1"}
    assert aimed_at(view, "is the hinata ih pressure rice cooker any good", cooker) == set()
    # Of the kind asked, it is what is asked for ("case for iphone 15": the case for one).
    text = "a saya cover for the 210mm gyuto"
    assert (
        "saya" in [p.id for p in view.named(text)]
        and aimed_at(view, text, view.named(text)) == set()
    )
    # "For" a price is no product's.
    text = "a gyuto for less than 20000? the hayate damascus is fine"
    assert aimed_at(view, text, view.named(text)) == set()
    # Named before "for", it is what is asked for: "the hinata ih pressure cooker for my mum".
    text = "the hinata ih pressure rice cooker for my mum"
    assert aimed_at(view, text, view.named(text)) == set()


async def test_a_kind_asked_for_what_was_just_shown_is_that_kind_for_it(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("looking for an IH rice cooker, under 45000 yen", ShopperProfile())
    assert ids(plan)[:1] == ["cooker-5"], ids(plan)
    # Not the cookers again, as a refinement of that request would show.
    plan = await chat.plan("and a spare inner pot for it", plan.profile)
    assert ids(plan)[:1] == ["pot"] and not {"cooker-3", "cooker-5"} & set(ids(plan)), ids(plan)


async def test_not_the_one_of_those_shown_rules_that_one_out(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("need a gyuto", ShopperProfile())
    assert {"gyuto-1", "gyuto-2"} <= set(ids(plan))
    plan = await chat.plan("not the cheap one, i want something that lasts", plan.profile)
    assert "gyuto-1" not in ids(plan) and ids(plan)[:1] == ["gyuto-2"], ids(plan)


POTS = [
    Product(id="donabe", title="Iga-yaki Donabe Clay Pot 24cm (3–4 servings)", price=11000,
            currency="JPY", category="Cookware", attributes={"Tags": "donabe, clay pot, nabe"},
            description="Hand-thrown Iga clay holds heat beautifully for nabe, hot pot, stews"
                        " and rice. Not induction compatible."),
    Product(id="lid", title="Replacement Lid for 24cm Donabe", price=3900, currency="JPY",
            category="Cookware", attributes={"Tags": "donabe lid, replacement lid"},
            description="Spare clay lid for the Iga-yaki Donabe Clay Pot 24cm."),
    Product(id="stock", title="Kamome Stainless Stock Pot 24cm", price=8800, currency="JPY",
            category="Cookware", description="Tri-ply base for gas and induction."),
    Product(id="frying", title="Sora Nonstick Frying Pan 26cm", price=5400, currency="JPY",
            category="Cookware", description="Light pan for eggs and stir fries."),
    Product(id="tamago", title="Sora Nonstick Tamagoyaki Pan", price=3600, currency="JPY",
            category="Cookware", description="Square pan for rolled omelettes."),
    Product(id="knife", title="Aoyama Everyday Santoku 170", price=6800, currency="JPY",
            category="Kitchen Knives", description="A stainless all-purpose knife."),
]  # fmt: skip


async def test_the_kind_asked_comes_though_only_what_goes_with_it_is_close(
    tmp_path: Path, log: DialogueLog
) -> None:
    with indexed(tmp_path, POTS) as index:
        chat: ChatService = planner(index, log)
        plan = await chat.plan("looking for a donabe for nabe nights", ShopperProfile())
        assert plan.decision.action == "recommend", plan.decision.action
        assert ids(plan)[:1] == ["donabe"] and "lid" not in ids(plan), ids(plan)
        # In a large shop the lid alone may be close in meaning (its text says "Donabe Clay
        # Pot" as the pot's does): the pot its name names is found all the same.
        text = "looking for a donabe for nabe nights"
        vector = index.embed_queries([text])[0]
        lid = SearchHit(next(p for p in POTS if p.id == "lid"), 0.29)
        found = of_kind_named(chat.search, [lid], [("donabe",)], Filters(), text, vector, 4)
        assert [h.product.id for h in found] == ["donabe"], found
        gyuto = SearchHit(next(p for p in POTS if p.id == "knife"), 0.29)
        assert of_kind_named(chat.search, [gyuto], [("donabe",)], Filters(), text, vector, 4) == []
        # Asked for, the lid is what is shown.
        plan = await chat.plan("do you sell a replacement lid for the donabe?", ShopperProfile())
        assert ids(plan)[:1] == ["lid"], ids(plan)
