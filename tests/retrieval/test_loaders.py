import hashlib
import json
import tracemalloc
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path

import pytest

from retrieval.errors import CatalogError
from retrieval.ingest import DEMO_CATALOG
from retrieval.loaders import (
    RawRow,
    Rejection,
    derived_id,
    iter_rows,
    parse_products,
    read_rows,
    resolve_columns,
)

Write = Callable[[str, str], Path]


def catalog_error(call: Callable[[], object]) -> CatalogError:
    with pytest.raises(CatalogError) as raised:
        call()
    return raised.value


def rows_of(*items: Mapping[str, object]) -> list[RawRow]:
    return [RawRow(number, dict(item)) for number, item in enumerate(items, start=1)]


# read_rows ---------------------------------------------------------------------------------


def test_read_rows_reads_csv_with_quoted_delimiters(write: Write) -> None:
    path = write("c.csv", 'title,price\n"Tent, 2-person","$1,299.99"\nMug,5\n')
    assert read_rows(path) == [
        RawRow(1, {"title": "Tent, 2-person", "price": "$1,299.99"}),
        RawRow(2, {"title": "Mug", "price": "5"}),
    ]


def test_read_rows_sniffs_a_semicolon_delimiter(write: Write) -> None:
    path = write("c.csv", "Name;Price\nTent;12,50\n")
    assert read_rows(path) == [RawRow(1, {"Name": "Tent", "Price": "12,50"})]


def test_read_rows_sniffs_a_tab_delimiter(write: Write) -> None:
    path = write("c.csv", "Name\tPrice\nTent\t1,299.00\n")
    assert read_rows(path) == [RawRow(1, {"Name": "Tent", "Price": "1,299.00"})]


def test_read_rows_reads_tsv_by_extension(write: Write) -> None:
    path = write("c.tsv", "title\tprice\nTent, big\t5\n")
    assert read_rows(path) == [RawRow(1, {"title": "Tent, big", "price": "5"})]


def test_read_rows_skips_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes("title,price\nTent,5\n".encode("utf-8-sig"))
    assert read_rows(path) == [RawRow(1, {"title": "Tent", "price": "5"})]


def test_read_rows_numbers_csv_rows_counting_blank_ones(write: Write) -> None:
    path = write("c.csv", "title,price\nTent,5\n,\n\nMug,3\n")
    assert [row.number for row in read_rows(path)] == [1, 4]


def test_read_rows_marks_a_csv_row_with_too_many_values(write: Write) -> None:
    path = write("c.csv", "title,price\nTent,5,extra\n")
    assert read_rows(path) == [
        RawRow(
            1,
            {},
            "The row has 3 values but the header names 2 columns; "
            "put quotes around values that contain a ','.",
        )
    ]


def test_read_rows_reads_a_json_list(write: Write) -> None:
    path = write("c.json", json.dumps([{"title": "Tent", "price": 5}]))
    assert read_rows(path) == [RawRow(1, {"title": "Tent", "price": 5})]


def test_read_rows_reads_a_json_object_with_products(write: Write) -> None:
    path = write("c.json", json.dumps({"store": "x", "products": [{"title": "Tent"}]}))
    assert read_rows(path) == [RawRow(1, {"title": "Tent"})]


def test_a_big_json_catalog_is_read_item_by_item_not_whole(write: Write) -> None:
    items = [{"title": f"Tent {i}", "price": 10.5, "description": "x" * 150} for i in range(50_000)]
    path = write("c.json", "\ufeff" + json.dumps({"store": "x", "products": items}))
    assert path.stat().st_size > 9_000_000
    tracemalloc.start()
    try:
        count = sum(1 for row in iter_rows(path) if row.data["price"] == 10.5)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 50_000
    assert peak < 2_000_000  # reading it whole took 50 MB


def test_a_json_catalog_broken_part_way_gives_its_first_rows_then_the_position(
    write: Write,
) -> None:
    path = write("c.json", '[{"title": "Tent"},\n {"title": "Mug",}]')
    rows = iter_rows(path)
    assert next(rows) == RawRow(1, {"title": "Tent"})
    error = catalog_error(lambda: list(rows))
    assert str(error) == (
        "The file c.json is not valid JSON: Expecting property name enclosed in double quotes "
        "at line 2, column 18. Fix the file or export it again."
    )


def test_read_rows_marks_a_json_item_that_is_not_an_object(write: Write) -> None:
    path = write("c.json", json.dumps([{"title": "Tent"}, "Mug"]))
    assert read_rows(path)[1] == RawRow(
        2, {}, "It is a string, not a JSON object with product fields."
    )


def test_read_rows_numbers_jsonl_rows_by_line(write: Write) -> None:
    path = write("c.jsonl", '{"title": "Tent"}\n\n{"title": "Mug\u2028cup"}\n')
    assert read_rows(path) == [RawRow(1, {"title": "Tent"}), RawRow(3, {"title": "Mug\u2028cup"})]


def test_read_rows_marks_a_bad_jsonl_line_without_failing(write: Write) -> None:
    path = write("c.ndjson", '{"title": "Tent"}\n{"title": \n[1]\n')
    assert read_rows(path)[1:] == [
        RawRow(2, {}, "The line is not valid JSON: Expecting value at column 11."),
        RawRow(3, {}, "It is a list, not a JSON object with product fields."),
    ]


def test_read_rows_takes_the_format_argument_over_the_extension(write: Write) -> None:
    path = write("c.txt", '{"title": "Tent"}\n')
    assert read_rows(path, "jsonl") == [RawRow(1, {"title": "Tent"})]


def test_read_rows_reports_a_missing_file(tmp_path: Path) -> None:
    error = catalog_error(lambda: read_rows(tmp_path / "nope.csv"))
    assert error.code == "catalog_file_not_found"
    assert str(error) == (
        f"The catalog path {tmp_path / 'nope.csv'} does not exist. Give the path of a catalog file."
    )


def test_read_rows_reports_a_folder(tmp_path: Path) -> None:
    error = catalog_error(lambda: read_rows(tmp_path))
    assert error.code == "catalog_file_not_found"
    assert "is a folder, not a file" in str(error)


def test_read_rows_reports_an_unsupported_extension(write: Write) -> None:
    error = catalog_error(lambda: read_rows(write("c.xlsx", "x")))
    assert error.code == "catalog_format_unsupported"
    assert str(error) == (
        "The file c.xlsx is not a .csv, .tsv, .txt, .json, .jsonl, .ndjson or .xml file. Export "
        "it in one of those formats (spreadsheets as CSV UTF-8), or name the format with "
        "--format."
    )


def test_read_rows_reports_an_unsupported_format_argument(write: Write) -> None:
    error = catalog_error(lambda: read_rows(write("c.csv", "x"), "xlsx"))
    assert (error.code, str(error)) == (
        "catalog_format_unsupported",
        "The format 'xlsx' is not supported. Use csv, json, jsonl or xml, or an export kind: "
        "shopify, woocommerce or merchant.",
    )


def test_read_rows_reports_a_file_over_the_size_limit(write: Write) -> None:
    error = catalog_error(lambda: read_rows(write("c.csv", "title,price\n" * 10), max_bytes=50))
    assert (error.code, str(error)) == (
        "catalog_too_large",
        "The file c.csv is 120 bytes, over the 50 bytes limit. "
        "Split the catalog into smaller files and ingest each with --partial.",
    )


def test_read_rows_reports_text_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes("title,price\nCafé,5\n".encode("latin-1"))
    error = catalog_error(lambda: read_rows(path))
    assert (error.code, str(error)) == (
        "catalog_not_utf8",
        "The file c.csv is not UTF-8 text (byte 15 cannot be read). "
        "Save it as UTF-8 (in Excel: 'CSV UTF-8') and try again.",
    )


def test_read_rows_reports_invalid_json_with_its_position(write: Write) -> None:
    error = catalog_error(lambda: read_rows(write("c.json", '[\n  {"title": "Tent",}\n]')))
    assert (error.code, str(error)) == (
        "catalog_malformed",
        "The file c.json is not valid JSON: Expecting property name enclosed in double quotes "
        "at line 2, column 20. Fix the file or export it again.",
    )


def test_read_rows_recognises_json_lines_in_a_json_file(write: Write) -> None:
    error = catalog_error(lambda: read_rows(write("c.json", '{"title": "A"}\n{"title": "B"}\n')))
    assert str(error).endswith("It looks like JSON Lines (one object per line): name it .jsonl.")


@pytest.mark.parametrize(
    ("document", "described"),
    [
        ({"items": []}, "it is an object whose keys are: items"),
        (42, "it is a number"),
        ([1, 2], "its list holds no objects"),
    ],
)
def test_read_rows_reports_json_that_is_not_a_list_of_objects(
    write: Write, document: object, described: str
) -> None:
    error = catalog_error(lambda: read_rows(write("c.json", json.dumps(document))))
    assert (error.code, str(error)) == (
        "catalog_malformed",
        "The file c.json must hold a list of product objects, or an object with a "
        f'"products" list, but {described}.',
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("c.csv", "  \n", "The file c.csv is empty. Add products to it."),
        (
            "c.csv",
            "title,price\n",
            "The file c.csv has no product rows. Add at least one product to it.",
        ),
        ("c.json", "[]", "The file c.json has no product rows. Add at least one product to it."),
    ],
)
def test_read_rows_reports_a_file_without_rows(
    write: Write, name: str, text: str, message: str
) -> None:
    error = catalog_error(lambda: read_rows(write(name, text)))
    assert (error.code, str(error)) == ("catalog_empty", message)


def test_read_rows_reports_a_repeated_column_name(write: Write) -> None:
    error = catalog_error(lambda: read_rows(write("c.csv", "title,Price,price\nTent,5,6\n")))
    assert (error.code, str(error)) == (
        "catalog_malformed",
        "The file c.csv has two columns named 'price'. "
        "Rename one so that every column name is unique.",
    )


def test_read_rows_reports_a_csv_line_it_cannot_read(write: Write) -> None:
    path = write("c.csv", 'title,price\n"' + "x" * 200_000 + '",5\n')
    error = catalog_error(lambda: read_rows(path))
    assert (error.code, str(error)) == (
        "catalog_malformed",
        "The file c.csv cannot be read as CSV near line 2: field larger than field limit "
        "(131072). Fix that line or export the file again.",
    )


# parse_products ----------------------------------------------------------------------------


def test_parse_products_uses_mapped_headers(write: Write) -> None:
    path = write("c.csv", 'Name,Cost (USD),Blurb\nRain Jacket,"$1,299.99",Keeps you dry\n')
    result = parse_products(read_rows(path), {"title": "Name", "price": "Cost (USD)"})
    [product] = result.products
    assert (product.title, product.price, product.currency) == (
        "Rain Jacket",
        Decimal("1299.99"),
        "USD",
    )
    assert product.attributes == {"Blurb": "Keeps you dry"}
    assert result.columns == {"title": "Name", "price": "Cost (USD)"}


def test_resolve_columns_matches_fields_and_aliases_ignoring_case() -> None:
    columns = ["SKU", "Name", "Cost", "Type", "Link", "Image", "Availability", "Description"]
    assert resolve_columns(columns) == {
        "id": "SKU",
        "title": "Name",
        "description": "Description",
        "price": "Cost",
        "category": "Type",
        "url": "Link",
        "image_url": "Image",
        "in_stock": "Availability",
    }


def test_resolve_columns_prefers_a_fields_own_name_over_an_alias() -> None:
    assert resolve_columns(["name", "title", "price", "In Stock", "stock"]) == {
        "title": "title",
        "price": "price",
        "in_stock": "In Stock",
    }


def test_parse_products_reads_every_product_field() -> None:
    row = {
        "id": "tent-2",
        "title": " Dome Tent ",
        "description": "Sleeps two.",
        "price": "€ 249,00",
        "category": "Tents",
        "url": "https://shop.example/tent-2",
        "image_url": "https://shop.example/tent-2.jpg",
        "in_stock": "out of stock",
    }
    [product] = parse_products(rows_of(row)).products
    assert product.model_dump() == {
        "id": "tent-2",
        "title": "Dome Tent",
        "description": "Sleeps two.",
        "price": Decimal("249.00"),
        "price_max": None,
        "price_from": False,
        "regular_price": None,
        "currency": "EUR",
        "category": "Tents",
        "url": "https://shop.example/tent-2",
        "image_url": "https://shop.example/tent-2.jpg",
        "in_stock": False,
        "attributes": {},
        "variants": (),
    }


def test_parse_products_defaults_currency_and_stock() -> None:
    [product] = parse_products(
        rows_of({"title": "Mug", "price": 5}), default_currency="gbp"
    ).products
    assert (product.currency, product.in_stock) == ("GBP", True)


def test_parse_products_keeps_other_columns_as_scalar_attributes() -> None:
    row = {"title": "Mug", "price": 5, "color": "red", "size": "", "tags": ["a", "b"], "ml": 350}
    [product] = parse_products(rows_of(row)).products
    assert product.attributes == {"color": "red", "tags": "a, b", "ml": 350}


def test_a_json_export_with_price_and_stock_objects_and_listed_variants() -> None:
    """The shape shop APIs dump: prices and stock as objects, a category path, an image list
    and the variants inside their product."""
    camera = {
        "sku": "CAM-1", "name": "Z-40 Camera", "category": "Cameras > Mirrorless",
        "price": {"amount": "72990.00", "currency": "INR"}, "compare_at_price": None,
        "stock": {"status": "in_stock", "quantity": 4}, "images": ["https://x.in/1.jpg"],
        "tags": ["apsc", "vlogging"],
        "variants": [
            {"sku": "CAM-1-B", "options": {"colour": "Black"},
             "price": {"amount": "72990.00", "currency": "INR"}, "stock": {"quantity": 0}},
            {"sku": "CAM-1-S", "options": {"colour": "Silver"},
             "price": {"amount": "74990.00", "currency": "INR"},
             "compare_at_price": {"amount": "79990.00", "currency": "INR"},
             "stock": {"status": "in_stock"}},
        ],
    }  # fmt: skip
    card = {"sku": "SD-1", "name": "128GB Card", "price": {"centAmount": 129900,
            "currencyCode": "INR"}, "stock": {"status": "out_of_stock", "quantity": 0}}  # fmt: skip
    [cam, sd] = parse_products(rows_of(camera, card), default_currency="USD").products
    assert (cam.id, cam.category, cam.currency, cam.price, cam.price_max) == (
        "CAM-1", "Mirrorless", "INR", Decimal("72990.00"), Decimal("74990.00"),
    )  # fmt: skip
    assert cam.image_url == "https://x.in/1.jpg" and cam.attributes == {"tags": "apsc, vlogging"}
    black, silver = cam.variants
    assert (black.id, black.options, black.in_stock) == ("CAM-1-B", {"colour": "Black"}, False)
    assert (silver.regular_price, silver.in_stock) == (Decimal("79990.00"), True)
    assert (sd.price, sd.currency, sd.in_stock) == (Decimal("1299.00"), "INR", False)


def test_a_price_object_without_an_amount_is_rejected_with_what_to_write() -> None:
    rows = rows_of(
        {"title": "Mug", "price": {"currency": "INR"}},
        {"title": "Cup", "price": {"amount": "5", "currency": "rupees"}},
        {"title": "Jug", "price": {"amount": "5", "currency": "INR"}, "stock": {"colour": "red"}},
    )
    result = parse_products(rows)
    assert result.products == []
    assert [r.reason for r in result.rejected] == [
        "The price {'currency': 'INR'} has no amount; write it like 19.99 or {\"amount\": "
        '"19.99", "currency": "USD"}.',
        "The price's currency 'rupees' is not a currency code like USD.",
        "The in_stock value {'colour': 'red'} has no status or quantity; use yes/no, in "
        "stock/out of stock or a quantity.",
    ]


def test_parse_products_merges_an_attributes_object() -> None:
    row = {"title": "Mug", "price": 5, "attributes": {"color": "red", "dims": {"h": 9}}}
    [product] = parse_products(rows_of(row)).products
    assert product.attributes == {"color": "red", "dims": '{"h": 9}'}


def test_parse_products_merges_attributes_written_as_json_text(write: Write) -> None:
    path = write("c.csv", 'title,price,attributes\nMug,5,"{""color"": ""red""}"\n')
    [product] = parse_products(read_rows(path)).products
    assert product.attributes == {"color": "red"}


def test_parse_products_rejects_bad_rows_with_their_numbers_and_reasons() -> None:
    rows = rows_of(
        {"title": "Tent", "price": "199"},
        {"title": "  ", "price": "5"},
        {"title": "Stove", "price": "free"},
        {"title": "Lamp", "price": "5", "currency": "Dollars"},
        {"title": "x" * 301, "price": "5"},
        {"title": "Bottle", "price": "5", "url": "javascript:alert(1)"},
        {"title": "Cup", "price": "5", "in_stock": "maybe"},
        {"title": "Pot", "price": "123456789012"},
    )
    result = parse_products(rows)
    assert [product.title for product in result.products] == ["Tent"]
    assert result.rejected == [
        Rejection(2, "The title is empty.", None),
        Rejection(3, "The price 'free' is not a number; write it like 19.99.", "Stove"),
        Rejection(
            4,
            "The currency 'Dollars' is not a three-letter code like USD or a symbol like $ or €.",
            "Lamp",
        ),
        Rejection(5, "The title is longer than 300 characters; shorten it.", "x" * 301),
        Rejection(
            6, "The url 'javascript:alert(1)' must start with http:// or https://.", "Bottle"
        ),
        Rejection(
            7,
            "The in_stock value 'maybe' is not understood; use yes/no, true/false, 1/0, "
            "in stock/out of stock or a quantity.",
            "Cup",
        ),
        Rejection(
            8,
            "The price is not valid: Decimal input should have no more than 10 digits before "
            "the decimal point.",
            "Pot",
        ),
    ]


def test_parse_products_turns_unreadable_rows_into_rejections(write: Write) -> None:
    path = write("c.jsonl", '{"title": "Tent", "price": 5}\nnot json\n')
    result = parse_products(read_rows(path))
    assert result.rejected == [
        Rejection(2, "The line is not valid JSON: Expecting value at column 1.", None)
    ]


def test_parse_products_derives_stable_ids_from_title_and_url() -> None:
    row = {"title": "Rain  Jacket", "price": 5, "url": "https://s.example/j"}
    first = parse_products(rows_of(row)).products[0].id
    again = parse_products(rows_of({**row, "title": "rain jacket", "price": 6})).products[0].id
    assert first == again == derived_id("Rain Jacket", "https://s.example/j")
    assert first == "p-" + hashlib.sha1(b"rain jacket|https://s.example/j").hexdigest()[:16]


def test_parse_products_derives_different_ids_for_different_links() -> None:
    assert derived_id("Mug", "https://s.example/a") != derived_id("Mug", "https://s.example/b")


def test_parse_products_keeps_the_last_of_duplicate_ids() -> None:
    rows = rows_of(
        {"id": "a", "title": "Old Tent", "price": 5},
        {"id": "b", "title": "Mug", "price": 3},
        {"id": "a", "title": "New Tent", "price": 6},
    )
    result = parse_products(rows)
    assert [product.title for product in result.products] == ["Mug", "New Tent"]
    assert result.rejected == [
        Rejection(1, "Duplicate id 'a': superseded by row 3.", "Old Tent"),
    ]


def test_parse_products_reports_missing_required_columns() -> None:
    error = catalog_error(lambda: parse_products(rows_of({"Name": "Tent", "Amount": "5"})))
    assert (error.code, str(error)) == (
        "catalog_missing_columns",
        "The file has no 'price' column. Its columns are: Name, Amount. "
        "Map one with --map price=COLUMN.",
    )


def test_parse_products_reports_both_missing_columns() -> None:
    error = catalog_error(lambda: parse_products(rows_of({"a": 1})))
    assert str(error) == (
        "The file has no 'title' or 'price' column. Its columns are: a. "
        "Map them with --map title=COLUMN --map price=COLUMN."
    )


def test_parse_products_reports_a_mapping_to_a_missing_column() -> None:
    rows = rows_of({"Name": "Tent", "Price": 5})
    error = catalog_error(lambda: parse_products(rows, {"title": "Product"}))
    assert (error.code, str(error)) == (
        "catalog_mapping_invalid",
        "--map title=Product: the file has no column 'Product'. Its columns are: Name, Price.",
    )


def test_parse_products_reports_a_mapping_to_an_unknown_field() -> None:
    rows = rows_of({"Name": "Tent", "Price": 5})
    error = catalog_error(lambda: parse_products(rows, {"colour": "Name"}))
    assert (error.code, str(error)) == (
        "catalog_mapping_invalid",
        "--map colour=Name: 'colour' is not a catalog field. Map one of: id, title, description, "
        "price, sale_price, regular_price, currency, category, url, image_url, in_stock.",
    )


def test_parse_products_reports_an_invalid_default_currency() -> None:
    error = catalog_error(lambda: parse_products([], default_currency="dollars"))
    assert error.code == "catalog_currency_invalid"


def test_parse_products_returns_nothing_when_no_row_is_readable() -> None:
    result = parse_products([RawRow(1, {}, "The line is not valid JSON.")])
    assert (result.products, result.rejected) == ([], [Rejection(1, "The line is not valid JSON.")])


@pytest.mark.skipif(not DEMO_CATALOG.exists(), reason="The demo catalog is not written yet.")
def test_parse_products_reads_the_demo_catalog_without_rejections() -> None:
    rows = read_rows(DEMO_CATALOG)
    result = parse_products(rows)
    assert (result.rejected, len(result.products)) == ([], len(rows))
    assert len(rows) >= 300
