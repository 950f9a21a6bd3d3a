"""`/api/adapters` on the real service: every refusal says why and changes nothing."""

import asyncio
import json
import shutil
from pathlib import Path

import httpx
import pytest

from bot.engine.adapters import AdapterRouter, PromotionBusy
from bot.log.registry import AdapterRegistry
from bot.log.store import DialogueLog
from finetune.evaluate import Gate, judge_eval
from tests.bot.test_openai import apikey
from tests.bot.test_registry import BASE, LoadingEngine, adapter_folder, trained
from tests.conftest import TEST_ENV
from tests.service import Service, free_port, start_service

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def admin(service: Service) -> dict[str, str]:
    created = apikey(service, "create", "model-admin")
    assert created.returncode == 0, created.stderr
    return {"authorization": f"Bearer {created.stdout.strip()}"}


def registered(service: Service, name: str, *, rank: int = 4, damage: bool = False) -> Path:
    """An adapter folder in the service's data dir, in its registry as a candidate."""
    root = service.data_dir / "finetune" / "adapters"
    folder = adapter_folder(root, name, rank=rank, base="/x/smollm2-135m-instruct")
    (folder / "training.json").write_text(json.dumps(trained(name)))
    if damage:
        weights = folder / "adapter_model.safetensors"
        weights.write_bytes(weights.read_bytes()[:-40])
    log = DialogueLog(f"sqlite:///{service.database}")
    AdapterRegistry(log.sessions).register(name, str(folder), trained(name))
    log.close()
    return folder


def serving(service: Service, admin: dict[str, str]) -> str | None:
    listed = httpx.get(f"{service.url}/api/adapters", headers=admin, timeout=30)
    assert listed.status_code == 200
    return listed.json()["serving"]


def test_promotion_refusals_name_the_reason_and_leave_the_base_model_serving(
    service: Service, admin: dict[str, str]
) -> None:
    url = f"{service.url}/api/adapters"
    assert httpx.post(f"{url}/promote", json={"name": "x"}, timeout=30).status_code == 401
    bad = httpx.post(f"{url}/promote", json={"name": ""}, headers=admin, timeout=30)
    assert bad.status_code == 400
    unknown = httpx.post(f"{url}/promote", json={"name": "ad-none"}, headers=admin, timeout=30)
    assert unknown.status_code == 404 and "ad-none" in unknown.json()["error"]["message"]

    registered(service, "ad-api-unjudged")
    unjudged = httpx.post(
        f"{url}/promote", json={"name": "ad-api-unjudged"}, headers=admin, timeout=30
    )
    assert unjudged.status_code == 409
    assert "salesbot finetune evaluate ad-api-unjudged" in unjudged.json()["error"]["message"]

    log = DialogueLog(f"sqlite:///{service.database}")
    AdapterRegistry(log.sessions).record_evaluation(
        "ad-api-unjudged", {"passed": False, "failures": ["test loss 1.5000 vs 1.0000 now"]}
    )
    log.close()
    failed = httpx.post(
        f"{url}/promote", json={"name": "ad-api-unjudged"}, headers=admin, timeout=30
    )
    assert failed.status_code == 409 and failed.json()["error"]["code"] == "gate_failed"
    assert "test loss 1.5000 vs 1.0000 now" in failed.json()["error"]["message"]

    registered(service, "ad-api-cut", damage=True)
    registered(service, "ad-api-big", rank=64)
    for name, says in (("ad-api-cut", "damaged or truncated"), ("ad-api-big", "rank 64")):
        body = {"name": name, "force": True}
        refused = httpx.post(f"{url}/promote", json=body, headers=admin, timeout=60)
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["code"] == "adapter_refused"
        assert says in refused.json()["error"]["message"]
    nothing = httpx.post(f"{url}/rollback", json={}, headers=admin, timeout=30)
    assert nothing.status_code == 409 and "base model is serving" in nothing.text
    assert serving(service, admin) is None
    shutil.rmtree(service.data_dir / "finetune" / "adapters")


async def test_a_second_promotion_while_one_runs_is_refused(
    log: DialogueLog, tmp_path: Path
) -> None:
    class SlowEngine(LoadingEngine):
        def __init__(self) -> None:
            super().__init__()
            self.release = asyncio.Event()

        async def load_adapter(self, name: str, path: str) -> None:
            await self.release.wait()
            await super().load_adapter(name, path)

    registry = AdapterRegistry(log.sessions)
    for name in ("ad-1", "ad-2"):
        registry.register(name, str(adapter_folder(tmp_path, name)), trained(name))
    engine = SlowEngine()
    router = AdapterRouter(engine, registry, base_model=BASE, max_rank=16)  # type: ignore[arg-type]
    first = asyncio.create_task(router.promote("ad-1", by="t"))
    await asyncio.sleep(0.2)  # the first is loading its adapter
    with pytest.raises(PromotionBusy, match="Another promotion"):
        await router.promote("ad-2", by="t")
    with pytest.raises(PromotionBusy):
        await router.rollback(by="t")
    engine.release.set()
    assert (await first).now == "ad-1"
    serving = registry.serving()
    assert serving is not None and serving.name == "ad-1" and router.model == "ad-1"


def test_the_eval_part_of_the_gate_fails_on_what_got_worse_and_says_by_how_much() -> None:
    now = {"unsupported_facts": 0, "hit_at_1": 0.92, "cut_to_list": 0.0, "intent_accuracy": 0.9}
    new = {"unsupported_facts": 1, "hit_at_1": 0.91, "cut_to_list": 0.05, "intent_accuracy": 0.8}
    result = judge_eval({"failures": [], "passed": True}, now, new, Gate(max_eval_drop=0.02))
    assert result["passed"] is False
    assert result["failures"] == [
        "unsupported_facts 1 vs 0 now", "cut_to_list 0.050 vs 0.000 now",
        "intent_accuracy 0.800 vs 0.900 now",
    ]  # fmt: skip
    same = judge_eval({"failures": [], "passed": True}, now, now, Gate())
    assert same["passed"] and same["eval"]["failures"] == []


def test_promotion_while_the_engine_is_down_changes_nothing(tmp_path: Path) -> None:
    dead = start_service(
        tmp_path, **TEST_ENV, SALESBOT_ENGINE_URL=f"http://127.0.0.1:{free_port()}"
    )
    try:
        dead.wait(engine=False)
        key = apikey(dead, "create", "admin").stdout.strip()
        registered(dead, "ad-while-down")
        refused = httpx.post(
            f"{dead.url}/api/adapters/promote",
            json={"name": "ad-while-down", "force": True},
            headers={"authorization": f"Bearer {key}"},
            timeout=60,
        )
    finally:
        dead.stop()
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "engine_unavailable"
    assert "nothing was changed" in refused.json()["error"]["message"]
    log = DialogueLog(f"sqlite:///{dead.database}")
    assert AdapterRegistry(log.sessions).serving() is None
    log.close()


def test_the_promote_command_says_so_when_the_service_is_not_running(tmp_path: Path) -> None:
    from tests.bot.test_cli import salesbot

    root = tmp_path / "finetune" / "adapters"
    folder = adapter_folder(root, "ad-offline")
    (folder / "training.json").write_text(json.dumps(trained("ad-offline")))
    down = f"http://127.0.0.1:{free_port()}"
    done = salesbot(tmp_path, "finetune", "promote", "ad-offline", "--url", down)
    assert done.returncode == 1 and f"The service at {down} is not answering" in done.stderr
    unknown = salesbot(tmp_path, "finetune", "promote", "ad-nope", "--url", down)
    assert unknown.returncode == 2 and "no adapter 'ad-nope'" in unknown.stderr
    listed = salesbot(tmp_path, "finetune", "list")
    assert any("ad-offline" in line and "candidate" in line for line in listed.stdout.splitlines())
