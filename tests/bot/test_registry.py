"""The adapter registry's history (promote, rollback) and the checks an adapter folder passes
before the engine is asked to load it."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import torch
from safetensors.torch import save_file

from bot.engine.adapters import AdapterRouter, check_adapter
from bot.engine.client import AdapterRefused
from bot.log.live import version_metrics
from bot.log.registry import CANDIDATE, RETIRED, SERVING, AdapterRegistry, RegistryError
from bot.log.store import DialogueLog, NotFound, TurnOutcome

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


def test_one_canary_at_a_time_and_promoting_it_makes_it_serve_everyone(log: DialogueLog) -> None:
    registry = AdapterRegistry(log.sessions)
    for name in ("ad-1", "ad-2"):
        registry.register(name, f"/adapters/{name}", trained(name))
    with pytest.raises(RegistryError, match="between 0 and 1"):
        registry.start_canary("ad-1", 1.5, by="t")
    with pytest.raises(RegistryError, match="no canary running"):
        registry.stop_canary(by="t")
    registry.start_canary("ad-1", 0.2, by="t")
    found = registry.canary()
    assert found is not None and found[0].name == "ad-1" and found[1] == 0.2
    with pytest.raises(RegistryError, match="ad-1 is the canary now"):
        registry.start_canary("ad-2", 0.2, by="t")
    registry.start_canary("ad-1", 0.5, by="t")  # the same canary, a new share
    assert (found := registry.canary()) is not None and found[1] == 0.5
    assert registry.stop_canary(by="t") == "ad-1" and registry.canary() is None
    assert registry.get("ad-1").status == CANDIDATE
    registry.start_canary("ad-2", 0.1, by="t")
    registry.switch("ad-2", action="promote", by="t")
    assert registry.canary() is None and registry.get("ad-2").canary_share is None
    with pytest.raises(RegistryError, match="already serving every conversation"):
        registry.start_canary("ad-2", 0.1, by="t")


class LoadingEngine:
    """Only what the router asks of the engine: loading adapters (the real engine's part is
    tested end to end in tests/finetune/test_loop.py)."""

    process = None

    def __init__(self) -> None:
        self.loaded: list[str] = []

    async def load_adapter(self, name: str, path: str) -> None:
        self.loaded.append(name)


async def test_the_canary_answers_its_share_of_conversations_and_each_keeps_its_version(
    log: DialogueLog, tmp_path: Path
) -> None:
    registry = AdapterRegistry(log.sessions)
    for name in ("ad-1", "ad-2"):
        registry.register(name, str(adapter_folder(tmp_path, name)), trained(name))
    engine = LoadingEngine()
    router = AdapterRouter(engine, registry, base_model=BASE, max_rank=16)  # type: ignore[arg-type]
    await router.promote("ad-1", by="t")
    await router.start_canary("ad-2", 0.3, by="t")
    picks = {f"session-{n}": router.pick(f"session-{n}") for n in range(2000)}
    on_canary = sum(p is not None and p.name == "ad-2" for p in picks.values())
    assert 0.26 < on_canary / 2000 < 0.34
    assert all(router.pick(s) == p for s, p in list(picks.items())[:200])  # sticky
    assert {p.name for p in picks.values() if p is not None} == {"ad-1", "ad-2"}
    assert engine.loaded == ["ad-1", "ad-2"]
    # A second replica following the registry picks up the same split without loading twice.
    other = AdapterRouter(engine, registry, base_model=BASE, max_rank=16)  # type: ignore[arg-type]
    await other.replay()
    assert other.model == "ad-1" and other.canary is not None and other.canary_share == 0.3
    assert all(other.pick(s) == p for s, p in list(picks.items())[:200])
    await router.promote("ad-2", by="t")  # the canary wins: everyone gets it
    assert router.canary is None and router.pick("session-1") == router.current
    assert await router.rollback(by="t") is not None and router.model == "ad-1"


async def test_live_figures_compare_versions_from_the_log(log: DialogueLog) -> None:
    async def turn(session: str, adapter: str | None, **outcome: Any) -> int:
        turn_id = await log.open_turn(session, "ws", "hello")
        fields = {"status": "ok", "reply": "Hi.", "adapter": adapter, "ttft_ms": 100.0}
        await log.close_turn(turn_id, TurnOutcome(**{**fields, **outcome}))
        return turn_id

    up = await turn("s-base-1", None)
    await log.rate("s-base-1", up, "up", None)
    down = await turn("s-base-2", None, ttft_ms=300.0)
    await log.rate("s-base-2", down, "down", None)
    await turn("s-base-2", None, action="handover")
    for n in range(3):
        rated = await turn(f"s-ad-{n}", "ad-2", ttft_ms=50.0)
        await log.rate(f"s-ad-{n}", rated, "up", None)
    await log.record_event("s-ad-0", "checkout")
    await turn("s-ad-1", "ad-2", grounding=[{"rule": "price"}])
    rows = {
        r["version"]: r for r in version_metrics(log.sessions, datetime(2000, 1, 1, tzinfo=UTC))
    }
    base, tuned = rows["base model"], rows["ad-2"]
    assert (base["turns"], base["conversations"], base["up_share"]) == (3, 2, 0.5)
    assert base["handover"] == 0.5 and base["conversion"] == 0.0
    assert (tuned["turns"], tuned["conversations"], tuned["up_share"]) == (4, 3, 1.0)
    assert tuned["conversion"] == round(1 / 3, 3) and tuned["guard_catches"] == 1
    assert tuned["ttft_p50_ms"] == 50.0 and base["ttft_p95_ms"] == 300.0
    assert version_metrics(log.sessions, datetime(2999, 1, 1, tzinfo=UTC)) == []
