"""The adapter registry over HTTP, with an API key: list versions, promote one, roll back.
`salesbot finetune promote|rollback` call these on the running service."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from bot.engine.adapters import AdapterRouter
from bot.errors import EngineUnavailable, SalesbotError
from bot.log.registry import RegistryError
from bot.log.store import NotFound

# Every route here needs an API key: bot.app.KeyFirst checks it for KEYED paths.
router = APIRouter(prefix="/api/adapters")


class Promotion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    by: str = Field("api", min_length=1, max_length=64)
    # Promote even without a passed `salesbot finetune evaluate` (the gate), e.g. in a test.
    force: bool = False
    # True: through its merged weights on an engine of its own (blue-green); False: as a LoRA
    # adapter; None: as it served before (an adapter the first time).
    merged: bool | None = None


class Canary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    share: float = Field(gt=0, lt=1)  # of new conversations, e.g. 0.1
    by: str = Field("api", min_length=1, max_length=64)
    force: bool = False


class Rollback(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: str = Field("api", min_length=1, max_length=64)


def _router(request: Request) -> AdapterRouter:
    adapters: AdapterRouter | None = request.app.state.chat.adapters
    if adapters is None:
        raise SalesbotError(
            "This service runs without adapters (SALESBOT_ENGINE_LORA=false); restart it with "
            "SALESBOT_ENGINE_LORA=true to serve fine-tuned versions.",
            code="adapters_disabled",
            status=409,
        )
    return adapters


async def _engine_up(adapters: AdapterRouter) -> None:
    try:
        await adapters.engine.ensure_ready(5.0)
    except EngineUnavailable:
        raise EngineUnavailable(
            "The engine is not running (starting, restarting or stopped), so nothing was "
            "changed; the serving version stays. Try again once /health answers 200."
        ) from None


def _gate(evaluation: dict[str, Any] | None, name: str) -> None:
    if evaluation is None:
        raise SalesbotError(
            f"{name} has not been evaluated. Run `salesbot finetune evaluate {name}` first "
            "(or promote with force).",
            code="not_evaluated",
            status=409,
        )
    if not evaluation.get("passed"):
        worse = "; ".join(evaluation.get("failures", [])) or "the gate failed"
        raise SalesbotError(
            f"{name} did not pass the gate: {worse}.", code="gate_failed", status=409
        )


@router.get("")
async def list_adapters(request: Request) -> dict[str, Any]:
    adapters = _router(request)
    rows = await asyncio.to_thread(adapters.registry.all)
    return {
        "serving": adapters.model,
        "serving_merged": bool(adapters.current and adapters.current.merged),
        "canary": adapters.canary.name if adapters.canary else None,
        "canary_share": adapters.canary_share,
        "adapters": [
            {
                "name": r.name, "status": r.status, "canary_share": r.canary_share,
                "dataset": r.dataset, "rank": r.rank,
                "slots": r.slots, "evaluation": r.evaluation,
                "created_at": r.created_at.isoformat(),
                "promoted_at": r.promoted_at.isoformat() if r.promoted_at else None,
                "merged_path": r.merged_path, "serve_merged": r.serve_merged,
            }
            for r in rows
        ],
    }  # fmt: skip


@contextmanager
def _registry_errors() -> Iterator[None]:
    """The registry's refusals as HTTP errors: an unknown name, or nothing to change."""
    try:
        yield
    except NotFound as exc:
        raise SalesbotError(str(exc), code="adapter_not_found", status=404) from None
    except RegistryError as exc:
        raise SalesbotError(str(exc), code="nothing_to_change", status=409) from None


async def _ready_to_serve(adapters: AdapterRouter, name: str, *, force: bool) -> None:
    """What promoting and starting a canary both need: a registered adapter that passed the
    gate (unless forced), and an engine that is up."""
    row = await asyncio.to_thread(adapters.registry.get, name)
    if not force:
        _gate(row.evaluation, name)
    await _engine_up(adapters)


@router.post("/promote")
async def promote(body: Promotion, request: Request) -> dict[str, Any]:
    adapters = _router(request)
    with _registry_errors():
        await _ready_to_serve(adapters, body.name, force=body.force)
        return asdict(await adapters.promote(body.name, by=body.by, merged=body.merged))


@router.post("/rollback")
async def rollback(body: Rollback, request: Request) -> dict[str, Any]:
    adapters = _router(request)
    with _registry_errors():
        await _engine_up(adapters)
        return asdict(await adapters.rollback(by=body.by))


@router.post("/canary")
async def start_canary(body: Canary, request: Request) -> dict[str, Any]:
    """Answer `share` of new conversations with a candidate, to compare it live."""
    adapters = _router(request)
    with _registry_errors():
        await _ready_to_serve(adapters, body.name, force=body.force)
        load_ms = await adapters.start_canary(body.name, body.share, by=body.by)
    return {"canary": body.name, "share": body.share, "load_ms": load_ms}


@router.post("/canary/stop")
async def stop_canary(body: Rollback, request: Request) -> dict[str, Any]:
    adapters = _router(request)
    with _registry_errors():
        return {"stopped": await adapters.stop_canary(by=body.by)}
