"""Which model version answers: the registry's serving LoRA adapter, loaded into the engine at
run time before any turn is routed to it.

Every version is loaded under its own name from its own immutable folder (vLLM caches by name
and path, so reloading a changed folder under an old name is unsafe), and switching is a change
of the name new turns ask for: answers already streaming finish on the version they started
with. The previous version stays loaded, so a rollback is a switch too.
"""

import asyncio
import hashlib
import json
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.engine.client import AdapterRefused, EngineClient, EngineLink
from bot.engine.process import EngineProcess
from bot.errors import SalesbotError
from bot.log.registry import AdapterRegistry, Serving

log = logging.getLogger(__name__)
ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")


BUSY = "Another promotion or rollback is running; try again when it ends."
EXTERNAL = (
    "A merged version runs on an engine of its own, which the service can only start in place "
    "of the engine it supervises; with an external engine (SALESBOT_ENGINE_URL), start vLLM on "
    "the merged folder yourself, or promote the version as an adapter (without --merged)."
)
MERGED_ENGINE = (
    "The engine runs a version's merged weights; a canary is an adapter on the base model. Roll "
    "back, or promote that version --as-adapter, before starting a canary."
)
ENGINE_START_TIMEOUT = 900.0  # a new engine's start-up, before the switch is given up
DRAIN_TIMEOUT = 300.0  # answers still streaming on the previous engine get this long


def model_ready(path: str) -> bool:
    """Whether a folder holds a model an engine can start on (merged weights are written whole
    or not at all, with their config.json)."""
    return Path(path, "config.json").is_file()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PromotionBusy(SalesbotError):
    code = "promotion_running"
    status = 409


def check_adapter(path: Path, *, base_model: str, max_rank: int) -> dict[str, Any]:
    """Refuse, with a sentence, an adapter folder the engine could not serve correctly."""
    if not path.is_dir():
        raise AdapterRefused(f"The adapter folder {path} does not exist any more.")
    missing = [name for name in ADAPTER_FILES if not (path / name).is_file()]
    if missing:
        raise AdapterRefused(f"The adapter in {path} is incomplete: {', '.join(missing)} missing.")
    try:
        config = json.loads((path / "adapter_config.json").read_text())
        rank = int(config["r"])
    except (OSError, ValueError, KeyError, TypeError):
        raise AdapterRefused(f"The adapter_config.json in {path} is unreadable.") from None
    if rank > max_rank:
        raise AdapterRefused(
            f"The adapter has LoRA rank {rank}; the engine serves ranks up to {max_rank} "
            "(SALESBOT_ENGINE_MAX_LORA_RANK). Retrain with a lower --rank or raise the limit."
        )
    trained_on = Path(str(config.get("base_model_name_or_path", ""))).name
    if trained_on and trained_on != Path(base_model).name:
        raise AdapterRefused(
            f"The adapter was trained on {trained_on}, but the engine serves "
            f"{Path(base_model).name}; an adapter only works on the model it was trained on."
        )
    try:
        from safetensors import safe_open

        with safe_open(str(path / "adapter_model.safetensors"), framework="pt") as weights:
            names = list(weights.keys())
            for name in names:  # reads every tensor: a truncated file fails here, not in vLLM
                weights.get_tensor(name)
    except Exception as exc:  # safetensors raises its own error types for damaged files
        raise AdapterRefused(
            f"The adapter's weights in {path} are damaged or truncated ({exc})."
        ) from None
    if not names:
        raise AdapterRefused(f"The adapter's weights in {path} are empty.")
    return config


@dataclass
class Switched:
    previous: str | None
    now: str | None
    load_ms: float  # loading into the engine (0 when it was loaded already)
    switch_ms: float  # the registry write and the router switch
    merged: bool = False  # served through its merged weights, by an engine of its own
    engine_ms: float = 0.0  # starting that engine until it took over (0: no engine switch)


class AdapterRouter:
    def __init__(
        self,
        engine: EngineClient,
        registry: AdapterRegistry,
        *,
        base_model: str,
        max_rank: int,
        poll_seconds: float = 1.0,
    ):
        self.engine = engine
        self.registry = registry
        self.base_model = base_model
        self.max_rank = max_rank
        self.poll_seconds = poll_seconds
        self.current: Serving | None = None
        self.canary: Serving | None = None
        self.canary_share = 0.0
        self._loaded: set[str] = set()
        # Every change of what serves holds the lock (so following the registry cannot undo a
        # promotion made at the same moment); a second promotion is refused, not queued.
        self._lock = asyncio.Lock()
        self._changing = False
        # Told of each version as it starts answering (the chat service writes its greetings).
        self.on_serving: Callable[[Serving], None] | None = None
        # Engines replaced by a blue-green switch, until their last answers end.
        self._retiring: dict[EngineLink, asyncio.Task[None]] = {}
        # A version this replica could not start an engine for: (it, next try, pause).
        self._unservable: tuple[Serving | None, float, float] | None = None

    @property
    def model(self) -> str | None:
        """The version new turns get; None: the base model."""
        return self.current.name if self.current else None

    def engine_path(self, serving: Serving | None) -> str:
        """The weights the engine must run for `serving`: its merged folder, else the base."""
        return serving.merged if serving is not None and serving.merged else self.base_model

    def _runs(self, serving: Serving | None) -> bool:
        """Whether the engine runs the weights `serving` needs (an external engine is taken
        to run the base model)."""
        process = self.engine.process
        running = process.model_path if process is not None else self.base_model
        return running == self.engine_path(serving)

    async def _start_engine(self, serving: Serving | None) -> EngineProcess | None:
        """Blue-green, first half: when `serving` needs other weights than the engine runs,
        start an engine on them beside the current one and load `serving` into it if it is an
        adapter. Returns it ready (None: no switch needed); the current engine keeps serving
        until `_take_over`. A failure stops the new engine and changes nothing."""
        if self._runs(serving):
            return None
        process = self.engine.process
        if process is None:
            raise AdapterRefused(EXTERNAL)
        if self.canary is not None:
            raise AdapterRefused(
                f"The canary {self.canary.name} runs on the current engine; stop it "
                "(`salesbot finetune canary --stop`) before switching engines."
            )
        path = self.engine_path(serving)
        if serving is not None and serving.merged and not model_ready(path):
            raise AdapterRefused(
                f"There is no model in {path} (its config.json is missing); merge the version "
                "again with `salesbot finetune merge NAME`."
            )
        log.info("Starting an engine on %s to take over (blue-green).", path)
        new = EngineProcess(
            process.settings, path, port=free_port(),
            log_path=process.log_path.with_name(f"engine-{Path(path).name}.log"),
        )  # fmt: skip
        await new.start()
        try:
            await new.wait_started(ENGINE_START_TIMEOUT)
            if serving is not None and not serving.merged:
                await asyncio.to_thread(
                    check_adapter, Path(serving.path), base_model=self.base_model,
                    max_rank=self.max_rank,
                )  # fmt: skip
                await self.engine.load_adapter(serving.name, serving.path, at=new.url)
        except SalesbotError as exc:
            await new.stop()
            raise AdapterRefused(
                f"The engine on {Path(path).name} did not take over ({exc.message}); the "
                "current engine keeps serving."
            ) from None
        except BaseException:
            await new.stop()
            raise
        return new

    def _take_over(self, new: EngineProcess | None, serving: Serving | None) -> None:
        """Blue-green, second half, in one step with no await: new turns get `serving` and the
        new engine together (a turn picks both at once); the old engine stops once the turns
        holding it have ended. Also the plain switch when `new` is None."""
        if new is not None:
            previous = self.engine.repoint(new.url, new)
            new.on_ready = self.replay  # its own restarts replay the registry
            if previous.process is not None:
                previous.process.on_ready = None  # draining: it must not replay into the new one
            self._loaded = {serving.name} if serving is not None and not serving.merged else set()
            self._retiring[previous] = asyncio.create_task(self._retire(previous))
            log.info("The engine on %s took over.", new.model_path)
        self.current = serving
        if new is not None and serving is not None and serving.merged and self.on_serving:
            self.on_serving(serving)

    async def _retire(self, link: EngineLink) -> None:
        """Stop a replaced engine once the answers it was writing have ended."""
        try:
            left = await EngineClient.drain(link, DRAIN_TIMEOUT)
            if left:
                log.warning("%d answers were still streaming from the previous engine after "
                            "%.0f s; it stops now.", left, DRAIN_TIMEOUT)  # fmt: skip
        finally:
            if link.process is not None:
                await link.process.stop()
            self._retiring.pop(link, None)
            log.info("The previous engine (%s) is stopped.", link.base_url)

    async def close(self) -> None:
        """Stop the engines still draining (the service is shutting down): each retiring task
        stops its engine as it ends."""
        tasks = list(self._retiring.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def pick(self, session_id: str | None) -> Serving | None:
        """The version for a turn of this conversation: the canary for its share of
        conversations (the same ones every turn, by a hash of the id), else the serving one."""
        if self.canary is not None and session_id:
            bucket = int.from_bytes(hashlib.sha256(session_id.encode()).digest()[:4]) / 2**32
            if bucket < self.canary_share:
                return self.canary
        return self.current

    async def _load(self, adapter: Serving) -> float:
        if adapter.name in self._loaded:
            return 0.0
        load_ms = await self._load_into_engine(adapter)
        if self.on_serving is not None:
            self.on_serving(adapter)
        return load_ms

    async def _load_into_engine(self, adapter: Serving) -> float:
        started = time.perf_counter()
        await asyncio.to_thread(
            check_adapter, Path(adapter.path), base_model=self.base_model, max_rank=self.max_rank
        )
        await self.engine.load_adapter(adapter.name, adapter.path)
        self._loaded.add(adapter.name)
        return (time.perf_counter() - started) * 1000

    async def replay(self) -> None:
        """The engine just (re)started with no adapters: load the serving one before any
        traffic reaches it. One that cannot be loaded leaves the base model answering."""
        self._loaded.clear()
        serving = await asyncio.to_thread(self.registry.serving)
        if not self._runs(serving):
            # The registry changed (another replica, the CLI) while this engine was down:
            # `follow` switches engines once this one is up; the engine's own weights answer.
            self.current = None
            await self._follow_canary()
            return
        if serving is not None and serving.merged:
            self.current = serving
            if self.on_serving is not None:
                self.on_serving(serving)
            await self._follow_canary()
            return
        if serving is not None:
            try:
                await self._load(serving)
            except SalesbotError as exc:
                log.error("Could not load the serving adapter %s: %s", serving.name, exc.message)
                serving = None
        self.current = serving
        if serving is not None:
            log.info("Serving adapter %s.", serving.name)
        await self._follow_canary()

    async def _follow_canary(self) -> None:
        found = await asyncio.to_thread(self.registry.canary)
        canary, share = found if found is not None else (None, 0.0)
        if canary is not None and not self._runs(None):
            canary = None  # an adapter on merged weights would be neither version: the base answers
        if canary is not None and canary != self.canary:
            try:
                await self._load(canary)
            except SalesbotError as exc:
                log.error("Could not load the canary %s: %s", canary.name, exc.message)
                canary = None
        self.canary, self.canary_share = canary, share if canary is not None else 0.0

    @asynccontextmanager
    async def _change(self) -> AsyncIterator[None]:
        if self._changing:
            raise PromotionBusy(BUSY)
        self._changing = True
        try:
            async with self._lock:
                yield
        finally:
            self._changing = False

    async def start_canary(self, name: str, share: float, *, by: str) -> float:
        """Load `name` and send `share` of new conversations to it; returns the load time."""
        async with self._change():
            if not self._runs(None):
                raise AdapterRefused(MERGED_ENGINE)
            row = await asyncio.to_thread(self.registry.get, name)
            load_ms = await self._load(Serving.of(row, as_adapter=True))
            await asyncio.to_thread(lambda: self.registry.start_canary(name, share, by=by))
            self.canary, self.canary_share = Serving.of(row, as_adapter=True), share
        return load_ms

    async def stop_canary(self, *, by: str) -> str:
        async with self._change():
            name = await asyncio.to_thread(lambda: self.registry.stop_canary(by=by))
            self.canary, self.canary_share = None, 0.0
        return name

    async def promote(
        self, name: str | None, *, by: str, action: str = "promote", merged: bool | None = None
    ) -> Switched:
        """Load `name` (None: the base model) and switch new turns to it; `merged`: through its
        merged weights on an engine of its own (a blue-green switch), False: as an adapter,
        None: as it served before. Nothing changes when any step fails."""
        async with self._change():
            target = None
            if name is not None:
                row = await asyncio.to_thread(self.registry.get, name)
                target = Serving.of(row)
                if merged is not None:
                    if merged and not row.merged_path:
                        raise AdapterRefused(
                            f"{name} has no merged model yet: run `salesbot finetune merge "
                            f"{name}` (or promote with --merged, which merges first)."
                        )
                    target = replace(target, merged=row.merged_path if merged else None)
            began = time.perf_counter()
            new = await self._start_engine(target)
            engine_ms = (time.perf_counter() - began) * 1000 if new is not None else 0.0
            try:
                adapter = target is not None and not target.merged and new is None
                load_ms = await self._load(target) if adapter and target else 0.0
                started = time.perf_counter()
                previous = await asyncio.to_thread(
                    lambda: self.registry.switch(name, action=action, by=by, merged=merged)
                )
            except BaseException:
                if new is not None:
                    await new.stop()  # the registry still names what serves: nothing changed
                raise
            self._take_over(new, target)
            if self.canary is not None and target is not None and self.canary.name == name:
                self.canary, self.canary_share = None, 0.0  # the canary now serves everyone
            switch_ms = (time.perf_counter() - started) * 1000
        how = " (merged, its own engine)" if target and target.merged else ""
        log.info("%s: %s -> %s%s", action, previous or "base model", name or "base model", how)
        return Switched(
            previous, name, load_ms, switch_ms, bool(target and target.merged), engine_ms
        )

    async def rollback(self, *, by: str) -> Switched:
        if self._changing:  # its target is only known once the running change is done
            raise PromotionBusy(BUSY)
        target = await asyncio.to_thread(self.registry.rollback_target)
        return await self.promote(target, by=by, action="rollback")

    async def follow(self) -> None:
        """Keep in step with changes other replicas or the CLI made to the registry."""
        polls = 0
        while True:
            await asyncio.sleep(self.poll_seconds)
            polls += 1
            process = self.engine.process
            if process is not None and process.state != "ready":
                continue  # a starting engine gets the serving adapter from `replay`
            try:
                async with self._lock:
                    await self._follow(check_engine=process is None and polls % 10 == 0)
            except Exception:
                log.exception("Could not follow the adapter registry; will try again.")

    async def _follow(self, *, check_engine: bool) -> None:
        serving = await asyncio.to_thread(self.registry.serving)
        if not self._runs(serving):
            if self._unservable is not None and self._unservable[0] == serving:
                if time.monotonic() < self._unservable[1]:
                    await self._follow_canary()
                    return  # said already; tried again after a pause
            try:
                new = await self._start_engine(serving)
            except AdapterRefused as exc:
                pause = min(2 * self._unservable[2], 600.0) if self._unservable else 30.0
                self._unservable = (serving, time.monotonic() + pause, pause)
                what = serving.name if serving else "the base model"
                log.error("Cannot serve %s on this replica: %s Trying again in %.0f s.",
                          what, exc.message, pause)  # fmt: skip
                await self._follow_canary()
                return
            self._unservable = None
            self._take_over(new, serving)
            log.info("Now serving %s on a new engine.", serving.name if serving else "the base")
            await self._follow_canary()
            return
        if serving is not None and check_engine and not serving.merged:
            # An engine we do not supervise may have restarted and lost its adapters.
            if serving.name not in await self.engine.served_models():
                self._loaded.discard(serving.name)
                self.current = None
        if serving != self.current:
            if serving is not None and not serving.merged:
                await self._load(serving)
            self.current = serving
            log.info("Now serving %s.", serving.name if serving else "the base model")
        await self._follow_canary()
