"""The blue-green switch's logic in-process: which engine runs which weights, when the old one
may stop, and what is left untouched when the new one fails. Engine processes are stand-ins
that start and stop on command (the real switch, with two vLLM engines, is tested end to end
in tests/finetune/test_bluegreen.py); the registry is real SQLite."""

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

import bot.engine.adapters as adapters_module
from bot.app import engine_weights
from bot.engine.adapters import AdapterRouter
from bot.engine.client import AdapterRefused, EngineClient
from bot.errors import EngineUnavailable
from bot.log.registry import AdapterRegistry, Serving
from bot.log.store import DialogueLog
from tests.bot.test_registry import BASE, adapter_folder, trained


class StandInProcess:
    """What the router asks of an engine process: its weights and address, start, stop."""

    started: list["StandInProcess"] = []
    fail_next = False

    def __init__(self, settings: Any, model_path: str, *, log_path: Path, port: int = 9):
        self.settings, self.model_path, self.log_path = settings, model_path, log_path
        self.url = f"http://127.0.0.1:{port}"
        self.state, self.on_ready = "stopped", None
        self.fails = StandInProcess.fail_next

    async def start(self) -> None:
        StandInProcess.started.append(self)
        self.state = "failed" if self.fails else "ready"

    async def wait_started(self, timeout: float) -> None:
        if self.fails:
            raise EngineUnavailable("it failed to start; its log is at engine.log")

    async def stop(self) -> None:
        self.state = "stopped"


@pytest.fixture
def world(
    log: DialogueLog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[AdapterRouter, EngineClient, AdapterRegistry, Path]:
    monkeypatch.setattr(adapters_module, "EngineProcess", StandInProcess)
    StandInProcess.started, StandInProcess.fail_next = [], False
    registry = AdapterRegistry(log.sessions)
    registry.register("ad-1", str(adapter_folder(tmp_path, "ad-1")), trained("ad-1"))
    merged = tmp_path / "models" / "ad-1"
    merged.mkdir(parents=True)
    (merged / "config.json").write_text("{}")
    registry.set_merged("ad-1", str(merged))
    # The base model by name, as SALESBOT_MODEL may give it (a hub name, no local folder).
    base = "HuggingFaceTB/" + Path(BASE).name
    first = StandInProcess(None, base, log_path=tmp_path / "engine.log")
    first.state = "ready"
    engine = EngineClient(first.url, "salesbot", timeout=5, process=first)  # type: ignore[arg-type]
    router = AdapterRouter(engine, registry, base_model=base, max_rank=16)
    return router, engine, registry, merged


async def test_a_merged_version_gets_an_engine_of_its_own_and_the_old_one_drains_first(
    world: tuple[AdapterRouter, EngineClient, AdapterRegistry, Path],
) -> None:
    router, engine, registry, merged = world
    old = engine.link
    held = engine.hold()  # a turn picked the base model and its engine, not streaming yet
    assert held is old and old.active == 1
    switched = await router.promote("ad-1", by="t", merged=True)
    assert switched.merged and switched.engine_ms > 0 and switched.now == "ad-1"
    [new] = StandInProcess.started
    assert engine.process is new and new.model_path == str(merged) and new.on_ready is not None
    assert old.process is not None and old.process.on_ready is None  # never replays into new
    serving = registry.serving()
    assert serving is not None and serving.merged == str(merged)
    assert router.current == serving and serving.request_model is None  # the engine's own name
    assert router.pick("session-1") == serving and engine.link is not old  # picked together
    await asyncio.sleep(0.3)
    assert old.process.state == "ready"  # still there for the turn that holds it
    engine.release(held)  # that turn ended
    for _ in range(50):
        if old.process.state == "stopped":
            break
        await asyncio.sleep(0.1)
    assert old.process.state == "stopped"
    # A canary is an adapter on the base model: not while merged weights run.
    with pytest.raises(AdapterRefused, match="runs a version's merged weights; a canary"):
        await router.start_canary("ad-1", 0.2, by="t")
    # Rolling back switches to a base-model engine the same way (the base given by name).
    back = await router.rollback(by="t")
    assert back.now is None and back.engine_ms > 0
    assert engine.process is StandInProcess.started[-1]
    assert engine.process.model_path == router.base_model
    assert registry.serving() is None and router.current is None
    await router.close()


async def test_a_registry_write_that_fails_stops_the_new_engine_and_changes_nothing(
    world: tuple[AdapterRouter, EngineClient, AdapterRegistry, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    router, engine, registry, _ = world
    before = engine.link

    def database_down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("UPDATE adapters", {}, Exception("database is locked"))

    monkeypatch.setattr(registry, "switch", database_down)
    with pytest.raises(OperationalError):
        await router.promote("ad-1", by="t", merged=True)
    [started] = StandInProcess.started
    assert started.state == "stopped" and engine.link is before and router.current is None


async def test_a_new_engine_that_fails_to_start_leaves_everything_as_it_was(
    world: tuple[AdapterRouter, EngineClient, AdapterRegistry, Path],
) -> None:
    router, engine, registry, _ = world
    before = engine.process
    StandInProcess.fail_next = True
    with pytest.raises(AdapterRefused, match="did not take over .*failed to start"):
        await router.promote("ad-1", by="t", merged=True)
    assert engine.process is before and registry.serving() is None and router.current is None
    assert StandInProcess.started[0].state == "stopped"  # the failed one is cleaned up


async def test_what_cannot_switch_engines_is_refused_with_the_way_out(
    world: tuple[AdapterRouter, EngineClient, AdapterRegistry, Path], tmp_path: Path
) -> None:
    router, engine, registry, _ = world
    registry.register("ad-2", str(adapter_folder(tmp_path, "ad-2")), trained("ad-2"))
    with pytest.raises(AdapterRefused, match="no merged model yet: run `salesbot finetune merge"):
        await router.promote("ad-2", by="t", merged=True)
    router.canary = Serving("ad-2", str(tmp_path / "ad-2"), frozenset())  # a canary runs
    with pytest.raises(AdapterRefused, match="canary ad-2 runs on the current engine; stop it"):
        await router.promote("ad-1", by="t", merged=True)
    external = EngineClient("http://127.0.0.1:9", "salesbot", timeout=5)
    outside = AdapterRouter(external, registry, base_model=BASE, max_rank=16)
    with pytest.raises(AdapterRefused, match="external engine .*SALESBOT_ENGINE_URL"):
        await outside.promote("ad-1", by="t", merged=True)
    assert registry.serving() is None and StandInProcess.started == []


def test_the_service_starts_its_engine_on_the_merged_weights_that_serve(
    world: tuple[AdapterRouter, EngineClient, AdapterRegistry, Path],
) -> None:
    _, _, registry, merged = world
    assert engine_weights(registry, BASE, lora=True) == BASE
    registry.register("ad-2", "/adapters/ad-2", trained("ad-2"))
    registry.switch("ad-2", action="promote", by="t")
    registry.switch("ad-1", action="promote", by="t", merged=True)
    assert engine_weights(registry, BASE, lora=True) == str(merged)
    assert engine_weights(registry, BASE, lora=False) == BASE
    (merged / "config.json").unlink()
    merged.rmdir()
    assert engine_weights(registry, BASE, lora=True) == BASE  # gone: the base, and a log line
    # Served the other way, the same version is a switch of its own; rollback skips it and
    # goes to what served before that version.
    registry.switch("ad-1", action="promote", by="t", merged=False)
    assert registry.rollback_target() == "ad-2"
