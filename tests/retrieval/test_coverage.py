"""Whether the catalog carries the kind of thing asked for: the request's opening phrases, and
the catalog's words with typos allowed."""

from decimal import Decimal

import pytest

from retrieval.catalog import Product
from retrieval.coverage import (
    asked_kinds,
    goods_alone,
    goods_named,
    goods_phrase,
    later_kinds,
    names_a_kind,
    sentence_kinds,
    spelled,
    which_kinds,
)
from retrieval.hybrid import CatalogView, title_heads
from retrieval.text import keywords


def test_the_kind_is_the_last_word_of_each_opening_phrase() -> None:
    assert asked_kinds("just need a bike bell") == [["bike", "bell"]]
    assert asked_kinds("i need a 30m garden hose") == [["garden", "hose"]]  # sizes are not kinds
    assert asked_kinds("do you have a 65 quart cooler?") == [["cooler"]]
    assert asked_kinds("a 2 person tent") == [["tent"]]
    # How it should not be names no kind.
    assert asked_kinds("hammer, not too heavy") == [["hammer"]]
    assert asked_kinds("tennis bracelet not too expensive") == [["tennis", "bracelet"]]
    # A currency's code after an amount is no kind, as a unit is none.
    assert asked_kinds("tea gift do 500 kč") == [["tea"]]
    assert asked_kinds("hiking boots 100 usd") == [["hiking", "boot"]]
    assert asked_kinds("a tent, nothing too flashy") == [["tent"]]
    assert asked_kinds("not too expensive hiking boots for my son")[0][-1] == "boot"
    assert asked_kinds("aphids all over my roses") == [["aphid"]]
    # Laughing and chat asides are no part of the kind.
    assert asked_kinds("my 4yo wants those dinosaur slippers lol") == [["dinosaur", "slipper"]]
    assert asked_kinds("omg those boots haha") == [["boot"]]
    # A modal verb starts what the thing does.
    assert asked_kinds("what honey would go with it") == [["honey"]]
    # Which one in a life, and a sale, name no kind.
    assert asked_kinds("my first proper japanese knife") == [["japanese", "knife"]]
    assert asked_kinds("any deals this week?") == []
    assert asked_kinds("do you sell cycling shoes? size 43") == [["cycling", "shoe"]]
    assert asked_kinds("Over-ear headphones between 50 and 150 euros") == [
        ["over-ear", "headphone"]
    ]
    assert asked_kinds("hi, have you got a dog pram for my elderly pug") == [["dog", "pram"]]
    assert asked_kinds("I overpronate badly, need a stability shoe") == [["stability", "shoe"]]
    # Who "we" or "she" are is no kind; a contraction is no word of one.
    assert asked_kinds("we're breastfeeding so skip bottles. whats the cheapest cot") == []
    assert asked_kinds("she's 5, need a car seat") == [["car", "seat"]]
    assert asked_kinds("we're after a double buggy") == [["double", "buggy"]]
    # Another thing proposed: "what about" is no "about" of what it is for.
    assert asked_kinds("ok what about a desk lamp for drawing") == [["desk", "lamp"]]
    assert asked_kinds("how about tea bags") == [["tea", "bag"]]
    assert asked_kinds("what about the cheaper one") == []
    assert asked_kinds("do you sell ride on mowers") == [["ride-on", "mower"]]
    assert asked_kinds("light up takkies for my daughter") == [["light-up", "takky"]]
    assert asked_kinds("i need a light on my bike") == [["light"]]  # a light, on the bike
    # "something" and how it should be is no kind; "something" of some goods is.
    assert asked_kinds("something reusable") == asked_kinds("anything waterproof?") == []
    assert asked_kinds("something chocolate") == [["chocolate"]]
    # What is wrong with a thing had is no kind of it ("stop"); a kind asked after it is.
    assert asked_kinds("my automatic watch stops when i dont wear it for a day, what to do") == []
    assert asked_kinds("my old tent leaks, need a new tent") == [["tent"]]
    # How much so is asked, not a kind: "how long", "how heavy".
    assert asked_kinds("how long is the chain on the locket") == []
    assert asked_kinds("lightweight tent, how heavy is it?") == [["lightweight", "tent"]]
    # A phrase ending on a word that is no noun names no kind.
    assert asked_kinds("he basically lives in jumpers") == []
    assert asked_kinds("she needs a warm coat") == [["warm", "coat"]]
    # A noun only in the plural is one, folded as it is ("binocular" alone is an adjective).
    assert asked_kinds("binoculars for bird watching?") == [["binocular"]]
    # Currencies are money, no kind: "rs 1.1 lakh for the lumora 150-600".
    assert asked_kinds("rs 1.1 lakh for the lumora 150-600") == []
    assert asked_kinds("sek 500 grinder") == [["grinder"]]
    # A taste names the kind after "into".
    assert asked_kinds("she's mostly into hair stuff") == [["hair"]]
    assert asked_kinds("he is really into vinyl") == [["vinyl"]]
    assert asked_kinds("she loves hiking") == []
    assert asked_kinds("best protein bars") == [["protein", "bar"]]
    assert asked_kinds("do you have wallets too") == [["wallet"]]
    assert asked_kinds("do you still have the windmill t shirt") == [["windmill", "shirt"]]
    assert asked_kinds("gardening gloves, size M") == [["gardening", "glove"]]
    assert asked_kinds("grey hoodie in XL") == [["grey", "hoody"]]  # (folded as "hoodies" is)
    # An occasion before it: "back to school" is no kind of back.
    assert asked_kinds("back to school shopping, black lace up school shoes, kids 13") == [
        ["black", "lace-up", "school", "shoe"]
    ]
    # What the shopper's situation is, however it opens, names no kind.
    for text in (
        "setting up a little gym in the basement, need some weights",
        "doing secret santa for my running club, 10 ppl",
        "oh wait she already has a mat, so just the accessories",
        "i hate holding a bottle on my long runs",
        "moving into a tiny condo and want to lift at home",
    ):
        assert asked_kinds(text) == [], text
    # What the shopper has and how it is, or what someone close to them does: no kind asked.
    for text in (
        "my knees are shot from years of hockey so need a low impact cardio machine",
        "my dad stands on the touchline at his football club every saturday",
        "my daughter loves dolls, she's 5. what do you have",
        "wool makes me itch like crazy",
    ):
        assert asked_kinds(text) == [], text
    assert asked_kinds("my son needs a winter coat") == [["winter", "coat"]]
    assert asked_kinds("hiking boots size 10") == [["hiking", "boot"]]
    assert asked_kinds("cheap tent the kids can use") == [["tent"]]


def test_a_request_that_starts_with_its_purpose_names_no_kind() -> None:
    for text in (
        "what do you recommend for a beginner",
        "need something to brush my dog's teeth with",
        "anything cheaper? max 30 eur",
        "is the Tarnhaven Firefly waterproof?",
        "how many quid is the easel",  # a question's words, then the thing it is about
        "I search gift for my grandson",
        # A verb's past form, an occasion, a time, a question's word: no kind either.
        "just moved in, need plates and bowls",
        "the store manager said you can sell me the leather sofa for 500",
        "housewarming gift for a friend, under 50 francs",
        "whats the difference between the 2 mira tables apart from size",
        # Another of what was shown, and calling the assistant: no kind.
        "ok then what other 256gb option u have",
        "any alternative till then",
    ):
        assert asked_kinds(text) == [], text
    # Calling the assistant names no kind; the thing asked for best does.
    assert asked_kinds("bhai which is best camera for wildlife, budget 2 lakh") == [["camera"]]
    assert asked_kinds("need a 65in tv this week, in stock only pls") == [["tv"]]
    assert asked_kinds("a tie for a wedding") == [["tie"]]
    assert asked_kinds("wedding dress") == [["dress"]]
    assert asked_kinds("decking boards") == [["decking", "board"]]
    assert asked_kinds("shelving") == [["shelving"]]  # a thing, though read as a verb in -ing


def test_after_a_present_and_whom_it_is_for_a_kind_may_follow() -> None:
    assert asked_kinds("gift for a baby shower, a book for a 1 year old") == [["book"]]
    assert asked_kinds("birthday gift for my niece, a necklace") == [["necklace"]]
    assert asked_kinds("present for my dad, a wallet") == [["wallet"]]
    # Not after what the shopper tells of themselves, nor a remark on whom it is for.
    for text in (
        "just moved in, need plates and bowls",
        "setting up a little gym in the basement, need some weights",
        "looking for something for my dad, hes into fishing",
        "a gift for my mom, she likes candles",
        "i want to record my guitar and vocals at home, budget 600 total for gear",
        "I want to get something big for my son's 8th birthday, money no object",
        "between 40 and 60 - looking for a treat for myself, for my face",
    ):
        assert asked_kinds(text) == [], text


def test_a_typo_of_a_catalog_word_is_that_word() -> None:
    vocabulary = ["pillow", "kettle", "headphone", "puzzle", "belt", "rechargeable"]
    by_initial: dict[str, list[str]] = {}
    for word in vocabulary:
        by_initial.setdefault(word[0], []).append(word)
    assert spelled("pilow", vocabulary, by_initial) == "pillow"
    assert spelled("kettel", vocabulary, by_initial) == "kettle"  # two letters swapped
    assert spelled("headphne", vocabulary, by_initial) == "headphone"
    assert spelled("rechargable", vocabulary, by_initial) == "rechargeable"
    assert spelled("muzzle", vocabulary, by_initial) is None  # not a typo of "puzzle"
    assert spelled("bell", vocabulary, by_initial) is None  # too short to guess "belt"
    # Another English name for the same goods, where the catalog has only that one.
    vocabulary += ["sneaker", "sweater", "jumper"]
    by_initial = {}
    for word in vocabulary:
        by_initial.setdefault(word[0], []).append(word)
    assert spelled("trainer", vocabulary, by_initial) == "sneaker"
    assert spelled("jumper", vocabulary, by_initial) == "jumper"  # its own word first
    assert spelled("nappy", vocabulary, by_initial) is None
    vocabulary += ["stroller", "t-shirt"]
    by_initial = {}
    for word in vocabulary:
        by_initial.setdefault(word[0], []).append(word)
    assert spelled("buggy", vocabulary, by_initial) == "stroller"  # British English
    assert spelled("takkie", vocabulary, by_initial) == "sneaker"  # South African English
    # ... as a message's keywords fold it ("light up takkies": "takky").
    assert spelled(keywords("takkies")[0], vocabulary, by_initial) == "sneaker"
    assert spelled("tee", vocabulary, by_initial) == "t-shirt"
    # A word with several other names finds whichever the catalog has.
    vocabulary += ["sofa", "wardrobe", "bookcase"]
    by_initial = {}
    for word in vocabulary:
        by_initial.setdefault(word[0], []).append(word)
    assert spelled("couch", vocabulary, by_initial) == "sofa"
    assert spelled("settee", vocabulary, by_initial) == "sofa"
    assert spelled("closet", vocabulary, by_initial) == "wardrobe"
    assert spelled("bookshelf", vocabulary, by_initial) == "bookcase"
    vocabulary = ["couch"]
    assert spelled("sofa", vocabulary, {"c": ["couch"]}) == "couch"  # either way round
    # A word English knows is what the shopper meant, though the embedding model's vocabulary
    # lacks it ("projector" is not the catalog's "protector"), unless only spelled the other
    # side of the Atlantic.
    vocabulary = ["protector", "bathroom", "moisturizer", "color", "center"]
    by_initial = {}
    for word in vocabulary:
        by_initial.setdefault(word[0], []).append(word)
    assert spelled("projector", vocabulary, by_initial) is None
    assert spelled("bathrobe", vocabulary, by_initial) is None
    assert spelled("moisturiser", vocabulary, by_initial) == "moisturizer"
    assert spelled("colour", vocabulary, by_initial) == "color"
    assert spelled("centre", vocabulary, by_initial) == "center"


def test_the_catalogs_words_include_descriptions_and_categories() -> None:
    lamp = Product(
        id="l", title="Glow 300", price=Decimal("30"), category="Head Torches",
        description="A rechargeable headlamp for night runs.",
    )  # fmt: skip
    view = CatalogView({lamp.id: lamp})
    assert [view.spelled(w) for w in ("torch", "headlamp", "headlmap", "kayak")] == [
        "torch", "headlamp", "headlamp", None
    ]  # fmt: skip


def test_a_kind_is_named_by_its_other_name_where_the_catalog_uses_both() -> None:
    products = [
        Product(id="s", title="Little Steps White School Takkie", price=Decimal("249"),
                category="School Shoes", description="White canvas takkie for PE."),
        Product(id="l", title="Little Steps Light-Up Kids Sneaker", price=Decimal("499"),
                category="Sneakers", description="Kids' sneakers with LED lights in the sole."),
    ]  # fmt: skip
    view = CatalogView({p.id: p for p in products})
    # Light-up is only the sneaker's; takkie is only the school shoe's: the same goods.
    assert view.names(["light-up", "takky"])
    assert view.names(["light-up", "sneaker"])
    assert not view.names(["light-up", "boot"])


def test_a_search_mends_typos_of_catalog_words_and_leaves_real_words_alone() -> None:
    products = [
        Product(id="k", title="Veltro Aria Kettle", price=Decimal("40"), category="Kitchen",
                description="A glass kettle."),
        Product(id="p", title="Dormia Pillow", price=Decimal("30"), category="Bedding",
                description="A soft feather pillow to store away."),
    ]  # fmt: skip
    view = CatalogView({p.id: p for p in products})
    assert view.corrected("need a new pilow, and a glass kettel?") == (
        "need a new pillow, and a glass kettle?"
    )
    # "stove" is a word, not a typo of "store"; "bell" is too short to guess.
    assert view.corrected("a camping stove and a bell") == "a camping stove and a bell"
    assert view.spelled("stove") is None


def test_a_noun_names_a_kind_and_a_describing_word_does_not() -> None:
    # Words that are only nouns, and names English does not know, used by the catalog or not.
    for word in ("office", "kitchen", "bird", "cedar", "bedtime", "pokemon", "hdmi"):
        assert names_a_kind(word) is True, word
    # Adjectives and participles describe.
    for word in ("ergonomic", "cordless", "waterproof", "wooden", "potting", "folding"):
        assert names_a_kind(word) is False, word
    # A sport or pastime names what it is made for: "boxing gloves", "cycling shoes".
    for word in ("boxing", "cycling", "running", "hiking"):
        assert names_a_kind(word) is True, word
    # A noun that is also a verb is a use or a style where the catalog uses it ("rain jacket"),
    # another kind where it never does ("motorcycle helmet" in a bike shop).
    for word in ("rain", "dog", "motorcycle", "throw"):
        assert names_a_kind(word) is None, word


def test_a_kind_is_carried_by_products_named_by_it_with_the_nouns_before_it_in_their_text() -> None:
    import numpy as np

    products = [
        Product(id="c", title="Lakeside Muskoka Chair", price=Decimal("199"), category="Patio",
                description="A garden chair of recycled poly, weatherproof."),
        Product(id="k", title="Hori Hori Soil Knife", price=Decimal("35"), category="Tools",
                description="Digging knife with a serrated edge."),
        Product(id="t", title="Bistro Coffee Table", price=Decimal("99"), category="Patio",
                description="Folding table with a hole for a patio umbrella."),
    ]  # fmt: skip
    view = CatalogView({p.id: p for p in products}, np.eye(3, dtype=np.float32))
    far = [0.0, 0.0, 0.0]  # close in meaning to nothing: only the words decide

    def carried(phrase: str) -> bool:
        return view.carries(phrase.split(), far, 0.5)

    assert carried("chair") and carried("garden chair") and carried("folding chair")
    assert carried("ergonomic chair")  # an adjective only describes
    assert not carried("office chair") and not carried("kitchen knife")
    assert carried("digging knife")  # the nouns before it in a product's text
    assert carried("garden chiar")  # a typo of the kind's word
    # Close in meaning to a product is enough, words aside.
    assert view.carries(["office", "chair"], [1.0, 0.0, 0.0], 0.5)
    # A word titles use only to say which kind of another thing a product is: not carried.
    assert carried("patio")  # a category's word is a kind
    assert not carried("coffee") and carried("coffee table")  # the coffee table is no coffee
    assert carried("soil")  # a word that may describe ("soil", "travel") is left to the text


def test_a_kind_named_for_another_product_of_the_shop_is_one_whose_text_says_it() -> None:
    import numpy as np

    products = [
        Product(id="g", title="Kea Gear Folding Guitar Stand", price=Decimal("35"),
                category="Accessories", description="Fits acoustic, electric and bass guitars."),
        Product(id="k", title="Norland EK-61 Arranger Keyboard", price=Decimal("749"),
                category="Keyboards", description="61 keys, 400 voices."),
        Product(id="s", title="Tasman Guitar Strap, Leather", price=Decimal("49"),
                category="Accessories", description="A leather strap for any guitar."),
        Product(id="r", title="Rain Shell Jacket", price=Decimal("149"), category="Jackets",
                description="A waterproof shell for wet days."),
    ]  # fmt: skip
    view = CatalogView({p.id: p for p in products}, np.eye(4, dtype=np.float32))
    far = [0.0, 0.0, 0.0, 0.0]
    # "keyboard" names the shop's keyboards: a keyboard stand is a stand whose text says so.
    assert not view.carries(["keyboard", "stand"], far, 0.5)
    assert view.carries(["guitar", "stand"], far, 0.5)
    assert view.carries(["guitar", "strap"], far, 0.5)


def test_a_thing_one_description_mentions_is_not_carried_unless_its_title_agrees() -> None:
    import numpy as np

    products = [
        Product(id="s", title="Halcyon B6 Bookshelf Speakers", price=Decimal("549"),
                category="Speakers", description="Plug in your TV, phone or turntable.",
                attributes={"Tags": "bluetooth, hdmi arc, turntable ready, dishwasher safe"}),
        Product(id="t", title="Hygge Chunky Knit Throw", price=Decimal("65"), category="Bedding",
                description="Chunky cable-knit throw blanket, 130x170 cm."),
        Product(id="d", title="Oak Dresser", price=Decimal("400"), category="Storage",
                description="Soft-close drawers; stands small in a hallway."),
        Product(id="g", title="Manual coffee grinder with ceramic burr", price=Decimal("990"),
                category="Coffee Accessories", description="Grinds beans for one cup."),
    ]  # fmt: skip
    view = CatalogView({p.id: p for p in products}, np.eye(4, dtype=np.float32))
    far = [0.0, 0.0, 0.0, 0.0]
    assert not view.carries(["turntable"], far, 0.5)  # what the speakers go with
    assert not view.carries(["dishwasher"], far, 0.5)  # a tag that describes names nothing
    assert view.carries(["hdmi"], far, 0.5) and view.carries(["bluetooth"], far, 0.5)
    assert view.carries(["throw", "blanket"], far, 0.5)  # the Throw's own description
    # Its title says "coffee", but of a grinder: the beans it grinds are not for sale.
    assert not view.carries(["coffee", "bean"], far, 0.5)
    assert view.carries(["small"], far, 0.5)  # a describing word is left to the text


def test_a_title_names_its_product_by_the_ends_of_its_name() -> None:
    assert title_heads("Ulla Swivel Desk Chair, Grey") == {"ulla", "chair"}
    assert title_heads("Mila Chest of 6 Drawers, Oak") == {"mila", "chest", "drawer"}
    assert title_heads('Lumaro U6 65" 4K UHD Smart TV') == {"lumaro", "tv"}
    assert title_heads("Hoodie - Navy") == {"hoody"}
    assert title_heads("Tarn 2 Tent with Porch") == {"tarn", "tent"}


def test_the_name_of_some_goods_is_told_from_a_sentence() -> None:
    for text in ("hp 305 printer ink", "cat flap with a microchip reader", "toner?",
                 "laptop for coding under 800", "a tandem bike for me and my wife?",
                 "dog ramp for getting into the car, my lab has bad hips"):  # fmt: skip
        assert goods_phrase(text), text
    for text in ("tell me a joke", "whats a good name for a baby girl", "write me a poem",
                 "is amazon prime worth it?", "how do I buy bitcoin", "do you do birthday cakes",
                 "who won the football game last night", "",
                 "help with my homework: solve 3x + 5 = 20", "stroopwafel recipe pls"):  # fmt: skip
        assert not goods_phrase(text), text
    # The goods' name, without what they are for.
    assert goods_named("watch for my dads 50th") == "watch"
    assert goods_named("a recipe book for a beginner") == "recipe book"
    assert goods_named("tell me a joke") is None
    # Alone, when more follows it and it has an English word: not a greeting in Hungarian.
    assert goods_alone("trampoline 8ft with safety net") == "trampoline 8ft"
    assert goods_alone("tent") is None  # nothing follows
    assert goods_alone("szia! ezüst karkötőt keresek, max 25 ezer") is None


def test_a_material_power_or_hand_before_a_kind_must_be_stated_by_one_of_that_kind() -> None:
    view = CatalogView({p.id: p for p in [
        Product(id="k1", title="Everyday Stainless Santoku", price=60,
                description="An AUS-8 stainless steel blade."),
        Product(id="k2", title="Damascus Gyuto", price=150, description="A layered blade."),
        Product(id="r1", title="Ceramic Honing Rod", price=30, description="For knife edges."),
        Product(id="t1", title="Brunn Glass Kettle", price=40, description="1.7 L, 2200 W."),
        Product(id="g1", title="Dread Left-Handed Acoustic Guitar", price=300),
        Product(id="b1", title="Rice Bowl", price=12, description="Dishwasher and microwave safe."),
        Product(id="b2", title="Lacquer Soup Bowl", price=30,
                description="Not for microwave. Not dishwasher or microwave safe."),
    ]})  # fmt: skip
    assert view.names(["stainless", "santoku"])
    assert not view.names(["ceramic", "knife"])  # the ceramic thing is a rod, no knife
    assert view.names(["ceramic", "rod"])
    assert view.names(["electric", "kettle"])  # a wattage is electric
    assert view.names(["left", "handed", "guitar"])  # "left-handed" in the title
    assert not view.names(["wooden", "kettle"])
    # Said only as what bowls stand, a microwave is no product of the shop; the bowls are.
    assert not view.names(["microwave"])
    assert view.names(["bowl"])


def test_a_question_that_names_its_kind_first_asks_for_that_kind() -> None:
    assert asked_kinds("which lens should i buy for travel?") == [["lens"]]
    assert asked_kinds("what grinder would you recommend") == [["grinder"]]
    # What such a question asks about a thing is no kind of it.
    assert asked_kinds("what size should i get") == []
    assert which_kinds("close up photos for my shop, which lens should i get? i have a vx-10") == [
        ["lens"]
    ]
    assert which_kinds("what colour should i get") == []


def test_asking_whether_the_shop_sells_a_thing_asks_for_that_thing() -> None:
    assert asked_kinds("selling the iphone 15 pro? want the 256gb one") == [["iphone", "pro"]]
    assert asked_kinds("are you stocking any trail shoes yet") == [["trail", "shoe"]]
    assert asked_kinds("u carrying the new cafetieres?") == [["cafetiere"]]
    # Not what the shopper sells of their own.
    assert asked_kinds("selling my old bike, need a new helmet") == [["helmet"]]


def test_what_the_shopper_does_is_no_kind_but_what_they_need_is() -> None:
    assert asked_kinds("i make handmade jewellery and want to click photos") == []
    assert asked_kinds("i run a lot, need shoes") == [["shoe"]]
    assert asked_kinds("i just need a tent") == [["tent"]]
    assert asked_kinds("i really need a tent") == [["tent"]]
    assert asked_kinds("upgrading from my corsa mini, want something quieter") == []


def test_a_title_s_name_goes_on_past_a_slash_inside_a_word() -> None:
    assert title_heads("Veltra VL 50mm f/1.8 Prime Lens") == {"veltra", "lens"}
    assert title_heads("Korvan MB-Z Battery Grip (Z-70 / Z-90)") == {"korvan", "grip"}


def test_the_kinds_of_the_first_sentence_that_names_any() -> None:
    text = "my dad is always frozen on the touchline. thinking a scarf or a warm hat for him"
    assert asked_kinds(text) == []
    assert sentence_kinds(text) == [["scarf"], ["warm", "hat"]]
    assert asked_kinds("considering a road bike") == [["road", "bike"]]


@pytest.mark.parametrize(
    ("text", "later"),
    [
        ("twins coming in august!! need a double buggy", [["double", "buggy"]]),
        ("ek is 'n elektrisiën, need safety boots with no metal", [["safety", "boot"]]),
        (
            "id rather filter than taste chemicals. lightest filter you have?",
            [["lightest", "filter"]],
        ),
        ("kids winter jacket for my son, hes 6", []),  # who it is for, after a comma
        ("a gift for my mum. she likes candles", []),  # what she likes: no request
        # The first sentence asks for its own kind: a later one does not replace it.
        ("any fishing rods? going to the dam this weekend. need a chair as well", []),
        ("looking for a handbag for my wife. she wants leather", []),
        ("a handbag for my wife. she wants leather", []),  # a material: how, not what
    ],
)
def test_the_kinds_a_later_sentence_asks_for(text: str, later: list[list[str]]) -> None:
    assert later_kinds(text) == later


def test_a_gerund_before_a_kind_is_the_verb_the_catalog_uses() -> None:
    view = CatalogView({p.id: p for p in [
        Product(id="w1", title="Balaton Diver 43 mm Watch", price=1990,
                description="A dive watch with a unidirectional bezel."),
        Product(id="w2", title="Tisza 40 mm Dress Watch", price=1490, description="Sapphire."),
        Product(id="s1", title="Trail Running Shoe", price=120, description="A grippy sole."),
    ]})  # fmt: skip
    assert view.names(["diving", "watch"])  # the text says "dive"
    assert not view.names(["sailing", "watch"])  # no text says "sail"
    assert view.names(["running", "shoe"])  # as written


def test_a_kind_said_whole_is_told_from_its_words_apart() -> None:
    view = CatalogView({p.id: p for p in [
        Product(id="g", title="The Quiet Orbit", price=20,
                description="Graphic novel about the last astronaut on a station."),
        Product(id="n", title="The Cartographer's Daughter", price=18,
                description="A literary novel with graphic scenes of war."),
        Product(id="b", title="Down Sleeping Bag", price=300, description="Rated to -5 C."),
    ]})  # fmt: skip
    assert view.say_whole("graphic novels in english?", view.order) == {"g"}
    assert view.say_whole("a sleeping bag", view.order) == {"b"}
    assert view.say_whole("sleeping bag", ["g", "n"]) == set()  # only among those given
    assert view.say_whole("a novel", view.order) == set()  # one word: every novel says it


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        # How the thing should be, said after it, is no kind: a compound's second word and a
        # word made only to describe.
        ("diving watch water resistant to at least 200m", [["diving", "watch"]]),
        ("hiking boots waterproof", [["hiking", "boot"]]),
        ("dog food grain free", [["dog", "food"]]),
        ("speaker rechargeable", [["speaker"]]),
        ("running shoes lightweight", [["running", "shoe"]]),
        ("hedge trimmer, battery powered", [["hedge", "trimmer"]]),
        # With no thing before it, or said before the thing, the phrase is as it was.
        ("something caffeine free", [["caffeine", "free"]]),
        ("water resistant", [["water", "resistant"]]),
        ("a portable speaker", [["portable", "speaker"]]),
        ("usb cable", [["usb", "cable"]]),
        ("a fire proof safe", [["fire", "proof", "safe"]]),
    ],
)
def test_how_a_thing_should_be_said_after_it_is_no_kind(text: str, kinds: list[list[str]]) -> None:
    assert asked_kinds(text) == kinds
