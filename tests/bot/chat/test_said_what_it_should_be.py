"""What a follow-up says the thing should be, without naming it ("something fruity", "corded is
fine"), what the shopper lacks said as a reason ("i dont have any batteries"), the tool for what
was shown ("what should i drive 500 of those with"), and a kind only tags name ("what protection
do i need")."""

from pathlib import Path

import pytest

from bot.chat.profile import ShopperProfile
from bot.chat.retrieve import lacked_aside, only_described, refines
from bot.chat.understand import ANOTHER_FOR_IT, ELSE, SOMETHING_ELSE, USED_IN
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.wants import must_have
from tests.bot.chat.shop import ids, planning

TOOLS = [
    Product(id="saw-corded", title="Volterra 1400W Circular Saw 190 mm", price=1299,
            category="Saws", description="Corded circular saw with a 1400 W motor.",
            attributes={"Tags": "circular saw, corded"}),
    Product(id="saw-cordless", title="Krafti KX18 Circular Saw 165 mm - Bare Tool", price=899,
            category="Saws", description="Cordless 18V circular saw. Supplied without battery.",
            attributes={"Tags": "circular saw, cordless, bare tool"}),
    Product(id="jigsaw-cordless", title="Krafti KX18 Cordless Jigsaw - Bare Tool", price=999,
            category="Saws", description="Cordless jigsaw. Supplied without battery and charger.",
            attributes={"Tags": "jigsaw, cordless"}),
    Product(id="battery", title="Krafti KX18 18V 4.0 Ah Battery", price=349,
            category="Batteries & Chargers", description="Li-ion battery for all KX18 tools.",
            attributes={"Tags": "battery, 18v"}),
    Product(id="charger", title="Krafti KX18 Fast Charger", price=299,
            category="Batteries & Chargers", description="Charges KX18 batteries in 45 minutes.",
            attributes={"Tags": "charger"}),
    Product(id="screws", title="Decking Screws A2 Stainless 4.5 x 50 mm, Box of 500", price=349,
            category="Fasteners", description="Stainless steel screws for outdoor decking.",
            attributes={"Tags": "screws, decking"}),
    Product(id="wood-screws", title="Wood Screws, Torx, Bag of 200", price=79,
            category="Fasteners", description="Torx wood screws for furniture and joinery.",
            attributes={"Tags": "screws"}),
    Product(id="impact", title="Volterra V18 Brushless Impact Driver - Bare Tool", price=1399,
            category="Drills & Drivers", description="Compact impact driver for long screws.",
            attributes={"Tags": "impact driver, cordless"}),
    Product(id="drill-driver", title="Krafti KX18 Compact Drill Driver", price=649,
            category="Drills & Drivers", description="Drill driver for screws and drilling wood.",
            attributes={"Tags": "drill driver, cordless"}),
    Product(id="glasses", title="Safety Glasses, Clear, Anti-fog", price=59,
            category="Workwear & Safety", description="Polycarbonate glasses. EN 166.",
            attributes={"Tags": "eye protection, glasses"}),
    Product(id="ear", title="Ear Defenders SNR 30 dB", price=149,
            category="Workwear & Safety", description="Foldable ear defenders.",
            attributes={"Tags": "ear defenders, hearing protection"}),
    Product(id="paint", title="Malerfix Indoor Wall Paint, White", price=329,
            category="Paint & Brushes", description="Matt wall paint for living rooms.",
            attributes={"Tags": "wall paint, paint"}),
    Product(id="tape", title="Malerfix Masking Tape 25 mm", price=39,
            category="Paint & Brushes", description="Masking tape for painting walls.",
            attributes={"Tags": "masking tape, paint"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("something fruity", True),
        ("a fruity one", True),
        ("got anything a bit sweeter?", True),
        ("something for kids", False),  # for whom, not what it is
        ("anything with vanilla", False),
        ("something vegan", False),  # a word English's lists take for a noun
    ],
)
def test_only_describing_the_thing_refines_the_request(text: str, described: bool) -> None:
    assert only_described(text) is described
    assert refines(text) is described


def test_what_the_shopper_lacks_is_a_reason_when_the_rest_says_what_it_should_be() -> None:
    assert lacked_aside("i dont have any batteries, corded is fine") == "corded is fine"
    assert lacked_aside("we have no garden, indoor only") == "indoor only"
    assert lacked_aside("i dont have a drill, which one should i get") is None
    assert must_have("something caffeine free for the evenings, loose please") == [("loose",)]
    assert must_have("corded is fine") == [("corded",)]


def test_anything_else_is_another_request_though_a_title_has_its_words() -> None:
    text = "damn. anything else with jasmine pearls in it thats in stock"
    assert SOMETHING_ELSE.search(text) and ELSE.search(text)


async def test_corded_is_fine_without_batteries_keeps_to_the_saws(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, TOOLS, log) as chat:
        first = await chat.plan("need a saw for a garden shed", ShopperProfile())
        plan = await chat.plan("i dont have any batteries, corded is fine", first.profile)
    assert ids(plan) == ["saw-corded"], ids(plan)


async def test_the_tool_to_drive_the_screws_shown_is_a_driver(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, TOOLS, log) as chat:
        first = await chat.plan("decking screws stainless", ShopperProfile())
        plan = await chat.plan("what should i drive 500 of those with, my arms will die",
                               first.profile)  # fmt: skip
    assert ids(plan) and set(ids(plan)) <= {"impact", "drill-driver"}, ids(plan)


async def test_a_kind_only_tags_name_is_asked_for_not_what_it_is_for(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, TOOLS, log) as chat:
        plan = await chat.plan(
            "going to sand old paint off the living room walls, what protection do i need",
            ShopperProfile(),
        )
    assert ids(plan) and set(ids(plan)) <= {"glasses", "ear"}, ids(plan)


OUTDOOR = [
    Product(id="daypack", title="Atalho 22 Daypack", price=299.90, category="Backpacks",
            description="22 L daypack with a hydration sleeve and hip belt pockets."),
    Product(id="reservoir", title="Hydration Reservoir 2 L", price=159.90,
            category="Water Filters & Bottles",
            description="Fits the hydration sleeve of the Atalho daypacks. Bite valve."),
    Product(id="tablets", title="Water Purification Tablets (50)", price=49.90,
            category="Water Filters & Bottles", description="Kill bacteria and viruses."),
    Product(id="squeeze", title="Aguapé Squeeze Water Filter", price=229.90,
            category="Water Filters & Bottles", description="0.1 micron hollow fibre filter."),
    Product(id="clean-kit", title="Filter Cleaning Kit", price=39.90,
            category="Water Filters & Bottles",
            description="Backflush syringe and adapter for squeeze filters."),
    Product(id="teapot", title="Glass Teapot 800 ml", price=390, category="Teaware",
            description="Borosilicate teapot with a steel infuser."),
    Product(id="sencha", title="Sencha Green Tea 100 g", price=190, category="Green Tea",
            description="Brew at 75 °C for two minutes."),
    Product(id="gyokuro", title="Gyokuro Green Tea 50 g", price=290, category="Green Tea",
            description="Shade-grown; brew at 60 °C."),
]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "and the water bladder for it",
        "ok which cover fits it then",
        "what do i clean it with",
        "and earrings to match?",
        "do you have a matching belt",
        "a scarf that matches",
    ],  # fmt: skip
)
def test_a_thing_for_the_one_shown_is_asked_for_not_a_question_about_it(text: str) -> None:
    assert USED_IN.search(text) or ANOTHER_FOR_IT.search(text)
    assert not ANOTHER_FOR_IT.search("and the price for it")
    assert not ANOTHER_FOR_IT.search("does the colour match the photo")


async def test_what_cleans_the_one_shown_is_listed_beside_it(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, OUTDOOR, log) as chat:
        first = await chat.plan("squeeze water filter", ShopperProfile())
        plan = await chat.plan("what do i clean it with", first.profile)
        # ... while what tea is brewed in is no other tea, whose texts say "brew" too.
        tea = await chat.plan("sencha green tea", ShopperProfile())
        pot = await chat.plan("and something to brew it in", tea.profile)
    assert plan.intent == "browse" and ids(plan)[:1] == ["clean-kit"], ids(plan)
    assert ids(pot)[:1] == ["teapot"], ids(pot)


async def test_the_one_called_by_a_word_none_of_their_texts_has_is_the_nearest_in_meaning(
    tmp_path: Path, log: DialogueLog
) -> None:
    # "how much is the bladder" after the tablets and the reservoir: the reservoir's price.
    with planning(tmp_path, OUTDOOR, log) as chat:
        shown = await chat.plan("tablets or a hydration reservoir", ShopperProfile())
        assert {"tablets", "reservoir"} <= set(ids(shown)), ids(shown)
        plan = await chat.plan("how much is the bladder", shown.profile)
    assert plan.decision.action == "answer" and ids(plan) == ["reservoir"], ids(plan)


CHARMS = [
    Product(id="birth", title="Holdfény Birthstone Charm Sterling Silver", price=7990,
            category="Charms", description="Fits the Holdfény Duna charm bracelet."),
    Product(id="duna", title="Holdfény Duna Charm Bracelet Sterling Silver", price=19990,
            category="Bracelets", description="A 3 mm snake-chain charm bracelet."),
    Product(id="tennis", title="Holdfény Tennis Bracelet Sterling Silver", price=29990,
            category="Bracelets", description="Cubic zirconia tennis bracelet."),
]  # fmt: skip


async def test_the_one_the_request_before_named_is_the_one_called_so_now(
    tmp_path: Path, log: DialogueLog
) -> None:
    # "how much is the bracelet" after "does it fit on the duna bracelet" about a charm: the
    # Duna bracelet's price, not the charm's.
    with planning(tmp_path, CHARMS, log) as chat:
        shown = await chat.plan("birthstone charm", ShopperProfile())
        # The charm was answered about ("Fits the Holdfény Duna charm bracelet"); the request
        # before named the bracelet.
        asked = shown.profile.model_copy(update={"topic": "does it fit on the duna bracelet"})
        plan = await chat.plan("ok how much is the bracelet", asked)
        alone = await chat.plan("ok how much is the bracelet", shown.profile)
    assert ids(shown)[:1] == ["birth"], ids(shown)
    assert plan.decision.action == "answer" and ids(plan) == ["duna"], ids(plan)
    assert ids(alone) != ["birth"], ids(alone)  # never the charm's price for "the bracelet"
