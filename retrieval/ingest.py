"""Bring a catalog file into the index: read it, parse it, embed what changed, drop what left.

Two streamed passes keep memory bounded at any catalog size. The first reads and checks every
row and hashes each product; nothing is written unless the file as a whole is usable, so a
file that fails leaves the index as it was. The second embeds only the products whose hash the
index does not hold yet, in batches; an interrupted ingest therefore resumes where it stopped
when run again, and an unchanged file embeds nothing.
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.catalog import Product
from retrieval.errors import CatalogError
from retrieval.index import CatalogIndex, content_hash
from retrieval.loaders import ProductReader, RawRow, Rejection, iter_rows, syntax_of

DEMO_CATALOG = Path(__file__).parent / "demo" / "catalog.jsonl"
SHOWN_REJECTIONS = 3
WRITE_BATCH = 512  # products handed to the index at a time (it embeds them 64 at a time)
SAMPLE = 5


@dataclass
class IngestReport:
    total_rows: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[Rejection] = field(default_factory=list)  # not for sale (drafts, archived)
    kind: str = "generic"
    columns: dict[str, str] = field(default_factory=dict, compare=False)
    sample: list[Product] = field(default_factory=list, compare=False)  # the first, as indexed
    dry_run: bool = False


def ingest_file(
    index: CatalogIndex,
    path: Path,
    *,
    mapping: dict[str, str] | None = None,
    fmt: str | None = None,
    full: bool = True,
    default_currency: str = "USD",
    store_url: str | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    max_bytes: int = 100_000_000,
    dry_run: bool = False,
) -> IngestReport:
    """Ingest a catalog file; with `full`, products missing from the file leave the index.

    `on_total(n)` is called once the file is checked, with the number of products in it;
    `progress(done)` then counts products handled (unchanged ones at once). `dry_run` reads
    and checks everything and reports what would change, changing nothing."""
    reader = _reader(path, fmt, mapping, default_currency, store_url, max_bytes)
    report = IngestReport(0, kind=reader.kind, columns=reader.columns, dry_run=dry_run)
    rows = _Counted(iter_rows(path, fmt, max_bytes=max_bytes))
    winners: dict[str, tuple[int, str]] = {}  # id -> (row, content hash) of its last row
    sampled: list[tuple[int, Product]] = []
    for outcome in reader.read(rows):
        if outcome.rejection is not None:
            (report.skipped if outcome.skipped else report.rejected).append(outcome.rejection)
        if (product := outcome.product) is None:
            continue
        if product.id in winners:
            reason = f"Duplicate id '{product.id}': superseded by row {outcome.row}."
            report.rejected.append(Rejection(winners[product.id][0], reason))
        winners[product.id] = (outcome.row, content_hash(product))
        # The first in the file: a variable product is read whole only after its variations,
        # which may come last.
        sampled.append((outcome.row, product))
        if len(sampled) > SAMPLE:
            sampled.sort(key=lambda pair: pair[0])
            del sampled[SAMPLE:]
    report.sample = [product for _, product in sorted(sampled, key=lambda pair: pair[0])]
    report.total_rows = rows.count
    report.rejected.sort(key=lambda rejection: rejection.row)
    if not rows.count:
        message = f"The file {path.name} has no product rows. Add at least one product to it."
        raise CatalogError(message, code="catalog_empty")
    if not winners:
        problems = report.rejected or report.skipped
        raise CatalogError(_nothing_valid(path, rows.count, problems), code="catalog_empty")

    stored = index.hashes(list(winners))
    changed = {i for i, (_, digest) in winners.items() if stored.get(i) != digest}
    gone = index.ids() - winners.keys() if full else set()
    report.unchanged, report.removed = len(winners) - len(changed), len(gone)
    if on_total is not None:
        on_total(len(winners))
    if dry_run:
        report.added = sum(i not in stored for i in changed)
        report.updated = len(changed) - report.added
        return report
    if progress is not None:
        progress(report.unchanged)
    with index.batch():
        if changed:
            again = iter_rows(path, fmt, max_bytes=max_bytes)
            fresh = (
                o.product for o in reader.read(again)
                if o.product is not None and o.product.id in changed
                and winners[o.product.id][0] == o.row
            )  # fmt: skip
            done = report.unchanged
            for batch in _batches(fresh, WRITE_BATCH):
                counts = index.upsert(batch)
                report.added += counts.added
                report.updated += counts.updated
                report.unchanged += counts.unchanged
                done += len(batch)
                if progress is not None:
                    progress(done)
        index.remove(gone)
        index.read_missing()  # unchanged products an index made before it has not read
    return report


def write_report(report: IngestReport, path: Path) -> None:
    """The rejected and skipped rows as CSV: row, outcome, title, reason."""
    problems = [("rejected", r) for r in report.rejected] + [("skipped", r) for r in report.skipped]
    problems.sort(key=lambda item: item[1].row)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["row", "outcome", "title", "reason"])
        for outcome, rejection in problems:
            writer.writerow([rejection.row, outcome, rejection.title or "", rejection.reason])


def _reader(
    path: Path,
    fmt: str | None,
    mapping: dict[str, str] | None,
    default_currency: str,
    store_url: str | None,
    max_bytes: int,
) -> ProductReader:
    """A reader for the file's export kind, judged by its columns (or named by `fmt`)."""
    syntax = syntax_of(path, fmt)
    kind = fmt if fmt not in (None, "csv", "json", "jsonl", "xml") else None
    if syntax == "xml" and kind is None and fmt != "xml":
        kind = "merchant"  # the product feeds read as XML are Merchant Center's RSS and Atom
    columns: dict[str, None] = {}
    for row in iter_rows(path, fmt, max_bytes=max_bytes):
        columns |= dict.fromkeys(row.data)
        if syntax == "csv" and row.error is None:
            break  # a table names every column in its header
    return ProductReader(list(columns), mapping, kind, default_currency, store_url)


class _Counted(Iterator[RawRow]):
    def __init__(self, rows: Iterable[RawRow]) -> None:
        self.rows, self.count = iter(rows), 0

    def __next__(self) -> RawRow:
        row = next(self.rows)
        self.count += 1
        return row


def _batches(items: Iterable[Product], size: int) -> Iterator[list[Product]]:
    batch: list[Product] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _nothing_valid(path: Path, total: int, rejected: list[Rejection]) -> str:
    shown = "; ".join(f"row {r.row}: {r.reason.rstrip('.')}" for r in rejected[:SHOWN_REJECTIONS])
    more = len(rejected) - SHOWN_REJECTIONS
    shown += f"; and {more} more" if more > 0 else ""
    return (
        f"No valid products were found in {path.name}: all {total} rows were rejected "
        f"({shown}). Fix these rows and ingest again; the index was left unchanged."
    )
