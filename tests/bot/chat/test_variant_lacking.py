"""A kind the shop sells, asked for in a variant no product of it is: a count the catalog states
others of ("a 12 string acoustic", "strings for my seven string"), a fraction size ("1/4 size
guitar"), or left-handed where only other kinds are. The shop says it has not got that, and
shows the closest as such. Over a real index and the real embeddings."""

from pathlib import Path

from bot.chat.profile import ShopperProfile
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from tests.bot.chat.shop import ids, planning

SHOP = [
    Product(id="ac-1", title="Tasman D-10 Dreadnought Acoustic Guitar", price=549,
            currency="NZD", category="Acoustic Guitars", description="Solid spruce top."),
    Product(id="ac-lh", title="Tasman D-10L Left-Handed Dreadnought Acoustic Guitar",
            price=569, currency="NZD", category="Acoustic Guitars",
            description="The D-10, strung and set up for left-handed players."),
    Product(id="ac-34", title="Tasman Voyager 3/4 Travel Acoustic Guitar", price=279,
            currency="NZD", category="Acoustic Guitars", description="Compact, with a gig bag."),
    Product(id="ac-12", title="Tasman Junior 1/2 Size Acoustic Guitar", price=149,
            currency="NZD", category="Acoustic Guitars", description="For young beginners."),
    Product(id="el-7", title="Valence Reaper 7 Seven-String Electric Guitar", price=1449,
            currency="NZD", category="Electric Guitars",
            description="Seven strings for low, drop-tuned riffs."),
    Product(id="el-lh", title="Ridgeline S-Classic Left-Handed Electric Guitar", price=929,
            currency="NZD", category="Electric Guitars", description="Three single coils."),
    Product(id="bass-lh", title="Ridgeline J Bass 4-String", price=999, currency="NZD",
            category="Bass Guitars",
            description="Right-handed only (a left-handed one made to order)."),
    Product(id="bass-1", title="Ridgeline PJ Bass 4-String", price=899, currency="NZD",
            category="Bass Guitars", description="Long scale, passive PJ pickups."),
    Product(id="bass-2", title="Ridgeline Mini Short Scale Bass", price=449, currency="NZD",
            category="Bass Guitars", description="A short 30 inch scale for small hands."),
    Product(id="str-9", title="Ironwire Electric Guitar Strings 9-42", price=14.9,
            currency="NZD", category="Strings",
            description="Super light strings for 6-string electric guitars."),
    Product(id="str-ac", title="Ironwire Acoustic Guitar Strings 12-53", price=19.9,
            currency="NZD", category="Strings",
            description="Phosphor bronze strings for 6-string acoustic guitars."),
    Product(id="str-bass", title="Ironwire Bass Strings 45-105", price=49.9, currency="NZD",
            category="Strings", description="Nickel strings for 4-string basses."),
]  # fmt: skip


async def test_a_count_or_size_no_product_is_is_not_carried(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, SHOP, log) as chat:
        # No text in the shop says 12 strings, though texts say 4, 6 and 7.
        plan = await chat.plan("a 12 string acoustic, do you have any", ShopperProfile())
        assert plan.decision.action == "not_found", plan.decision
        # The string sets are for 6 and 4 strings: none for the seven-string.
        plan = await chat.plan("need strings for my reaper 7, the seven string one",
                               ShopperProfile())  # fmt: skip
        assert plan.decision.action == "not_found", plan.decision
        assert ids(plan) and all(i.startswith("str") for i in ids(plan)), ids(plan)
        # A 1/4 size: the 1/2 is the closest, and is shown as such, not named by "1/...".
        plan = await chat.plan("1/4 size guitar?", ShopperProfile())
        assert plan.decision.action == "not_found", plan.decision
        assert ids(plan)[:1] == ["ac-12"], ids(plan)
        # What the shop has is still shown, in words or digits.
        plan = await chat.plan("seven string guitar?", ShopperProfile())
        assert plan.decision.action == "recommend" and ids(plan)[:1] == ["el-7"], ids(plan)
        plan = await chat.plan("a 1/2 size guitar for my son", ShopperProfile())
        assert plan.decision.action == "recommend" and ids(plan)[:1] == ["ac-12"], ids(plan)


async def test_left_handed_is_the_left_handed_ones_or_none(
    tmp_path: Path, log: DialogueLog
) -> None:
    with planning(tmp_path, SHOP, log) as chat:
        # Both kinds "guitars" heads, only the left-handed ones.
        plan = await chat.plan("do you have any left handed guitars", ShopperProfile())
        assert set(ids(plan)) == {"ac-lh", "el-lh"}, ids(plan)
        plan = await chat.plan("acoustic guitar under 600", ShopperProfile())
        plan = await chat.plan("what about left handed? im a leftie", plan.profile)
        assert ids(plan) == ["ac-lh"], ids(plan)
        # Left-handed guitars, but no left-handed bass: said, with the basses as the closest.
        plan = await chat.plan("left handed bass?", ShopperProfile())
        assert plan.decision.action == "not_found", plan.decision
        assert set(ids(plan)) <= {"bass-1", "bass-2", "bass-lh"}, ids(plan)
        # Ruled out, it is no filter.
        plan = await chat.plan("a bass guitar, i'm not left handed", ShopperProfile())
        assert plan.decision.action == "recommend", plan.decision
