"""The catalog's vector index: one LangChain document per product in a Chroma collection."""

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.client import SharedSystemClient
from chromadb.config import Settings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from retrieval.catalog import Product
from retrieval.errors import CatalogError

# Products embedded (in one call: the model sorts them by length, so less padding) and
# written to Chroma at a time. Chroma's writes cost far less per product in large batches.
EMBED_BATCH = 512
READ_BATCH = 1000
# Part of every content hash: bump it when `document_text` or `_metadata` changes, so that
# every stored product is written again on the next ingest.
TEXT_VERSION = "2"
# Touched on every change of an embedded index, so other processes know to reopen it.
CHANGED_MARKER = "catalog-changed"
# The collection of the multilingual embeddings: the catalog's name and this.
MULTILINGUAL_SUFFIX = "-multilingual"
SERVER_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class UpsertCounts:
    added: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class SearchHit:
    product: Product
    score: float  # relevance in [0, 1]: 1 - cosine distance, higher is better


class QueryVectors:
    """Embed queries, remembering recent ones: a follow-up message searches again with the
    previous question, and shoppers ask the same things."""

    def __init__(self, embeddings: Embeddings, size: int = 2048):
        self.embeddings = embeddings
        self.size = size
        self._known: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, queries: Sequence[str]) -> list[list[float]]:
        with self._lock:
            vectors = {q: self._known[q] for q in queries if q in self._known}
        new = [q for q in dict.fromkeys(queries) if q not in vectors]
        if new:
            vectors.update(zip(new, self.embeddings.embed_documents(new), strict=True))
        with self._lock:
            for query in dict.fromkeys(queries):
                self._known[query] = vectors[query]
                self._known.move_to_end(query)
            while len(self._known) > self.size:
                self._known.popitem(last=False)
        return [vectors[query] for query in queries]


class CatalogIndex:
    """Products in an embedded Chroma index at `path`, or on a Chroma server at `url`."""

    def __init__(
        self,
        embeddings: Embeddings,
        *,
        path: Path | None = None,
        url: str | None = None,
        collection: str = "catalog",
        multilingual: Embeddings | None = None,
    ) -> None:
        if (path is None) == (url is None):
            raise ValueError("CatalogIndex needs exactly one of path= or url=.")
        self._embeddings = embeddings
        self._query_vectors = QueryVectors(embeddings)
        # A second reading of every product, by a model that reads other languages than
        # English, in a collection of its own beside the first (`MULTILINGUAL_SUFFIX`).
        self.multilingual = multilingual
        self._multilingual_queries = QueryVectors(multilingual) if multilingual else None
        self._path, self._url, self._name = path, url, collection
        self._marker = path / CHANGED_MARKER if path is not None else None
        self._checked = 0.0  # when a server's change mark was last read
        self._seen: int | None = None  # the change mark this process has caught up with
        self._version = 0
        self._deferred = self._pending_change = False
        self._open()
        self._seen = self._marker_time()

    def _open(self) -> None:
        path, url, collection = self._path, self._url, self._name
        self._client = _local_client(path) if path is not None else _server_client(str(url))
        try:
            self._store = Chroma(
                client=self._client,
                collection_name=collection,
                embedding_function=self._embeddings,
                collection_configuration={"hnsw": {"space": "cosine"}},
            )
            self._collection = self._client.get_collection(collection, embedding_function=None)
            _require_cosine(self._collection, collection)
            self._other = (
                self._client.get_or_create_collection(
                    collection + MULTILINGUAL_SUFFIX,
                    configuration={"hnsw": {"space": "cosine"}},
                    embedding_function=None,
                )
                if self.multilingual is not None
                else None
            )
        except BaseException:
            self.close()
            raise

    def _marker_time(self) -> int | None:
        if self._url is not None:
            # On a Chroma server the mark is the collection's metadata, shared by every
            # replica; read at most once a second, as it costs a request.
            now = time.monotonic()
            if now - self._checked < SERVER_CHECK_SECONDS:
                return self._seen
            self._checked = now
            try:
                metadata = self._client.get_collection(self._name).metadata or {}
            except Exception:  # the server is briefly away: searches report that themselves
                return self._seen
            mark = metadata.get(CHANGED_MARKER)
            return int(mark) if isinstance(mark, int) else None
        try:
            return self._marker.stat().st_mtime_ns if self._marker else None
        except FileNotFoundError:
            return None

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group many changes (a whole ingest) into one: other processes see the catalog
        change once, at the end, instead of reopening the index after every batch."""
        self._deferred, changed_before = True, self._pending_change
        try:
            yield
        finally:
            self._deferred = False
            if self._pending_change and not changed_before:
                self._pending_change = False
                self._changed()

    def _changed(self) -> None:
        """Tell other processes holding this embedded index that it changed."""
        if self._deferred:
            self._pending_change = True
            return
        if self._marker is not None:
            self._marker.write_text(f"{time.time_ns()}\n")
            self._seen = self._marker_time()
        elif self._url is not None:
            kept = {k: v for k, v in (self._collection.metadata or {}).items()
                    if not k.startswith("hnsw:")}  # fmt: skip
            self._seen = time.time_ns()
            self._collection.modify(metadata={**kept, CHANGED_MARKER: self._seen})

    def refresh(self) -> None:
        """Reopen an embedded index another process changed (`salesbot catalog ingest` while
        the service runs): Chroma keeps its vector index in memory and would not see it."""
        seen = self._marker_time()
        if seen == self._seen:
            return
        if self._url is not None:  # the server has the change already; views rebuild
            self._seen = seen
            self._version += 1
            return
        self.close()
        SharedSystemClient.clear_system_cache()
        self._open()
        self._seen = seen
        self._version += 1

    def __enter__(self) -> "CatalogIndex":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the client; an embedded index frees its files when its last client closes."""
        close = getattr(self._client, "close", None)
        if close is not None:
            close()

    def upsert(
        self, products: Iterable[Product], *, progress: Callable[[int], None] | None = None
    ) -> UpsertCounts:
        """Embed and store new or changed products; `progress(done)` counts products handled,
        unchanged ones at once and the others after each embedded batch."""
        latest = {product.id: product for product in products}  # a repeated id: the last wins
        known = self.hashes(list(latest))
        pending = [p for p in latest.values() if known.get(p.id) != content_hash(p)]
        done = len(latest) - len(pending)
        if progress is not None:
            progress(done)
        for batch in _chunks(pending, EMBED_BATCH):
            vectors = self._embeddings.embed_documents([document_text(p) for p in batch])
            # The stored document is the title: nothing searches Chroma's own text, and its
            # full-text index made writing the whole embedded text cost ~1.5x as much.
            self._collection.upsert(
                ids=[p.id for p in batch],
                embeddings=np.asarray(vectors, dtype=np.float32),
                metadatas=[_metadata(p) for p in batch],
                documents=[p.title for p in batch],
            )
            done += len(batch)
            if progress is not None:
                progress(done)
        added = sum(product.id not in known for product in pending)
        written = self._read_again(latest)
        if pending or written:
            self._changed()
            self._version += 1
        return UpsertCounts(added, len(pending) - added, len(latest) - len(pending))

    def _read_again(self, latest: dict[str, Product]) -> int:
        """Embed with the multilingual model the products whose second reading is missing or
        stale (all of them in an index made before it was): how many."""
        if self._other is None or self.multilingual is None:
            return 0
        known = self.hashes(list(latest), self._other)
        pending = [p for p in latest.values() if known.get(p.id) != content_hash(p)]
        for batch in _chunks(pending, EMBED_BATCH):
            vectors = self.multilingual.embed_documents([document_text(p) for p in batch])
            self._other.upsert(
                ids=[p.id for p in batch],
                embeddings=np.asarray(vectors, dtype=np.float32),
                metadatas=[{"content_hash": content_hash(p)} for p in batch],
            )
        return len(pending)

    def read_missing(self) -> int:
        """Give every stored product the multilingual reading it lacks (an index made before
        it, or ingested with it off): how many were read. Ingest calls it after its changes,
        and the service at start; a catalog read already costs one listing of ids."""
        if self._other is None or self.multilingual is None:
            return 0
        missing = self.ids() - set(self._other.get(include=[])["ids"])
        if not missing:
            return 0
        read = 0
        for chunk in _chunks(sorted(missing), READ_BATCH):
            read += self._read_again({p.id: p for p in self.get(chunk)})
        if read:  # processes holding the index read the new vectors too
            self._changed()
            self._version += 1
        return read

    def multilingual_vectors(self, ids: Sequence[str]) -> np.ndarray | None:
        """The multilingual embeddings of these products, rows in the order asked (zeros for
        one not read yet: near nothing); None without the multilingual model or any product
        read by it (the multilingual search then finds nothing)."""
        if self._other is None:
            return None
        rows = {id_: row for row, id_ in enumerate(ids)}
        matrix: np.ndarray | None = None
        for chunk in _chunks(list(ids), READ_BATCH):
            found = self._other.get(ids=chunk, include=["embeddings"])
            embedded = found.get("embeddings")
            if embedded is None or not len(found["ids"]):
                continue
            page = np.asarray(embedded, dtype=np.float32)
            if matrix is None:
                matrix = np.zeros((len(ids), page.shape[1]), dtype=np.float32)
            matrix[[rows[i] for i in found["ids"]]] = page
        return matrix  # None while nothing is read yet (an index made before, not re-ingested)

    def embed_multilingual(self, queries: Sequence[str]) -> list[list[float]]:
        if self._multilingual_queries is None:
            raise ValueError("This index has no multilingual model.")
        return self._multilingual_queries.embed(queries)

    def remove(self, ids: Iterable[str]) -> None:
        chunks = list(_chunks(list(ids), READ_BATCH))
        for chunk in chunks:
            self._store.delete(ids=chunk)
            if self._other is not None:
                self._other.delete(ids=chunk)
        if chunks:
            self._changed()
            self._version += 1

    def ids(self) -> set[str]:
        return set(self._store.get(include=[])["ids"])

    def count(self) -> int:
        return self._collection.count()

    def get(self, ids: Iterable[str]) -> list[Product]:
        """The stored products with these ids, in the order asked; unknown ids are skipped."""
        wanted = list(dict.fromkeys(ids))
        found = {id_: _product(id_, metadata) for id_, metadata in self._stored(wanted)}
        return [found[id_] for id_ in wanted if id_ in found]

    def first(self, limit: int) -> list[Product]:
        """Up to `limit` stored products, in storage order (a shop page's listing)."""
        result = self._store.get(limit=limit, include=["metadatas"])
        return [_product(i, m) for i, m in zip(result["ids"], result["metadatas"], strict=True)]

    def categories(self) -> list[str]:
        metadatas = self._store.get(include=["metadatas"])["metadatas"]
        return sorted({str(m["category"]) for m in metadatas if m.get("category")}, key=str.lower)

    def search(
        self,
        query: str,
        k: int = 4,
        *,
        min_price: Decimal | float | None = None,
        max_price: Decimal | float | None = None,
        category: str | None = None,
        in_stock: bool | None = None,
        min_relevance: float = 0.0,
    ) -> list[SearchHit]:
        """The `k` products closest in meaning to `query` that pass the filters, best first."""
        where = _where(min_price, max_price, category, in_stock)
        [hits] = self._search([query], k, where, min_relevance)
        return hits

    def embed_queries(self, queries: Sequence[str]) -> list[list[float]]:
        if any(not query.strip() for query in queries):
            raise ValueError("The search query is empty; say what the shopper is looking for.")
        return self._query_vectors.embed(queries)

    def search_vector(
        self,
        vector: Sequence[float],
        k: int,
        *,
        min_price: Decimal | float | None = None,
        max_price: Decimal | float | None = None,
        category: str | None = None,
        in_stock: bool | None = None,
    ) -> list[SearchHit]:
        """The `k` products closest to an embedded query that pass the filters, best first."""
        self.refresh()
        where = _where(min_price, max_price, category, in_stock)
        found = self._store.similarity_search_by_vector_with_relevance_scores(
            list(vector), k=k, filter=where
        )
        return _hits(found, 0.0)

    def nearest(
        self,
        vector: Sequence[float],
        k: int,
        *,
        min_price: Decimal | float | None = None,
        max_price: Decimal | float | None = None,
        category: str | None = None,
        in_stock: bool | None = None,
    ) -> list[tuple[str, float]]:
        """The ids and relevance of the `k` products closest to an embedded query, without
        reading their records (the caller has them): a few milliseconds at 100k products.
        Filters here use Chroma's metadata filter, which is much slower; prefer filtering the
        unfiltered ids when most products pass."""
        self.refresh()
        where = _where(min_price, max_price, category, in_stock)
        query = cast(Any, [list(vector)])
        try:  # asking first how many there are would cost as much as the search itself
            found = self._collection.query(
                query_embeddings=query, n_results=k, where=where, include=["distances"]
            )
        except Exception:  # more asked than stored (or an empty collection)
            count = self._collection.count()
            if not count:
                return []
            found = self._collection.query(
                query_embeddings=query, n_results=min(k, count), where=where,
                include=["distances"],
            )  # fmt: skip
        distances = (found.get("distances") or [[]])[0]
        return [(i, _relevance(d)) for i, d in zip(found["ids"][0], distances, strict=True)]

    def all_products(self) -> list[Product]:
        """Every stored product (for keyword search and catalog-wide questions)."""
        return self.snapshot(vectors=False)[0]

    def snapshot(self, *, vectors: bool = True) -> tuple[list[Product], np.ndarray | None]:
        """Every stored product and, with `vectors`, their embeddings as one float32 matrix
        in the same order (for exact search under filters Chroma would apply slowly)."""
        self.refresh()
        include: Any = ["metadatas", "embeddings"] if vectors else ["metadatas"]
        products: list[Product] = []
        pages: list[np.ndarray] = []
        offset = 0
        while True:
            page = self._store.get(include=include, limit=READ_BATCH, offset=offset)
            products += [
                _product(i, m) for i, m in zip(page["ids"], page["metadatas"], strict=True)
            ]
            if vectors and len(page["ids"]):
                pages.append(np.asarray(page["embeddings"], dtype=np.float32))
            if len(page["ids"]) < READ_BATCH:
                break
            offset += READ_BATCH
        if not vectors:
            return products, None
        matrix = np.concatenate(pages) if pages else np.zeros((0, 0), dtype=np.float32)
        return products, matrix

    @property
    def version(self) -> int:
        """Changes whenever this process sees the catalog change."""
        return self._version

    def search_many(
        self, queries: Sequence[str], k: int = 4, *, min_relevance: float = 0.0
    ) -> list[list[SearchHit]]:
        """Search several queries at once: one embedding pass costs little more than one query."""
        return self._search(queries, k, None, min_relevance)

    def _search(
        self, queries: Sequence[str], k: int, where: Any, min_relevance: float
    ) -> list[list[SearchHit]]:
        if any(not query.strip() for query in queries):
            raise ValueError("The search query is empty; say what the shopper is looking for.")
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}.")
        self.refresh()
        return [
            _hits(
                self._store.similarity_search_by_vector_with_relevance_scores(
                    vector, k=k, filter=where
                ),
                min_relevance,
            )
            for vector in self._query_vectors.embed(queries)
        ]

    def hashes(self, ids: list[str], collection: Any = None) -> dict[str, str]:
        """The content hash stored for each of these ids that the index holds (in the
        multilingual `collection`, when given)."""
        stored = self._stored(ids, collection)
        return {id_: str(metadata.get("content_hash")) for id_, metadata in stored}

    def _stored(self, ids: list[str], collection: Any = None) -> Iterator[tuple[str, Any]]:
        for chunk in _chunks(ids, READ_BATCH):
            result = (collection or self._store).get(ids=chunk, include=["metadatas"])
            yield from zip(result["ids"], result["metadatas"], strict=True)


# Attributes that name a product's kind only, never searched as its text: Google's taxonomy beside
# a Merchant feed's own type (`formats._merchant_product`), "Gift Cards & Certificates" beside
# "Tarjetas de regalo" (as text, "Print Books" on every book outweighs what each one is about).
KIND_ONLY = frozenset({"google_product_category"})


def document_text(product: Product) -> str:
    """The text embedded for a product: what a shopper's words are matched against."""
    values = [
        str(v) for k, v in product.attributes.items()
        if not isinstance(v, bool) and k not in KIND_ONLY
    ]  # fmt: skip
    options = dict.fromkeys(o for variant in product.variants for o in variant.options.values())
    parts = [product.title, product.category, product.description, " ".join(values)]
    parts += [" ".join(options)] if options else []
    return ". ".join(part.rstrip(". ") for part in parts if part.rstrip(". "))


def content_hash(product: Product) -> str:
    record = json.dumps(product.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{TEXT_VERSION}\n{record}".encode()).hexdigest()


def _metadata(product: Product) -> dict[str, Any]:
    return {
        "title": product.title,
        "description": product.description,
        "price": str(product.price),  # exact; `price_value` is for range filters only
        "price_value": float(product.price),
        "price_max": str(product.price_max) if product.price_max is not None else "",
        "price_from": product.price_from,
        "regular_price": str(product.regular_price) if product.regular_price is not None else "",
        "currency": product.currency,
        "category": product.category,
        "category_key": product.category.casefold(),
        "url": product.url or "",
        "image_url": product.image_url or "",
        "in_stock": product.in_stock,
        "attributes": json.dumps(product.attributes, ensure_ascii=False),
        "variants": json.dumps(
            [v.model_dump(mode="json", exclude_defaults=True) for v in product.variants],
            ensure_ascii=False,
        ),
        "content_hash": content_hash(product),
    }


def _product(id_: str, metadata: Any) -> Product:
    return Product.model_validate(
        {
            "id": id_,
            "title": metadata["title"],
            "description": metadata["description"],
            "price": Decimal(str(metadata["price"])),
            "price_max": metadata.get("price_max") or None,
            "price_from": metadata.get("price_from", False),
            "regular_price": metadata.get("regular_price") or None,
            "currency": metadata["currency"],
            "category": metadata["category"],
            "url": metadata["url"] or None,
            "image_url": metadata["image_url"] or None,
            "in_stock": metadata["in_stock"],
            "attributes": json.loads(str(metadata["attributes"])),
            "variants": json.loads(str(metadata.get("variants") or "[]")),
        }
    )


def _where(
    min_price: Decimal | float | None,
    max_price: Decimal | float | None,
    category: str | None,
    in_stock: bool | None,
) -> dict[str, Any] | None:
    conditions: list[dict[str, Any]] = []
    if min_price is not None:
        conditions.append({"price_value": {"$gte": float(min_price)}})
    if max_price is not None:
        conditions.append({"price_value": {"$lte": float(max_price)}})
    if category and category.strip():
        conditions.append({"category_key": {"$eq": category.strip().casefold()}})
    if in_stock is not None:
        conditions.append({"in_stock": {"$eq": in_stock}})
    if len(conditions) > 1:
        return {"$and": conditions}  # Chroma rejects an $and of fewer than two conditions
    return conditions[0] if conditions else None


def _hits(found: Iterable[tuple[Any, float]], min_relevance: float) -> list[SearchHit]:
    hits = [SearchHit(_product(str(doc.id), doc.metadata), _relevance(d)) for doc, d in found]
    hits = [hit for hit in hits if hit.score >= min_relevance]
    return sorted(hits, key=lambda hit: hit.score, reverse=True)


def _relevance(distance: float) -> float:
    return min(1.0, max(0.0, 1.0 - distance))


def _chunks(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _local_client(path: Path) -> ClientAPI:
    path.mkdir(parents=True, exist_ok=True)
    settings = Settings(anonymized_telemetry=False)
    try:
        return chromadb.PersistentClient(path=str(path), settings=settings)
    except Exception as exc:  # a damaged file, another Chroma version, no permission
        message = (
            f"The catalog index at {path} cannot be opened ({exc}). Rebuild it: move that "
            "folder away, then run `salesbot setup` (the demo catalog) or `salesbot catalog "
            "ingest FILE` (your catalog) and start the service again."
        )
        raise CatalogError(message, code="index_unavailable") from exc


def _server_client(url: str) -> ClientAPI:
    host, port, ssl = _server_address(url)
    settings = Settings(anonymized_telemetry=False)
    try:
        return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)
    except Exception as exc:  # chromadb reports an unreachable server in several ways
        message = f"Cannot reach the Chroma server at {url}: {exc} Start it or check the URL."
        raise CatalogError(message, code="index_unavailable") from exc


def _server_address(url: str) -> tuple[str, int, bool]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # a port that is not a number
        port = -1
    if parts.scheme not in ("http", "https") or not parts.hostname or port == -1:
        message = f"The Chroma URL '{url}' is not valid. Write it like http://localhost:8000."
        raise CatalogError(message, code="index_url_invalid")
    ssl = parts.scheme == "https"
    return parts.hostname, port or (443 if ssl else 8000), ssl


def _require_cosine(collection: Any, name: str) -> None:
    configuration = collection.configuration
    space = (configuration.get("hnsw") or configuration.get("spann") or {}).get("space")
    if space not in (None, "cosine"):
        message = (
            f"The Chroma collection '{name}' measures {space} distance, but the catalog needs "
            "cosine. Use another collection name, or delete the collection to rebuild it."
        )
        raise CatalogError(message, code="index_incompatible")
