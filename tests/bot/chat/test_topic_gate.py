"""The topic gate: is a message for the shop at all? Its rules over given figures, the learned
gate on the real MiniLM embeddings, and the pipeline's decision over a real index."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot.chat import ChatService
from bot.chat.policy import Found, decide
from bot.chat.profile import ShopperProfile
from bot.chat.store_policy import StorePolicy
from bot.chat.understand import (
    OFF_TOPIC,
    SHOP_MATTER,
    IntentClassifier,
    Understanding,
    elsewhere,
    errand,
    gate,
    load_topics,
    speaks,
    things,
)
from bot.log.store import DialogueLog
from retrieval.catalog import Product
from retrieval.coverage import goods_named
from retrieval.embeddings import load_embeddings
from retrieval.index import CatalogIndex
from tests.bot.chat.shop import indexed, planner, planning
from tests.bot.chat.test_pipeline import index  # noqa: F401


def guess(intent: str, off: float, confidence: float = 0.4, **kwargs: bool) -> Understanding:
    return Understanding(intent, confidence, off_topic=off, **kwargs)  # type: ignore[arg-type]


def test_a_guess_with_nothing_in_the_catalog_is_off_topic_when_the_gate_says_so() -> None:
    for intent in ("greeting", "browse", "price_stock", "compare", "product_question"):
        assert gate(guess(intent, 0.7), relevant=False, named=False).intent == "off_topic"
        assert gate(guess(intent, 0.2), relevant=False, named=False).intent == intent
        # Related products in the catalog outweigh the gate: "a good show to watch" in a TV shop;
        # a guess of hello with them is shopping ("makeup remover").
        assert gate(guess(intent, 0.9), relevant=True, named=False).intent == (
            "browse" if intent == "greeting" else intent
        )
    # A hello the rules are sure of stays one.
    sure = Understanding("greeting", 1.0)
    assert gate(sure, relevant=True, named=False, carried=True).intent == "greeting"


def test_a_guess_that_would_hand_over_needs_a_surer_gate() -> None:
    for intent, own in (("support", True), ("complaint", False), ("human", False)):
        assert gate(guess(intent, 0.7, own=own), relevant=False, named=False).intent == intent
        assert gate(guess(intent, 0.9, own=own), relevant=False, named=False).intent == (
            "off_topic"
        )


def test_a_general_question_nobody_is_handed_over_for_needs_the_gate_s_own_boundary() -> None:
    # "order me an uber to the airport": support by its words, about no order of the shopper's.
    assert gate(guess("support", 0.7), relevant=False, named=False).intent == "off_topic"
    # "do you deliver to Ireland?" stays a question for the shop.
    assert gate(guess("support", 0.4), relevant=False, named=False).intent == "support"


def test_a_general_question_about_delivery_returns_or_paying_stays_the_shops() -> None:
    # "how long does delivery take to munich": the gate was against it (0.65).
    sure_off = guess("support", 0.65)
    text = "how long does delivery take to munich"
    assert gate(sure_off, relevant=False, named=False, text=text).intent == "support"
    for text in ("order me an uber to the airport", "how do i file my tax returns"):
        assert gate(sure_off, relevant=False, named=False, text=text).intent == "off_topic"


def test_a_guess_of_a_shop_matter_with_no_sign_of_the_shop_is_off_topic() -> None:
    # "how do i get rid of nits", "my boyfriend forgot our anniversary": guessed a complaint
    # or a request for a person, with nothing of the shop in them and nothing like them in the
    # catalog; nobody is handed over for them.
    for intent in ("complaint", "human"):
        unsure = guess(intent, 0.3)
        text = "how do i get rid of nits"
        assert gate(unsure, relevant=False, named=False, text=text).intent == "off_topic"
        # The catalog has something like it, or the shopper's own order: the shop's.
        assert gate(unsure, relevant=True, named=False, text=text).intent == intent
        assert gate(
            guess(intent, 0.3, own=True), relevant=False, named=False, text=text
        ).intent == (intent)
        # A rule that is sure, or anger, stays.
        assert gate(guess(intent, 0.3, 1.0), relevant=False, named=False, text=text).intent == (
            intent
        )
        assert (
            gate(guess(intent, 0.3, angry=True), relevant=False, named=False, text=text).intent
            == intent
        )
    for text in [
        "is klarna accepted",
        "opening hours?",
        "how do loyalty points work",
        "I've messaged 3 times and nobody replies",
        "this chatbot is a joke",
        "the lid cracked after two weeks",
        "Wie lange dauert der Versand nach Österreich?",
        "أين طلبي؟",
    ]:
        said = gate(guess("complaint", 0.3), relevant=False, named=False, text=text)
        assert said.intent == "complaint", text
    # A general question is only offered a person; it is asked in words no list has.
    text = "how long to Ireland? I live in Dublin and need it by Friday"
    assert gate(guess("support", 0.3), relevant=False, named=False, text=text).intent == "support"
    for text in ["my boyfriend keeps forgetting our anniversary", "how do I buy bitcoin"]:
        assert not SHOP_MATTER.search(text), text


def test_an_off_topic_guess_the_gate_finds_is_for_the_shop_is_browsing() -> None:
    assert gate(guess("off_topic", 0.2), relevant=True, named=False).intent == "browse"
    assert gate(guess("off_topic", 0.05), relevant=False, named=False).intent == "browse"
    assert gate(guess("off_topic", 0.2), relevant=False, named=False).intent == "off_topic"
    assert gate(guess("off_topic", 0.6), relevant=True, named=False).intent == "off_topic"
    # Just after products were shown, a message near them needs a surer gate to be off topic
    # ("he already has a stool").
    assert gate(guess("off_topic", 0.37), relevant=True, named=False).intent == "off_topic"
    shown = gate(guess("off_topic", 0.37), relevant=True, named=False, shown=True)
    assert shown.intent == "browse"
    assert gate(guess("off_topic", 0.6), relevant=True, named=False, shown=True).intent == (
        "off_topic"
    )
    # So does a guess of browsing that retrieval found nothing near.
    assert gate(guess("browse", 0.37), relevant=False, named=False).intent == "off_topic"
    assert gate(guess("browse", 0.37), relevant=False, named=False, shown=True).intent == "browse"
    assert gate(guess("browse", 0.6), relevant=False, named=False, shown=True).intent == (
        "off_topic"
    )


def test_rules_instructions_anger_and_named_products_are_left_alone() -> None:
    assert gate(guess("greeting", 0.9, 1.0), relevant=False, named=False).intent == "greeting"
    told = guess("browse", 0.9, injection=True)  # instructions to the bot: refine's business
    assert gate(told, relevant=False, named=False).intent == "browse"
    assert gate(guess("complaint", 0.95, angry=True), relevant=False, named=False).intent == (
        "complaint"
    )
    assert gate(guess("price_stock", 0.9), relevant=False, named=True).intent == "price_stock"


def test_goods_the_catalog_lacks_are_not_carried_and_the_rest_redirected() -> None:
    profile = ShopperProfile()
    # No shopping word, but the gate is sure it is shopping: "we don't carry it".
    assert decide(guess("browse", 0.02), profile, Found(), text="usb charger").action == "not_found"
    # No shopping word and the gate unsure: not shopping.
    assert decide(guess("browse", 0.2), profile, Found(), text="a cookie recipe").action == (
        "off_topic"
    )
    # A shopping word, but the gate finds it is not for the shop.
    said = decide(guess("browse", 0.6), profile, Found(), text="which shares should I buy")
    assert said.action == "off_topic"


def test_the_topic_file_is_checked() -> None:
    topics = load_topics()
    assert sum(off for off, _ in topics) >= 50 and sum(not off for off, _ in topics) >= 50


@pytest.fixture(scope="module")
def classifier() -> IntentClassifier:
    return IntentClassifier(load_embeddings().embed_documents)


def test_the_classifier_s_own_arithmetic_gives_scikit_learn_s_probabilities(
    classifier: IntentClassifier,
) -> None:
    # Per message the models' probabilities are worked out with numpy, not through
    # scikit-learn's input checks; they must be scikit-learn's, for messages it never saw.
    texts = ["is the firefly tent waterproof", "how many moons does jupiter have", "hiya",
             "my parcel never came", "can i talk to a person", "cheap sleeping bag?"]  # fmt: skip
    vectors = np.array(load_embeddings().embed_documents(texts), dtype=np.float64)
    arithmetic = classifier._arithmetic
    assert arithmetic.exact
    for vector in vectors:
        expected = classifier.model.predict_proba(vector[None, :])[0]
        assert np.allclose(arithmetic.intents(vector), expected, atol=1e-9)
        off = classifier.topic.predict_proba(vector[None, :])[0][classifier.off_column]
        assert abs(classifier.off_topic(vector) - off) < 1e-9


# Written for this test, not in the examples: what people type into a shop's chat that is not
# for it (with shopping words in some), and requests for goods of many kinds.
NOT_FOR_A_SHOP = [
    "how many moons does jupiter have",
    "is it a good idea to buy shares in oil companies",
    "what's the price of a barrel of oil these days",
    "write a limerick about my cat",
    "how do I unblock a sink without chemicals",
    "who is playing in the final tonight",
    "can you explain inflation to me",
]
FOR_A_SHOP = [
    "do you have bluetooth speakers",
    "a waterproof watch for my son",
    "looking for a wool scarf under 40",
    "when will my parcel arrive",
    "can I pay with a credit card",
    "hand cream for dry skin",
    "I want a cheaper one",
]


def test_the_learned_gate_tells_messages_for_the_shop_from_the_rest(
    classifier: IntentClassifier,
) -> None:
    off = {t: classifier.classify(t).off_topic for t in NOT_FOR_A_SHOP + FOR_A_SHOP}
    assert [t for t in NOT_FOR_A_SHOP if off[t] < OFF_TOPIC] == []
    assert [t for t in FOR_A_SHOP if off[t] >= OFF_TOPIC] == []


async def test_the_pipeline_redirects_a_question_the_catalog_has_nothing_for(
    index: CatalogIndex,  # noqa: F811
    log: DialogueLog,
) -> None:
    chat: ChatService = planner(index, log)
    plan = await chat.plan("should I buy bitcoin before the weekend", ShopperProfile())
    assert (plan.intent, plan.decision.action) == ("off_topic", "off_topic")
    plan = await chat.plan("do you sell phone chargers?", ShopperProfile())
    assert plan.decision.action == "not_found" and not plan.decision.products
    plan = await chat.plan("a rain jacket for hiking", ShopperProfile())
    assert plan.decision.action == "recommend" and plan.decision.products


def test_a_kind_the_catalogs_titles_name_keeps_a_related_message_for_the_shop() -> None:
    # "jigsaw for my dad, he's into geography": the classifier hears geography; the catalog
    # sells jigsaws, and one is close.
    guess = Understanding("off_topic", 0.6, off_topic=0.5)
    assert gate(guess, relevant=True, named=False, carried=True).intent == "browse"
    assert gate(guess, relevant=True, named=False).intent == "off_topic"
    assert gate(guess, relevant=False, named=False, carried=True).intent == "off_topic"


def test_a_possessive_in_a_title_is_named_without_its_apostrophe() -> None:
    from retrieval.text import keywords

    assert keywords("Dicebox Dragon's Hoard") == ["dicebox", "dragon", "hoard"]
    assert keywords("dragons hoard") == ["dragon", "hoard"]
    assert keywords("Men’s boots") == keywords("mens boots") == ["men", "boot"]


def test_how_to_fix_a_thing_is_the_shops_matter_only_if_it_has_such_things() -> None:
    assert things("how do i reset my iphone") == ["iphone"]
    assert things("my e-bike won't charge, how do i fix it?") == ["e-bike", "bike"]
    assert things("it won't turn on, how do I reset it?") == []  # what it is: what was bought
    assert things("the item won't charge, what do i do?") == []
    fixing = Understanding("support", 0.99, own=True, fixing=("iphone",))
    off = gate(fixing, relevant=False, named=False)
    assert (off.intent, off.own) == ("off_topic", False)
    for kwargs in ({"relevant": True}, {"carried": True}, {"named": True}):
        settings = {"relevant": False, "named": False, **kwargs}
        assert gate(fixing, **settings).intent == "support"  # type: ignore[arg-type]


async def test_the_pipeline_hands_over_a_fix_for_what_the_shop_sells_and_no_other(
    index: CatalogIndex,  # noqa: F811
    log: DialogueLog,
) -> None:
    chat: ChatService = planner(index, log)
    for text in ("how do i reset my iphone", "how do I fix my wifi, it keeps dropping"):
        plan = await chat.plan(text, ShopperProfile())
        assert (plan.intent, plan.decision.action) == ("off_topic", "off_topic"), text
    for text in (
        "how do I fix the zip on my rain jacket?",
        "how can i repair a tear in the tent",
        "it won't turn on, how do I reset it?",
        "how do i reset my iphone? I bought it from you last week",
    ):
        plan = await chat.plan(text, ShopperProfile())
        assert plan.decision.action == "handover", text


async def test_the_pipeline_answers_how_the_shop_works_and_a_thank_you_as_such(
    index: CatalogIndex,  # noqa: F811
    log: DialogueLog,
) -> None:
    chat: ChatService = planner(index, log)
    for text in ("do you gift wrap?", "are your products tested on animals?"):
        plan = await chat.plan(text, ShopperProfile())
        assert plan.intent == "support" and plan.decision.action in ("policy", "offer"), text
    plan = await chat.plan("thanks, that's really helpful!", ShopperProfile())
    assert plan.intent == "greeting" and not plan.decision.products
    plan = await chat.plan("a rain jacket that is not tested on animals", ShopperProfile())
    assert plan.intent != "support" and plan.decision.products


def test_another_business_s_matter_is_off_topic_unless_it_is_about_this_shop() -> None:
    assert elsewhere("where is my amazon package, it said delivered") == "amazon"
    assert elsewhere("is netflix worth it") == "netflix"
    assert elsewhere("the one I got from you broke, amazon would have refunded me") is None
    assert elsewhere("a steamer for clothes") is None
    # Names that are everyday words count only with what makes them the business.
    assert elsewhere("does the iron have a steam function?") is None
    assert elsewhere("is this the best buy for the money?") is None
    assert elsewhere("when does the steam summer sale start") == "steam"
    # Other parties by what they are: the shopper's own affairs with them are not the shop's.
    assert elsewhere("can my gym refuse to refund my membership if i moved away") == "gym"
    assert elsewhere("my train was delayed, can i get a refund from the rail company") == (
        "rail company"
    )
    assert elsewhere("does my landlord have to fix the washing machine") == "landlord"
    assert elsewhere("my bank says the payment to you failed") is None  # may be this shop's
    assert elsewhere("my gym bag from your shop ripped") is None
    # A parcel named beside them may be this shop's.
    text = "tracking says my parcel was delivered yesterday but the neighbours dont have it"
    assert elsewhere(text) is None
    assert elsewhere("where is my amazon package") == "amazon"
    # Apps by name, a possessive without its apostrophe, and a shop said not to be this one.
    assert elsewhere("my strava wont sync my runs from my watch") == "strava"
    assert elsewhere("is the body oil available yet? saw it on your instagram") is None
    assert elsewhere("saw it on instagram, do you have it") is None
    assert elsewhere("whats zalandos return policy") == "zalando"
    assert elsewhere("can you track my dhl parcel? its from amazon not from you") == "amazon"
    support = Understanding("support", 1.0, own=True)
    off = gate(support, relevant=False, named=False, other=True)
    assert (off.intent, off.own) == ("off_topic", False)
    for kept in (
        Understanding("human", 1.0),  # asking for a person is still answered
        Understanding("browse", 0.7),  # "a kids tablet like an amazon fire"
        Understanding("support", 0.6, injection=True),
    ):
        assert gate(kept, relevant=False, named=False, other=True).intent == kept.intent
    assert gate(support, relevant=False, named=True, other=True).intent == "support"


def test_errands_no_shop_runs_are_told_by_what_they_are() -> None:
    assert errand("book me a table for 2 at 7pm tonight") == "restaurant"
    assert errand("can u order me a large pepperoni pizza to 14 hill street") == "pizza"
    assert errand("can I buy Raptors tickets here?") == "tickets"
    assert errand("can u get me 2 tickets for the taylor swift concert") == "tickets"
    assert errand("Book me a hotel room in Paris for 3 nights in June") == "hotel"
    assert errand("any nice campsites in the lake district that allow dogs") == "campsite"
    assert errand("give me a good pesto recipe") == "recipe"
    assert errand("I want to buy a used car under 10k, which is most reliable?") == "car"
    assert errand("What's the best car to buy for a family of 5?") == "car"
    assert errand("can you book me a hot yoga class at a studio near me tomorrow at 6") == "class"
    assert errand("best bars in kreuzberg?") == "campsite"
    assert errand("how do I buy bitcoin") == "bitcoin"
    assert errand("is it a good time to invest in shares") == "bitcoin"
    # Goods with the same words are not errands.
    for goods in ("folding table for 4 people", "can you reserve the bistro table for me",
                  "pizza stone for my oven", "recipe book for kids", "new car seat",
                  "remote control car for a 6 year old", "a book about train travel",
                  "find something for the holidays", "protein bars in stock?",
                  "can i book my bike in for a service", "any protein bars in chocolate?",
                  "do you accept bitcoin?"):  # fmt: skip
        assert errand(goods) is None, goods
    browse = Understanding("browse", 0.6, off_topic=0.1)
    off = gate(browse, relevant=True, named=False, carried=True, errand=True)
    assert (off.intent, off.own) == ("off_topic", False)
    # A product named by its title, a person asked for, or an instruction are left alone.
    assert gate(browse, relevant=True, named=True, errand=True).intent == "browse"
    person = Understanding("human", 1.0)
    assert gate(person, relevant=False, named=False, errand=True).intent == "human"


def test_medical_advice_is_an_errand_named_by_the_remedy_and_the_symptom() -> None:
    # What to take or do for a symptom: the words a catalog would have to name for it to be
    # the shop's goods are the remedy asked for and the symptom, beside "medicine".
    assert errand("my little boy has a temperature of 39, what should i give him") == (
        "medicine temperature"
    )
    assert errand("got a rash on my ankles since i started wearing new boots, what cream "
                  "should i put on it") == "medicine cream rash"  # fmt: skip
    assert errand("whats best for a sore throat") == "medicine sore throat"
    assert errand("how do i get rid of a cough fast") == "medicine cough"
    assert errand("i have a headache what should i take") == "medicine headache"
    # Goods asked for by their kind, or what to wear, are shopping whatever the symptom.
    for shopping in ("my daughter has a cough, which humidifier would help",
                     "toddler has a fever, which thermometer is best?",
                     "what do you have for a baby with a cough",
                     "my skin gets a rash from wool, what should i wear instead",
                     "what should i use for dry skin"):  # fmt: skip
        assert errand(shopping) is None, shopping


async def test_the_pipeline_gives_no_medical_advice_unless_the_catalog_has_the_remedy(
    tmp_path: Path, log: DialogueLog
) -> None:
    clothes = [
        Product(id="boot", title="Alm Lined Winter Boot", price=149, category="Boots",
                description="Leather boot lined with wool for cold ankles."),
        Product(id="sock", title="Merino Hiking Sock", price=19, category="Socks",
                description="Cushioned merino sock that keeps boots from rubbing."),
    ]  # fmt: skip
    text = "got a rash on my ankles since i started wearing new boots, what cream should i use"
    with planning(tmp_path / "clothes", clothes, log) as chat:
        plan = await chat.plan(text, ShopperProfile())
        assert (plan.intent, plan.decision.action) == ("off_topic", "off_topic")
    creams = [
        Product(id="calm", title="Calming Repair Cream", price=24, category="Moisturisers",
                description="A fragrance-free cream for red, irritated skin."),
        *clothes,
    ]  # fmt: skip
    with planning(tmp_path / "creams", creams, log) as chat:
        plan = await chat.plan(text, ShopperProfile())
        assert plan.intent != "off_topic"


def test_how_to_do_or_care_for_a_thing_oneself_is_off_topic_unless_it_is_their_order() -> None:
    guess = Understanding("browse", 0.3, off_topic=0.4)
    for text in ("how do i knit a scarf myself, need an easy pattern",
                 "how do i get red wine out of a white linen shirt",
                 "how to tie a windsor knot"):  # fmt: skip
        said = gate(guess, relevant=True, named=False, carried=True, text=text)
        assert said.intent == "off_topic", text
    # A product named, the shopper's own order, or anger are left to the rest.
    text = "how do i clean the grill i bought from you"
    own = Understanding("support", 0.6, own=True)
    assert gate(own, relevant=True, named=False, carried=True, text=text).intent == "support"
    text = "how do i wash the Veldmann merino crew"
    assert gate(guess, relevant=True, named=True, text=text).intent == "browse"
    text = "how do i get a refund"
    assert gate(guess, relevant=True, named=False, text=text).intent == "browse"


async def test_the_pipeline_runs_no_errand_unless_the_catalog_sells_it(
    tmp_path: Path, log: DialogueLog
) -> None:
    shop = [
        Product(id="bistro", title="Lakeside Folding Bistro Table", price=129,
                category="Garden Furniture", description="A two-seat folding table."),
        Product(id="picnic", title="Cedarline Picnic Table 6 Seat", price=349,
                category="Garden Furniture", description="Seats six."),
        Product(id="stone", title="Emberline Pizza Stone 38 cm", price=39,
                category="Outdoor Cooking", description="For crisp pizza in a garden oven."),
    ]  # fmt: skip
    with indexed(tmp_path, shop) as catalog:
        chat: ChatService = planner(catalog, log)
        plan = await chat.plan("book me a table for 2 at 7pm tonight", ShopperProfile())
        assert (plan.intent, plan.decision.action) == ("off_topic", "off_topic")
        plan = await chat.plan("a garden table for 6 people", ShopperProfile())
        assert plan.decision.products[:1] and plan.decision.products[0].id == "picnic"
        # The catalog names pizza: ordering one is asked of this shop, not run elsewhere.
        plan = await chat.plan("can I order a pizza here", ShopperProfile())
        assert plan.intent != "off_topic"


async def test_the_pipeline_leaves_other_businesses_orders_to_them(
    index: CatalogIndex,  # noqa: F811
    log: DialogueLog,
    tmp_path: Path,
) -> None:
    chat: ChatService = planner(index, log)
    for text in ("where is my amazon package, it said delivered", "is amazon prime worth it?"):
        plan = await chat.plan(text, ShopperProfile())
        assert (plan.intent, plan.decision.action) == ("off_topic", "off_topic"), text
    plan = await chat.plan("where is my package? I ordered from you last week", ShopperProfile())
    assert plan.decision.action == "handover"
    # A business the store's policy names is the shop's own matter.
    policy = tmp_path / "policy.md"
    policy.write_text("# Policy\n## Marketplaces\nWe also sell on Amazon and eBay.\n")
    chat.policy = StorePolicy.load(policy)
    plan = await chat.plan("where is my amazon package, it said delivered", ShopperProfile())
    assert plan.decision.action == "handover"


def test_the_name_of_some_goods_is_shopping_unless_the_gate_is_against_it() -> None:
    # "cat flap with a microchip reader" guessed off topic in a shop without cat flaps: "not
    # carried", not a redirect; a sentence the gate is as unsure of stays off topic.
    goods = Understanding("off_topic", 0.2, off_topic=0.2, goods=True)
    assert gate(goods, relevant=False, named=False).intent == "browse"
    sentence = Understanding("off_topic", 0.2, off_topic=0.2)
    assert gate(sentence, relevant=False, named=False).intent == "off_topic"
    against = Understanding("off_topic", 0.2, off_topic=0.6, goods=True)
    assert gate(against, relevant=False, named=False).intent == "off_topic"


def test_the_name_of_goods_the_catalog_has_then_why_is_a_request() -> None:
    # "string trimmer with no battery, sick of charging stuff": guessed a complaint;
    # "bike with hub gears, done with fiddly derailleurs": guessed off topic.
    why = Understanding("complaint", 0.29, off_topic=0.04, goods=True)
    assert gate(why, relevant=True, named=False, carried=True).intent == "browse"
    off = Understanding("off_topic", 0.31, off_topic=0.53, goods=True)
    assert gate(off, relevant=False, named=False, carried=True).intent == "browse"
    # Their own order, anger, or goods the catalog lacks are left as they are.
    own = Understanding("complaint", 0.6, off_topic=0.04, goods=True, own=True)
    assert gate(own, relevant=True, named=False, carried=True).intent == "complaint"
    angry = Understanding("complaint", 0.6, angry=True, goods=True)
    assert gate(angry, relevant=True, named=True, carried=True).intent == "complaint"
    lacks = Understanding("complaint", 0.4, off_topic=0.04, goods=True)
    assert gate(lacks, relevant=True, named=False, carried=False).intent == "complaint"
    # Something gone wrong with one they have is a problem, however it opens.
    for text in ("kettle with a crack in the lid, want a replacement",
                 "headphones with a broken hinge after 2 weeks"):  # fmt: skip
        said = gate(why, relevant=True, named=False, carried=True, text=text)
        assert said.intent == "complaint", text
    # Needing goods the catalog's titles name is a request, however it opens.
    need = Understanding("support", 0.31, off_topic=0.15)
    said = gate(need, relevant=True, named=False, carried=True, text="ok forget it, need sd card")
    assert said.intent == "browse"
    # None of them in the catalog and nothing near them: nothing to say not carried about.
    said = gate(need, relevant=False, named=False, carried=False, text="ok forget it, need sd card")
    assert said.intent == "support"
    # Products near them, though no title has the word: a request, answered "not carried" with
    # the closest ("twins coming in august!! need a double buggy", where titles say "stroller").
    for text in ("ok forget it, need sd card", "twins coming in august!! need a double buggy"):
        said = gate(need, relevant=True, named=False, carried=False, text=text)
        assert said.intent == "browse", text
    # Unless it asks about the shop's service: "need the returns label for my order".
    said = gate(need, relevant=True, named=False, carried=False, text="need a returns label")
    assert said.intent == "support"
    for text in ("need to change my delivery address", "i need help with a gift card"):
        assert gate(need, relevant=True, named=False, carried=True, text=text).intent == "support"


def test_anger_about_an_order_or_the_service_is_a_complaint_and_a_told_problem_too(
    classifier: IntentClassifier,
) -> None:
    # Written for this test: angry words make any guess but a request for a person a
    # complaint, the shop's support questions too (the person who takes it over apologises).
    for text in (
        "this is a joke, nobody has replied to my emails about the exchange",
        "really disappointed, second time the courier left my parcel in the rain",
        "never shopping here again, your checkout charged me and then crashed",
        "cancel my order, this is ridiculous",
    ):
        assert classifier.classify(text).intent == "complaint", text
    # A problem told, or asked about in exasperation, is a complaint; calmly asked, support.
    for text in (
        "the blender i got from you stopped working after a week",
        "you billed my mastercard twice for one order??",
        "app says delivered this morning but there's nothing here",
    ):
        assert classifier.classify(text).intent == "complaint", text
    assert classifier.classify("my speaker stopped charging, how do i reset it?").intent == (
        "support"
    )
    assert classifier.classify("transfer me to your manager please").intent == "human"
    assert classifier.classify("put me through to a supervisor").intent == "human"


def test_anger_at_something_else_beside_a_budget_is_shopping(classifier: IntentClassifier) -> None:
    # The anger is about the hotel, not the shop: a request with a budget.
    assert (
        classifier.classify(
            "hotel gyms are terrible, anything light i can pack in a suitcase? budget 40"
        ).intent
        != "complaint"
    )
    # About the shopper's own order it is a complaint, budget words or not.
    assert (
        classifier.classify("this is ridiculous, my order of 50 dollars never came").intent
        == "complaint"
    )


def test_a_request_for_a_kind_carried_passes_an_unsure_gate() -> None:
    kids_watch = Understanding("browse", 0.6, off_topic=0.44, goods=True)
    assert gate(kids_watch, relevant=False, named=False, carried=True).intent == "browse"
    # Goods the catalog does not name, the gate surer against them: off the topic.
    surer = replace(kids_watch, off_topic=0.6)
    assert gate(surer, relevant=False, named=False, carried=True).intent == "off_topic"


# Goods named, then what they are for, in words that sway the gate off the shop's topic.
GOODS_FOR_AN_OCCASION = [
    "watch for my dads 50th",
    "speaker for a house party saturday",
    "telescope for watching the eclipse",
    "hammock for a weekend at the lake",
]


def test_goods_named_before_what_they_are_for_are_as_much_for_the_shop_as_their_name(
    classifier: IntentClassifier,
) -> None:
    # The whole message leans off the topic (0.37 to 0.85); the goods' name alone does not.
    whole = {t: classifier.off_topic(classifier.embed([t])[0]) for t in GOODS_FOR_AN_OCCASION}
    assert [t for t, off in whole.items() if off < OFF_TOPIC] == []
    assert [t for t in GOODS_FOR_AN_OCCASION if classifier.classify(t).off_topic >= OFF_TOPIC] == []
    # A service, a trip, a place or a text named, then what it is for, is no goods.
    services = ["room for tonight in paris", "insurance for my car", "name for my dog",
                "lawyer for a divorce", "ride to the airport", "help with my homework"]  # fmt: skip
    assert [
        t for t in NOT_FOR_A_SHOP + services if classifier.classify(t).off_topic < OFF_TOPIC
    ] == []


async def test_the_pipeline_says_it_does_not_carry_goods_named_for_an_occasion(
    index: CatalogIndex,  # noqa: F811
    log: DialogueLog,
) -> None:
    chat: ChatService = planner(index, log)
    actions = {
        t: (await chat.plan(t, ShopperProfile())).decision.action for t in GOODS_FOR_AN_OCCASION
    }
    assert actions == {t: "not_found" for t in GOODS_FOR_AN_OCCASION}, actions
    plan = await chat.plan("cheap flights to rome", ShopperProfile())
    assert plan.decision.action == "off_topic"


def test_the_name_of_goods_needs_the_gate_surer_that_it_is_off_the_topic() -> None:
    # "tie for a wedding" (0.46), "grain free dog food for my lab" (0.31): goods the shop may
    # lack, which it says it does not carry; surely off the topic only from OFF_TOPIC_OFFER.
    for intent in ("off_topic", "browse"):
        leaning = Understanding(intent, 0.5, off_topic=0.45, goods=True)
        assert gate(leaning, relevant=False, named=False).intent == "browse"
        sure = Understanding(intent, 0.5, off_topic=0.8, goods=True)
        assert gate(sure, relevant=False, named=False).intent == "off_topic"
        words = Understanding(intent, 0.5, off_topic=0.45)  # no goods named
        assert gate(words, relevant=False, named=False).intent == "off_topic"


def test_a_verb_only_word_after_the_first_and_a_particle_joined_still_name_goods() -> None:
    # The lexicon reads "pan" and "bar" as verbs only.
    assert goods_named("non stick frying pan 28cm?") == "non stick frying pan 28cm"
    assert goods_named("doorway pull up bar") == "doorway pull-up bar"
    assert goods_named("zip up hoodie for my son") == "zip-up hoodie"
    assert goods_named("tell me a joke") is None  # a verb first
    assert goods_named("pull up my order") is None
    # Texts and money asked for are no goods; nor accented words with no English noun, which
    # the language rules answer ("the shop reads English").
    assert goods_named("riddle: what has keys but can't open locks?") is None
    assert goods_named("best shares to buy right now?") is None
    assert goods_named("a tisztító készlet mennyi?") is None
    assert goods_named("kettlebell 16kg") == "kettlebell 16kg"  # no accent: a name


@pytest.mark.parametrize(
    "text",
    ["booking for dinner on friday", "wedding dj in durban", "pet sit for my cat",
     "quote for roof repairs", "maths tutoring for grade 5"],
)  # fmt: skip
def test_a_service_names_no_goods(text: str) -> None:
    assert goods_named(text) is None


@pytest.mark.parametrize(
    "text", ["baby walker", "vacuum cleaner", "camera film", "tank top", "percussion massage"]
)
def test_goods_that_share_a_word_with_a_service_are_still_named(text: str) -> None:
    assert goods_named(text) == text


async def test_goods_the_shop_lacks_are_not_carried_though_the_gate_leans_off(
    index: CatalogIndex,  # noqa: F811
    log: DialogueLog,
) -> None:
    chat: ChatService = planner(index, log)
    for text in ("tie for a wedding", "grain free dog food for my lab"):
        plan = await chat.plan(text, ShopperProfile())
        assert plan.decision.action == "not_found", (text, plan.decision.action)
    for text in ("cheap hotels in rome", "write a limerick about my cat"):
        plan = await chat.plan(text, ShopperProfile())
        assert plan.decision.action == "off_topic", (text, plan.decision.action)


def test_asking_which_language_is_read_is_a_greeting(classifier: IntentClassifier) -> None:
    for text in (
        "grüezi! do you speak english?",
        "can u understand german?",
        "do u speak dutch pls",
    ):
        assert classifier.classify(text).intent == "greeting", text
    # A language alone narrows books or manuals: "english only pls" after crime novels.
    for text in (
        "do you read books?",
        "do you speak to customers about returns",
        "english only pls",
    ):
        assert not speaks(text), text
        assert classifier.classify(text).confidence < 1.0, text  # no rule: the classifier's


def test_asking_whether_the_shop_sells_goods_it_carries_is_browsing() -> None:
    """ "hello, do you sell gift cards?" where gift cards are products: a request, not a question
    for the shop's people; where the catalog has none, the guess stands."""
    asked = "hello, do you sell gift cards?"
    support = guess("support", 0.2, confidence=0.6)
    carried = gate(support, relevant=True, named=False, carried=True, text=asked)
    assert carried.intent == "browse"
    lacking = gate(support, relevant=False, named=False, carried=False, text=asked)
    assert lacking.intent == "support"
    # (About the shopper's own gift card it stays support: "my gift card doesn't work".)
    own = guess("support", 0.2, confidence=0.6, own=True)
    assert gate(own, relevant=True, named=False, carried=True, text=asked).intent == "support"
