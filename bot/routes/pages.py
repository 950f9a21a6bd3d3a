"""Health and metrics."""

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.metrics import METRICS

router = APIRouter()


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    """Report whether the service can answer now (503 while the engine is starting or down)."""
    engine = request.app.state.engine
    process = engine.process
    ready = await engine.healthy()
    body = {
        "status": "ok" if ready else "unavailable",
        "engine": {
            "ready": ready,
            "managed": process is not None,
            "state": process.state if process else ("ready" if ready else "unreachable"),
            "restarts": process.restarts if process else 0,
            "problem": engine.problem,
        },
        "model": request.app.state.settings.model,
        # Chroma's count is a database read: off the event loop, like every blocking call.
        "catalog_products": await asyncio.to_thread(request.app.state.index.count),
    }
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics")
async def metrics() -> Response:
    """Expose Prometheus metrics."""
    return Response(generate_latest(METRICS.registry), media_type=CONTENT_TYPE_LATEST)
