"""Store export formats: which one a file is, and how its rows become product records.

A plain table has one product per row. A Shopify export spreads a product over rows sharing a
`Handle` (one per variant, more for extra images); a WooCommerce export lists variations as
rows whose `Parent` is the variable product; a Google Merchant feed groups variants by
`item_group_id`. Each reader turns rows into `Record`s: one product, its variants, and the
rows it came from, with values still as written (parsed and checked in `loaders.py`).
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from retrieval.errors import CatalogError
from retrieval.values import ahead_of_stock

Kind = Literal["generic", "shopify", "woocommerce", "merchant"]
KINDS: tuple[Kind, ...] = ("generic", "shopify", "woocommerce", "merchant")


@dataclass
class VariantRecord:
    row: int
    id: str
    options: dict[str, str]
    price: object
    regular_price: object = None
    in_stock: object = None
    quantity: int | None = None
    image_url: object = None


@dataclass
class Record:
    """One product as an export writes it. `row` is the row reported for it; `skip` says why
    it is not for sale (a draft); `error` why it cannot be read."""

    row: int
    fields: dict[str, object] = field(default_factory=dict)  # catalog field -> raw value
    attributes: dict[str, object] = field(default_factory=dict)
    variants: list[VariantRecord] = field(default_factory=list)
    skip: str | None = None
    error: str | None = None


def detect(columns: Iterable[str]) -> Kind:
    """The export a table comes from, judged by its column names."""
    names = {_key(c).removeprefix("g:") for c in columns}
    if {"handle", "variant_price"} <= names or {"url_handle", "price"} <= names:
        return "shopify"
    if "regular_price" in names and ({"in_stock?", "parent"} & names or "name" in names):
        return "woocommerce"
    merchant = {"item_group_id", "google_product_category", "image_link", "gtin", "mpn"}
    if {"id", "title", "price"} <= names and merchant & names:
        return "merchant"
    return "generic"


def column_map(kind: Kind, columns: Iterable[str] = ()) -> dict[str, str]:
    """The columns each catalog field is read from, as a dry run shows them (for Shopify, in
    the layout the file has: the classic export or the one written since 2024)."""
    if kind == "shopify" and "url_handle" in {_key(c) for c in columns}:
        return dict(MAPS["shopify_2024"])
    return dict(MAPS.get(kind, {}))


MAPS: dict[str, dict[str, str]] = {
    "shopify": {
        "id": "Handle", "title": "Title", "description": "Body (HTML)",
        "price": "Variant Price", "regular_price": "Variant Compare At Price",
        "category": "Type (else Product Category)", "image_url": "Image Src",
        "in_stock": "Variant Inventory Qty / Tracker / Policy",
        "variants": "rows sharing a Handle (Option1-3 Name/Value)",
    },
    "shopify_2024": {
        "id": "URL handle", "title": "Title", "description": "Description",
        "price": "Price", "regular_price": "Compare-at price",
        "category": "Type (else Product category)", "image_url": "Product image URL",
        "in_stock": "Inventory quantity / tracker / Continue selling when out of stock",
        "variants": "rows sharing a URL handle (Option1-3 name/value)",
    },
    "woocommerce": {
        "id": "SKU (else ID)", "title": "Name", "description": "Short description + Description",
        "price": "Sale price (else Regular price)", "regular_price": "Regular price",
        "category": "Categories (last part of the first path)", "image_url": "Images (first)",
        "in_stock": "In stock? / Stock", "url": "External URL",
        "variants": "variation rows by Parent (Attribute N name/value)",
    },
    "merchant": {
        "id": "id (item_group_id for variants)", "title": "title", "description": "description",
        "price": "sale_price (else price)", "regular_price": "price", "currency": "price",
        "category": "product_type (else google_product_category), last part",
        "url": "link", "image_url": "image_link", "in_stock": "availability",
        "variants": "rows sharing item_group_id (color/size/material/pattern)",
    },
}  # fmt: skip


def records(rows: Iterable[tuple[int, dict[str, object]]], kind: Kind) -> Iterator[Record]:
    """The product records of a format's rows (`(row number, values)` pairs)."""
    if kind == "shopify":
        return _shopify(rows)
    if kind == "woocommerce":
        return _woocommerce(rows)
    if kind == "merchant":
        return _merchant(rows)
    raise ValueError(f"{kind} rows are read by the generic reader")


def _key(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().casefold())


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _by_key(data: dict[str, object]) -> dict[str, object]:
    return {_key(k): v for k, v in data.items()}


TECHNICAL_PREFIXES = (
    "meta:", "attribute_", "option1_", "option2_", "option3_", "google_shopping_/_custom",
    "google_shopping_/_adwords",
    "included_/", "price_/", "compare_at_price_/",
)  # fmt: skip


def _kept(data: dict[str, object], technical: set[str]) -> dict[str, object]:
    """The columns a format does not use itself, under their own names: attributes."""
    return {
        k: v for k, v in data.items()
        if _key(k) not in technical and not _key(k).startswith(TECHNICAL_PREFIXES)
    }  # fmt: skip


def leaf(path: str, separator: str = ">") -> str:
    return path.split(separator)[-1].strip() if path else ""


# Shopify --------------------------------------------------------------------------------------

SHOPIFY_TECHNICAL = {
    "handle", "title", "body_(html)", "type", "product_category", "published", "status",
    "variant_sku", "variant_grams", "variant_inventory_tracker", "variant_inventory_qty",
    "variant_inventory_policy", "variant_fulfillment_service", "variant_price",
    "variant_compare_at_price", "variant_requires_shipping", "variant_taxable",
    "variant_barcode", "image_src", "image_position", "image_alt_text", "gift_card",
    "seo_title", "seo_description", "variant_image", "variant_weight_unit", "variant_tax_code",
    "cost_per_item", "google_shopping_/_mpn", "google_shopping_/_google_product_category",
}  # fmt: skip
SHOPIFY_DRAFT = {"draft", "archived"}
# The product export Shopify's admin writes since 2024 renames most columns; read it as the
# classic one (same rows: one per variant, more for extra images, sharing the handle).
SHOPIFY_RENAMED = {
    "url_handle": "handle", "description": "body_(html)", "sku": "variant_sku",
    "barcode": "variant_barcode", "price": "variant_price",
    "compare_at_price": "variant_compare_at_price", "charge_tax": "variant_taxable",
    "tax_code": "variant_tax_code", "inventory_tracker": "variant_inventory_tracker",
    "inventory_quantity": "variant_inventory_qty",
    "continue_selling_when_out_of_stock": "variant_inventory_policy",
    "weight_value_(grams)": "variant_grams", "weight_unit_for_display": "variant_weight_unit",
    "requires_shipping": "variant_requires_shipping",
    "fulfillment_service": "variant_fulfillment_service", "product_image_url": "image_src",
    "image_source": "image_src", "variant_image_url": "variant_image",
    "published_on_online_store": "published",
}  # fmt: skip
SHOPIFY_TECHNICAL |= set(SHOPIFY_RENAMED) | {
    "unit_price_total_measure", "unit_price_total_measure_unit", "unit_price_base_measure",
    "unit_price_base_measure_unit", "option1_linked_to", "option2_linked_to",
    "option3_linked_to",
}  # fmt: skip


def _shopify_values(data: dict[str, object]) -> dict[str, object]:
    """A row under the classic export's column names, whichever of the two exports wrote it."""
    values = _by_key(data)
    if "url_handle" not in values:
        return values
    renamed: dict[str, object] = {}
    for key, value in values.items():
        name = SHOPIFY_RENAMED.get(key, key)
        if _text(value) or name not in renamed:  # two names for one column: the filled one
            renamed[name] = value
    policy = _text(renamed.get("variant_inventory_policy")).casefold()
    if policy in {"true", "false"}:  # the new export's yes/no for "Continue selling"
        renamed["variant_inventory_policy"] = "continue" if policy == "true" else "deny"
    return renamed


def _shopify(rows: Iterable[tuple[int, dict[str, object]]]) -> Iterator[Record]:
    done: set[str] = set()
    group: list[tuple[int, dict[str, object]]] = []
    originals: dict[int, dict[str, object]] = {}
    for number, data in rows:
        values = _shopify_values(data)
        handle = _text(values.get("handle"))
        if not handle:
            yield Record(number, error="The row has no Handle; every Shopify row needs one.")
            continue
        if group and handle != _text(group[0][1].get("handle")):
            yield _shopify_product(group, originals[group[0][0]])
            done.add(_text(group[0][1].get("handle")))
            group, originals = [], {}
        if handle in done:
            reason = (
                f"The rows of handle '{handle}' are not next to each other; keep every row of "
                "a product together, as Shopify exports them."
            )
            yield Record(number, error=reason)
            continue
        group.append((number, values))
        if len(group) == 1:
            originals[number] = data  # the first row's own column names name the attributes
    if group:
        yield _shopify_product(group, originals[group[0][0]])


def _shopify_product(group: list[tuple[int, dict[str, object]]], data: dict[str, object]) -> Record:
    number, first = group[0]
    handle = _text(first.get("handle"))
    record = Record(number)
    if not _text(first.get("title")):
        record.error = f"The first row of handle '{handle}' has no Title."
        return record
    status = _text(first.get("status")).casefold()
    if status in SHOPIFY_DRAFT:
        record.skip = f"Not for sale: its status is {status}."
    elif _text(first.get("published")).casefold() == "false":
        record.skip = "Not for sale: it is not published."
    category = _text(first.get("type")) or leaf(_text(first.get("product_category")))
    record.fields = {
        "id": handle,
        "title": first.get("title"),
        "description": first.get("body_(html)"),
        "category": category,
        "image_url": next(
            (v.get("image_src") for _, v in group if _text(v.get("image_src"))), None
        ),
        "handle": handle,
    }
    record.attributes = {}
    for name, value in _kept(data, SHOPIFY_TECHNICAL).items():
        label, _, metafield = name.partition(" (product.metafields.")
        if "shopify--discovery" not in metafield:  # search boosts and related-product lists
            record.attributes[label.strip() if metafield else name] = value
    if _text(first.get("product_category")):
        record.attributes["Product Category"] = first.get("product_category")
    names = [_text(first.get(f"option{i}_name")) for i in (1, 2, 3)]
    priced = [(n, v) for n, v in group if _text(v.get("variant_price"))]
    for position, (row, values) in enumerate(priced, start=1):
        options = {
            name: _text(values.get(f"option{i}_value"))
            for i, name in enumerate(names, start=1)
            if name and _text(values.get(f"option{i}_value"))
        }
        if options == {"Title": "Default Title"}:
            options = {}
        record.variants.append(
            VariantRecord(
                row,
                _text(values.get("variant_sku")) or f"{handle}-{position}",
                options,
                values.get("variant_price"),
                values.get("variant_compare_at_price"),
                _shopify_stock(values),
                _count(values.get("variant_inventory_qty")) if _tracked(values) else None,
                values.get("variant_image"),
            )
        )
    if not record.variants and not record.skip:
        record.error = f"Handle '{handle}' has no row with a Variant Price."
    return record


def _tracked(values: dict[str, object]) -> bool:
    return bool(_text(values.get("variant_inventory_tracker")))


def _shopify_stock(values: dict[str, object]) -> bool:
    if not _tracked(values):
        return True  # Shopify does not count stock for it: always sellable
    if _text(values.get("variant_inventory_policy")).casefold() == "continue":
        return True  # sold even when the count is zero
    count = _count(values.get("variant_inventory_qty"))
    return count is None or count > 0  # no count (stores with several locations omit it)


def _count(value: object) -> int | None:
    text = _text(value)
    return int(text) if re.fullmatch(r"[+-]?\d+", text) else None


# WooCommerce ----------------------------------------------------------------------------------

WOO_TECHNICAL = {
    "id", "type", "sku", "name", "published", "is_featured?", "visibility_in_catalog",
    "short_description", "description", "date_sale_price_starts", "date_sale_price_ends",
    "tax_status", "tax_class", "in_stock?", "stock", "low_stock_amount", "backorders_allowed?",
    "sold_individually?", "allow_customer_reviews?", "purchase_note", "sale_price",
    "regular_price", "categories", "shipping_class", "images", "download_limit",
    "download_expiry_days", "parent", "grouped_products", "upsells", "cross_sells",
    "external_url", "button_text", "position",
}  # fmt: skip


def _woocommerce(rows: Iterable[tuple[int, dict[str, object]]]) -> Iterator[Record]:
    parents: dict[str, Record] = {}  # variable products wait for their variations
    keys: dict[str, str] = {}  # "id:12" and the SKU both name a parent
    orphans: list[tuple[int, dict[str, object]]] = []
    for number, data in rows:
        values = _by_key(data)
        kind = _text(values.get("type")).casefold().split(",")[0].strip()
        if kind == "variation":
            orphans.append((number, values))
            continue
        record = _woo_record(number, values, data)
        if kind == "variable" and not record.error:
            parents[record.fields["id"]] = record  # type: ignore[index]
            if _text(values.get("id")):
                keys[f"id:{_text(values.get('id'))}"] = str(record.fields["id"])
            keys[str(record.fields["id"])] = str(record.fields["id"])
            continue
        if kind == "grouped":
            record.skip = "A grouped product: its products are listed on their own rows."
        elif not record.error and not record.skip:
            record.variants = [_woo_variant(number, values, {}, str(record.fields["id"]))]
            record.variants[0].options = {}
        yield record
    for number, values in orphans:
        parent = _text(values.get("parent"))
        owner = parents.get(keys.get(parent) or keys.get(parent.removeprefix("id:"), ""))
        if owner is None:
            message = f"The variation's Parent '{parent}' is not a variable product in the file."
            yield Record(number, error=message)
            continue
        options = {
            _text(values.get(f"attribute_{i}_name")): _text(values.get(f"attribute_{i}_value(s)"))
            for i in range(1, 10)
            if _text(values.get(f"attribute_{i}_name"))
            and _text(values.get(f"attribute_{i}_value(s)"))
        }
        if _published(values):
            owner.variants.append(_woo_variant(number, values, options, str(owner.fields["id"])))
    for record in parents.values():
        if not record.variants and not record.skip:
            record.error = "The variable product has no variations for sale in the file."
        yield record


def _published(values: dict[str, object]) -> bool:
    return _text(values.get("published")) in ("", "1")


def _woo_record(number: int, values: dict[str, object], data: dict[str, object]) -> Record:
    record = Record(number)
    if not _published(values):
        record.skip = "Not for sale: it is not published."
    sku, woo_id = _text(values.get("sku")), _text(values.get("id"))
    paths = [p.strip() for p in re.split(r"(?<!\\),", _text(values.get("categories"))) if p]
    description = " ".join(
        _woo_lines(_text(values.get(k))) for k in ("short_description", "description")
        if values.get(k)
    )  # fmt: skip
    images = [i.strip() for i in _text(values.get("images")).split(",") if i.strip()]
    record.fields = {
        "id": sku or (f"woo-{woo_id}" if woo_id else ""),
        "title": values.get("name"),
        "description": description,
        "category": leaf(paths[0].replace("\\,", ",")) if paths else "",
        "image_url": images[0] if images else None,
        "url": values.get("external_url"),
    }
    if not record.fields["id"]:
        record.fields["id"] = None  # derived from the title
    attributes = _kept(data, WOO_TECHNICAL)
    if _text(values.get("categories")):
        attributes["Categories"] = values.get("categories")
    for i in range(1, 10):
        name = _text(values.get(f"attribute_{i}_name"))
        if name and _text(values.get(f"attribute_{i}_value(s)")):
            attributes[name] = values.get(f"attribute_{i}_value(s)")
    record.attributes = attributes
    return record


def _woo_lines(text: str) -> str:
    """A description as WooCommerce's exporter writes it, its line breaks as a literal `\\n`
    (and a literal backslash-n as `\\\\n`), with its line breaks back, as its importer reads it."""
    return "\\n".join(part.replace("\\n", "\n") for part in text.split("\\\\n"))


def _woo_variant(
    number: int, values: dict[str, object], options: dict[str, str], parent: str
) -> VariantRecord:
    sale, regular = values.get("sale_price"), values.get("regular_price")
    on_sale = bool(_text(sale))
    stock = _count(values.get("stock"))
    flag = _text(values.get("in_stock?"))
    in_stock: object = flag if flag else (stock if stock is not None else None)
    variant_id = _text(values.get("sku")) or (
        f"woo-{_text(values.get('id'))}" if _text(values.get("id")) else f"{parent}-{number}"
    )
    images = [i.strip() for i in _text(values.get("images")).split(",") if i.strip()]
    return VariantRecord(
        number, variant_id, options, sale if on_sale else regular,
        regular if on_sale else None, in_stock, stock, images[0] if images else None,
    )  # fmt: skip


# Google Merchant Center ---------------------------------------------------------------------

MERCHANT_FIELDS = {
    "id", "title", "description", "link", "image_link", "availability", "price", "sale_price",
    "item_group_id", "product_type", "google_product_category", "additional_image_link",
    "sale_price_effective_date", "shipping", "identifier_exists", "mobile_link", "tax",
    "availability_date", "expiration_date", "updated", "published", "author", "category",
}  # fmt: skip
MERCHANT_OPTIONS = ("color", "size", "material", "pattern")


def _merchant(rows: Iterable[tuple[int, dict[str, object]]]) -> Iterator[Record]:
    groups: dict[str, list[tuple[int, dict[str, object]]]] = {}
    for number, data in rows:
        values = {_key(k).removeprefix("g:"): v for k, v in data.items()}
        group = _text(values.get("item_group_id"))
        if group:
            groups.setdefault(group, []).append((number, values))
        else:
            yield _merchant_product([(number, values)], None)
    for group, items in groups.items():
        yield _merchant_product(items, group)


def _merchant_product(items: list[tuple[int, dict[str, object]]], group: str | None) -> Record:
    number, first = items[0]
    titles = [_text(v.get("title")) for _, v in items]
    category = leaf(_text(first.get("product_type"))) or leaf(
        _text(first.get("google_product_category"))
    )
    record = Record(number)
    record.fields = {
        "id": group or first.get("id"),
        "title": _common_title(titles) if group else first.get("title"),
        "description": first.get("description"),
        "category": category,
        "url": first.get("link"),
        "image_url": first.get("image_link"),
    }
    record.attributes = {
        k: v for k, v in first.items()
        if k not in MERCHANT_FIELDS and not (group and k in MERCHANT_OPTIONS)
    }  # fmt: skip
    if _text(first.get("product_type")):
        record.attributes["product_type"] = first.get("product_type")
        # Google's shared taxonomy names the kind in English where the shop's own type may not
        # ("Tarjetas de regalo": "Gift Cards & Certificates"); its last level only, not the
        # path of what it is filed under ("Party & Celebration"), nor a numeric id.
        taxonomy = leaf(_text(first.get("google_product_category")))
        if taxonomy and not taxonomy.isdigit() and taxonomy.casefold() != category.casefold():
            record.attributes["google_product_category"] = taxonomy
    # Variants a feed tells apart only by their titles (a book's editions, a gift card's
    # amounts: Merchant Center has no field for them).
    optionless = group is not None and not any(
        _text(v.get(name)) for _, v in items for name in MERCHANT_OPTIONS
    )
    by_title = _title_option(titles) if optionless and len(items) > 1 else []
    for at, (row, values) in enumerate(items):
        sale = values.get("sale_price")
        on_sale = bool(_text(sale))
        options = {
            name.capitalize(): _text(values.get(name))
            for name in MERCHANT_OPTIONS
            if group and _text(values.get(name))
        }
        if by_title:
            options = {"Version": by_title[at]}
        record.variants.append(
            VariantRecord(
                row, _text(values.get("id")) or f"{group}-{row}", options,
                sale if on_sale else values.get("price"),
                values.get("price") if on_sale else None,
                values.get("availability"), None, values.get("image_link"),
            )
        )  # fmt: skip
    if not group:
        record.variants[0].options = {}
    # Sold before it is in the shop ("preorder", "backorder"): said so, not "in stock".
    states = {ahead_of_stock(v.get("availability")) for _, v in items}
    if len(states) == 1 and (state := states.pop()):
        record.attributes["availability"] = state
    return record


_TITLE_PARTS = re.compile(r"(\s+[-–|/,]\s+|,\s+|\s+)")


def _title_ends(titles: list[str]) -> tuple[int, int]:
    """How many parts (words and what separates them) all the titles share at their start and,
    after that, at their end."""
    split = [_TITLE_PARTS.split(t) for t in titles]
    shortest = min(len(parts) for parts in split)
    start = 0
    while start < shortest and len({parts[start] for parts in split}) == 1:
        start += 1
    end = 0
    while end < shortest - start and len({parts[-1 - end] for parts in split}) == 1:
        end += 1
    return start, end


def _common_title(titles: list[str]) -> str:
    """The title variants share, at its start and its end ("Linen Shirt - Blue - M" and "Linen
    Shirt - White - L" give "Linen Shirt"; "Regina (Hardcover) - P. Ibarra" and "Regina
    (Paperback) - P. Ibarra" give "Regina - P. Ibarra"), or the first title when they share
    too little."""
    start, end = _title_ends(titles)
    parts = _TITLE_PARTS.split(titles[0])
    head = "".join(parts[:start]).strip(" -–|/,")
    tail = "".join(parts[len(parts) - end :]).strip(" -–|/,") if _tail_kept(parts, end) else ""
    text = f"{head} - {tail}" if head and tail else head
    return text if len(text.split()) >= 2 or len(titles) == 1 else titles[0]


def _tail_kept(parts: list[str], end: int) -> bool:
    """Whether the end titles share is kept in the product's: a name set apart by a dash ("-
    P. Ibarra"); not a unit ("19 cm", "21 cm"), which stays with the option, nor the rest of a
    name ("Ring Sterling Silver" and "Ring Gold-Plated Sterling Silver")."""
    tail = parts[len(parts) - end :] if end else []
    return (
        bool(tail)
        and bool(re.fullmatch(r"\s+[-–|/]\s+", tail[0]))
        and (len("".join(tail).split()) >= 3)
    )


def _title_option(titles: list[str]) -> list[str]:
    """What tells variants apart that say it only in their titles ("Regina (Hardcover) - P.
    Ibarra", "Regina (Paperback) - P. Ibarra": "Hardcover", "Paperback"); none where they
    do not differ or differ in no words."""
    start, end = _title_ends(titles)
    parts = _TITLE_PARTS.split(titles[0])
    end = end if _tail_kept(parts, end) else 0
    said = []
    for title in titles:
        parts = _TITLE_PARTS.split(title)
        said.append("".join(parts[start : len(parts) - end]).strip(" -–|/,()[]"))
    return said if all(said) and len(set(said)) == len(said) else []


def check_kind(kind: str | None) -> Kind | None:
    if kind is None or kind in KINDS:
        return kind
    message = f"The format '{kind}' is not known. Use one of: {', '.join(KINDS)}."
    raise CatalogError(message, code="catalog_format_unsupported")
