"""The adapter registry's history (promote, rollback) and the checks an adapter folder passes
before the engine is asked to load it."""

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from bot.engine.adapters import check_adapter
from bot.engine.client import AdapterRefused
from bot.log.registry import CANDIDATE, RETIRED, SERVING, AdapterRegistry, RegistryError
from bot.log.store import DialogueLog, NotFound

BASE = "/models/smollm2-135m-instruct"


def adapter_folder(root: Path, name: str = "ad-1", *, rank: int = 4, base: str = BASE) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    config = {"r": rank, "base_model_name_or_path": base, "target_modules": ["q_proj"]}
    (folder / "adapter_config.json").write_text(json.dumps(config))
    save_file({"lora_A.weight": torch.zeros(rank, 8)}, str(folder / "adapter_model.safetensors"))
    return folder


def trained(name: str) -> dict[str, object]:
    return {"version": name, "dataset": "ds-1", "base_model": "smollm2-135m-instruct",
            "options": {"rank": 4}, "slots": ["greet", "thank"]}  # fmt: skip


def test_promote_and_rollback_follow_the_history_back_to_the_base_model(log: DialogueLog) -> None:
    registry = AdapterRegistry(log.sessions)
    for name in ("ad-1", "ad-2"):
        registry.register(name, f"/adapters/{name}", trained(name))
    registry.register("ad-1", "/elsewhere", trained("ad-1"))  # again: unchanged
    assert registry.get("ad-1").path == "/adapters/ad-1" and registry.get("ad-1").rank == 4
    assert registry.serving() is None
    with pytest.raises(RegistryError, match="Nothing to roll back"):
        registry.rollback_target()

    assert registry.switch("ad-1", action="promote", by="t") is None
    assert registry.switch("ad-2", action="promote", by="t") == "ad-1"
    serving = registry.serving()
    assert serving is not None and serving.name == "ad-2" and serving.slots == {"greet", "thank"}
    with pytest.raises(RegistryError, match="already serving"):
        registry.switch("ad-2", action="promote", by="t")

    assert registry.rollback_target() == "ad-1"
    registry.switch("ad-1", action="rollback", by="t")
    # ad-1 came in over the base model, so the next rollback goes there, not back to ad-2.
    assert registry.rollback_target() is None
    registry.switch(None, action="rollback", by="t")
    assert registry.serving() is None
    assert {r.name: r.status for r in registry.all()} == {"ad-1": RETIRED, "ad-2": RETIRED}
    assert [(s.action, s.from_adapter, s.to_adapter) for s in registry.switches()] == [
        ("promote", None, "ad-1"), ("promote", "ad-1", "ad-2"),
        ("rollback", "ad-2", "ad-1"), ("rollback", "ad-1", None),
    ]  # fmt: skip
    with pytest.raises(NotFound, match="no adapter 'ad-9'"):
        registry.switch("ad-9", action="promote", by="t")
    registry.register("ad-3", "/adapters/ad-3", trained("ad-3"))
    assert registry.get("ad-3").status == CANDIDATE
    registry.switch("ad-3", action="promote", by="t")
    assert registry.get("ad-3").status == SERVING


def test_an_adapter_folder_the_engine_could_not_serve_is_refused_with_the_reason(
    tmp_path: Path,
) -> None:
    good = adapter_folder(tmp_path)
    assert check_adapter(good, base_model=BASE, max_rank=16)["r"] == 4
    with pytest.raises(AdapterRefused, match="rank 32; the engine serves ranks up to 16"):
        check_adapter(adapter_folder(tmp_path, "big", rank=32), base_model=BASE, max_rank=16)
    with pytest.raises(AdapterRefused, match="trained on Qwen2-0.5B"):
        check_adapter(adapter_folder(tmp_path, "other", base="/m/Qwen2-0.5B"), base_model=BASE,
                      max_rank=16)  # fmt: skip
    with pytest.raises(AdapterRefused, match="does not exist"):
        check_adapter(tmp_path / "gone", base_model=BASE, max_rank=16)
    truncated = adapter_folder(tmp_path, "cut")
    weights = truncated / "adapter_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-40])
    with pytest.raises(AdapterRefused, match="damaged or truncated"):
        check_adapter(truncated, base_model=BASE, max_rank=16)
    (truncated / "adapter_model.safetensors").unlink()
    with pytest.raises(AdapterRefused, match="adapter_model.safetensors missing"):
        check_adapter(truncated, base_model=BASE, max_rank=16)
    broken = adapter_folder(tmp_path, "broken")
    (broken / "adapter_config.json").write_text("{not json")
    with pytest.raises(AdapterRefused, match="unreadable"):
        check_adapter(broken, base_model=BASE, max_rank=16)
