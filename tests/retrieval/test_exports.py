"""Real store exports, written for this project, read with no mapping: exact expectations per
product (`<file>.expected.json` beside each fixture)."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from retrieval.catalog import Product
from retrieval.loaders import parse_products, read_rows

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
FILES = sorted(p for p in EXPORTS.iterdir() if not p.name.endswith(".expected.json"))


def money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def check_product(product: Product, expected: dict[str, Any]) -> None:
    assert product.title == expected["title"]
    assert (product.price, product.currency) == (money(expected["price"]), expected["currency"])
    assert product.price_max == money(expected["price_max"])
    assert product.category == expected["category"]
    assert product.in_stock is expected["in_stock"]
    for phrase in expected["description_contains"]:
        assert phrase in product.description
    assert "<" not in product.description
    for name, value in expected["attributes_include"].items():
        assert str(product.attributes[name]) == value
    variants = [
        {"id": v.id, "options": v.options, "price": v.price, "regular_price": v.regular_price,
         "in_stock": v.in_stock}
        for v in product.variants
    ]  # fmt: skip
    assert variants == [
        v | {"price": money(v["price"]), "regular_price": money(v["regular_price"])}
        for v in expected["variants"]
    ]
    # On sale only when the file says so: a simple product's own regular price, or that of
    # the variant the "from" price belongs to.
    cheapest = min(product.variants, key=lambda v: v.price) if product.variants else None
    regular = cheapest.regular_price if cheapest else money(expected["regular_price"])
    assert product.regular_price == regular


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_a_store_export_is_read_with_no_mapping_exactly_as_expected(path: Path) -> None:
    expected = json.loads((EXPORTS / f"{path.name}.expected.json").read_text())
    result = parse_products(read_rows(path))
    assert result.kind == expected["format"]
    products = {p.id: p for p in result.products}
    assert sorted(products) == sorted(p["id"] for p in expected["products"])
    for item in expected["products"]:
        check_product(products[item["id"]], item)
    assert [r.row for r in result.rejected] == [r["row"] for r in expected["rejected_rows"]]
    assert all(r.reason.endswith(".") for r in result.rejected)
    assert [r.row for r in result.skipped] == [r["row"] for r in expected.get("skipped", [])]
