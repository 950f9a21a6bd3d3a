import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings
from langchain_core.embeddings import Embeddings

from retrieval.catalog import Product
from retrieval.errors import CatalogError
from retrieval.index import EMBED_BATCH, CatalogIndex, SearchHit, UpsertCounts, document_text
from tests.retrieval.conftest import CountingEmbeddings
from tests.service import free_port


def product(id_: str, title: str, price: str = "10", **fields: object) -> Product:
    return Product.model_validate({"id": id_, "title": title, "price": price, **fields})


SHOP = [
    product("jacket", "Waterproof Rain Jacket", "129.99", category="Jackets", in_stock=True),
    product("tent", "Two-Person Dome Tent", "249.00", category="Tents", in_stock=True),
    product("bottle", "Insulated Water Bottle", "29.50", category="Hydration", in_stock=False),
    product("shell", "Lightweight Rain Shell", "89.00", category="Jackets", in_stock=False),
    product("stove", "Backpacking Camp Stove", "59.95", category="Camp Kitchen"),
]


def ids_of(hits: list[SearchHit]) -> list[str]:
    return [hit.product.id for hit in hits]


def test_index_needs_exactly_one_of_path_and_url(embeddings: CountingEmbeddings) -> None:
    with pytest.raises(ValueError, match="exactly one of path= or url="):
        CatalogIndex(embeddings)
    with pytest.raises(ValueError, match="exactly one of path= or url="):
        CatalogIndex(embeddings, path=Path("x"), url="http://localhost:8000")


def test_index_upsert_counts_added_products(index: CatalogIndex) -> None:
    assert index.upsert(SHOP) == UpsertCounts(added=5, updated=0, unchanged=0)
    assert (index.count(), index.ids()) == (5, {p.id for p in SHOP})


def test_index_upsert_does_not_embed_unchanged_products(
    index: CatalogIndex, embeddings: CountingEmbeddings
) -> None:
    index.upsert(SHOP)
    embedded = embeddings.embedded
    assert index.upsert(SHOP) == UpsertCounts(added=0, updated=0, unchanged=5)
    assert embeddings.embedded == embedded


def test_index_upsert_embeds_only_a_changed_product(
    index: CatalogIndex, embeddings: CountingEmbeddings
) -> None:
    index.upsert(SHOP)
    embedded = embeddings.embedded
    changed = [SHOP[0].model_copy(update={"price": Decimal("99.00")}), *SHOP[1:]]
    assert index.upsert(changed) == UpsertCounts(added=0, updated=1, unchanged=4)
    assert embeddings.embedded == embedded + 1
    assert index.get(["jacket"])[0].price == Decimal("99.00")


def test_index_upsert_reports_progress_after_each_batch(index: CatalogIndex) -> None:
    size = EMBED_BATCH + 6
    many = [product(f"p{n}", f"Trail sock model {n}") for n in range(size)]
    index.upsert(many[:3])
    seen: list[int] = []
    index.upsert(many, progress=seen.append)
    assert seen == [3, 3 + EMBED_BATCH, size]


def test_index_upsert_keeps_the_last_of_repeated_ids(index: CatalogIndex) -> None:
    counts = index.upsert([product("a", "Old Mug"), product("a", "New Mug")])
    assert counts == UpsertCounts(added=1, updated=0, unchanged=0)
    assert [p.title for p in index.get(["a"])] == ["New Mug"]


def test_index_get_returns_exact_products_in_the_order_asked(index: CatalogIndex) -> None:
    rich = product(
        "rich",
        "Trail Runner",
        "1299.90",
        description="Grippy.",
        currency="EUR",
        url="https://s.example/r",
        attributes={"drop_mm": 8, "weight_kg": 0.27, "vegan": True, "color": "rust"},
    )
    index.upsert([rich, *SHOP])
    assert index.get(["rich", "missing", "tent"]) == [rich, SHOP[1]]
    assert index.get(["rich"])[0].price_text() == "€1,299.90"


def test_index_reopened_from_disk_gives_identical_products(
    embeddings: CountingEmbeddings, tmp_path: Path
) -> None:
    with CatalogIndex(embeddings, path=tmp_path / "idx") as first:
        first.upsert(SHOP)
    with CatalogIndex(embeddings, path=tmp_path / "idx") as again:
        assert again.get([p.id for p in SHOP]) == SHOP
        assert again.get(["jacket"])[0].price == Decimal("129.99")
        assert ids_of(again.search("rain jacket", k=1)) == ["jacket"]


def test_index_remove_deletes_products(index: CatalogIndex) -> None:
    index.upsert(SHOP)
    index.remove(["tent", "stove", "unknown"])
    assert index.ids() == {"jacket", "bottle", "shell"}
    index.remove([])
    assert index.count() == 3


def test_index_categories_lists_each_category_once(index: CatalogIndex) -> None:
    index.upsert([*SHOP, product("plain", "Gift Card")])
    assert index.categories() == ["Camp Kitchen", "Hydration", "Jackets", "Tents"]


def test_index_search_ranks_a_jacket_above_a_tent(index: CatalogIndex) -> None:
    index.upsert(SHOP)
    hits = index.search("something to keep me dry in the rain", k=5)
    assert ids_of(hits)[0] in ("jacket", "shell")
    assert ids_of(hits).index("jacket") < ids_of(hits).index("tent")


def test_index_search_scores_relevance_best_first(index: CatalogIndex) -> None:
    index.upsert(SHOP)
    scores = [hit.score for hit in index.search("insulated water bottle", k=5)]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert scores[0] > 0.8


def test_index_search_filters_by_price_range(index: CatalogIndex) -> None:
    index.upsert(SHOP)
    hits = index.search("outdoor gear", k=5, min_price=50, max_price=Decimal("129.99"))
    assert sorted(ids_of(hits)) == ["jacket", "shell", "stove"]


def test_index_search_filters_by_category_ignoring_case(index: CatalogIndex) -> None:
    index.upsert(SHOP)
    assert sorted(ids_of(index.search("gear", k=5, category="jackets"))) == ["jacket", "shell"]


def test_index_search_filters_by_stock(index: CatalogIndex) -> None:
    index.upsert(SHOP)
    assert sorted(ids_of(index.search("gear", k=5, in_stock=False))) == ["bottle", "shell"]


def test_index_search_combines_filters(index: CatalogIndex) -> None:
    index.upsert(SHOP)
    hits = index.search("rain", k=5, category="Jackets", in_stock=True, max_price=200)
    assert ids_of(hits) == ["jacket"]


def test_index_search_drops_hits_below_min_relevance(index: CatalogIndex) -> None:
    index.upsert(SHOP)
    everything = index.search("insulated water bottle", k=5)
    strong = index.search("insulated water bottle", k=5, min_relevance=0.8)
    assert ids_of(strong) == ["bottle"]
    assert len(everything) == 5


def test_index_search_returns_at_most_k_hits(index: CatalogIndex) -> None:
    index.upsert(SHOP)
    assert len(index.search("gear", k=2)) == 2


def test_index_search_on_an_empty_index_finds_nothing(index: CatalogIndex) -> None:
    assert index.search("tent") == []


@pytest.mark.parametrize("query", ["", "   "])
def test_index_search_rejects_a_blank_query(index: CatalogIndex, query: str) -> None:
    with pytest.raises(ValueError, match="The search query is empty"):
        index.search(query)


def test_index_document_text_joins_title_category_description_and_values() -> None:
    item = product("a", "Mug", category="Kitchen", description="Enamel.", attributes={"c": "red"})
    assert document_text(item) == "Mug. Kitchen. Enamel. red"


def test_index_works_against_a_chroma_server(
    embeddings: CountingEmbeddings, chroma_url: str
) -> None:
    with CatalogIndex(embeddings, url=chroma_url, collection="server-test") as index:
        assert index.upsert(SHOP) == UpsertCounts(added=5, updated=0, unchanged=0)
        assert ids_of(index.search("rain jacket", k=1, in_stock=True)) == ["jacket"]
        assert index.get(["tent"]) == [SHOP[1]]


def test_a_change_on_a_chroma_server_reaches_every_replica_index(
    embeddings: CountingEmbeddings, chroma_url: str
) -> None:
    """Replicas share the server: an ingest through one (or the CLI) must make the others
    rebuild what they keep in memory (the keyword index), as the embedded index's marker does."""
    with (
        CatalogIndex(embeddings, url=chroma_url, collection="replicas-test") as ingest,
        CatalogIndex(embeddings, url=chroma_url, collection="replicas-test") as replica,
    ):
        replica.refresh()
        before = replica.version
        ingest.upsert(SHOP[:2])
        replica.refresh()  # within the second: not read again yet
        assert replica.version == before
        time.sleep(1.1)
        replica.refresh()
        assert replica.version == before + 1
        time.sleep(1.1)
        replica.refresh()  # nothing new
        assert replica.version == before + 1
        assert replica.get(["tent"]) == [SHOP[1]]


def test_index_reports_an_unreachable_chroma_server(embeddings: CountingEmbeddings) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(CatalogError) as raised:
        CatalogIndex(embeddings, url=url)
    assert raised.value.code == "index_unavailable"
    assert str(raised.value).startswith(f"Cannot reach the Chroma server at {url}:")


def test_index_reports_an_invalid_chroma_url(embeddings: CountingEmbeddings) -> None:
    with pytest.raises(CatalogError) as raised:
        CatalogIndex(embeddings, url="localhost:8000")
    assert (raised.value.code, str(raised.value)) == (
        "index_url_invalid",
        "The Chroma URL 'localhost:8000' is not valid. Write it like http://localhost:8000.",
    )


def test_index_refuses_a_collection_that_measures_another_distance(
    embeddings: CountingEmbeddings, tmp_path: Path
) -> None:
    client = chromadb.PersistentClient(str(tmp_path), Settings(anonymized_telemetry=False))
    client.create_collection("catalog", configuration={"hnsw": {"space": "l2"}})
    with pytest.raises(CatalogError) as raised:
        CatalogIndex(embeddings, path=tmp_path)
    assert raised.value.code == "index_incompatible"


def test_index_search_many_matches_one_search_per_query(
    index: CatalogIndex, embeddings: CountingEmbeddings
) -> None:
    index.upsert(SHOP)
    queries = ["something to keep me dry in the rain", "insulated water bottle"]
    before = embeddings.embedded
    many = index.search_many(queries, k=3, min_relevance=0.1)
    assert embeddings.embedded - before == 2  # one embedding pass for both queries
    singles = [index.search(q, k=3, min_relevance=0.1) for q in queries]
    assert [ids_of(hits) for hits in many] == [ids_of(hits) for hits in singles]
    for batched, single in zip(many, singles, strict=True):
        assert [h.score for h in batched] == pytest.approx([h.score for h in single], abs=1e-5)


def test_index_search_many_rejects_a_blank_query(index: CatalogIndex) -> None:
    with pytest.raises(ValueError, match="empty"):
        index.search_many(["tent", "  "])


def test_index_sees_products_another_process_ingested(tmp_path: Path, model: Embeddings) -> None:
    serving = CatalogIndex(model, path=tmp_path / "index")
    serving.upsert(SHOP[:1])
    script = (
        "from pathlib import Path\n"
        "from retrieval.catalog import Product\n"
        "from retrieval.embeddings import load_embeddings\n"
        "from retrieval.index import CatalogIndex\n"
        f"index = CatalogIndex(load_embeddings(), path=Path({str(tmp_path / 'index')!r}))\n"
        "index.upsert([Product(id='kayak', title='Red touring kayak', price='899.00')])\n"
        f"index.remove([{SHOP[0].id!r}])\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).parents[2])
    assert ids_of(serving.search("a boat to paddle on a lake", k=2)) == ["kayak"]
    serving.close()


def test_index_search_many_embeds_a_repeated_query_once(
    index: CatalogIndex, embeddings: CountingEmbeddings
) -> None:
    index.upsert(SHOP)
    first = index.search_many(["a warm tent"], k=2)
    before = embeddings.embedded
    again = index.search_many(["a warm tent", "a warm tent", "insulated water bottle"], k=2)
    assert embeddings.embedded - before == 1  # only the new query
    assert ids_of(again[0]) == ids_of(again[1]) == ids_of(first[0])
