from bot.chat.policy import Found, decide
from bot.chat.profile import ShopperProfile
from bot.chat.understand import Understanding
from retrieval.catalog import Product

TENT = Product(id="t", title="Ridge Tent", price=199, category="Tents")  # type: ignore[arg-type]
LAMP = Product(id="l", title="Glow Lamp", price=30, category="Lighting")  # type: ignore[arg-type]


def test_decide_hands_over_on_a_person_a_complaint_and_the_shoppers_own_order() -> None:
    for understanding in (
        Understanding("human", 1.0),
        Understanding("complaint", 1.0),
        Understanding("support", 1.0, own=True),
        Understanding("support", 0.7, angry=True),
    ):
        for topic in (None, "Returns"):  # a policy section never answers for a person
            decision = decide(understanding, ShopperProfile(), Found([TENT]), policy_topic=topic)
            assert (decision.action, decision.products) == ("handover", [])
            assert decision.reason == understanding.intent


def test_decide_quotes_a_policy_section_for_a_general_support_question() -> None:
    decision = decide(
        Understanding("support", 1.0), ShopperProfile(), Found(), policy_topic="Returns"
    )
    assert (decision.action, decision.reason) == ("policy", "Returns")


def test_decide_offers_a_person_for_a_general_question_no_policy_section_answers() -> None:
    decision = decide(Understanding("support", 0.8), ShopperProfile(), Found(matches=[TENT]))
    assert (decision.action, decision.products) == ("offer", [])


def test_decide_answers_about_the_subject_when_no_product_is_named() -> None:
    found = Found(matches=[LAMP], subject=[TENT])
    decision = decide(Understanding("price_stock", 0.9), ShopperProfile(), found)
    assert (decision.action, decision.products) == ("answer", [TENT])


def test_decide_offers_the_nearest_over_budget_when_nothing_fits() -> None:
    decision = decide(Understanding("browse", 0.9), ShopperProfile(), Found(nearest=[TENT]))
    assert (decision.action, decision.over_budget) == ("nothing_fits", [TENT])


def test_decide_says_not_found_when_nothing_is_relevant() -> None:
    found = decide(
        Understanding("browse", 0.9), ShopperProfile(), Found(), text="do you sell kayaks?"
    )
    assert found.action == "not_found"


def test_decide_redirects_what_is_not_shopping_at_all() -> None:
    unsure = Understanding("browse", 0.6, off_topic=0.2)  # the topic gate not sure either way
    found = decide(unsure, ShopperProfile(), Found(), text="a cookie recipe")
    assert found.action == "off_topic"
    # The name of some goods, or a budget, is shopping: "not carried", not a redirect.
    goods = Understanding("browse", 0.6, off_topic=0.2, goods=True)
    assert decide(goods, ShopperProfile(), Found(), text="hp 305 printer ink").action == (
        "not_found"
    )
    budget = decide(unsure, ShopperProfile(), Found(), text="laptop for coding under 800")
    assert budget.action == "not_found"


def test_decide_says_a_kind_is_not_carried_and_shows_the_closest_as_such() -> None:
    others = [Product(id=f"p{i}", title=f"Lamp {i}", price=10, category="Lighting")  # type: ignore[arg-type]
              for i in range(4)]  # fmt: skip
    found = Found(matches=[TENT], relevant=True, unknown="bike bell", closest=[LAMP, *others])
    decision = decide(Understanding("browse", 0.9), ShopperProfile(), found, text="a bike bell")
    assert (decision.action, decision.products) == ("not_found", [LAMP, *others[:2]])
    # A product named in the message is carried, whatever else the message says.
    named = Found(matches=[TENT], named=[TENT], relevant=True, unknown="tent peg")
    decision = decide(Understanding("browse", 0.9), ShopperProfile(), named, text="Ridge Tent")
    assert decision.action == "recommend"
    # Not shopping at all ("a proper carbonara"), and nothing close: redirected.
    off = Understanding("browse", 0.5, off_topic=0.4)
    nothing = Found(unknown="proper carbonara", closest=[LAMP])  # close to a word, not to it
    decision = decide(off, ShopperProfile(), nothing, text="how do i make a proper carbonara")
    assert (decision.action, decision.products) == ("off_topic", [])
    # With products close to it, the closest are offered as such ("a lamp for my bike").
    decision = decide(off, ShopperProfile(), found, text="a lamp for my bike")
    assert decision.action == "not_found" and decision.products


def test_decide_answers_a_price_question_about_the_one_shown_product_pointed_at() -> None:
    # "how much is the cheaper one?" reads as a comparison to the classifier; it asks about one.
    found = Found(subject=[LAMP, TENT], pointed=LAMP)
    asked = decide(Understanding("compare", 0.6), ShopperProfile(), found,
                   text="how much is the cheaper one?")  # fmt: skip
    assert (asked.action, asked.products) == ("answer", [LAMP])
    compared = decide(Understanding("compare", 0.6), ShopperProfile(), found,
                      text="which is lighter, the cheaper one?")  # fmt: skip
    assert compared.action == "compare"


def test_decide_shows_matches_of_several_kinds_and_asks_only_when_nothing_is_named() -> None:
    # A need met by several kinds of product ("anything for acne?") gets the products.
    kinds = [Product(id=f"k{i}", title=f"Thing {i}", price=10, category=f"Kind {i}")  # type: ignore[arg-type]
             for i in range(4)]  # fmt: skip
    decision = decide(Understanding("browse", 0.9), ShopperProfile(), Found(matches=kinds))
    assert (decision.action, decision.products) == ("recommend", kinds)
    # Who a gift is for says nothing of what it is: ask, rather than "we don't carry that".
    for text in (
        "a gift for my mum",
        "present for a 6 year old",
        "Hello. I search gift for my grandson, he have 5 years. Maximum 30 pound.",
        "something for her, max 25 quid",
    ):
        decision = decide(Understanding("browse", 0.9), ShopperProfile(), Found(), text=text)
        assert decision.action == "clarify", text


def test_a_general_question_inside_an_instruction_gets_the_policy_or_nothing() -> None:
    told = Understanding("support", 0.6, injection=True)
    assert decide(told, ShopperProfile(), Found(), policy_topic="shipping").action == "policy"
    assert decide(told, ShopperProfile(), Found()).action == "off_topic"  # no person offered
    asked = Understanding("support", 0.6)
    assert decide(asked, ShopperProfile(), Found()).action == "offer"


def test_a_kind_the_catalog_carries_asked_for_is_shopping_though_nothing_fits() -> None:
    # "kids watch for my 8 year old son" in a shop of grown-ups' watches: the gate is unsure
    # (0.44), the catalog's titles name watches: not carried so, not off topic.
    unsure = Understanding("browse", 0.6, off_topic=0.44, goods=True)
    text = "kids watch for my 8 year old son, under 15k"
    assert decide(unsure, ShopperProfile(), Found(carried=True), text=text).action == "not_found"
    # Goods the titles do not name: not carried either, while the gate is under 0.5.
    assert decide(unsure, ShopperProfile(), Found(), text=text).action == "not_found"
    leaning = Understanding("browse", 0.6, off_topic=0.6, goods=True)
    assert decide(leaning, ShopperProfile(), Found(), text=text).action == "off_topic"
    # The gate surer it is not the shop's: still a redirect.
    sure = Understanding("browse", 0.6, off_topic=0.7, goods=True)
    assert decide(sure, ShopperProfile(), Found(carried=True), text=text).action == "off_topic"
