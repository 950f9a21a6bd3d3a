"""`salesbot bench catalog`: its generated catalogs, and the whole benchmark run small."""

import re
from pathlib import Path

from bot.bench_catalog import (
    CatalogBenchOptions,
    benchmark,
    changed_count,
    shopper_queries,
    write_catalog,
    write_changed,
)
from retrieval.catalog import Product
from retrieval.loaders import parse_products, read_rows


def products(path: Path) -> list[Product]:
    result = parse_products(read_rows(path))
    assert result.rejected == [] and result.skipped == []
    assert result.kind == "generic"
    return result.products


def test_generated_catalog_is_valid_varied_and_reproducible(tmp_path: Path) -> None:
    path = write_catalog(tmp_path / "catalog.csv", 500)
    found = products(path)
    assert len(found) == 500
    assert len({p.id for p in found}) == 500
    assert len({p.title for p in found}) == 500
    assert len({p.description for p in found}) == 500
    assert len({p.category for p in found}) >= 30
    assert len({p.attributes["brand"] for p in found}) >= 30
    assert all(1 <= len(re.findall(r"[.!?](?:\s|$)", p.description)) <= 3 for p in found)
    assert all(p.price > 0 and p.currency == "USD" and p.url for p in found)
    assert {p.in_stock for p in found} == {True, False}
    # A fixed seed: the same file on every machine.
    assert write_catalog(tmp_path / "again.csv", 500).read_bytes() == path.read_bytes()


def test_changed_catalog_changes_exactly_one_percent(tmp_path: Path) -> None:
    base = write_catalog(tmp_path / "catalog.csv", 700)
    changed_ids = write_changed(base, tmp_path / "changed.csv")
    before = {p.id: p for p in products(base)}
    after = {p.id: p for p in products(tmp_path / "changed.csv")}
    assert before.keys() == after.keys()
    differ = {i for i in before if before[i] != after[i]}
    assert differ == set(changed_ids)
    assert len(differ) == changed_count(700) == 7
    for i in differ:
        old, new = before[i].model_dump(), after[i].model_dump()
        fields = {name for name in old if old[name] != new[name]}
        assert fields in ({"price"}, {"description"})
    assert any(before[i].price != after[i].price for i in differ)
    assert any(before[i].description != after[i].description for i in differ)


def test_shopper_queries_are_distinct() -> None:
    queries = shopper_queries(400)
    assert len(set(queries)) == 400
    assert any(" under " in q for q in queries) and any("gift" in q for q in queries)


def test_benchmark_runs_small(tmp_path: Path) -> None:
    options = CatalogBenchOptions(
        sizes=[200], queries=8, workdir=tmp_path, sample=64, verbose=False
    )
    results = benchmark(options)
    assert results["command"] == "salesbot bench catalog --sizes 200 --queries 8"
    assert results["machine"]["cores"] >= 1 and results["machine"]["memory_gib"] > 0
    assert results["other_load"]["other_processes_cpu_s"] >= 0
    assert results["raw_embedding"]["texts"] == 64
    assert results["raw_embedding"]["texts_per_s"] > 0
    [size] = results["sizes"]
    assert size["products"] == 200 and size["changed_rows"] == 2
    full = size["full_ingest"]
    assert (full["total_rows"], full["added"], full["rejected"]) == (200, 200, 0)
    assert full["seconds"] > 0 and full["rows_per_s"] > 0 and full["ratio_to_raw"] > 0
    same, changed = size["unchanged_reingest"], size["changed_reingest"]
    assert (same["unchanged"], same["added"], same["updated"]) == (200, 0, 0)
    assert (changed["updated"], changed["unchanged"], changed["added"]) == (2, 198, 0)
    assert same["removed"] == changed["removed"] == 0
    assert size["peak_rss_mb"] > size["ingest_process"]["baseline_rss_mb"] / 2 > 0
    assert size["index_mb"] > 0
    search = size["search"]
    assert search["products_in_view"] == 200
    assert search["queries"] == 8 and search["load"]["queries"] == 8
    assert search["load"]["threads"] == 16
    assert 0 < search["p50_ms"] <= search["p95_ms"]
    assert 0 < search["load"]["p50_ms"] <= search["load"]["p95_ms"]
    assert search["view_build_s"] >= 0 and search["mean_hits"] > 0
    targets = results["targets"]
    assert set(targets) == {"ingest_throughput", "unchanged_reingest", "search_p95"}
    assert targets["ingest_throughput"]["per_size"] == {"200": full["ratio_to_raw"]}
    assert targets["unchanged_reingest"]["met"] is None  # no 100,000-product run
    assert targets["search_p95"]["met"] is None
    # Without --keep, only what the benchmark made is removed, the folder stays.
    assert tmp_path.is_dir() and list(tmp_path.iterdir()) == []
