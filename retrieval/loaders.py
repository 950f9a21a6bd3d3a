"""Read catalog files (CSV, JSON, JSON Lines) and turn their rows into `Product`s."""

import codecs
import csv
import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as DefusedET
import ijson
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from pydantic import ValidationError

from retrieval.catalog import Product, Scalar, Variant
from retrieval.errors import CatalogError
from retrieval.formats import (
    KINDS,
    Kind,
    Record,
    VariantRecord,
    check_kind,
    column_map,
    detect,
    leaf,
    records,
)
from retrieval.values import (
    PriceRange,
    ahead_of_stock,
    attribute_value,
    html_text,
    parse_currency,
    parse_in_stock,
    parse_link,
    parse_price,
    parse_price_and_currency,
    parse_price_range,
    text_value,
)

__all__ = ["RawRow", "Rejection", "ParseResult", "read_rows", "parse_products", "resolve_columns"]
__all__ += ["parse_price", "parse_price_and_currency", "parse_in_stock", "derived_id"]

EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".json": "json", ".jsonl": "jsonl",
              ".ndjson": "jsonl", ".xml": "xml", ".rss": "xml", ".atom": "xml"}  # fmt: skip
SYNTAXES = ("csv", "json", "jsonl", "xml")
GOOGLE_NS = "{http://base.google.com/ns/1.0}"
REQUIRED = ("title", "price")
# A field's own name comes first, so a file with both `title` and `name` uses `title`.
ALIASES = {
    "id": ("id", "sku", "product_id"),
    "title": ("title", "name", "product_name"),
    "description": ("description", "desc"),
    "price": ("price", "cost"),
    "sale_price": ("sale_price", "special_price", "offer_price", "discounted_price"),
    "regular_price": (
        "regular_price",
        "compare_at_price",
        "original_price",
        "list_price",
        "was_price",
    ),  # fmt: skip
    "currency": ("currency", "currency_code"),
    "category": ("category", "type", "product_type"),
    "url": ("url", "link", "product_url"),
    "image_url": ("image_url", "image", "image_link", "img", "images"),
    "in_stock": ("in_stock", "stock", "available", "availability"),
}
FIELDS = tuple(ALIASES)
VARIANTS = "variants"  # in a JSON catalog, a product's list of variants


@dataclass(frozen=True)
class RawRow:
    """One data row as read. `number` is 1-based (the line number for JSON Lines); a row that
    could not be read has empty `data` and says why in `error`."""

    number: int
    data: dict[str, object]
    error: str | None = None


@dataclass(frozen=True)
class Rejection:
    row: int
    reason: str
    title: str | None = None


@dataclass
class ParseResult:
    products: list[Product] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[Rejection] = field(default_factory=list)  # not for sale: drafts, archived
    columns: dict[str, str] = field(default_factory=dict)  # catalog field -> source column
    kind: str = "generic"


# Reading -------------------------------------------------------------------------------------


def read_rows(path: Path, fmt: str | None = None, *, max_bytes: int = 100_000_000) -> list[RawRow]:
    """Read every data row of a catalog file (see `iter_rows`)."""
    rows = list(iter_rows(path, fmt, max_bytes=max_bytes))
    if not rows:
        message = f"The file {path.name} has no product rows. Add at least one product to it."
        raise CatalogError(message, code="catalog_empty")
    return rows


def iter_rows(
    path: Path, fmt: str | None = None, *, max_bytes: int = 100_000_000
) -> Iterator[RawRow]:
    """The data rows of a catalog file, read as a stream; `fmt` (csv, json, jsonl, xml or an
    export kind) or else the extension names its syntax. File-level problems raise
    `CatalogError`, possibly part-way through a large file."""
    _check_file(path, max_bytes)
    syntax = syntax_of(path, fmt)
    opening = _opening(path)
    if not opening:
        message = f"The file {path.name} is empty. Add products to it."
        raise CatalogError(message, code="catalog_empty")
    if syntax == "json":
        yield from _json_stream(path, opening)
    elif syntax == "xml":
        yield from _xml_rows(path)
    else:
        lines = _lines(path)
        first = next((line for line in lines if line.strip()), "")
        lines = itertools.chain([first], lines)
        yield from _csv_rows(lines, path, first) if syntax == "csv" else _jsonl_rows(lines)


def _opening(path: Path) -> str:
    """The file's first character that is not white space (after a byte-order mark), read
    without reading a whole line: a JSON or XML file may be one long line. Empty if none."""
    with path.open("rb") as file:
        start = file.read(3)
        if start != codecs.BOM_UTF8:
            file.seek(0)
        while chunk := file.read(1 << 16):
            text = chunk.lstrip()
            if text:
                return chr(text[0]) if text[0] < 128 else "?"
    return ""


def syntax_of(path: Path, fmt: str | None) -> str:
    """csv, json, jsonl or xml: from `fmt` when it names one, else from the extension."""
    if fmt is not None and fmt.lower() in SYNTAXES:
        return fmt.lower()
    if fmt is not None and fmt.lower() not in KINDS:
        message = (
            f"The format '{fmt}' is not supported. Use csv, json, jsonl or xml, or an export "
            "kind: shopify, woocommerce or merchant."
        )
        raise CatalogError(message, code="catalog_format_unsupported")
    if path.suffix.lower() in EXTENSIONS:
        return EXTENSIONS[path.suffix.lower()]
    message = (
        f"The file {path.name} is not a .csv, .tsv, .txt, .json, .jsonl, .ndjson or .xml file. "
        "Export it in one of those formats (spreadsheets as CSV UTF-8), or name the format "
        "with --format."
    )
    raise CatalogError(message, code="catalog_format_unsupported")


def _check_file(path: Path, max_bytes: int) -> None:
    if not path.is_file():
        problem = "is a folder, not a file" if path.is_dir() else "does not exist"
        message = f"The catalog path {path} {problem}. Give the path of a catalog file."
        raise CatalogError(message, code="catalog_file_not_found")
    size = path.stat().st_size
    if size > max_bytes:
        message = (
            f"The file {path.name} is {_size(size)}, over the {_size(max_bytes)} limit. "
            "Split the catalog into smaller files and ingest each with --partial."
        )
        raise CatalogError(message, code="catalog_too_large")


def _size(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 100_000 else f"{count:,} bytes"


def _lines(path: Path) -> Iterator[str]:
    """The file's text line by line ("\n" kept), decoded as UTF-8 a block at a time."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    offset, rest = 0, ""
    with path.open("rb") as file:
        while True:
            chunk = file.read(1 << 20)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                message = (
                    f"The file {path.name} is not UTF-8 text (byte {offset + exc.start} cannot "
                    "be read). Save it as UTF-8 (in Excel: 'CSV UTF-8') and try again."
                )
                raise CatalogError(message, code="catalog_not_utf8") from None
            offset += len(chunk)
            *lines, rest = (rest + text).split("\n")
            yield from (line + "\n" for line in lines)
            if not chunk:
                break
    if rest:
        yield rest


def _csv_rows(lines: Iterator[str], path: Path, first: str) -> Iterator[RawRow]:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else _delimiter(first)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = _header(next(reader, []), path)
        for number, values in enumerate(reader, start=1):
            if any(value.strip() for value in values):
                yield _csv_row(number, header, values, delimiter)
    except csv.Error as exc:
        message = (
            f"The file {path.name} cannot be read as CSV near line {reader.line_num}: {exc}. "
            "Fix that line or export the file again."
        )
        raise CatalogError(message, code="catalog_malformed") from None


def _delimiter(header: str) -> str:
    # Judge by the header line: column names rarely contain a delimiter, prices often do.
    return max(",;\t", key=header.count) if any(d in header for d in ",;\t") else ","


def _header(names: list[str], path: Path) -> list[str]:
    header = [name.strip() for name in names]
    seen: set[str] = set()
    for name in filter(None, header):
        if name.casefold() in seen:
            message = (
                f"The file {path.name} has two columns named '{name}'. "
                "Rename one so that every column name is unique."
            )
            raise CatalogError(message, code="catalog_malformed")
        seen.add(name.casefold())
    return header


def _xml_rows(path: Path) -> Iterator[RawRow]:
    """Items of an RSS 2.0 or Atom product feed (Google Merchant Center's `g:` fields)."""
    number = 0
    try:
        for _, element in DefusedET.iterparse(str(path), events=("end",)):
            if _local(element.tag) not in ("item", "entry"):
                continue
            number += 1
            yield RawRow(number, _xml_fields(element))
            element.clear()
    except DefusedET.ParseError as exc:
        message = f"The file {path.name} is not valid XML: {exc}. Fix the file or export it again."
        raise CatalogError(message, code="catalog_malformed") from None
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        message = (
            f"The file {path.name} declares XML entities or a DTD, which a product feed never "
            "needs and which are refused for safety. Export the feed without them."
        )
        raise CatalogError(message, code="catalog_malformed") from None


def _xml_fields(element: Any) -> dict[str, object]:
    """An item's fields by local name; a Merchant `g:` field wins over a plain one of the same
    name (an Atom entry's own `<id>` is a feed URI, its `<g:id>` the product id)."""
    fields: dict[str, object] = {}
    ordered = sorted(element, key=lambda child: not str(child.tag).startswith(GOOGLE_NS))
    for child in ordered:
        name = _local(child.tag)
        if len(child):  # nested groups such as g:shipping: not product fields
            continue
        value = (child.text or "").strip()
        if name == "link" and child.get("href"):
            if child.get("rel", "alternate") != "alternate":
                continue
            value = child.get("href", "").strip()
        if name in ("summary", "content") and "description" not in fields:
            name = "description"
        if value and not fields.get(name):
            fields[name] = value
    return fields


def _local(tag: object) -> str:
    return str(tag).rpartition("}")[2]


def _csv_row(number: int, header: list[str], values: list[str], delimiter: str) -> RawRow:
    if any(value.strip() for value in values[len(header) :]):
        shown = "tab" if delimiter == "\t" else f"'{delimiter}'"
        reason = (
            f"The row has {len(values)} values but the header names {len(header)} columns; "
            f"put quotes around values that contain a {shown}."
        )
        return RawRow(number, {}, reason)
    return RawRow(
        number, {name: value for name, value in zip(header, values, strict=False) if name}
    )


def _json_stream(path: Path, opening: str) -> Iterator[RawRow]:
    """A JSON list of products, or an object with a "products" list, read item by item
    (ijson) so a big file is never held whole. A file that is not of that shape is read whole
    once more to say exactly what is wrong with it, with the standard parser's position."""
    prefix = {"[": "item", "{": "products.item"}.get(opening)
    seen = objects = 0
    if prefix:
        try:
            with path.open("rb") as file:
                if file.read(3) != codecs.BOM_UTF8:
                    file.seek(0)
                for seen, item in enumerate(ijson.items(file, prefix, use_float=True), start=1):
                    objects += isinstance(item, dict)
                    yield _object_row(seen, item)
        except (ijson.JSONError, UnicodeDecodeError):
            pass  # said below, as the standard parser words it
        else:
            if objects:
                return
    rows = _json_rows("".join(_lines(path)), path)
    yield from rows[seen:]


def _json_rows(text: str, path: Path) -> list[RawRow]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = "Fix the file or export it again."
        if exc.msg == "Extra data":
            hint = "It looks like JSON Lines (one object per line): name it .jsonl."
        message = (
            f"The file {path.name} is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}. {hint}"
        )
        raise CatalogError(message, code="catalog_malformed") from None
    items = document.get("products") if isinstance(document, dict) else document
    if not isinstance(items, list) or (items and not any(isinstance(i, dict) for i in items)):
        message = (
            f"The file {path.name} must hold a list of product objects, or an object with a "
            f'"products" list, but {_describe(document)}.'
        )
        raise CatalogError(message, code="catalog_malformed")
    return [_object_row(number, item) for number, item in enumerate(items, start=1)]


def _jsonl_rows(lines: Iterable[str]) -> Iterator[RawRow]:
    # Lines end at "\n" only: JSON strings may legally hold other separators such as U+2028.
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield _object_row(number, json.loads(line.rstrip("\r\n")))
        except json.JSONDecodeError as exc:
            reason = f"The line is not valid JSON: {exc.msg} at column {exc.colno}."
            yield RawRow(number, {}, reason)


def _object_row(number: int, item: object) -> RawRow:
    if isinstance(item, dict):
        return RawRow(number, {str(key).strip(): value for key, value in item.items()})
    return RawRow(number, {}, f"It is {_kind(item)}, not a JSON object with product fields.")


def _describe(document: object) -> str:
    if isinstance(document, dict):
        keys = ", ".join(map(str, list(document)[:10])) or "none"
        return f"it is an object whose keys are: {keys}"
    if isinstance(document, list):
        return "its list holds no objects"
    return f"it is {_kind(document)}"


def _kind(value: object) -> str:
    kinds = {bool: "true/false", int: "a number", float: "a number", str: "a string"}
    kinds |= {list: "a list", dict: "an object", type(None): "null"}
    return kinds.get(type(value), "a value")


# Rows to products ------------------------------------------------------------------------------


def parse_products(
    rows: Iterable[RawRow],
    mapping: dict[str, str] | None = None,
    *,
    default_currency: str = "USD",
    kind: str | None = None,
    store_url: str | None = None,
) -> ParseResult:
    """Turn raw rows into products; a bad row is rejected with its reason, never fatal."""
    rows = list(rows)
    reader = ProductReader(_columns(rows), mapping, kind, default_currency, store_url)
    result = ParseResult(columns=reader.columns, kind=reader.kind)
    kept: dict[str, tuple[int, Product]] = {}
    for outcome in reader.read(rows):
        if outcome.rejection is not None:
            target = result.skipped if outcome.skipped else result.rejected
            target.append(outcome.rejection)
        if outcome.product is None:
            continue
        product = outcome.product
        if product.id in kept:
            number, earlier = kept.pop(product.id)
            reason = f"Duplicate id '{product.id}': superseded by row {outcome.row}."
            result.rejected.append(Rejection(number, reason, earlier.title))
        kept[product.id] = (outcome.row, product)
    result.products = [product for _, product in kept.values()]
    result.rejected.sort(key=lambda rejection: rejection.row)
    return result


@dataclass(frozen=True)
class Outcome:
    """What became of one product record: a product, a rejected or skipped row, or both (a
    product whose broken variant row was left out)."""

    row: int
    product: Product | None = None
    rejection: Rejection | None = None
    skipped: bool = False


class ProductReader:
    """Reads the products of one file: its export kind, column mapping and currency."""

    def __init__(
        self,
        columns: list[str],
        mapping: dict[str, str] | None,
        kind: str | None,
        default_currency: str,
        store_url: str | None = None,
    ) -> None:
        if not re.fullmatch(r"[A-Za-z]{3}", default_currency):
            message = (
                f"The default currency '{default_currency}' is not a three-letter code like USD."
            )
            raise CatalogError(message, code="catalog_currency_invalid")
        self.currency = default_currency.upper()
        self.store_url = (store_url or "").rstrip("/") or None
        self.kind: Kind = check_kind(kind if kind != "csv" else "generic") or detect(columns)
        if mapping and self.kind != "generic":
            message = (
                f"--map is for plain tables, but this file is a {self.kind} export, which is "
                "read without a mapping. Leave out --map, or pass --format csv to read it as a "
                "plain table with your mapping."
            )
            raise CatalogError(message, code="catalog_mapping_invalid")
        if self.kind == "generic":
            self.columns = resolve_columns(columns, mapping) if columns else {}
            # A JSON product's list of variants is read as variants, not kept as an attribute.
            used = {*self.columns.values(), VARIANTS}
            self.extra = [c for c in columns if c not in used]
        else:
            self.columns = column_map(self.kind, columns)
            self.extra = []

    def read(self, rows: Iterable[RawRow]) -> Iterator[Outcome]:
        unreadable: list[RawRow] = []

        def readable() -> Iterator[tuple[int, dict[str, object]]]:
            for row in rows:
                if row.error is None:
                    yield row.number, row.data
                else:
                    unreadable.append(row)

        if self.kind == "generic":
            found: Iterable[Record] = (self._generic(n, data) for n, data in readable())
        else:
            found = records(readable(), self.kind)
        for record in found:
            while unreadable:
                yield self._unreadable(unreadable.pop(0))
            yield from self._outcomes(record)
        while unreadable:
            yield self._unreadable(unreadable.pop(0))

    @staticmethod
    def _unreadable(row: RawRow) -> Outcome:
        return Outcome(row.number, rejection=Rejection(row.number, str(row.error)))

    def _outcomes(self, record: Record) -> Iterator[Outcome]:
        title = text_value(record.fields.get("title")) or None
        if record.error is not None:
            yield Outcome(record.row, rejection=Rejection(record.row, record.error, title))
            return
        if record.skip is not None:
            yield Outcome(
                record.row, rejection=Rejection(record.row, record.skip, title), skipped=True
            )
            return
        variants, broken = [], []
        for variant in record.variants:
            try:
                variants.append(self._variant(variant))
            except ValueError as exc:
                broken.append(Rejection(variant.row, str(exc), title))
        try:
            product = self._product(record, variants) if variants else None
        except ValueError as exc:
            yield Outcome(record.row, rejection=Rejection(record.row, str(exc), title))
            return
        for rejection in broken:
            yield Outcome(rejection.row, rejection=rejection)
        if product is not None:
            yield Outcome(record.row, product)

    def _variant(self, record: VariantRecord) -> tuple[Variant, PriceRange]:
        price = parse_price_range(record.price, self.currency)
        regular = None
        if text_value(record.regular_price):
            regular = parse_price_range(record.regular_price, self.currency)
            if regular.currency and price.currency and regular.currency != price.currency:
                raise ValueError("The sale price and the regular price are in two currencies.")
        try:
            variant = Variant.model_validate(
                {
                    "id": record.id,
                    "options": record.options,
                    "price": price.low,
                    "regular_price": regular.low if regular and regular.low > price.low else None,
                    "in_stock": parse_in_stock(record.in_stock),
                    "quantity": record.quantity,
                    "image_url": parse_link(record.image_url, "image_url"),
                }
            )
        except ValidationError as exc:
            raise ValueError(_explain(exc)) from None
        return variant, price

    def _product(self, record: Record, parsed: list[tuple[Variant, PriceRange]]) -> Product:
        fields = record.fields
        title = text_value(fields.get("title"))
        if not title:
            raise ValueError("The title is empty.")
        currencies = {p.currency for _, p in parsed if p.currency}
        if len(currencies) > 1:
            raise ValueError(f"Its variants are priced in {' and '.join(sorted(currencies))}.")
        named = text_value(fields.get("currency"))
        currency = parse_currency(named, next(iter(currencies), None), self.currency)
        variants = [variant for variant, _ in parsed]
        cheapest = min(variants, key=lambda v: v.price)
        highest = max(max(v.price for v in variants), *(p.high or p.low for _, p in parsed))
        url = parse_link(fields.get("url"), "url")
        if url is None and self.store_url and fields.get("handle"):
            url = f"{self.store_url}/products/{fields['handle']}"
        real = len(variants) > 1 or any(v.options for v in variants)
        values = {
            "id": text_value(fields.get("id")) or derived_id(title, url),
            "title": title,
            "description": _clip_text(html_text(text_value(fields.get("description")))),
            "price": cheapest.price,
            "price_max": highest if highest > cheapest.price else None,
            "price_from": any(p.open for _, p in parsed),
            "regular_price": cheapest.regular_price,
            "currency": currency,
            "category": text_value(fields.get("category")),
            "url": url,
            "image_url": parse_link(fields.get("image_url"), "image_url") or cheapest.image_url,
            "in_stock": any(v.in_stock for v in variants),
            "attributes": _scalars(record.attributes),
            "variants": variants if real else (),
        }
        try:
            return Product.model_validate(values)
        except ValidationError as exc:
            raise ValueError(_explain(exc)) from None

    def _generic(self, number: int, data: dict[str, object]) -> Record:
        value = {name: data.get(column) for name, column in self.columns.items()}
        price, regular = _priced(
            value.get("price"), value.get("sale_price"), value.get("regular_price")
        )
        fields = {k: v for k, v in value.items() if k in ("id", "title", "description",
                  "currency", "category", "url", "image_url")}  # fmt: skip
        if isinstance(category := fields.get("category"), str) and ">" in category:
            fields["category"] = leaf(category)  # "Cameras > Mirrorless": the shop's own
        if isinstance(images := fields.get("image_url"), list):
            fields["image_url"] = next((i for i in images if isinstance(i, str)), None)
        default = VariantRecord(number, "default", {}, price, regular, value.get("in_stock"))
        listed = data.get(VARIANTS)
        variants = (
            [self._listed(number, item, default, i) for i, item in enumerate(listed, 1)]
            if isinstance(listed, list) and listed
            else [default]
        )
        attributes = _attributes(data, self.extra)
        if state := ahead_of_stock(value.get("in_stock")):  # "preorder": said so, not in stock
            attributes["availability"] = state
        return Record(number, fields, attributes, variants)

    def _listed(
        self, number: int, item: object, product: VariantRecord, place: int
    ) -> VariantRecord:
        """A variant listed inside its product (JSON): its own price and stock where it has
        them, else the product's."""
        if not isinstance(item, dict):
            return replace(product, id=f"{number}-{place}", options={"Option": text_value(item)})
        by_key = {_key(str(k)): v for k, v in item.items()}

        def pick(*keys: str) -> Any:
            return next((by_key[k] for k in keys if text_value(by_key.get(k))), None)

        options = by_key.get("options") or by_key.get("attributes")
        if isinstance(options, dict):
            named = {str(k): text_value(v) for k, v in options.items() if text_value(v)}
        else:
            label = pick("name", "title", "option", "variant")
            named = {"Option": text_value(label)} if label else {}
        price, regular = _priced(
            pick(*ALIASES["price"]), pick(*ALIASES["sale_price"]), pick(*ALIASES["regular_price"])
        )
        stock = pick(*ALIASES["in_stock"], "inventory", "quantity")
        return VariantRecord(
            number,
            text_value(pick("id", "sku", "variant_id")) or f"{number}-{place}",
            named,
            price if price is not None else product.price,
            regular if price is not None else product.regular_price,
            stock if stock is not None else product.in_stock,
            image_url=pick("image_url", "image"),
        )


def _priced(price: object, sale: object, regular: object) -> tuple[object, object]:
    """The price a product (or a listed variant) sells at and its price before a sale: a sale
    price wins, with the regular price (else the plain one) as the price before it; a regular
    price alone is the price."""
    if text_value(sale):
        return sale, regular if text_value(regular) else price
    if not text_value(price) and text_value(regular):
        return regular, None
    return price, regular


def _clip_text(text: str, limit: int = 5000) -> str:
    """A long description is cut at a sentence end rather than rejected."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > limit // 2 else cut.rstrip() + "…"


def _scalars(values: dict[str, object]) -> dict[str, Scalar]:
    scalars = {str(name).strip(): attribute_value(value) for name, value in values.items()}
    return {name: value for name, value in scalars.items() if name and value not in (None, "")}


def resolve_columns(columns: list[str], mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Which source column feeds each catalog field: `mapping` first, then names and aliases."""
    resolved = _mapped(columns, mapping or {})
    by_key: dict[str, str] = {}
    for column in columns:
        by_key.setdefault(_key(column), column)
    for name in FIELDS:
        candidates = [by_key.get(alias, "") for alias in ALIASES[name]]
        free = [column for column in candidates if column and column not in resolved.values()]
        if name not in resolved and free:
            resolved[name] = free[0]
    missing = [name for name in REQUIRED if name not in resolved]
    if missing:
        raise CatalogError(_missing_message(missing, columns), code="catalog_missing_columns")
    return resolved


def derived_id(title: str, url: str | None) -> str:
    """A stable id for a product that has none, so re-ingesting a file updates it in place."""
    key = " ".join(title.casefold().split()) + "|" + (url or "")
    return "p-" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:16]


def _columns(rows: list[RawRow]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        seen |= dict.fromkeys(row.data)
    return list(seen)


def _key(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().casefold())


def _mapped(columns: list[str], mapping: dict[str, str]) -> dict[str, str]:
    resolved = {}
    for name, column in mapping.items():
        if _key(name) not in FIELDS:
            message = f"--map {name}={column}: '{name}' is not a catalog field. Map one of: "
            raise CatalogError(message + ", ".join(FIELDS) + ".", code="catalog_mapping_invalid")
        matches = [c for c in columns if c == column] or [
            c for c in columns if _key(c) == _key(column)
        ]
        if not matches:
            message = f"--map {name}={column}: the file has no column '{column}'. "
            message += f"Its columns are: {', '.join(columns)}."
            raise CatalogError(message, code="catalog_mapping_invalid")
        resolved[_key(name)] = matches[0]
    return resolved


def _missing_message(missing: list[str], columns: list[str]) -> str:
    names = " or ".join(f"'{name}'" for name in missing)
    maps = " ".join(f"--map {name}=COLUMN" for name in missing)
    listed = ", ".join(columns) or "none"
    verb = "Map one" if len(missing) == 1 else "Map them"
    return f"The file has no {names} column. Its columns are: {listed}. {verb} with {maps}."


def _attributes(data: dict[str, object], columns: list[str]) -> dict[str, object]:
    items: dict[str, object] = {}
    for column in columns:
        nested = _nested(data.get(column)) if _key(column) == "attributes" else None
        items |= {str(k): v for k, v in nested.items()} if nested else {column: data.get(column)}
    return items


def _nested(value: object) -> dict[object, object] | None:
    """An `attributes` column may hold an object (JSON) or an object's JSON text (CSV)."""
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return None
    return value if isinstance(value, dict) else None


def _explain(exc: ValidationError) -> str:
    error = exc.errors()[0]
    name = ".".join(map(str, error["loc"])) or "row"
    if error["type"] == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        return f"The {name} is longer than {limit} characters; shorten it."
    return f"The {name} is not valid: {error['msg']}."
