import math
import os

from langchain_core.embeddings import Embeddings

from retrieval.embeddings import load_embeddings


def test_load_embeddings_loads_the_model_once(model: Embeddings) -> None:
    assert load_embeddings() is model


def test_load_embeddings_returns_unit_length_minilm_vectors(model: Embeddings) -> None:
    [vector] = model.embed_documents(["Waterproof rain jacket"])
    assert len(vector) == 384
    assert math.isclose(math.hypot(*vector), 1.0, abs_tol=1e-4)


def test_load_embeddings_embeds_queries_like_documents(model: Embeddings) -> None:
    document = model.embed_documents(["two-person tent"])[0]
    query = model.embed_query("two-person tent")
    assert math.isclose(sum(a * b for a, b in zip(document, query, strict=True)), 1.0, rel_tol=1e-4)


def test_loading_the_embeddings_leaves_the_process_online(model: Embeddings) -> None:
    # Only the local load is offline; a production model named for the engine must still be
    # downloadable by the engine process, which inherits this environment.
    assert "HF_HUB_OFFLINE" not in os.environ
    assert "TRANSFORMERS_OFFLINE" not in os.environ
