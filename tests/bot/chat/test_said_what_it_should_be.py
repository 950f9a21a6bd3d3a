"""What a follow-up says the thing should be, without naming it ("something fruity", "corded is
fine"), what the shopper lacks said as a reason ("i dont have any batteries"), the tool for what
was shown ("what should i drive 500 of those with"), and a kind only tags name ("what protection
do i need")."""

from pathlib import Path

import pytest

from bot.chat.profile import ShopperProfile
from bot.chat.retrieve import lacked_aside, only_described, refines
from bot.chat.understand import ELSE, SOMETHING_ELSE
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
