"""What the shopper has or moves on from is not what they ask for, and what earlier answers
showed can still be named: over a real index and the real embeddings."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import ChatService
from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.index import CatalogIndex
from tests.bot.chat.shop import ids, indexed, planner, planning

SHOP = [
    Product(id="z70", title="Korvan Z-70 Full-Frame Mirrorless Camera (Body Only)", price=189990,
            category="Mirrorless Cameras", description="Weather sealed full-frame body."),
    Product(id="vx10", title="Veltra VX-10 Mirrorless Camera (Body Only)", price=54990,
            category="Mirrorless Cameras", description="Compact APS-C camera for creators."),
    Product(id="grip", title="Korvan MB-Z Battery Grip for Z-series Bodies (Z-70 / Z-90)",
            price=24990, category="Batteries", description="Two batteries for long shoots."),
    Product(id="kz2470", title="Korvan KZ 24-70mm f/4 S Standard Zoom Lens", price=79990,
            category="Lenses", description="One lens for travel: wide to short tele."),
    Product(id="kz35", title="Korvan KZ 35mm f/1.8 S Prime Lens", price=44990,
            category="Lenses", description="Small prime for street and travel."),
    Product(id="vl50", title="Veltra VL 50mm f/1.8 Prime Lens", price=17990, category="Lenses",
            description="Light prime for portraits."),
    Product(id="macro", title="Optyx 100mm f/2.8 1:1 Macro Lens for Veltra VL-mount",
            price=38990, category="Lenses",
            description="True 1:1 close-up lens for product photos, jewellery and insects."),
    Product(id="mini", title="Corsa Mini Single Boiler Espresso Machine", price=6990,
            category="Espresso Machines", description="Compact single boiler for beginners."),
    Product(id="pro", title="Corsa Pro E61 Heat Exchanger Espresso Machine", price=17990,
            category="Espresso Machines",
            description="E61 heat exchanger: brew and steam at the same time."),
    Product(id="duo", title="Vanta Duo Dual Boiler Espresso Machine", price=24990,
            category="Espresso Machines",
            description="Two boilers, so you can brew and steam at the same time."),
]  # fmt: skip


@pytest.fixture
def index(tmp_path: Path) -> Iterator[CatalogIndex]:
    with indexed(tmp_path, SHOP) as catalog:
        yield catalog


@pytest.mark.parametrize(
    ("text", "theirs"),
    [
        ("i have korvan z-70, which lens should i buy for travel? want one lens for everything",
         {"z70", "grip"}),
        ("i make handmade jewellery and want to take close up photos of it, which lens should i"
         " get? i have veltra vx-10", {"vx10"}),
    ],
)  # fmt: skip
async def test_the_camera_the_shopper_has_is_not_shown_for_the_lens_asked(
    index: CatalogIndex, log: DialogueLog, text: str, theirs: set[str]
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan(text, ShopperProfile())
    assert plan.decision.action == "recommend", plan.decision.action
    shown = ids(plan)
    assert shown and all(i in {"kz2470", "kz35", "vl50", "macro"} for i in shown), shown
    assert not theirs & set(shown), shown


async def test_what_the_shopper_upgrades_from_is_not_shown_and_later_names_win(
    index: CatalogIndex, log: DialogueLog
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan(
        "upgrading from my corsa mini, want something that can steam and brew at the same time",
        ShopperProfile(),
    )
    assert plan.decision.action == "recommend", plan.decision.action
    assert "mini" not in ids(plan) and {"pro", "duo"} <= set(ids(plan)), ids(plan)
    # Its own name, not the one of the request it follows up.
    plan = await chat.plan("is the duo in stock", plan.profile)
    assert ids(plan) == ["duo"], ids(plan)
    # "the pro" was shown two answers back.
    plan = await chat.plan("ok so whats cheaper, the duo or the pro", plan.profile)
    assert plan.decision.action == "compare", plan.decision.action
    assert set(ids(plan)) == {"duo", "pro"}, ids(plan)
    assert plan.profile.seen[:2] == ["duo", "pro"] or set(plan.profile.seen[:2]) == {"duo", "pro"}


CLOTHES = [
    Product(id="sc1", title="Veldmann Lambswool Scarf, Tartan", price=45, category="Accessories",
            description="A warm lambswool scarf in a classic tartan."),
    Product(id="sc2", title="Silk Square Scarf, Floral", price=39, category="Accessories",
            description="A light silk scarf for spring."),
    Product(id="h1", title="Merino Rib Beanie Hat", price=29, category="Accessories",
            description="A warm merino wool beanie hat."),
    Product(id="h2", title="Fleece-Lined Wool Hat", price=35, category="Accessories",
            description="Wool hat lined with fleece for cold days."),
    Product(id="j1", title="Nordhaven Down Jacket", price=189, category="Jackets",
            description="A warm down jacket for winter."),
    Product(id="j2", title="Kustwerk Rain Jacket", price=129, category="Jackets",
            description="A waterproof jacket for rainy days."),
    Product(id="g1", title="Thinsulate Touchscreen Gloves", price=25, category="Accessories",
            description="Warm gloves that work with a phone."),
]  # fmt: skip


async def test_two_kinds_asked_at_once_are_each_shown(tmp_path: Path, log: DialogueLog) -> None:
    with planning(tmp_path, CLOTHES, log) as chat:
        plan = await chat.plan(
            "my dad is always frozen on the touchline. thinking a scarf or a warm hat for him,"
            " 50 euros max",
            ShopperProfile(),
        )
        assert plan.decision.action == "recommend", plan.decision.action
        # Each kind in turn, and nothing of a third kind (the warm gloves, the down jacket).
        assert {i[0] for i in ids(plan)[:2]} == {"s", "h"}, ids(plan)
        assert all(i[0] in "sh" for i in ids(plan)), ids(plan)


GRINDERS = [
    Product(id="blade", title="Moli Electric Blade Grinder", price=299, category="Grinders",
            description="Grinds beans in seconds. Fine for filter and french press. The grind is"
                        " uneven, so we do not recommend it for espresso or pour-over."),
    Product(id="hand", title="Trekk H1 Hand Grinder", price=790, category="Grinders",
            description="Compact hand grinder for travel. Not recommended for espresso."),
    Product(id="burr", title="Graal E54 Espresso Grinder", price=4490, category="Grinders",
            description="54 mm flat burrs with stepless adjustment for home espresso."),
    Product(id="pro", title="Trekk H2 Pro Hand Grinder", price=1690, category="Grinders",
            description="48 mm burrs and micro-adjustment: a hand grinder that handles espresso."),
]  # fmt: skip


async def test_what_a_product_says_it_is_not_for_goes_last(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, GRINDERS, log) as chat:
        plan = await chat.plan("grinder for espresso under 5000?", ShopperProfile())
        assert plan.decision.action == "recommend", plan.decision.action
        assert set(ids(plan)[:2]) == {"burr", "pro"}, ids(plan)


CARDS = [
    Product(id="ax500", title="Aurex AX-500 APS-C Mirrorless Camera (Body Only)", price=94990,
            category="Mirrorless Cameras",
            description="Flagship APS-C body with dual UHS-II slots. Mount: Aurex AX-mount. Card"
                        " slots: 2x SD UHS-II. Battery: Aurex AB-50."),
    Product(id="z70", title="Korvan Z-70 Full-Frame Mirrorless Camera", price=189990,
            category="Mirrorless Cameras",
            description="Full-frame body. Mount: Korvan Z-mount. Card slots: 1x CFexpress Type B."),
    Product(id="x11", title="Rovix X11 Action Camera", price=39990, category="Action Cameras",
            description="Waterproof action camera. Card slot: microSD."),
    Product(id="cfx", title="Flashcore CFexpress Type B Memory Card", price=21990,
            category="Memory Cards",
            description="Memory card for mirrorless cameras like the Korvan Z-70: 8K RAW video."),
    Product(id="micro", title="Flashcore microSDXC V30 Memory Card", price=899,
            category="Memory Cards",
            description="Memory card for action cameras like the Rovix X11, drones and phones."),
    Product(id="basic", title="Zentrix Basic SDHC 32GB Memory Card", price=449,
            category="Memory Cards",
            description="Entry-level memory card for cameras. Interface: SD UHS-I."),
    Product(id="uhs1", title="Zentrix Extreme SDXC Memory Card", price=1199,
            category="Memory Cards",
            description="Memory card for cameras, 4K 30p. Interface: SD UHS-I."),
    Product(id="v90", title="Zentrix Pro SDXC V90 Memory Card", price=7499,
            category="Memory Cards",
            description="Professional V90 card for 6K bursts. Interface: SD UHS-II."),
    Product(id="ab50", title="Aurex AB-50 Rechargeable Battery", price=4990,
            category="Batteries", description="Spare battery for the Aurex AX-500."),
]  # fmt: skip


async def test_what_fits_the_shoppers_own_product_comes_first(
    tmp_path: Path, log: DialogueLog
) -> None:
    with indexed(tmp_path, CARDS) as index:
        chat: ChatService = planner(index, log)
        plan = await chat.plan("memory cards for aurex ax-500?", ShopperProfile())
        assert plan.decision.action == "recommend", plan.decision.action
        shown = ids(plan)
        # The card its specs take first (SD UHS-II), and after the other SD cards, those
        # written for other cameras; never the camera itself.
        assert shown[0] == "v90", shown
        assert "ax500" not in shown, shown
        sd = [shown.index(i) for i in ("v90", "basic", "uhs1") if i in shown]
        others = [shown.index(i) for i in ("cfx", "micro") if i in shown]
        assert max(sd) < min(others, default=len(shown)), shown
        # The one the follow-up points at, not the camera the request named.
        plan = await chat.plan("256gb pro one in stock?", plan.profile)
        assert plan.decision.action == "answer", plan.decision.action
        assert ids(plan) == ["v90"], ids(plan)
        # A spare battery names the camera in its own text: it fits.
        plan = await chat.plan("spare battery for my aurex ax-500", ShopperProfile())
        assert ids(plan)[:1] == ["ab50"], ids(plan)


LENSES = [
    Product(id="ax200", title="Aurex AX-200 APS-C Mirrorless Camera (Body Only)", price=54990,
            category="Mirrorless Cameras",
            description="Light APS-C body for beginners. Mount: Aurex AX-mount."),
    Product(id="z70", title="Korvan Z-70 Full-Frame Mirrorless Camera (Body Only)", price=149990,
            category="Mirrorless Cameras",
            description="Weather sealed full-frame body. Mount: Korvan Z-mount."),
    Product(id="ax23", title="Aurex AX 23mm f/1.4 Prime Lens", price=28990, category="Lenses",
            description="Bright everyday prime. Mount: Aurex AX-mount."),
    Product(id="ax55210", title="Aurex AX 55-210mm f/3.5-4.8 OIS Telephoto Zoom Lens",
            price=32990, category="Lenses",
            description="Light and affordable telephoto zoom. Mount: Aurex AX-mount."),
    Product(id="vl70300", title="Veltra VL 70-300mm f/4.5-5.6 G OSS Telephoto Zoom Lens",
            price=84990, category="Lenses",
            description="Long telephoto zoom for sports and wildlife. Mount: Veltra VL-mount."),
    Product(id="kz100400", title="Korvan KZ 100-400mm f/4.5-5.6 VR S Telephoto Zoom Lens",
            price=219990, category="Lenses",
            description="Super telephoto zoom for sports and birds. Mount: Korvan Z-mount."),
    Product(id="op85", title="Optyx 85mm f/1.8 DG Art Lens (Korvan Z-mount)",
            price=39990, category="Lenses",
            description="Creamy portraits. Weather sealed. Mount: Korvan Z-mount."),
    Product(id="tripod", title="Trivex TX-190 Aluminium Travel Tripod", price=8990,
            category="Tripods", description="Folds to 40 cm, holds 6 kg."),
    Product(id="bag", title="Nomad Kraft Trekker 20L Camera Backpack", price=6490,
            category="Camera Bags", description="Fits a body and three lenses."),
    Product(id="sd", title="Zentrix Extreme SDXC Memory Card 128GB", price=1199,
            category="Memory Cards", description="Fast card for 4K video."),
    Product(id="strap", title="Peak Slide Camera Strap", price=3990, category="Straps",
            description="Quick-adjust sling strap."),
    Product(id="cloth", title="ClearVue Microfibre Lens Cloth", price=299,
            category="Cleaning", description="Wipes smudges off lenses and screens."),
]  # fmt: skip


async def test_what_the_requests_are_for_holds_for_the_next_request(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, LENSES, log) as chat:
        plan = await chat.plan("lens for aurex ax-200", ShopperProfile())
        assert plan.profile.fits == ["ax200"], plan.profile.fits
        plan = await chat.plan("i want zoom for my kids sports day", plan.profile)
        assert plan.decision.action == "recommend", plan.decision.action
        # The zoom that fits the camera named a turn ago first, then the other zooms.
        assert ids(plan)[0] == "ax55210", ids(plan)
        plan = await chat.plan("kitna ka hai", plan.profile)
        assert ids(plan) == ["ax55210"], ids(plan)
    with planning(tmp_path / "2", LENSES, log) as chat:
        # Without the camera named before, no zoom is put first for it.
        plan = await chat.plan("i want a zoom lens for my kids sports day", ShopperProfile())
        assert plan.profile.fits == [] and ids(plan)[0] != "ax55210", ids(plan)


async def test_a_price_asked_after_a_question_is_of_the_product_discussed(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, LENSES, log) as chat:
        plan = await chat.plan("need a portrait lens for my korvan z-70", ShopperProfile())
        assert ids(plan)[0] == "op85", ids(plan)
        plan = await chat.plan("is it weather sealed?", plan.profile)
        assert ids(plan) == ["op85"], ids(plan)
        # Not the camera the request it follows up named.
        plan = await chat.plan("ok whats the price and is it in stock", plan.profile)
        assert (plan.decision.action, ids(plan)) == ("answer", ["op85"])
