"""The kind of product a message asks for decides over what is near it in meaning: "best camera
for wildlife" is nearest to the telephoto lenses, and no lens is a camera. Over a real index
and the real embeddings."""

from pathlib import Path

import pytest

from bot.chat.profile import ShopperProfile
from bot.chat.retrieve import kind_not_in, more_said
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.coverage import asked_kinds
from tests.bot.chat.shop import ids, planning

SHOP = [
    Product(id="kz70", title="Korvan KZ70 Full-Frame Mirrorless Camera", price=149990,
            currency="INR", category="Mirrorless Cameras",
            description="45 MP full-frame sensor, weather-sealed magnesium body, 20 fps bursts."),
    Product(id="ax200", title="Arvo AX200 Mirrorless Camera with 15-45mm Kit Lens",
            price=54990, currency="INR", category="Mirrorless Cameras",
            description="24 MP APS-C sensor, flip screen, light enough to carry all day."),
    Product(id="vx30", title="Veltra VX30 Mirrorless Camera", price=189990,
            currency="INR", category="Mirrorless Cameras",
            description="33 MP, in-body stabilisation, dust and moisture resistant."),
    Product(id="go", title="Kinetix Go Action Camera", price=19990, currency="INR",
            category="Action Cameras", description="Waterproof to 10 m, 4K video, tiny."),
    Product(id="l150", title="Lumora 150-600mm f/5-6.3 Sport Telephoto Zoom Lens",
            price=109990, currency="INR", category="Lenses",
            description="Super-telephoto reach for wildlife on any mirrorless camera."),
    Product(id="l70", title="Veltra 70-300mm f/4.5-5.6 Telephoto Zoom Lens", price=84990,
            currency="INR", category="Lenses",
            description="The light wildlife zoom for your camera: safaris, birds and sport."),
    Product(id="l100", title="Korvan 100-400mm f/4.5-5.6 VR Telephoto Zoom Lens", price=239990,
            currency="INR", category="Lenses",
            description="Wildlife camera work with fast, quiet autofocus; weather-sealed."),
    Product(id="l35", title="Korvan 35mm f/1.8 Prime Lens", price=39990, currency="INR",
            category="Lenses", description="A bright everyday prime for street and travel."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("bhai which is best camera for wildlife, should be weather sealed", [["camera"]]),
        ("what's the best tent for 2 people", [["tent"]]),
        ("whats a good beginner guitar", [["beginner", "guitar"]]),
        ("whats the best way to store beans", []),  # a way is no kind
        ("which is better, the x100 or the y200", []),
    ],
)
def test_which_is_best_names_its_kind(text: str, kinds: list[list[str]]) -> None:
    assert asked_kinds(text) == kinds


async def test_the_kind_asked_decides_over_what_is_near_in_meaning(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, SHOP, log) as chat:
        text = "bhai which is best camera for wildlife, budget 2 lakh. should be weather sealed"
        plan = await chat.plan(text, ShopperProfile())
        shown = ids(plan)
        assert shown and set(shown) <= {"kz70", "vx30", "ax200", "go"}, (shown, plan.decision)
        # Most of the products near it in meaning are lenses; no lens is a camera, so their
        # category is not the one asked.
        view = chat.search.view
        assert kind_not_in(view, [["camera"]], "Lenses")
        assert not kind_not_in(view, [["camera"]], "Mirrorless Cameras")
        assert not kind_not_in(view, [["lens"]], "Lenses")


COFFEE = [
    Product(id="husets", title="Husets Blend – Whole Bean 1 kg", price=419, currency="SEK",
            category="Whole Bean",
            description="Our house blend: milk chocolate, hazelnut, low acidity. Roasted weekly."),
    Product(id="mork", title="Mörkrost Espresso Blend – Whole Bean 250 g", price=139,
            currency="SEK", category="Whole Bean",
            description="A dark roast for espresso: cocoa, molasses and a heavy body."),
    Product(id="ground", title="Husets Blend – Ground 500 g", price=229, currency="SEK",
            category="Ground Coffee", description="The house blend ground for filter brewing."),
    Product(id="skerton", title="Hario Skerton Pro – Coffee Grinder", price=549, currency="SEK",
            category="Grinders", description="A hand grinder with ceramic burrs."),
    Product(id="bot", title="Cogwise Code-a-Bot Robot Kit", price=599, currency="SEK",
            category="Gifts", description="Build and program 3 robots. Needs 4 AA batteries."),
]  # fmt: skip


async def test_a_kind_a_title_names_after_a_dash_is_carried(
    tmp_path: Path, log: DialogueLog
) -> None:
    # "Whole Bean" is the category, and the titles say it after a dash: beans are carried.
    with planning(tmp_path, COFFEE, log) as chat:
        view = chat.search.view
        assert view.names(["bean"])
        # What a part after a dash names by its last word: "Coffee Grinder" is no coffee.
        assert {view.order[i] for i in view.headed["coffee"]} == {"ground"}
        plan = await chat.plan(
            "looking for beans for my espresso machine, something chocolatey and not too acidic",
            ShopperProfile(),
        )
        assert plan.decision.action == "recommend", plan.decision
        assert set(ids(plan)) <= {"husets", "mork"} and ids(plan), ids(plan)


async def test_a_word_that_names_one_product_leaves_the_category_near_in_meaning(
    tmp_path: Path, log: DialogueLog
) -> None:
    shop = [*COFFEE, Product(id="box", title="Coffee Tasting Box – 3 × 100 g", price=249,
                             currency="SEK", category="Gifts",
                             description="Three single origins side by side.")]  # fmt: skip
    with planning(tmp_path, shop, log) as chat:
        # "coffee" is the name of two products (the ground coffee, the tasting box), and the
        # word of every other: no kind of its own beside the beans.
        assert not kind_not_in(chat.search.view, [["coffee"]], "Whole Bean")


async def test_a_coined_name_written_with_spaces_names_its_product(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, COFFEE, log) as chat:
        plan = await chat.plan("does the code a bot need baterries?", ShopperProfile())
        assert (plan.decision.action, ids(plan)) == ("answer", ["bot"]), plan.decision


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("I'm pregnant and want to stop using retinol, what can i use instead?", []),
        ("i'm a beginner, need a tent", [["tent"]]),
        ("im after a tent", [["tent"]]),
        ("bf shaves every day and gets razor bumps", []),
        ("bf needs a razor", [["razor"]]),
    ],
)
def test_who_the_shopper_is_names_no_kind(text: str, kinds: list[list[str]]) -> None:
    assert asked_kinds(text) == kinds


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("bean to cup machine with built in grinder?", [["bean-to-cup", "machine"]]),
        ("floor to ceiling curtains for the bedroom", [["floor-to-ceiling", "curtain"]]),
        ("easy to clean grinder under 500", [["easy-to-clean", "grinder"]]),
        ("a day to day bag", [["day-to-day", "bag"]]),
        ("tent to sleep 4", [["tent"]]),  # what the tent is for
        ("i need something easy to clean", []),
    ],
)
def test_a_compound_joined_by_to_says_which_kind(text: str, kinds: list[list[str]]) -> None:
    assert asked_kinds(text) == kinds


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("grey zip up hoodie", [["grey", "zip-up", "hoody"]]),
        ("pull up bar for my doorway", [["pull-up", "bar"]]),
        ("slip on shoes for my dad", [["slip-on", "shoe"]]),
        ("a stand up desk", [["stand-up", "desk"]]),
        ("running shoes to slip on easily", [["running", "shoe"]]),  # no kind after it
        ("tent that packs down small", [["tent"]]),
    ],
)
def test_a_verb_and_its_particle_before_the_kind_say_which_kind(
    text: str, kinds: list[list[str]]
) -> None:
    assert asked_kinds(text) == kinds


async def test_a_kind_the_shop_s_category_path_names_is_all_of_that_kind(
    tmp_path: Path, log: DialogueLog
) -> None:
    # A WooCommerce export keeps the path ("Coffee > Whole Bean") in Categories: the beans and
    # the ground coffee are coffee, though only the tasting box's title says so.
    paths = {
        "husets": "Coffee > Whole Bean",
        "mork": "Coffee > Whole Bean",
        "ground": "Coffee > Ground",
        "skerton": "Equipment > Grinders",
        "bot": "Gifts",
    }
    shop = [
        p.model_copy(update={"category": paths[p.id].split(" > ")[-1],
                             "attributes": {"Categories": paths[p.id]}})
        for p in COFFEE
    ]  # fmt: skip
    shop.append(Product(id="box", title="Coffee Tasting Box – 3 × 100 g", price=249,
                        currency="SEK", category="Gifts", description="Three single origins.",
                        attributes={"Categories": "Gifts"}))  # fmt: skip
    with planning(tmp_path, shop, log) as chat:
        plan = await chat.plan("i need coffee", ShopperProfile())
        assert {"husets", "mork", "ground"} & set(ids(plan)), ids(plan)
        assert "skerton" not in ids(plan), ids(plan)


KITS = [
    Product(id="exped", title="Expedition First Aid Kit", price=329.9, category="First Aid",
            description="Complete first aid kit for 10 days away from help, 180 items."),
    Product(id="trail", title="Trail First Aid Kit", price=149.9, category="First Aid",
            description="Light first aid kit for day hikes and weekend trips."),
    Product(id="day20", title="Trilha 20 Day Pack", price=189.9, category="Backpacks",
            description="20 L day pack for day hikes, with a hip belt."),
    Product(id="day12", title="Trilhinha 12 Kids Backpack", price=149.9, category="Backpacks",
            description="Small day hike backpack for kids."),
    Product(id="day30", title="Cume 30 Day Hiking Pack", price=199.0, category="Backpacks",
            description="Day hiking pack with rain cover."),
]  # fmt: skip


async def test_one_of_the_kind_more_so_keeps_the_kind_whatever_it_is_for(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, KITS, log) as chat:
        first = await chat.plan("first aid kit for a 10 day expedition", ShopperProfile())
        smaller = await chat.plan("something smaller just for day hikes, under 200", first.profile)
    assert ids(first)[:1] == ["exped"], ids(first)
    # "day hikes" is what the day packs are for; "something smaller" is a smaller kit.
    assert ids(smaller) == ["trail"], ids(smaller)


def test_more_so_is_said_by_a_comparative() -> None:
    for text in [
        "something smaller",
        "a lighter one",
        "anything a bit cheaper",
        "a less noisy one",
    ]:
        assert more_said(text), text
    for text in [
        "something leather",
        "a silver one",
        "something water resistant",
        "a water filter",
    ]:
        assert not more_said(text), text
