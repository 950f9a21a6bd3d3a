"""The multilingual reading of the catalog: the real USE model, its collection beside the
catalog's in a real Chroma index, and the search over it."""

from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from retrieval.catalog import Product
from retrieval.embeddings import load_multilingual
from retrieval.hybrid import CatalogView, Filters, HybridSearch, MultilingualSearch
from retrieval.index import MULTILINGUAL_SUFFIX, CatalogIndex, document_text
from retrieval.ingest import ingest_file

CAMPING = [
    Product(id="tent", title="Iglu 2 Dome Tent", price=449, category="Tents",
            description="A freestanding dome tent for two people, with a rain fly."),
    Product(id="lantern", title="Lumeo Camp Lantern 300", price=169, category="Lanterns",
            description="Rechargeable LED lantern, 300 lumens, with a USB port to charge a phone."),
    Product(id="chair", title="Director Chair with Side Table", price=329, category="Furniture",
            description="A folding camp chair with a side table for your drink."),
    Product(id="knife", title="Bushcraft Fixed Blade Knife", price=259, category="Tools",
            description="A full-tang carbon steel knife with a leather sheath."),
]  # fmt: skip


@pytest.fixture(scope="module")
def multilingual() -> Embeddings:
    return load_multilingual()


def test_the_model_loads_once_and_reads_across_languages(multilingual: Embeddings) -> None:
    assert load_multilingual() is multilingual
    tent, lantern, chair = np.array(
        multilingual.embed_documents(["two-person tent", "camping lantern", "folding chair"])
    )
    asked = np.array(multilingual.embed_query("barraca para duas pessoas"))
    assert asked.shape == (512,)
    assert abs(float(np.linalg.norm(asked)) - 1.0) < 1e-3
    assert asked @ tent > max(asked @ lantern, asked @ chair)


def test_one_sentence_costs_no_thread_pool_switching(multilingual: Embeddings) -> None:
    # The package limits BLAS threads around every call unless told not to; the service does
    # not let it (about 130 ms a call on 2 cores).
    assert multilingual._use._model._threadpool is None  # type: ignore[attr-defined]


def test_the_index_keeps_a_second_reading_of_every_product(
    model: Embeddings, multilingual: Embeddings, tmp_path: Path
) -> None:
    with CatalogIndex(model, path=tmp_path / "index", multilingual=multilingual) as index:
        index.upsert(CAMPING)
        vectors = index.multilingual_vectors(["knife", "tent", "gone"])
        assert vectors is not None and vectors.shape == (3, 512)
        [expected] = multilingual.embed_documents([document_text(CAMPING[3])])
        assert float(vectors[0] @ np.array(expected)) > 0.99
        assert not vectors[2].any()  # not in the catalog: near nothing
        index.remove(["knife"])
        after = index.multilingual_vectors(["knife", "tent"])
        assert after is not None and not after[0].any() and after[1].any()
        assert index._client.get_collection("catalog" + MULTILINGUAL_SUFFIX).count() == 3


def test_an_ingest_of_an_unchanged_catalog_reads_what_an_older_index_lacks(
    model: Embeddings, multilingual: Embeddings, tmp_path: Path
) -> None:
    catalog = tmp_path / "catalog.jsonl"
    catalog.write_text(
        "\n".join(p.model_dump_json(include={"id", "title", "price", "category", "description"})
                  for p in CAMPING),
        encoding="utf-8",
    )  # fmt: skip
    with CatalogIndex(model, path=tmp_path / "index") as index:
        ingest_file(index, catalog)
    with CatalogIndex(model, path=tmp_path / "index", multilingual=multilingual) as index:
        before = index.version
        report = ingest_file(index, catalog)
        # A change: the searches of this and other processes read the new vectors.
        assert index.version > before
        assert report.unchanged == len(CAMPING) and not report.added and not report.updated
        vectors = index.multilingual_vectors([p.id for p in CAMPING])
        assert vectors is not None and all(row.any() for row in vectors)
        assert index.read_missing() == 0  # nothing left to read


def test_an_index_made_before_gets_its_second_reading_on_the_next_ingest(
    model: Embeddings, multilingual: Embeddings, tmp_path: Path
) -> None:
    with CatalogIndex(model, path=tmp_path / "index") as index:
        index.upsert(CAMPING)
        assert index.multilingual_vectors(["tent"]) is None
    with CatalogIndex(model, path=tmp_path / "index", multilingual=multilingual) as index:
        # Before that ingest, the multilingual search finds nothing, and fails nothing.
        assert index.multilingual_vectors(["tent"]) is None
        abroad = MultilingualSearch(HybridSearch(index, min_relevance=0.35), min_relevance=0.3)
        [vector] = abroad.embed(["barraca para duas pessoas"])
        assert abroad.search("barraca para duas pessoas", vector, Filters(), 4) == []
        counts = index.upsert(CAMPING)
        assert (counts.added, counts.updated, counts.unchanged) == (0, 0, len(CAMPING))
        vectors = index.multilingual_vectors([p.id for p in CAMPING])
        assert vectors is not None and all(row.any() for row in vectors)


def test_a_request_in_portuguese_finds_the_product_by_its_meaning(
    model: Embeddings, multilingual: Embeddings, tmp_path: Path
) -> None:
    with CatalogIndex(model, path=tmp_path / "index", multilingual=multilingual) as index:
        index.upsert(CAMPING)
        english = HybridSearch(index, min_relevance=0.35)
        abroad = MultilingualSearch(english, min_relevance=0.3)
        text = "lanterna de camping que carrega celular"
        [vector] = abroad.embed([text])
        hits = abroad.search(text, vector, Filters(), 4)
        assert [hit.product.id for hit in hits][:1] == ["lantern"]
        # Under a budget: the lantern (169) is kept, nothing over it is shown.
        [tent_vector] = abroad.embed(["barraca para duas pessoas"])
        assert [
            h.product.id
            for h in abroad.search("barraca para duas pessoas", tent_vector, Filters(), 4)
        ][:1] == ["tent"]
        within = abroad.search("barraca para duas pessoas", tent_vector, Filters(max_price=300), 4)
        assert "tent" not in [hit.product.id for hit in within]
        kept = abroad.search(text, vector, Filters(max_price=300), 4)
        assert [hit.product.id for hit in kept][:1] == ["lantern"]
        # Both searches read one keyword snapshot; the vectors are each their own.
        assert abroad.view.bm25 is english.view.bm25
        assert abroad.view.vectors is not None and abroad.view.vectors.shape[1] == 512
        assert english.view.vectors is not None and english.view.vectors.shape[1] == 384
        # A question about nothing the shop sells is near nothing.
        [far] = abroad.embed(["quem ganhou o jogo do flamengo ontem"])
        assert abroad.search("quem ganhou o jogo", far, Filters(), 4) == []


def test_the_catalog_s_language_is_told_by_its_words() -> None:
    assert CatalogView({p.id: p for p in CAMPING}).english
    spanish = [
        Product(id="c1", title="Cuaderno punteado A5", price=189, category="Papelería",
                description="Cuaderno de pasta dura con hojas punteadas de papel grueso."),
        Product(id="s1", title="Sujetalibros de madera", price=349, category="Accesorios",
                description="Un par de sujetalibros de madera de nogal para tu librero."),
    ]  # fmt: skip
    assert not CatalogView({p.id: p for p in spanish}).english
