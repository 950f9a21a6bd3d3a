"""What the service needs on disk before it serves: model folder, log schema, catalog index."""

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.engine.model import prepare_embedded_model
from bot.log.store import DialogueLog
from retrieval.embeddings import load_embeddings, load_multilingual
from retrieval.index import CatalogIndex
from retrieval.ingest import DEMO_CATALOG, IngestReport, ingest_file

log = logging.getLogger(__name__)
Progress = Callable[[int], None]


def model_path(settings: Settings) -> str:
    """The folder or Hugging Face name vLLM loads, converting the embedded model on first use."""
    if settings.uses_embedded_model:
        return str(prepare_embedded_model(settings.model_dir))
    return settings.model


def open_index(settings: Settings) -> CatalogIndex:
    embeddings = load_embeddings()
    multilingual = load_multilingual() if settings.multilingual else None
    where: dict[str, Any] = (
        {"url": settings.chroma_url} if settings.chroma_url else {"path": settings.chroma_path}
    )
    return CatalogIndex(
        embeddings, collection=settings.collection, multilingual=multilingual, **where
    )


def seed_demo_catalog(
    settings: Settings, index: CatalogIndex, progress: Progress | None = None
) -> IngestReport | None:
    """Ingest the shipped demo catalog into an empty index; never touch a shop's own catalog,
    only read what the multilingual model has not read of it yet (an index made before it)."""
    if not settings.demo_catalog or index.count() > 0:
        if read := index.read_missing():
            log.info("Read %d products of the catalog with the multilingual model.", read)
        return None
    log.info("The catalog index is empty; ingesting the demo catalog.")
    return ingest_file(index, DEMO_CATALOG, progress=progress)


def open_log(settings: Settings) -> DialogueLog:
    dialogue_log = DialogueLog(settings.database_url, synchronous=settings.sqlite_synchronous)
    dialogue_log.migrate()
    return dialogue_log


def engine_log_path(settings: Settings) -> Path:
    return settings.data_dir / "logs" / "engine.log"
