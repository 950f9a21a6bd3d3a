"""Bring a catalog file into the index: read it, parse it, embed what changed, drop what left."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.errors import CatalogError
from retrieval.index import CatalogIndex
from retrieval.loaders import Rejection, parse_products, read_rows

DEMO_CATALOG = Path(__file__).parent / "demo" / "catalog.jsonl"
SHOWN_REJECTIONS = 3


@dataclass
class IngestReport:
    total_rows: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    rejected: list[Rejection] = field(default_factory=list)


def ingest_file(
    index: CatalogIndex,
    path: Path,
    *,
    mapping: dict[str, str] | None = None,
    fmt: str | None = None,
    full: bool = True,
    default_currency: str = "USD",
    progress: Callable[[int], None] | None = None,
    max_bytes: int = 100_000_000,
) -> IngestReport:
    """Ingest a catalog file; with `full`, products missing from the file leave the index."""
    rows = read_rows(path, fmt, max_bytes=max_bytes)
    parsed = parse_products(rows, mapping, default_currency=default_currency)
    if not parsed.products:
        raise CatalogError(_nothing_valid(path, len(rows), parsed.rejected), code="catalog_empty")
    counts = index.upsert(parsed.products, progress=progress)
    report = IngestReport(len(rows), counts.added, counts.updated, counts.unchanged)
    report.rejected = parsed.rejected
    if full:
        gone = index.ids() - {product.id for product in parsed.products}
        index.remove(gone)
        report.removed = len(gone)
    return report


def _nothing_valid(path: Path, total: int, rejected: list[Rejection]) -> str:
    shown = "; ".join(f"row {r.row}: {r.reason.rstrip('.')}" for r in rejected[:SHOWN_REJECTIONS])
    more = len(rejected) - SHOWN_REJECTIONS
    shown += f"; and {more} more" if more > 0 else ""
    return (
        f"No valid products were found in {path.name}: all {total} rows were rejected "
        f"({shown}). Fix these rows and ingest again; the index was left unchanged."
    )
