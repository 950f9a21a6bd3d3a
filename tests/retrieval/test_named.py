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


# Titles that join words with a hyphen, and one named by what is printed on it.
SHIRTS = CatalogView(
    {
        str(i): Product(
            id=str(i),
            title=title,
            price=Decimal(30 + i),
            category=category,
            attributes={"tags": tags},
        )  # fmt: skip
        for i, (title, category, tags) in enumerate(
            [
                ("Molen Graphic Tee – Windmill Print", "T-Shirts", "t-shirt, graphic"),
                ("Essential Tee 3-Pack", "T-Shirts", "t-shirt, basics"),
                ("Merino 150 T-Shirt", "T-Shirts", "t-shirt, merino"),
                ("Tasje Roll-Top Backpack 20 L", "Bags", "backpack, waterproof"),
                ("Tasje Mini Daypack 10 L", "Bags", "backpack"),
                ("Sylt Waterproof Rain Jacket", "Jackets", "jacket, rain"),
                ("Fjell Down Parka", "Jackets", "jacket, down"),
            ]
            + [
                (f"Plain {word} Jacket", "Jackets", "jacket")
                for word in "alder birch cedar dune elm fern grove heath iris".split()
            ]
        )
    }
)


def test_words_a_title_joins_with_a_hyphen_are_found_written_apart() -> None:
    assert SHIRTS.terms("roll top backpack") == ["roll-top", "roll", "top", "backpack"]
    assert SHIRTS.terms("a t shirt") == ["t-shirt", "t", "shirt"]
    named = SHIRTS.named("roll top backpack, does a 16 inch laptop fit in it")
    assert [p.title for p in named] == ["Tasje Roll-Top Backpack 20 L"]


@pytest.mark.parametrize(
    "text", ["do you still have the windmill t shirt in medium", "windmill tee", "windmill t-shirt"]
)
def test_a_thing_only_one_title_has_said_before_its_kind_names_it(text: str) -> None:
    named = SHIRTS.named(text)
    assert [p.title for p in named] == ["Molen Graphic Tee – Windmill Print"]


def test_a_word_that_describes_before_a_kind_names_no_product() -> None:
    # "waterproof" is in one title, but describes: it asks for a kind.
    assert SHIRTS.named("waterproof jacket") == []
    assert SHIRTS.named("a t shirt with a windmill") == []


# A shop of Japanese knives and cameras: names a shopper writes in lower case, without the
# unit or the accents of the title.
NAMES = CatalogView(
    {
        str(i): Product(id=str(i), title=title, price=Decimal(40 + i), category=category)
        for i, (title, category) in enumerate(
            [
                ("Kurogane Sakai Shirogami #2 Deba 165mm", "Knives"),
                ("Kurogane Sakai Aogami #2 Gyuto 240mm", "Knives"),
                ("Hayate VG-10 Damascus Gyuto", "Knives"),
                ("Veltra VL 24-70mm f/2.8 GM Zoom Lens", "Lenses"),
                ("Korvan KZ 24-70mm f/4 Zoom Lens", "Lenses"),
                ("Veltra VL 85mm f/1.8 GM Prime Lens", "Lenses"),
                ("Björk Hand-Carved Kåsa 150 ml", "Cups"),
                ("Lera Stoneware Mug, Black", "Cups"),
                ("Tandem Magnetic Car Vent Phone Mount", "Phone Accessories"),
                ("Gondos Silver Polishing Cloth", "Cleaning & Care"),
            ]
        )
    }
)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("is the deba in stock?", "Kurogane Sakai Shirogami #2 Deba 165mm"),
        ("is veltra 24-70 gm in stock", "Veltra VL 24-70mm f/2.8 GM Zoom Lens"),
        ("is the kasa dishwasher safe?", "Björk Hand-Carved Kåsa 150 ml"),
        # With its accents, as a capital or after "the": "is the Kåsa dishwasher safe".
        ("is the Kåsa dishwasher safe?", "Björk Hand-Carved Kåsa 150 ml"),
        ("mennyibe kerül a Kåsa?", "Björk Hand-Carved Kåsa 150 ml"),
        # A word English's lists also take for an adjective, the name its one title ends in.
        ("ok just the cloth then. how much", "Gondos Silver Polishing Cloth"),
    ],
)
def test_a_name_said_as_the_one_without_its_unit_or_accents_is_found(text: str, title: str) -> None:
    named = NAMES.named(text)
    assert named and named[0].title == title
    assert "Veltra VL 85mm f/1.8 GM Prime Lens" not in [p.title for p in named]


@pytest.mark.parametrize(
    "text",
    [
        "is the black one in stock?",  # a colour only one title has describes, it names none
        "is the gyuto in stock?",  # a kind two products are
        "do you have the 24-70?",  # a range two titles have
        "need a dash cam for the car",  # what a product is for, not its name
    ],
)
def test_the_one_said_by_a_word_that_describes_or_is_shared_names_none(text: str) -> None:
    assert NAMES.named(text) == []


def test_a_model_code_names_its_product_before_titles_sharing_more_words() -> None:
    titles = [
        "Trivex TX-190 Aluminium Travel Tripod with Ball Head",
        "Trivex TX-55C Carbon Travel Tripod",
        "Trivex Arca-Swiss Quick Release Plate 50mm",
        "Lumio LED Panel Light",
    ]
    view = CatalogView(
        {str(i): Product(id=str(i), title=t, price=Decimal(10), category="Support")
         for i, t in enumerate(titles)}
    )  # fmt: skip
    named = view.named("does trivex tx-190 come with arca swiss plate")
    assert [p.title for p in named][:1] == [titles[0]]


def test_what_a_title_says_its_product_is_for_names_that_thing_not_the_product() -> None:
    # "Case for iPhone 15 Series": the case goes with an iPhone; it is no iPhone.
    titles = {
        "case": "Quokka ToughShell Case for iPhone 15 Series",
        "glass": "Quokka ClearGuard Screen Protector for iPhone 15 (2 Pack)",
        "charger": "Voltix 30W USB-C Charger",
        "grip": "Korvan MB-Z Battery Grip for Z-series Bodies",
        "z70": "Korvan Z-70 Mirrorless Camera",
    }
    view = CatalogView(
        {i: Product(id=i, title=t, price=Decimal(10), category="Shop") for i, t in titles.items()}
    )
    assert view.named("selling the iphone 15 pro? want the 256gb one") == []
    assert not view.names(["iphone"])  # only what the shop's cases are for
    # The product's own words still name it, with what it is for or without.
    assert [p.id for p in view.named("case for iphone 15 pro max")][:1] == ["case"]
    assert [p.id for p in view.named("the quokka toughshell case")][:1] == ["case"]
    assert [p.id for p in view.named("is the korvan z-70 in stock")][:1] == ["z70"]
    assert view.names(["case"]) and view.names(["charger"])


BRACELETS = CatalogView(
    {
        p.id: p
        for p in [
            Product(id="hf", title="Holdfeny Tennis Bracelet Sterling Silver Cubic Zirconia 18 cm",
                    price=Decimal(29990), category="Bracelets"),
            Product(id="ag", title="Aranyag Tennis Bracelet 14k White Gold 2.00 ct Diamonds",
                    price=Decimal(689000), category="Bracelets"),
            Product(id="duna", title="Holdfeny Duna Charm Bracelet Sterling Silver",
                    price=Decimal(19990), category="Bracelets"),
            Product(id="bangle", title="Pipacs Open Bangle Gold-Plated Steel",
                    price=Decimal(9990), category="Bracelets"),
            *(Product(id=f"b{i}", title=f"Plain {w} Bracelet", price=Decimal(100 + i),
                      category="Bracelets")
              for i, w in enumerate("amber birch cedar dune elm fern grove heath iris".split())),
        ]
    }
)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # A word two titles have, before their kind, names both; a word only one of them has
        # before it, that one.
        ("is the tennis bracelet in stock", {"hf", "ag"}),
        ("how much is the silver tennis bracelet actually", {"hf"}),
        ("the gold tennis bracelet, how heavy is it", {"ag"}),
        # (Here "gold" is rare too: the gold one is named by two rare words, as before.)
        ("whats the difference between the silver tennis bracelet and the gold one", {"hf", "ag"}),
        ("a tennis bracelet for my wife", set()),  # not "the" one: a request for the kind
        ("is the charm bracelet silver", {"duna"}),  # one title: as before
    ],
)
def test_the_one_of_a_kind_by_a_word_two_titles_have(text: str, named: set[str]) -> None:
    assert {p.id for p in BRACELETS.named(text)} == named


def test_the_other_one_of_the_kind_just_said_by_its_word() -> None:
    # "gold" is in many titles here: "the gold one" names the tennis bracelet by "tennis".
    golden = CatalogView(
        {
            p.id: p
            for p in [
                *BRACELETS.products.values(),
                *(Product(id=f"g{i}", title=f"{w} Gold Bangle", price=Decimal(500 + i),
                          category="Bracelets")
                  for i, w in enumerate("ash bay cove dale eden ford glen".split())),
            ]
        }
    )  # fmt: skip
    said = "whats the difference between the silver tennis bracelet and the gold one"
    assert {p.id for p in golden.named(said)} == {"hf", "ag"}
    assert {p.id for p in golden.named("the silver tennis bracelet, or the gold one?")} == {
        "hf",
        "ag",
    }
    assert {p.id for p in golden.named("the gold one")} == set()  # no kind said before


def test_a_function_word_of_another_language_names_no_product() -> None:
    # A bookshop that writes Spanish: "para", "la" are in few titles, but name none of them.
    spanish = [
        ("fun", "Funda acolchada para libro", "Accesorios de lectura"),
        ("bru", "La brújula de Mara - Iñaki Salas", "Infantil"),
        ("lam", "Lámpara de lectura recargable con clip", "Accesorios de lectura"),
        ("sep", "Separadores magnéticos de papel picado (set de 6)", "Separadores"),
        ("atl", "Atlas de los animales de México - Carmen Arreola", "Infantil"),
        ("cua", "Cuaderno pasta dura A5 Tinta Viva", "Cuadernos"),
        ("plu", "Pluma fuente Clásica de latón", "Plumas fuente"),
    ]
    view = CatalogView(
        {i: Product(id=i, title=t, price=Decimal(100), category=c) for i, t, c in spanish}
    )
    assert view.named("libro para mi sobrina de 12 q le gusta la aventura") == []
    # Said as its name, it is still named.
    assert [p.id for p in view.named("la brújula de mara tiene pasta dura?")] == ["bru"]
    assert [p.id for p in view.named("the funda acolchada, what colours")] == ["fun"]
    # A letter alone is no function word: "vitamin c" still names the serum among others.
    serums = CatalogView(
        {
            i: Product(id=i, title=t, price=Decimal(30), category="Serums")
            for i, t in [
                ("c", "Kiyomi Vitamin C Serum 30ml"),
                ("h", "Kiyomi Hyaluronic Serum"),
                ("r", "Kiyomi Retinol Night Serum"),
                ("n", "Aster Niacinamide Serum"),
            ]
        }  # fmt: skip
    )
    assert [p.id for p in serums.named("does the kiyomi vitamin c have ferulic acid")] == ["c"]


def test_a_noun_two_titles_have_said_as_the_one_names_both() -> None:
    # The men's and the women's of one boot: "the sentinel", however cased, and in Afrikaans.
    boots = CatalogView(
        {
            i: Product(id=i, title=t, price=Decimal(2000), category="Hiking Boots")
            for i, t in [
                ("m", "Drakensberg Outdoor Sentinel Mid Waterproof Hiking Boot - Men's"),
                ("w", "Drakensberg Outdoor Sentinel Mid Waterproof Hiking Boot - Women's"),
                ("t", "Drakensberg Outdoor Tugela Lightweight Hiking Boot - Men's"),
                ("k", "Karoo Trail Runner - Men's"),
                ("r", "Karoo Road Runner - Women's"),
                ("s", "Otter Waterproof Trail Shoe"),
            ]
        }
    )
    for text in ("how much is the sentinel in grey?", "en hoeveel kos die sentinel in grys?"):
        assert {p.id for p in boots.named(text)} == {"m", "w"}
    # A word two titles have that describes names neither: "the waterproof".
    assert boots.named("is the waterproof one any good") == []


def test_a_function_word_abroad_or_a_word_for_whom_is_a_name_in_an_english_catalog() -> None:
    shop = CatalogView(
        {
            str(i): Product(id=str(i), title=t, price=Decimal(10), category="Shop")
            for i, t in enumerate(
                [
                    "Vanta Uno Single Boiler Espresso Machine",
                    "Vanta Duo Dual Boiler Espresso Machine",
                    "Kids Camp Chair",
                    "Kids Sleeping Bag",
                    "Classic Pullover Hoodie",
                    "Trail Tent 2P",
                ]
            )
        }
    )
    # "uno" is a function word of Spanish and Italian; here it is a machine's name.
    assert [p.id for p in shop.named("is the uno in stock?")] == ["0"]
    # "kids" of two titles is whom they are for, no line's name; "tie die" is no article.
    assert shop.named("a tent the kids will love") == []
    assert shop.named("tie die hoodie") == []


def test_a_word_of_another_alphabet_is_not_mended_in_pieces() -> None:
    """ "tisztító" is no "tiszt" mistyped between two accented letters (a catalog word "tisza"
    would have turned it into "tiszaító", which no model reads)."""
    view = CatalogView(
        {
            "w": Product(id="w", title="Tisza Titan Watch 40 mm", price=1, currency="HUF"),
            "k": Product(id="k", title="Gold Cleaning Kit", price=1, currency="HUF"),
        }
    )
    assert view.corrected("a tisztító készlet mennyi?") == "a tisztító készlet mennyi?"
    assert view.corrected("gold claening kit") == "gold cleaning kit"  # English still mended
