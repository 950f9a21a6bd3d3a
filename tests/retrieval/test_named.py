"""Products named in a message by title, however the shopper types the name."""

from decimal import Decimal

import pytest

from retrieval.catalog import Product
from retrieval.hybrid import CatalogView

TITLES = [
    "Purrsley Cat Tree with Hammock, 140cm",
    "Purrsley Cat Carrier",
    "Purrsley Cat Scratching Post",
    "Purrsley Cat Bed",
    "Whiskerly Cat Tree, Small",
    "Sony WH-1000XM5 Wireless Headphones",
    "Sony WH-CH520 Wireless Headphones",
    "Dog Bed Deluxe Orthopaedic Memory Foam, Large",
    "Dog Bed Classic Quilted Washable Cover, Medium",
    "Crunchy Chews Variety Box, 12-pack",
    "Dog Lead Reflective Nylon",
    "Dog Bowl Stainless Steel Non-Slip",
    "Dog Coat Waterproof Fleece Lined",
    "Dog Toy Rope Tug Cotton",
    "Dog Harness Padded No-Pull",
    "Dog Shampoo Oatmeal Sensitive Skin",
    "Dog Crate Folding Metal Two-Door",
] + [
    f"Plain {word} Basket"
    for word in "amber birch cedar dune elm fern grove heath iris juniper kelp larch moss nettle"
    " oak pine quartz reed sage thyme umber vale willow yarrow zinnia alder basil clover daisy"
    " ember flint garnet hazel indigo jade kale lilac maple".split()
]
VIEW = CatalogView(
    {
        str(i): Product(id=str(i), title=title, price=Decimal(10 + i), category="Shop")
        for i, title in enumerate(TITLES)
    }
)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("is the purrsley cat tree in stock?", "Purrsley Cat Tree with Hammock, 140cm"),
        ("Purrsley cat tree price", "Purrsley Cat Tree with Hammock, 140cm"),
        ("do you have the wh-1000xm5?", "Sony WH-1000XM5 Wireless Headphones"),
        ("how much are the sony wh-ch520", "Sony WH-CH520 Wireless Headphones"),
        # The brand and a word only one of its products has.
        ("is the purrsley post sturdy?", "Purrsley Cat Scratching Post"),
        ("purrsley carrier, how big is it", "Purrsley Cat Carrier"),
    ],
)
def test_a_name_typed_in_lower_case_or_as_a_model_code_is_found(text: str, title: str) -> None:
    named = VIEW.named(text)
    assert named and named[0].title == title


@pytest.mark.parametrize(
    "text",
    [
        "do you have a cat tree?",  # a kind of product, two of them: no name
        "a dog bed please",  # a title's first words that are no brand
        "do you sell anything in a 12-pack?",  # a measure is no model code
    ],
)
def test_words_that_describe_a_kind_of_product_name_none(text: str) -> None:
    assert VIEW.named(text) == []


# Several brands' products, each title repeating its category's words.
KINDS = CatalogView(
    {
        str(i): Product(id=str(i), title=title, price=Decimal(20 + i), category=category)
        for i, (title, category) in enumerate(
            [
                ("Voltra 40V Leaf Blower", "Garden > Power Tools > Leaf Blowers"),
                ("Voltra 40V Hedge Trimmer", "Garden > Power Tools > Hedge Trimmers"),
                ("Brisa Cordless Leaf Blower", "Garden > Power Tools > Leaf Blowers"),
                ("Raised Bed Kit, Cedar", "Garden > Raised Beds"),
                ("Muskoka Adirondack Chair", "Garden > Furniture"),
            ]
        )
    }
)


@pytest.mark.parametrize(
    "text", ["LEAF BLOWER under 150, IN STOCK", "do you have a raised bed?", "power tools?"]
)
def test_only_a_category_s_words_ask_for_a_kind_not_a_product(text: str) -> None:
    assert KINDS.named(text) == []


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("the voltra leaf blower, is it loud?", "Voltra 40V Leaf Blower"),
        ("how much is the voltra 40v hedge trimmer", "Voltra 40V Hedge Trimmer"),
        ("a cedar raised bed", "Raised Bed Kit, Cedar"),
    ],
)
def test_a_category_s_words_with_one_of_the_product_s_own_name_it(text: str, title: str) -> None:
    named = KINDS.named(text)
    assert named and named[0].title == title
