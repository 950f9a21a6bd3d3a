from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings
from sklearn.feature_extraction.text import HashingVectorizer

from retrieval.errors import CatalogError
from retrieval.index import CatalogIndex
from retrieval.ingest import WRITE_BATCH, IngestReport, ingest_file
from retrieval.loaders import Rejection
from tests.retrieval.conftest import CountingEmbeddings

Write = Callable[[str, str], Path]

CSV = """SKU,Name,Cost,Type,In Stock
J1,Waterproof Rain Jacket,"$1,299.99",Jackets,yes
T1,Two-Person Dome Tent,$249.00,Tents,no
B1,Insulated Water Bottle,$29.50,Hydration,12
"""


def test_ingest_file_adds_every_product(index: CatalogIndex, write: Write) -> None:
    report = ingest_file(index, write("shop.csv", CSV))
    assert report == IngestReport(total_rows=3, added=3, updated=0, unchanged=0, removed=0)
    [jacket] = index.get(["J1"])
    assert (jacket.price, jacket.in_stock, jacket.category) == (Decimal("1299.99"), True, "Jackets")


def test_ingest_file_uses_the_column_mapping(index: CatalogIndex, write: Write) -> None:
    path = write("shop.csv", "Product,Amount\nRain Jacket,12.50\n")
    report = ingest_file(index, path, mapping={"title": "Product", "price": "Amount"})
    assert report.added == 1
    assert [p.title for p in index.get(index.ids())] == ["Rain Jacket"]


def test_ingest_file_again_leaves_everything_unchanged(
    index: CatalogIndex, embeddings: CountingEmbeddings, write: Write
) -> None:
    path = write("shop.csv", CSV)
    ingest_file(index, path)
    embedded = embeddings.embedded
    report = ingest_file(index, path)
    assert (report.added, report.updated, report.unchanged, report.removed) == (0, 0, 3, 0)
    assert embeddings.embedded == embedded


def test_ingest_file_counts_one_update_when_a_price_changes(
    index: CatalogIndex, write: Write
) -> None:
    ingest_file(index, write("shop.csv", CSV))
    report = ingest_file(index, write("shop.csv", CSV.replace("$249.00", "$199.00")))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    assert index.get(["T1"])[0].price == Decimal("199.00")


def test_ingest_file_keeps_derived_ids_across_ingests(index: CatalogIndex, write: Write) -> None:
    path = write("shop.jsonl", '{"title": "Mug", "price": 5}\n{"title": "Cup", "price": 3}\n')
    ingest_file(index, path)
    ids = index.ids()
    report = ingest_file(index, path)
    assert (report.unchanged, index.ids()) == (2, ids)


def test_ingest_file_removes_products_missing_from_a_full_file(
    index: CatalogIndex, write: Write
) -> None:
    ingest_file(index, write("shop.csv", CSV))
    without_tent = "\n".join(line for line in CSV.splitlines() if not line.startswith("T1"))
    report = ingest_file(index, write("shop.csv", without_tent))
    assert (report.removed, index.ids()) == (1, {"J1", "B1"})


def test_ingest_file_keeps_other_products_when_not_full(index: CatalogIndex, write: Write) -> None:
    ingest_file(index, write("shop.csv", CSV))
    report = ingest_file(index, write("more.json", '[{"title": "Stove", "price": 60}]'), full=False)
    assert (report.added, report.removed, index.count()) == (1, 0, 4)


def test_ingest_file_reports_rejected_rows_and_ingests_the_rest(
    index: CatalogIndex, write: Write
) -> None:
    path = write("shop.jsonl", '{"title": "Mug", "price": 5}\n{"title": "Cup", "price": "?"}\n{\n')
    report = ingest_file(index, path)
    assert (report.total_rows, report.added) == (3, 1)
    assert report.rejected == [
        Rejection(2, "The price '?' is not a number; write it like 19.99.", "Cup"),
        Rejection(
            3,
            "The line is not valid JSON: Expecting property name enclosed in double "
            "quotes at column 2.",
            None,
        ),
    ]


def test_ingest_file_with_every_row_rejected_keeps_the_index(
    index: CatalogIndex, write: Write
) -> None:
    ingest_file(index, write("shop.csv", CSV))
    bad = "title,price\nMug,free\n,5\nCup,-1\nPot,?\n"
    with pytest.raises(CatalogError) as raised:
        ingest_file(index, write("bad.csv", bad))
    assert (raised.value.code, str(raised.value)) == (
        "catalog_empty",
        "No valid products were found in bad.csv: all 4 rows were rejected (row 1: The price "
        "'free' is not a number; write it like 19.99; row 2: The title is empty; row 3: The "
        "price '-1' is negative; prices must be zero or more; and 1 more). Fix these rows and "
        "ingest again; the index was left unchanged.",
    )
    assert index.ids() == {"J1", "T1", "B1"}


def test_ingest_file_reports_progress_up_to_the_product_count(
    index: CatalogIndex, write: Write
) -> None:
    seen: list[int] = []
    ingest_file(index, write("shop.csv", CSV), progress=seen.append)
    assert seen == [0, 3]


def test_ingest_file_passes_file_errors_through(index: CatalogIndex, tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as raised:
        ingest_file(index, tmp_path / "missing.csv")
    assert raised.value.code == "catalog_file_not_found"


# Whole files: dry runs, failures part-way, interruptions ---------------------------------------


class HashingEmbeddings(Embeddings):
    """scikit-learn's hashing vectoriser as a fast embedding, for tests about thousands of
    products where what matters is what gets written, not how well it matches."""

    def __init__(self) -> None:
        self.vectoriser = HashingVectorizer(n_features=64, alternate_sign=False)
        self.embedded = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += len(texts)
        return [list(map(float, row)) for row in self.vectoriser.transform(texts).toarray()]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def many_products(count: int, changed: int = 0) -> str:
    lines = ["id,title,description,price,category,in_stock"]
    for n in range(count):
        price = f"{5 + n % 200}.{n % 100:02d}" if n >= changed else "1.00"
        lines.append(f"P{n},Product {n},Description of item {n},{price},Kind {n % 30},yes")
    return "\n".join(lines) + "\n"


def test_a_dry_run_shows_the_first_products_of_the_file_variable_ones_too(
    index: CatalogIndex, write: Write
) -> None:
    # A variable product is whole only once its variations are read, which may come last.
    text = (
        "ID,Type,SKU,Name,Published,In stock?,Regular price,Parent,Attribute 1 name,"
        "Attribute 1 value(s)\n"
        '1,variable,TEE,Tee,1,1,,,Size,"S, M"\n'
        "2,simple,MUG,Mug,1,1,9,,,\n"
        "3,variation,TEE-S,Tee - S,1,1,20,TEE,Size,S\n"
        "4,variation,TEE-M,Tee - M,1,1,22,TEE,Size,M\n"
    )
    report = ingest_file(index, write("wc-product-export.csv", text), dry_run=True)
    assert [p.id for p in report.sample] == ["TEE", "MUG"]
    assert [v.name for v in report.sample[0].variants] == ["S", "M"]


def test_a_dry_run_reports_what_would_change_and_changes_nothing(
    index: CatalogIndex, embeddings: CountingEmbeddings, write: Write
) -> None:
    ingest_file(index, write("shop.csv", CSV))
    before = {p.id: p for p in index.get(index.ids())}
    embeddings.embedded = 0
    changed = CSV.replace("$29.50", "$31.00").replace("B1,", "B2,") + "X1,New Lamp,$5,Lamps,yes\n"
    report = ingest_file(index, write("next.csv", changed), dry_run=True)
    assert (report.added, report.updated, report.unchanged, report.removed) == (2, 0, 2, 1)
    assert report.dry_run and [p.id for p in report.sample] == ["J1", "T1", "B2", "X1"]
    assert report.columns["title"] == "Name" and report.kind == "generic"
    assert embeddings.embedded == 0
    assert {p.id: p for p in index.get(index.ids())} == before


def test_a_file_that_fails_part_way_leaves_the_index_as_it_was(
    index: CatalogIndex, write: Write, tmp_path: Path
) -> None:
    ingest_file(index, write("shop.csv", CSV))
    path = tmp_path / "broken.csv"
    good = many_products(300).encode()
    path.write_bytes(good + "P999,Caf\u00e9 Mug,x,5,Mugs,yes\n".encode("latin-1"))
    with pytest.raises(CatalogError) as raised:
        ingest_file(index, path)
    assert raised.value.code == "catalog_not_utf8"
    assert index.ids() == {"J1", "T1", "B1"}


def test_an_interrupted_ingest_of_ten_thousand_products_resumes_where_it_stopped(
    tmp_path: Path, write: Write
) -> None:
    embeddings = HashingEmbeddings()
    path = write("big.csv", many_products(10_000))
    with CatalogIndex(embeddings, path=tmp_path / "big-index") as index:
        marker = tmp_path / "big-index" / "catalog-changed"
        marker.unlink(missing_ok=True)

        def stop_after_two_batches(done: int) -> None:
            if done >= 2 * WRITE_BATCH:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            ingest_file(index, path, progress=stop_after_two_batches)
        assert index.count() == 2 * WRITE_BATCH
        assert marker.exists()  # the service is told about what was written
        embeddings.embedded = 0
        report = ingest_file(index, path)
        assert (report.added, report.unchanged) == (10_000 - 2 * WRITE_BATCH, 2 * WRITE_BATCH)
        assert embeddings.embedded == 10_000 - 2 * WRITE_BATCH
        assert index.count() == 10_000
        embeddings.embedded = 0
        again = ingest_file(index, write("changed.csv", many_products(10_000, changed=100)))
        assert (again.updated, again.unchanged, embeddings.embedded) == (100, 9_900, 100)
        assert index.get(["P5"])[0].price == Decimal("1.00")


def test_an_ingest_tells_other_processes_once_not_per_batch(tmp_path: Path, write: Write) -> None:
    with CatalogIndex(HashingEmbeddings(), path=tmp_path / "idx") as index:
        marker = tmp_path / "idx" / "catalog-changed"
        stamps: list[str] = []
        ingest_file(
            index,
            write("c.csv", many_products(3 * WRITE_BATCH)),
            progress=lambda _: stamps.append(marker.read_text() if marker.exists() else ""),
        )
        assert len(set(stamps)) == 1  # not touched while the batches were written
        assert marker.read_text() not in stamps  # touched once, at the end
