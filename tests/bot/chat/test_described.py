"""A follow-up that only describes the kind asked before is about that kind; a higher budget
shows first what it buys that the lower did not; beside the kind asked, what its name does not
name is not shown. Over a real index and the real embeddings."""

from pathlib import Path

from bot.chat.profile import ShopperProfile
from bot.chat.retrieve import ONE_THAT, describes_only
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from tests.bot.chat.shop import ids, planning

SHOP = [
    Product(id="hand-1", title="Trekk H1 Hand Grinder", price=790, currency="SEK",
            category="Grinders", description="Steel burrs for pour-over and French press."),
    Product(id="hand-2", title="Trekk H2 Pro Hand Grinder", price=1690, currency="SEK",
            category="Grinders",
            description="Fine stepped adjustment, from espresso to cold brew."),
    Product(id="hand-3", title="Mulino Classic Wooden Hand Grinder", price=379, currency="SEK",
            category="Grinders", description="A wooden box mill with a drawer."),
    Product(id="esp-1", title="Corsa Mini Espresso Machine", price=3490, currency="SEK",
            category="Espresso Machines", description="Single boiler espresso for two cups."),
    Product(id="esp-2", title="Corsa Pro Dual Boiler Espresso Machine", price=8990,
            currency="SEK", category="Espresso Machines",
            description="Dual boilers: steam milk while you pull a shot."),
    Product(id="str-9", title="Ironwire Electric Guitar Strings 9-42", price=149,
            currency="SEK", category="Strings", description="Nickel wound, light gauge."),
    Product(id="str-10", title="Ironwire Electric Guitar Strings 10-46", price=149,
            currency="SEK", category="Strings", description="Nickel wound, regular gauge."),
    Product(id="str-ac", title="Ironwire Acoustic Guitar Strings 12-53", price=199,
            currency="SEK", category="Strings", description="Phosphor bronze."),
    Product(id="gtr-1", title="Reaper 6 Electric Guitar", price=6990, currency="SEK",
            category="Electric Guitars", description="Two humbuckers, a fast neck."),
    Product(id="gtr-2", title="Tele Classic Electric Guitar", price=8490, currency="SEK",
            category="Electric Guitars", description="Single coils and an ash body."),
]  # fmt: skip


def test_a_message_that_only_describes_names_no_kind() -> None:
    for text in ("one that can do espresso tho", "do you have one with a timer",
                 "ones that fold flat?"):  # fmt: skip
        assert ONE_THAT.search(text), text
    for text in ("one bag of beans please", "the one i saw yesterday", "someone told me"):
        assert not ONE_THAT.search(text), text
    assert describes_only("one that can do espresso tho", "Espresso Machines")
    assert describes_only("electric, 9s", "Electric Guitars")  # "electric" only describes
    # A kind named, or a word of the category that names a kind, is another request.
    assert not describes_only("espresso machines?", "Espresso Machines")
    assert not describes_only("any guitars?", "Electric Guitars")
    assert not describes_only("a cheap one", "Electric Guitars")  # no word of it


async def test_a_follow_up_that_only_describes_keeps_the_kind_asked(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, SHOP, log) as chat:
        plan = await chat.plan("hand grinder, max 1000 sek", ShopperProfile())
        assert set(ids(plan)) == {"hand-1", "hand-3"}, ids(plan)
        # A grinder that can do espresso, not an espresso machine.
        plan = await chat.plan("one that can do espresso tho", plan.profile)
        assert ids(plan) and all(i.startswith("hand") for i in ids(plan)), ids(plan)
        assert plan.profile.category == "Grinders", plan.profile.category
        # A higher budget: what it buys that the lower one did not comes first.
        plan = await chat.plan("fine, up to 2000 then", plan.profile)
        assert ids(plan)[:1] == ["hand-2"] and "hand-1" in ids(plan), ids(plan)

        plan = await chat.plan("need new strings", ShopperProfile())
        assert set(ids(plan)) == {"str-9", "str-10", "str-ac"}, ids(plan)
        # Electric strings, not electric guitars.
        plan = await chat.plan("electric, 9s", plan.profile)
        assert ids(plan)[:1] == ["str-9"] and not {"gtr-1", "gtr-2"} & set(ids(plan)), ids(plan)
        # Asked by name, the guitars are what is shown.
        plan = await chat.plan("electric guitars?", plan.profile)
        assert set(ids(plan)) == {"gtr-1", "gtr-2"}, ids(plan)


TABLE = [
    Product(id="plate", title="Hasami Porcelain Stacking Plate 22cm", price=2750,
            currency="JPY", category="Tableware",
            description="A white porcelain plate that stacks neatly. Dishwasher safe."),
    Product(id="cups", title="Hasami Porcelain Soba Choko Cups, Set of 4", price=4400,
            currency="JPY", category="Tableware", description="Small white porcelain cups."),
    Product(id="grill", title="Mochi Electric Takoyaki Grill", price=6900, currency="JPY",
            category="Small Appliances",
            description="Cook 24 takoyaki at the table; the white plate lifts off to wash. For"
                        " dinner parties of 4 people or more."),
    Product(id="knife", title="Aoyama Everyday Santoku 170", price=6800, currency="JPY",
            category="Kitchen Knives", description="A stainless all-purpose knife."),
]  # fmt: skip


async def test_beside_the_kind_asked_only_its_kind_is_shown(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, TABLE, log) as chat:
        # No title says "dinner plate": a plate leads all the same, and the grill whose text
        # has the same words is not shown beside it.
        plan = await chat.plan("need white dinner plates, enough for 4 people", ShopperProfile())
        assert "plate" in ids(plan) and "grill" not in ids(plan), ids(plan)
