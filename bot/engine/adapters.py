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
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.engine.client import AdapterRefused, EngineClient
from bot.errors import SalesbotError
from bot.log.registry import AdapterRegistry, Serving

log = logging.getLogger(__name__)
ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")


BUSY = "Another promotion or rollback is running; try again when it ends."


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

    @property
    def model(self) -> str | None:
        """The model name new turns ask the engine for; None: the base model."""
        return self.current.name if self.current else None

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
            row = await asyncio.to_thread(self.registry.get, name)
            load_ms = await self._load(Serving.of(row))
            await asyncio.to_thread(lambda: self.registry.start_canary(name, share, by=by))
            self.canary, self.canary_share = Serving.of(row), share
        return load_ms

    async def stop_canary(self, *, by: str) -> str:
        async with self._change():
            name = await asyncio.to_thread(lambda: self.registry.stop_canary(by=by))
            self.canary, self.canary_share = None, 0.0
        return name

    async def promote(self, name: str | None, *, by: str, action: str = "promote") -> Switched:
        """Load `name` (None: the base model) and switch new turns to it. Nothing changes when
        any step fails."""
        async with self._change():
            target = None
            if name is not None:
                row = await asyncio.to_thread(self.registry.get, name)
                target = Serving.of(row)
            load_ms = await self._load(target) if target is not None else 0.0
            started = time.perf_counter()
            previous = await asyncio.to_thread(
                lambda: self.registry.switch(name, action=action, by=by)
            )
            self.current = target
            if self.canary is not None and target is not None and self.canary.name == name:
                self.canary, self.canary_share = None, 0.0  # the canary now serves everyone
            switch_ms = (time.perf_counter() - started) * 1000
        log.info("%s: %s -> %s", action, previous or "base model", name or "base model")
        return Switched(previous, name, load_ms, switch_ms)

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
        if serving is not None and check_engine:
            # An engine we do not supervise may have restarted and lost its adapters.
            if serving.name not in await self.engine.served_models():
                self._loaded.discard(serving.name)
                self.current = None
        if serving != self.current:
            if serving is not None:
                await self._load(serving)
            self.current = serving
            log.info("Now serving %s.", serving.name if serving else "the base model")
        await self._follow_canary()
