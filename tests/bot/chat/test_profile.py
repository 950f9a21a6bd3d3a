from decimal import Decimal

import pytest

from bot.chat.profile import ShopperProfile, parse_budget, update_profile, without_budget

D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I have a budget of 100 dollars, any hiking boots?", (None, D(100))),
        ("under $500", (None, D(500))),
        ("max 150 please", (None, D(150))),
        ("between 80 and 120 €", (D(80), D(120))),
        ("100 bucks tops", (None, D(100))),
        ("ok my budget is now 80", (None, D(80))),
        ("no more than 1,299.99 USD", (None, D("1299.99"))),
        ("$389 through $419", (D(389), D(419))),
        ("over $200", (D(200), None)),
        ("around 300", (D(240), D(300))),
        ("a tent for 4 people", (None, None)),
        ("size 10 shoes", (None, None)),
        ("a 2 person tent under 300 please", (None, D(300))),
        ("hmm ok could do 70 for something nicer", (None, D(70))),
        ("i can go up to 80", (None, D(80))),
        ("I can do 2 of them", (None, None)),
        ("delivery in under 10 days?", (None, None)),
        # In words, in thousands, and a floor however it is said.
        ("mens jeans under a hundred", (None, D(100))),
        ("two hundred and fifty euros max", (None, D(250))),
        ("less than fifty dollars", (None, D(50))),
        ("under 2 grand", (None, D(2000))),
        ("happy to spend over 100", (D(100), None)),
        ("happy to spend 150+ on a massage gun", (D(150), None)),
        ("not over 50 please", (None, D(50))),
        ("100 percent cotton shirt", (None, None)),
        ("one for my son, the first one", (None, None)),
        ("secret santa for 10 ppl, 25 each max", (None, D(25))),
        # A currency's code or short name before the amount, and a range after a budget word.
        ("rugs under chf 200?", (None, D(200))),
        ("desk under eur 300", (None, D(300))),
        ("lamp, 50 fr max", (None, D(50))),
        ("200 sek tops", (None, D(200))),
        # Koruna as Czechs write it, with and without its accent, and the złoty's plural.
        ("max 300 kč", (None, D(300))),
        ("whats your most premium stuff, at least 1000 kc", (D(1000), None)),
        ("under 500 korun", (None, D(500))),
        ("do 200 złotych", (None, D(200))),
        # Thousands grouped as much of Europe writes them, by dots or spaces; a thousand in
        # words of other languages; "up to" in them.
        ("max 1.500 kr", (None, D(1500))),
        ("under 1.299,90 BRL", (None, D("1299.90"))),
        ("max 30 000 Ft", (None, D(30000))),
        ("up to 12\u00a0500 czk", (None, D(12500))),
        ("between 1.000 and 2.000 kr", (D(1000), D(2000))),
        ("max 25 ezer", (None, D(25000))),
        # Forint in lower case after thousands; feet after a plain number.
        ("engagement ring under 400k ft", (None, D(400000))),
        ("engagement ring, budget 400 000 ft", (None, D(400000))),
        ("30.000 ft körül", (None, D(30000))),
        ("ring max 400 ezer ft", (None, D(400000))),
        ("a 100 ft hose", (None, None)),
        # "do" before money: up to, in Czech and Polish.
        ("tea gift do 500 kč", (None, D(500))),
        ("prezent do 200 zł", (None, D(200))),
        ("how much do 2 cost", (None, None)),
        ("max 2 mil reais", (None, D(2000))),
        ("barraca pra 2 pessoas até 500 reais", (None, D(500))),
        # Rand before the amount, as South Africans write it; not a model name.
        ("running shoes, under R1200", (None, D(1200))),
        ("black heels, size 6, under R1,000", (None, D(1000))),
        ("around R2k", (D(1600), D(2000))),
        ("is the r10 black", (None, None)),
        ("under ₦25000", (None, D(25000))),
        # How long it takes or is: no budget.
        ("a game for 2 that takes under 30 min", (None, None)),
        ("anything shorter? like under 200 pages", (None, None)),
        ("white paint for the bedroom walls, about 40 m2 and 2 coats", (None, None)),  # area
        ("about 40 m² of floor", (None, None)),
        ("under 40 sq m", (None, None)),
        ("an 18 v drill under 900", (None, Decimal("900"))),
        ("around 500 euros for a 20 m2 room", (Decimal("400"), Decimal("500"))),
        ("got any €60 v-neck sweaters?", (None, Decimal("60"))),  # a neck, not volts
        ("£40 coats for toddlers?", (None, Decimal("40"))),
        ("a $200 room divider", (None, Decimal("200"))),
        ("£20-£40 v necks", (Decimal("20"), Decimal("40"))),
        ("posso ir até 1500 se for bem mais leve", (None, D(1500))),
        ("a 50 ft hose under 40", (None, D(40))),
        # Turkish lira as its code is written, not the verb: "ill try a 43" is a shoe size.
        ("max 500 TRY", (None, D(500))),
        ("ugh ok ill try a 43. how much", (None, None)),
        ("premium sofa, budget 2000 to 3500", (D(2000), D(3500))),
        ("my budget is 100 to 150", (D(100), D(150))),
        # A range of counts is no budget, whatever word comes before it.
        ("budget tent for 2 to 3 people", (None, None)),
        ("a 2 or 3 seater sofa under 1500", (None, D(1500))),
        # A word that only ends like one that caps ("thunder"), an age, a ceiling said as what
        # the shopper will not do.
        ("which is cheaper, the pj bass or the thunder 5?", (None, None)),
        ("do you have bass guitars for a kid, hes about 11", (None, None)),
        ("she is around 8, budget about 40", (D(32), D(40))),
        ("and what amp would go with it? not spending more than 400 on the amp", (None, D(400))),
        # Amounts as they are said in India: a lakh is 100,000, a crore 10,000,000.
        ("any full frame camera under 1.5 lakh?", (None, D(150000))),
        ("bhai 2 lakh budget, need full frame camera", (None, D(200000))),
        ("budget 3 lacs", (None, D(300000))),
        ("under 60k", (None, D(60000))),
        # Amounts as money is said: a fiver, a tenner, a grand, a couple hundred.
        ("stocking fillers under a fiver?", (None, D(5))),
        ("something under a tenner for the kids", (None, D(10))),
        ("less than a grand for a road bike", (None, D(1000))),
        ("a couple hundred max", (None, D(200))),
        ("a couple of thousand dollars budget", (None, D(2000))),
        ("i have a couple of questions", (None, None)),
    ],
)
def test_parse_budget_reads_the_words_around_an_amount(
    text: str, expected: tuple[Decimal | None, Decimal | None]
) -> None:
    assert parse_budget(text) == expected


def test_update_profile_keeps_the_budget_until_the_shopper_changes_it() -> None:
    profile = update_profile(ShopperProfile(), "boots under $100")
    profile = update_profile(profile, "are they waterproof?")
    assert profile.max_price == D(100)
    profile = update_profile(profile, "actually, up to $200")
    assert (profile.min_price, profile.max_price) == (None, D(200))


def test_update_profile_anything_cheaper_is_below_the_best_match_shown() -> None:
    profile = update_profile(
        ShopperProfile(), "anything cheaper?", last_shown=["a", "b"], last_prices=[D(90), D(60)]
    )
    assert profile.max_price == D("89.99") and profile.cheap_first


def test_update_profile_cheaper_in_a_comparison_is_not_a_budget() -> None:
    profile = update_profile(
        ShopperProfile(), "which is cheaper?", last_prices=[D(90)], browsing=False
    )
    assert profile.max_price is None


def test_update_profile_rules_out_and_likes_brands_from_the_catalog() -> None:
    profile = update_profile(
        ShopperProfile(), "I like Arcwind but not Quillfoot", brands=["Arcwind", "Quillfoot"]
    )
    assert profile.brands_liked == ["Arcwind"]
    assert profile.brands_excluded == ["Quillfoot"]


def test_update_profile_something_else_rejects_what_was_shown() -> None:
    profile = update_profile(ShopperProfile(), "show me something else", last_shown=["p1", "p2"])
    assert profile.rejected == ["p1", "p2"]


def test_parse_budget_a_stated_price_is_not_a_budget() -> None:
    assert parse_budget("tell me it costs $5") == (None, None)


def test_a_budget_is_no_words_to_search_for() -> None:
    assert without_budget("not the lumaro, whats the next best under 2k") == (
        "not the lumaro, whats the next best"
    )
    assert without_budget("hiking boots, $100 max") == "hiking boots,"
    assert without_budget("a scarf or a bag, 60 tops") == "a scarf or a bag,"
    assert without_budget("lens for ax-500 under 50000") == "lens for ax-500"
    # A number that names a product or counts is no budget.
    assert without_budget("4k tv under 1k") == "4k tv"
    assert without_budget("tent for 2 people") == "tent for 2 people"
    assert without_budget("headlamp under $25, at least 200 lumens") == (
        "headlamp , at least 200 lumens"
    )
    # The word that caps it goes with the amount, the currency after it too.
    assert without_budget("tea gift do 500 kč") == "tea gift"
    assert without_budget("engagement ring, budget 400 000 ft") == "engagement ring,"


def test_parse_budget_nothing_over_is_a_ceiling() -> None:
    assert parse_budget("need a non stick pan, nothing over 30€") == (None, D(30))


def test_cheap_said_as_what_the_shopper_does_not_want_does_not_sort_by_price() -> None:
    assert update_profile(ShopperProfile(), "something cheap please").cheap_first
    for text in (
        "a lens for portraits, not too costly pls",
        "im on a tight budget",
        "a steel string acoustic, nothing fancy",
        "something that wont break the bank",
    ):
        assert update_profile(ShopperProfile(), text).cheap_first, text
    for text in ("not the cheap one, i want something thatll last", "nothing too cheap"):
        assert not update_profile(ShopperProfile(), text).cheap_first, text
