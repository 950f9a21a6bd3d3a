"""Fold a LoRA adapter into a copy of its base model: a plain model folder any engine serves at
the base model's speed (serving through an adapter is about half as fast on a CPU)."""

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from finetune.train import TrainingError

if TYPE_CHECKING:
    from bot.log.registry import AdapterRegistry

MERGED_FILE = "merged.json"


def merge(adapter: Path, base_model: str, out_root: Path) -> Path:
    """Write `<out_root>/<adapter name>/` (complete or absent) and return it."""
    target = out_root / adapter.name
    if (target / MERGED_FILE).is_file():
        return target  # merged before: the same immutable adapter gives the same folder
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        base = AutoModelForCausalLM.from_pretrained(base_model, dtype=torch.float32)
        merged: Any = PeftModel.from_pretrained(base, str(adapter)).merge_and_unload()
    except (OSError, ValueError, RuntimeError) as exc:
        raise TrainingError(f"The adapter {adapter.name} could not be merged: {exc}") from None
    partial = out_root / f".{adapter.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        merged.save_pretrained(str(partial))
        AutoTokenizer.from_pretrained(base_model).save_pretrained(str(partial))
        record = {"adapter": adapter.name, "base_model": Path(base_model).name}
        (partial / MERGED_FILE).write_text(json.dumps(record, indent=2) + "\n")
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise TrainingError(f"Writing the merged model failed: {exc.strerror or exc}.") from None
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target


def ensure_merged(registry: "AdapterRegistry", name: str, base_model: str, out_root: Path) -> Path:
    """The adapter's merged model, merged now if it never was, and recorded in the registry
    (what `promote --merged` and the service's engine start read)."""
    row = registry.get(name)
    if row.merged_path and (Path(row.merged_path) / MERGED_FILE).is_file():
        return Path(row.merged_path)
    folder = merge(Path(row.path), base_model, out_root)
    registry.set_merged(name, str(folder))
    return folder
