"""Read catalog files (CSV, JSON, JSON Lines) and turn their rows into `Product`s."""

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from retrieval.catalog import Product, Scalar
from retrieval.errors import CatalogError
from retrieval.values import (
    attribute_value,
    parse_currency,
    parse_in_stock,
    parse_link,
    parse_price,
    parse_price_and_currency,
    text_value,
)

__all__ = ["RawRow", "Rejection", "ParseResult", "read_rows", "parse_products", "resolve_columns"]
__all__ += ["parse_price", "parse_price_and_currency", "parse_in_stock", "derived_id"]

EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
REQUIRED = ("title", "price")
# A field's own name comes first, so a file with both `title` and `name` uses `title`.
ALIASES = {
    "id": ("id", "sku", "product_id"),
    "title": ("title", "name", "product_name"),
    "description": ("description", "desc"),
    "price": ("price", "cost"),
    "currency": ("currency", "currency_code"),
    "category": ("category", "type", "product_type"),
    "url": ("url", "link", "product_url"),
    "image_url": ("image_url", "image", "image_link", "img"),
    "in_stock": ("in_stock", "stock", "available", "availability"),
}
FIELDS = tuple(ALIASES)


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
    columns: dict[str, str] = field(default_factory=dict)  # catalog field -> source column


# Reading -------------------------------------------------------------------------------------


def read_rows(path: Path, fmt: str | None = None, *, max_bytes: int = 100_000_000) -> list[RawRow]:
    """Read the data rows of a catalog file; the format comes from `fmt` or the extension."""
    _check_file(path, max_bytes)
    fmt = _format_of(path, fmt)
    text = _decode(path)
    if not text.strip():
        message = f"The file {path.name} is empty. Add products to it."
        raise CatalogError(message, code="catalog_empty")
    if fmt == "csv":
        rows = _csv_rows(text, path)
    else:
        rows = _json_rows(text, path) if fmt == "json" else _jsonl_rows(text)
    if not rows:
        message = f"The file {path.name} has no product rows. Add at least one product to it."
        raise CatalogError(message, code="catalog_empty")
    return rows


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


def _decode(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = (
            f"The file {path.name} is not UTF-8 text (byte {exc.start} cannot be read). "
            "Save it as UTF-8 (in Excel: 'CSV UTF-8') and try again."
        )
        raise CatalogError(message, code="catalog_not_utf8") from None


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt is not None and fmt.lower() in ("csv", "json", "jsonl"):
        return fmt.lower()
    if fmt is not None:
        message = f"The format '{fmt}' is not supported. Use csv, json or jsonl."
        raise CatalogError(message, code="catalog_format_unsupported")
    if path.suffix.lower() in EXTENSIONS:
        return EXTENSIONS[path.suffix.lower()]
    message = (
        f"The file {path.name} is not a .csv, .tsv, .json, .jsonl or .ndjson file. Export it "
        "in one of those formats (spreadsheets as CSV UTF-8), or name the format with --format."
    )
    raise CatalogError(message, code="catalog_format_unsupported")


def _csv_rows(text: str, path: Path) -> list[RawRow]:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _header(next((v for v in reader if any(map(str.strip, v))), []), path)
        rows = [
            _csv_row(number, header, values, delimiter)
            for number, values in enumerate(reader, start=1)
            if any(value.strip() for value in values)
        ]
    except csv.Error as exc:
        message = (
            f"The file {path.name} cannot be read as CSV near line {reader.line_num}: {exc}. "
            "Fix that line or export the file again."
        )
        raise CatalogError(message, code="catalog_malformed") from None
    return rows


def _delimiter(text: str) -> str:
    # Judge by the header line: column names rarely contain a delimiter, prices often do.
    header = next(line for line in text.splitlines() if line.strip())
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


def _jsonl_rows(text: str) -> list[RawRow]:
    rows = []
    # Split on "\n" only: JSON strings may legally hold other line separators such as U+2028.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            rows.append(_object_row(number, json.loads(line)))
        except json.JSONDecodeError as exc:
            reason = f"The line is not valid JSON: {exc.msg} at column {exc.colno}."
            rows.append(RawRow(number, {}, reason))
    return rows


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
) -> ParseResult:
    """Turn raw rows into products; a bad row is rejected with its reason, never fatal."""
    if not re.fullmatch(r"[A-Za-z]{3}", default_currency):
        message = f"The default currency '{default_currency}' is not a three-letter code like USD."
        raise CatalogError(message, code="catalog_currency_invalid")
    rows = list(rows)
    result = ParseResult(rejected=[Rejection(r.number, r.error) for r in rows if r.error])
    readable = [row for row in rows if row.error is None]
    if not readable:
        return result
    columns = _columns(readable)
    result.columns = resolve_columns(columns, mapping)
    extra = [column for column in columns if column not in result.columns.values()]
    kept: dict[str, tuple[int, Product]] = {}
    for row in readable:
        try:
            product = _product(row.data, result.columns, extra, default_currency)
        except ValueError as exc:
            title = text_value(row.data.get(result.columns["title"])) or None
            result.rejected.append(Rejection(row.number, str(exc), title))
            continue
        if product.id in kept:
            number, earlier = kept.pop(product.id)
            reason = f"Duplicate id '{product.id}': superseded by row {row.number}."
            result.rejected.append(Rejection(number, reason, earlier.title))
        kept[product.id] = (row.number, product)
    result.products = [product for _, product in kept.values()]
    result.rejected.sort(key=lambda rejection: rejection.row)
    return result


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


def _product(
    data: dict[str, object], columns: dict[str, str], extra: list[str], default_currency: str
) -> Product:
    value = {name: data.get(column) for name, column in columns.items()}
    title = text_value(value.get("title"))
    if not title:
        raise ValueError("The title is empty.")
    price, price_currency = parse_price_and_currency(value.get("price"))
    url = parse_link(value.get("url"), "url")
    fields = {
        "id": text_value(value.get("id")) or derived_id(title, url),
        "title": title,
        "description": text_value(value.get("description")),
        "price": price,
        "currency": parse_currency(value.get("currency"), price_currency, default_currency),
        "category": text_value(value.get("category")),
        "url": url,
        "image_url": parse_link(value.get("image_url"), "image_url"),
        "in_stock": parse_in_stock(value.get("in_stock")),
        "attributes": _attributes(data, extra),
    }
    try:
        return Product.model_validate(fields)
    except ValidationError as exc:
        raise ValueError(_explain(exc)) from None


def _attributes(data: dict[str, object], columns: list[str]) -> dict[str, Scalar]:
    items: list[tuple[object, object]] = []
    for column in columns:
        nested = _nested(data.get(column)) if _key(column) == "attributes" else None
        items += nested.items() if nested is not None else [(column, data.get(column))]
    scalars = {str(name).strip(): attribute_value(value) for name, value in items}
    return {name: value for name, value in scalars.items() if name and value not in (None, "")}


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
