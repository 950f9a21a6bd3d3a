"""Export kinds: detection, grouping rules and the errors a shop owner sees."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from retrieval.errors import CatalogError
from retrieval.formats import detect
from retrieval.index import document_text
from retrieval.loaders import parse_products, read_rows

Write = Callable[[str, str], Path]

SHOPIFY = (
    "Handle,Title,Body (HTML),Vendor,Type,Option1 Name,Option1 Value,Variant SKU,"
    "Variant Inventory Tracker,Variant Inventory Qty,Variant Inventory Policy,Variant Price,"
    "Variant Compare At Price,Image Src,Status\n"
)


@pytest.mark.parametrize(
    ("columns", "kind"),
    [
        (["Handle", "Title", "Variant Price"], "shopify"),
        (["ID", "Type", "SKU", "Name", "Regular price", "Parent"], "woocommerce"),
        (["id", "title", "price", "image_link", "availability"], "merchant"),
        (["g:id", "g:title", "g:price", "g:gtin"], "merchant"),
        (["sku", "name", "price", "category"], "generic"),
    ],
)
def test_detect_tells_the_export_kind_from_the_columns(columns: list[str], kind: str) -> None:
    assert detect(columns) == kind


def test_a_tsv_feed_with_g_prefixed_columns_is_read_as_merchant(write: Write) -> None:
    path = write("feed.tsv", "g:id\tg:title\tg:price\tg:image_link\nA1\tMug\t5.00 EUR\t\n")
    result = parse_products(read_rows(path))
    assert result.kind == "merchant"
    assert (result.products[0].id, result.products[0].currency) == ("A1", "EUR")


def test_shopify_rows_of_one_handle_must_be_together(write: Write) -> None:
    rows = (
        "mug,Mug,,Kiln,Mugs,Title,Default Title,M1,,,deny,9.00,,,active\n"
        "pot,Pot,,Kiln,Pots,Title,Default Title,P1,,,deny,19.00,,,active\n"
        "mug,,,,,,,M2,,,deny,9.50,,,\n"
    )
    result = parse_products(read_rows(write("products_export.csv", SHOPIFY + rows)))
    assert [p.id for p in result.products] == ["mug", "pot"]
    assert [(r.row, r.reason) for r in result.rejected] == [
        (3, "The rows of handle 'mug' are not next to each other; keep every row of a product "
            "together, as Shopify exports them.")
    ]  # fmt: skip


def test_shopify_stock_follows_tracking_policy_and_count(write: Write) -> None:
    rows = (
        "tee,Tee,,Kiln,Tees,Size,S,T-S,shopify,0,deny,20.00,,,active\n"
        "tee,,,,,,M,T-M,shopify,0,continue,20.00,,,\n"
        "tee,,,,,,L,T-L,,,deny,22.00,25.00,,\n"
        "tee,,,,,,XL,T-XL,shopify,4,deny,22.00,,,\n"
    )
    [tee] = parse_products(read_rows(write("products_export.csv", SHOPIFY + rows))).products
    assert [(v.name, v.in_stock, v.quantity) for v in tee.variants] == [
        ("S", False, 0), ("M", True, 0), ("L", True, None), ("XL", True, 4)
    ]  # fmt: skip
    assert (tee.price, tee.price_max, tee.regular_price) == (Decimal(20), Decimal(22), None)
    assert tee.variants[2].on_sale and tee.price_text() == "from $20.00"


def test_a_woocommerce_variation_without_its_parent_is_rejected(write: Write) -> None:
    text = (
        "ID,Type,SKU,Name,Published,In stock?,Stock,Sale price,Regular price,Parent,"
        "Attribute 1 name,Attribute 1 value(s)\n"
        "7,variation,TEE-S,Tee - S,1,1,,,20,id:99,Size,S\n"
        "8,simple,MUG,Mug,1,1,,,9,,,\n"
    )
    result = parse_products(read_rows(write("wc-product-export.csv", text)))
    assert [p.id for p in result.products] == ["MUG"]
    assert [(r.row, r.reason) for r in result.rejected] == [
        (1, "The variation's Parent 'id:99' is not a variable product in the file.")
    ]


def test_a_woocommerce_description_gets_its_line_breaks_back(write: Write) -> None:
    # WooCommerce's exporter writes a line break in a description as a literal "\n", and a
    # literal backslash-n as "\\n"; its importer reads them back so.
    text = (
        "ID,Type,SKU,Name,Published,In stock?,Regular price,Short description,Description\n"
        '8,simple,MUG,Mug,1,1,9,Stoneware.,"<p>Holds 350 ml.</p>\\n<ul>\\n<li>Dishwasher safe'
        '</li>\\n</ul>\\nPath: C:\\\\new"\n'
    )
    [mug] = parse_products(read_rows(write("wc-product-export.csv", text))).products
    assert mug.description == "Stoneware. Holds 350 ml. Dishwasher safe. Path: C:\\new"


def test_merchant_variants_share_the_group_title_and_keep_their_own_prices(write: Write) -> None:
    text = (
        "id\ttitle\tprice\tsale_price\tavailability\titem_group_id\tcolor\tsize\timage_link\n"
        "S1\tLinen Shirt - Blue - M\t40.00 USD\t\tin_stock\tLS\tBlue\tM\t\n"
        "S2\tLinen Shirt - White - L\t45.00 USD\t39.00 USD\tout_of_stock\tLS\tWhite\tL\t\n"
    )
    [shirt] = parse_products(read_rows(write("feed.tsv", text))).products
    assert (shirt.id, shirt.title, shirt.price, shirt.price_max) == (
        "LS", "Linen Shirt", Decimal("39.00"), Decimal("40.00")
    )  # fmt: skip
    assert [(v.id, v.options, v.price, v.regular_price, v.in_stock) for v in shirt.variants] == [
        ("S1", {"Color": "Blue", "Size": "M"}, Decimal("40.00"), None, True),
        ("S2", {"Color": "White", "Size": "L"}, Decimal("39.00"), Decimal("45.00"), False),
    ]
    assert shirt.regular_price == Decimal("45.00")  # its cheapest variant is on sale


def test_merchant_variants_told_apart_only_by_title_get_that_as_their_option(
    write: Write,
) -> None:
    text = (
        "id\ttitle\tprice\tavailability\titem_group_id\n"
        "B1\tRegina (Hardcover) - Paloma Ibarra\t389.00 MXN\tin_stock\tREG\n"
        "B2\tRegina (Paperback) - Paloma Ibarra\t289.00 MXN\tout_of_stock\tREG\n"
        "G1\tGift Card 300 MXN\t300.00 MXN\tin_stock\tGC\n"
        "G2\tGift Card 500 MXN\t500.00 MXN\tin_stock\tGC\n"
    )
    book, card = parse_products(read_rows(write("feed.tsv", text))).products
    # The author both titles end with stays in the book's title; the edition is its option.
    assert book.title == "Regina - Paloma Ibarra"
    assert [(v.options, v.in_stock) for v in book.variants] == [
        ({"Version": "Hardcover"}, True),
        ({"Version": "Paperback"}, False),
    ]
    # A unit shared at the end stays with the amount it measures.
    assert card.title == "Gift Card"
    assert [v.options for v in card.variants] == [{"Version": "300 MXN"}, {"Version": "500 MXN"}]


@pytest.mark.parametrize(
    ("availability", "said"),
    [("preorder", "available to pre-order"), ("backorder", "available on backorder"),
     ("in_stock", "in stock"), ("out_of_stock", "out of stock")],
)  # fmt: skip
def test_a_feed_item_sold_ahead_of_stock_says_so(
    write: Write, availability: str, said: str
) -> None:
    text = f"id\ttitle\tprice\tavailability\nN1\tNew Novel\t349.00 MXN\t{availability}\n"
    [novel] = parse_products(read_rows(write("feed.tsv", text))).products
    assert novel.stock_text == said
    assert novel.in_stock is (availability != "out_of_stock")


def test_a_feed_declaring_entities_is_refused(write: Write) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<rss xmlns:g="http://base.google.com/ns/1.0"><channel><item><g:id>1</g:id>'
        "<title>&b;</title><g:price>5 USD</g:price></item></channel></rss>"
    )
    with pytest.raises(CatalogError) as raised:
        read_rows(write("feed.xml", bomb))
    assert raised.value.code == "catalog_malformed"
    assert "declares XML entities or a DTD" in str(raised.value)


def test_invalid_xml_says_where(write: Write) -> None:
    with pytest.raises(CatalogError) as raised:
        read_rows(write("feed.xml", "<rss><channel><item><title>Mug</item></channel></rss>"))
    assert str(raised.value).startswith("The file feed.xml is not valid XML: mismatched tag")


def test_a_mapping_is_refused_for_an_export_and_format_csv_reads_it_plain(write: Write) -> None:
    rows = "mug,Mug,,Kiln,Mugs,Title,Default Title,M1,,,deny,9.00,,,active\n"
    path = write("products_export.csv", SHOPIFY + rows)
    with pytest.raises(CatalogError) as raised:
        parse_products(read_rows(path), {"title": "Title"})
    assert raised.value.code == "catalog_mapping_invalid"
    plain = parse_products(read_rows(path), {"price": "Variant Price"}, kind="csv")
    assert plain.kind == "generic" and plain.products[0].price == Decimal("9.00")


def test_merchant_keeps_the_last_level_of_google_s_taxonomy_beside_the_shop_s_own_type(
    write: Write,
) -> None:
    """Its English kind where the shop's own type is in another language ("Tarjetas de regalo":
    "Gift Cards & Certificates"), not the levels above it nor a numeric id."""
    text = (
        "id\ttitle\tprice\tproduct_type\tgoogle_product_category\n"
        "GC1\tTarjeta de regalo $300\t300.00 MXN\tTarjetas de regalo\tArts & Entertainment"
        " > Party & Celebration > Gift Giving > Gift Cards & Certificates\n"
        "B1\tLa brújula de Mara\t349.00 MXN\tNovela\t784\n"
        "B2\tMoon Fox\t299.00 MXN\tBooks > Kids\t\n"
    )
    card, novel, kids = parse_products(read_rows(write("feed.tsv", text))).products
    assert card.category == "Tarjetas de regalo"
    assert card.attributes["google_product_category"] == "Gift Cards & Certificates"
    assert "google_product_category" not in novel.attributes  # a numeric id names nothing
    assert "google_product_category" not in kids.attributes
    # A kind, not text to search: "Print Books" on every book would outweigh what each is about.
    assert "Gift Cards" not in document_text(card)
