"""Goods named around their kind: what the shop's lamps take but it does not sell ("E27 bulb,
not included"), a chest of drawers asked as a dresser, a category asked by its words ("kitchen
and table stuff"), a pastime few products are for ("into camping"), "do you have those" after
asking what a product needs, one word naming two categories ("a camera", not settled by a vote
among the nearest unless another word says which), "will it fit z-40" of the product shown,
and "which camera has ..." after a question. Over a real index and the real embeddings."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.index import CatalogIndex
from tests.bot.chat.shop import ids, indexed, planner

HOME = [
    Product(id="arc", title="Bogen Arc Floor Lamp, Brushed Brass", price=349, category="Lighting",
            description="Arched floor lamp on a marble base, height 210 cm. E27 bulb, not "
                        "included."),
    Product(id="opal", title="Opal Table Lamp, White Glass", price=99, category="Lighting",
            description="Opal glass globe on a steel base. E14 bulb, not included."),
    Product(id="pendant", title="Kobe Pendant Light, Rattan", price=149, category="Lighting",
            description="Hand-woven rattan ceiling pendant. E27 bulb, not included."),
    Product(id="chest", title="Mila Chest of 6 Drawers, Oak", price=690, category="Storage",
            description="Six-drawer chest in oak veneer with soft-close runners. Delivered "
                        "assembled."),
    Product(id="wardrobe", title="Tessin 2-Door Wardrobe, White", price=590, category="Storage",
            description="White two-door wardrobe with a hanging rail and 2 shelves."),
    Product(id="plates", title="Stoneware Dinner Plates, Set of 4", price=59,
            category="Kitchen & Tableware",
            description="Four 27 cm stoneware dinner plates. Dishwasher and microwave safe."),
    Product(id="bowls", title="Stoneware Bowls, Sand, Set of 4", price=45,
            category="Kitchen & Tableware", description="Four 15 cm stoneware bowls, 600 ml."),
    Product(id="towels", title="Cotton Tea Towels, Red Check, Set of 3", price=19,
            category="Kitchen & Tableware", description="Three cotton tea towels, 50 x 70 cm."),
    Product(id="tablecloth", title="Linen Tablecloth, Natural, 150 x 250 cm", price=79,
            category="Kitchen & Tableware",
            description="Stonewashed linen tablecloth for tables seating 6 to 8."),
    Product(id="dining", title="Nils Extendable Dining Table, White", price=890,
            category="Tables", description="Extendable dining table for six to eight."),
    Product(id="coffee-table", title="Oskar Round Coffee Table, Oak", price=320,
            category="Tables", description="A round coffee table in solid oak."),
    Product(id="side-table", title="Pilo Side Table, Black Steel", price=89, category="Tables",
            description="A small side table in powder-coated steel."),
    Product(id="sofa", title="Alva 3-Seater Sofa, Linen", price=1490, category="Sofas",
            description="A deep three seater sofa with removable linen covers."),
    Product(id="armchair", title="Jonas Lounge Chair, Oak & Leather", price=790,
            category="Armchairs", description="A lounge chair with an oak frame."),
    Product(id="dining-chair", title="Rosa Dining Chair, Velvet", price=159, category="Chairs",
            description="An upholstered dining chair in green velvet."),
    Product(id="duvet", title="Wool Duvet, All Season", price=249, category="Bedding & Bath",
            description="A breathable wool duvet, 160 x 210 cm."),
    Product(id="bath-towels", title="Waffle Bath Towels, Set of 2", price=49,
            category="Bedding & Bath", description="Two cotton waffle bath towels."),
    Product(id="rug", title="Berber Wool Rug, 160 x 230 cm", price=390, category="Rugs",
            description="A hand-knotted wool rug for the living room."),
    Product(id="vase", title="Ripple Glass Vase", price=39, category="Decor",
            description="A ribbed glass vase for fresh flowers."),
    Product(id="candles", title="Beeswax Taper Candles, Set of 6", price=24, category="Decor",
            description="Hand-dipped beeswax candles for the dinner table."),
]  # fmt: skip
COFFEE = [
    Product(id="hand-grinder", title="Trekk H1 Hand Grinder", price=790, category="Grinders",
            description="Compact hand grinder with steel burrs. Great for travel and camping."),
    Product(id="electric-grinder", title="Graal E54 Electric Grinder", price=2490,
            category="Grinders", description="Flat burr electric grinder for espresso at home."),
    Product(id="press", title="Pressa Go Immersion Brewer", price=399, category="Brewers",
            description="Unbreakable immersion brewer. Perfect for travel and camping."),
    Product(id="dripper", title="Flowe 185 Dripper", price=349, category="Brewers",
            description="Flat-bottom pour-over dripper. Uses Flowe 185 paper filters."),
    Product(id="filters", title="Flowe 185 Paper Filters, 100 pcs", price=89,
            category="Filters & Accessories",
            description="Wave paper filters for the Flowe 185 dripper."),
    Product(id="kona-filters", title="Kona 02 Paper Filters, 100 pcs", price=69,
            category="Filters & Accessories", description="Cone paper filters for 02 drippers."),
    Product(id="tea-box", title="Tea Lover's Gift Box", price=349, category="Gift Sets",
            description="Three loose leaf teas in a gift box: a lovely present for any tea fan."),
    Product(id="beans", title="Huset Blend Coffee Beans 500 g", price=189, category="Coffee",
            description="Our house espresso blend, chocolate and nuts."),
    Product(id="tasting-box", title="Coffee Tasting Box, 3 x 100 g", price=299,
            category="Gift Sets", description="Three single origins to taste side by side. A "
                                              "thoughtful gift for the coffee lover."),
    Product(id="matcha-set", title="Matcha Starter Set", price=649, category="Gift Sets",
            description="Ceremonial matcha with a bamboo whisk and bowl. A beautiful gift."),
    Product(id="pour-kit", title="Pour-Over Starter Kit", price=479, category="Gift Sets",
            description="A dripper, filters and a carafe: everything to start brewing."),
    Product(id="kasa", title="Björk Hand-Carved Kåsa 150 ml", price=399, category="Cups & Mugs",
            description="A birch cup carved by hand. A perfect gift for anyone who loves the "
                        "outdoors."),
    Product(id="mug", title="Lera Stoneware Mug 350 ml", price=199, category="Cups & Mugs",
            description="A glazed stoneware mug for your morning coffee."),
    Product(id="sencha", title="Sencha Green Tea 100 g", price=129, category="Tea",
            description="A fresh, grassy Japanese green tea."),
    Product(id="assam", title="Assam Black Tea 100 g", price=119, category="Tea",
            description="A malty black tea, strong with milk."),
    Product(id="earl-grey", title="Earl Grey Black Tea 100 g", price=125, category="Tea",
            description="Black tea with bergamot oil."),
    Product(id="infuser", title="Stainless Steel Tea Infuser Basket", price=99,
            category="Filters & Accessories",
            description="Fine-mesh infuser basket that fits most mugs and teapots."),
]  # fmt: skip

ACTION, MIRRORLESS = "Cameras > Action Cameras", "Cameras > Mirrorless Cameras"
CAMERAS = [
    Product(id="kxgo", title="Kinetix Go Mini Thumb Action Camera", price=19990, category=ACTION,
            description="A thumb-sized action camera you can clip anywhere. Waterproof to 10 m, "
                        "2.7K video, magnetic mount."),
    Product(id="rx9", title="Rovix X9 4K Action Camera", price=24990, category=ACTION,
            description="Rugged 4K60 action camera with stabilisation, waterproof to 10 m."),
    Product(id="rx11", title="Rovix X11 5.3K Action Camera", price=37990, category=ACTION,
            description="Flagship action camera, 5.3K video, front screen, waterproof."),
    Product(id="kx360", title="Kinetix One 360 Action Camera", price=44990, category=ACTION,
            description="Shoots 360 degree video; reframe later on your phone."),
    Product(id="ax200", title="Aurex AX-200 Mirrorless Camera with 15-45mm Kit Lens",
            price=42990, category=MIRRORLESS,
            description="Light APS-C mirrorless camera with a flip screen, 24 MP sensor and "
                        "interchangeable lenses."),
    Product(id="vx10", title="Veltra VX-10 Mirrorless Camera (Body Only)", price=54990,
            category=MIRRORLESS,
            description="Compact 24.2MP APS-C mirrorless camera with eye autofocus and a "
                        "flip-up screen to frame yourself while vlogging. Audio ports: 3.5mm "
                        "mic input (no headphone jack)."),
    Product(id="kz40", title="Korvan Z-40 APS-C Mirrorless Camera (Body Only)", price=72990,
            category=MIRRORLESS,
            description="APS-C mirrorless camera with in-body stabilisation, for stills and "
                        "vlogging."),
    Product(id="lens", title="Lumora 56mm f/1.4 Lens", price=29990, category="Optics > Lenses",
            description="A bright portrait lens for APS-C mirrorless cameras."),
    Product(id="ax500", title="Aurex AX-500 APS-C Mirrorless Camera (Body Only)", price=94990,
            category=MIRRORLESS,
            description="Weather sealed APS-C body with in-body stabilisation. Audio ports: "
                        "3.5mm mic input, 3.5mm headphone jack."),
    Product(id="grip", title="Korvan MB-Z Battery Grip for Z-series Bodies (Z-70 / Z-90)",
            price=24990, category="Accessories > Batteries & Chargers",
            description="Holds two batteries for twice the shots. Not compatible with: Korvan "
                        "Z-40."),
]  # fmt: skip


@pytest.fixture
def home(tmp_path: Path) -> Iterator[CatalogIndex]:
    with indexed(tmp_path / "home", HOME) as catalog:
        yield catalog


@pytest.fixture
def coffee(tmp_path: Path) -> Iterator[CatalogIndex]:
    with indexed(tmp_path / "coffee", COFFEE) as catalog:
        yield catalog


async def test_what_the_products_take_but_the_shop_does_not_sell_is_not_carried(
    home: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(home, log)
    # Every lamp's text says "bulb, not included": bulbs are what they take, not what is sold
    # (a bulb is close in meaning to a lamp, so meaning alone took them for the shop's).
    plan = await chat.plan("do you sell light bulbs", ShopperProfile())
    assert plan.decision.action == "not_found", plan.decision
    plan = await chat.plan("a lamp for the living room", ShopperProfile())
    assert plan.decision.action == "recommend" and "arc" in ids(plan)


async def test_a_dresser_is_a_chest_of_drawers(home: CatalogIndex, log: DialogueLog) -> None:
    chat: ChatService = planner(home, log)
    plan = await chat.plan(
        "need a dresser for the bedroom, ideally real wood look", ShopperProfile()
    )
    assert plan.decision.action == "recommend" and ids(plan)[:1] == ["chest"], plan.decision


async def test_a_category_asked_by_its_words(home: CatalogIndex, log: DialogueLog) -> None:
    chat: ChatService = planner(home, log)
    # "table stuff" is tableware: the category of both words, not the tables of one.
    assert chat.search.view.category_named("kitchen and table stuff") == "Kitchen & Tableware"
    plan = await chat.plan("kitchen and table stuff under 60 fr, just moved", ShopperProfile())
    # Not the tables (none under 60), nor "nothing here": the kitchen and tableware.
    assert plan.decision.action == "recommend", plan.decision
    assert set(ids(plan)) == {"plates", "bowls", "towels"}


async def test_what_something_is_for_is_not_shown_as_it(
    home: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(home, log)
    plan = await chat.plan(
        "something nice for the dining table, tablecloth or napkins?", ShopperProfile()
    )
    assert ids(plan)[:1] == ["tablecloth"] and "dining" not in ids(plan), plan.decision


async def test_a_pastime_few_products_are_for_shows_those(
    coffee: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(coffee, log)
    plan = await chat.plan(
        "something nice for my boyfriend, hes super into camping and coffee", ShopperProfile()
    )
    assert {"hand-grinder", "press"} <= set(ids(plan)), ids(plan)
    plan = await chat.plan("something for camping", ShopperProfile())
    assert set(ids(plan)) == {"hand-grinder", "press"}, plan.decision


async def test_those_after_asking_what_a_product_needs_are_what_it_needs(
    coffee: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(coffee, log)
    first = await chat.plan("does the flowe dripper need special filters", ShopperProfile())
    assert ids(first)[:1] == ["dripper"]
    plan = await chat.plan("ok do you have those", first.profile)
    assert plan.intent == "browse" and ids(plan)[:1] == ["filters"], plan.decision
    assert "dripper" not in ids(plan)


@pytest.fixture
def cameras(tmp_path: Path) -> Iterator[CatalogIndex]:
    with indexed(tmp_path / "cameras", CAMERAS) as catalog:
        yield catalog


async def test_one_word_naming_two_categories_is_not_settled_by_a_vote(
    cameras: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(cameras, log)
    plan = await chat.plan(
        "i want camera for my daughter, she is into photography. under 60k", ShopperProfile()
    )
    shown = {p.category for p in plan.decision.products}
    # Both kinds of camera the word names, within the budget: no vote leaves the mirrorless out.
    assert MIRRORLESS in shown and ids(plan), plan.decision
    assert all(p.price <= 60000 for p in plan.decision.products)
    # A word only one of them uses says which: the cameras whose texts say "vlogging" lead.
    plan = await chat.plan("camera for vlogging", ShopperProfile())
    assert set(ids(plan)[:2]) == {"vx10", "kz40"}, plan.decision


async def test_what_a_shown_product_must_fit_is_not_what_is_asked_about(
    cameras: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(cameras, log)
    first = await chat.plan("need a battery grip", ShopperProfile())
    assert ids(first)[:1] == ["grip"]
    plan = await chat.plan("will it fit z-40", first.profile)
    # The grip is asked about (its text says it does not fit), not the camera named.
    assert plan.intent == "product_question" and ids(plan) == ["grip"], plan.decision
    assert "Not compatible with: Korvan Z-40" in plan.text


async def test_which_kind_has_after_a_question_is_a_request_of_its_own(
    cameras: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(cameras, log)
    first = await chat.plan("does veltra vx-10 have headphone jack", ShopperProfile())
    assert ids(first)[:1] == ["vx10"]
    plan = await chat.plan("ok which camera has headphone jack, under 1 lakh", first.profile)
    assert ids(plan) == ["ax500"], plan.decision


async def test_something_to_use_what_was_shown_with_is_another_kind(
    coffee: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(coffee, log)
    first = await chat.plan("black tea?", ShopperProfile())
    assert {"assam", "earl-grey"} <= set(ids(first))
    plan = await chat.plan("and something to brew it in, she doesnt have a teapot", first.profile)
    # What the tea is brewed in, not another tea.
    assert "infuser" in ids(plan) and not {"assam", "earl-grey", "sencha"} & set(ids(plan))


async def test_goods_for_a_child_where_no_product_is_for_children_are_not_carried(
    tmp_path: Path, home: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(home, log)
    # No product of this shop is for children: its rug is not a child's rug.
    plan = await chat.plan("kids rug for my sons room, hes 5", ShopperProfile())
    assert plan.decision.action == "not_found", plan.decision
    assert "rug" in ids(plan) and plan.decision.reason == "rug for a child"
    # What it is for, not whom: a lamp for a child's room is any lamp.
    plan = await chat.plan("a floor lamp for my kids room", ShopperProfile())
    assert plan.decision.action == "recommend" and "arc" in ids(plan), plan.decision
    # A shop that has something for children shows it.
    play = Product(
        id="play-rug", title="Roadway Play Rug, 100 x 150 cm", price=69, category="Rugs",
        description="A washable play rug for kids, ages 3+.",
    )  # fmt: skip
    with indexed(tmp_path / "kids", [*HOME, play]) as catalog:
        asked = "kids rug for my sons room, hes 5"
        plan = await planner(catalog, log).plan(asked, ShopperProfile())
        assert plan.decision.action == "recommend", plan.decision
        assert ids(plan)[:1] == ["play-rug"]


async def test_the_thing_a_product_is_for_is_not_that_product(
    tmp_path: Path, log: DialogueLog
) -> None:
    def item(id: str, title: str, price: int) -> Product:
        return Product(id=id, title=title, price=price, category="Phone Accessories")

    shop = [
        item("case", "Quokka ToughShell Case for iPhone 15 Series", 49),
        item("glass", "Quokka ClearGuard Screen Protector for iPhone 15 (2 Pack)", 24),
        item("charger", "Voltix 30W USB-C Charger", 39),
    ]
    with indexed(tmp_path / "phones", shop) as catalog:
        chat = planner(catalog, log)
        # The shop sells what goes with an iPhone, not the phone: not the case's price.
        plan = await chat.plan("selling the iphone 15 pro? want the 256gb one", ShopperProfile())
        assert plan.decision.action == "not_found", plan.decision
        assert "iphone" in plan.decision.reason
        plan = await chat.plan("how much is the toughshell case?", ShopperProfile())
        assert plan.decision.action == "answer" and ids(plan) == ["case"], plan.decision


async def test_a_thing_asked_for_a_product_named_is_asked_for_not_that_product(
    tmp_path: Path, log: DialogueLog
) -> None:
    def item(id: str, title: str, price: int, description: str) -> Product:
        return Product(id=id, title=title, price=price, category="Brewers",
                       description=description)  # fmt: skip

    shop = [
        item("classic", "Mokka Classic 3-Cup Moka Pot", 279, "Aluminium moka pot for gas, "
             "electric and ceramic hobs - not induction (use an induction adapter plate)."),
        item("inox", "Mokka Inox 6-Cup Moka Pot", 449, "Stainless steel moka pot for all hobs, "
             "induction included."),
        item("press", "Presso Glass French Press 1 L", 329, "Borosilicate glass beaker."),
    ]  # fmt: skip
    with indexed(tmp_path / "moka", shop) as catalog:
        chat = planner(catalog, log)
        # The Mokka Classic is what the plate is for: the plate is asked, and not sold (the
        # Classic's price was the answer).
        text = "do you sell the induction adapter plate for the mokka classic?"
        plan = await chat.plan(text, ShopperProfile())
        assert plan.decision.action == "not_found", plan.decision
        assert "classic" not in ids(plan)
        # Asked about the product itself, as before.
        plan = await chat.plan("is the mokka classic ok for induction?", ShopperProfile())
        assert plan.decision.action == "answer" and ids(plan) == ["classic"], plan.decision


async def test_goods_for_a_pet_where_no_product_speaks_of_animals_are_not_carried(
    tmp_path: Path, home: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(home, log)
    plan = await chat.plan("a washable rug for my puppy to sleep on", ShopperProfile())
    assert plan.decision.action == "not_found", plan.decision
    assert plan.decision.reason == "washable rug for a pet"
    # A person who loves cats is no cat.
    plan = await chat.plan("a wool rug for my cat-loving sister", ShopperProfile())
    assert "for a pet" not in plan.decision.reason and "rug" in ids(plan), plan.decision
    # A shop with something for pets shows it.
    bed = Product(
        id="dog-bed", title="Cosy Round Bed, Grey", price=59, category="Rugs",
        description="A washable round bed for dogs and cats.",
    )  # fmt: skip
    with indexed(tmp_path / "pets", [*HOME, bed]) as catalog:
        plan = await planner(catalog, log).plan("a washable bed for my puppy", ShopperProfile())
        assert plan.decision.action == "recommend" and ids(plan)[:1] == ["dog-bed"], plan.decision
