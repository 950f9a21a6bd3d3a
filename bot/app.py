"""Wire the service together: `create_app(settings)` opens every part in the lifespan."""

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import torch
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from transformers import AutoTokenizer

from bot.chat import ChatService
from bot.chat.hub import Hub
from bot.chat.phrase import banned_token_bias, known_words, token_texts
from bot.config import Settings
from bot.engine.adapters import AdapterRouter, model_ready
from bot.engine.client import EngineClient
from bot.engine.process import EngineProcess
from bot.errors import BadRequest, SalesbotError, not_text
from bot.insight.service import Insight
from bot.log.registry import AdapterRegistry
from bot.metrics import METRICS, watch_event_loop
from bot.prepare import engine_log_path, model_path, open_index, open_log, seed_demo_catalog
from bot.protocol import ErrorInfo, ErrorResponse
from bot.routes import adapters as adapter_routes
from bot.routes import analytics, assist, openai, pages, review, shop, staff, widget
from bot.routes.auth import KEYED, require_api_key
from bot.staff.accounts import Accounts
from bot.staff.desk import Desk
from bot.staff.replies import Replies
from bot.staff.review import Review
from bot.staff.socket import router as staff_socket
from bot.ws import router as ws_router

log = logging.getLogger(__name__)


def error_response(exc: SalesbotError) -> JSONResponse:
    kind = "invalid_request_error" if exc.status < 500 else "server_error"
    body = ErrorResponse(error=ErrorInfo(message=exc.message, type=kind, code=exc.code))
    return JSONResponse(body.model_dump(), status_code=exc.status)


class BodyLimit:
    """Refuse request bodies over the limit before they are read."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = SalesbotError(
            f"The request body is larger than {self.max_bytes} bytes.",
            code="body_too_large",
            status=413,
        )
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if length.isdigit() and int(length) > self.max_bytes:
            await error_response(too_large)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            # A chunked body names no length: count what arrives and stop at the limit.
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise too_large
            return message

        await self.app(scope, counted, send)


class KeyFirst:
    """The one API-key check of `/v1` and `/api` calls, before their body is read, so a caller
    without a key learns that first (FastAPI parses a body before a route's dependencies)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(KEYED):
            try:
                await require_api_key(Request(scope))
            except SalesbotError as exc:
                await error_response(exc)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def engine_weights(registry: AdapterRegistry, base: str, lora: bool) -> str:
    """The weights the service's engine starts on: the serving version's merged folder when it
    was promoted that way (and the folder is there), else the base model."""
    if not lora:
        return base
    serving = registry.serving()
    if serving is None or not serving.merged:
        return base
    if not model_ready(serving.merged):
        log.error("The merged model of %s is missing (%s); starting on the base model.",
                  serving.name, serving.merged)  # fmt: skip
        return base
    return serving.merged


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    # Query embeddings are tiny; one thread each leaves the cores to the engine beside us.
    torch.set_num_threads(1)
    index = await asyncio.to_thread(open_index, settings)
    await asyncio.to_thread(seed_demo_catalog, settings, index)
    dialogue_log = await asyncio.to_thread(open_log, settings)
    if closed := await asyncio.to_thread(dialogue_log.close_interrupted):
        log.warning("Closed %d messages a previous run left unanswered.", closed)
    model = await asyncio.to_thread(model_path, settings)
    registry = AdapterRegistry(dialogue_log.sessions)
    process = None
    engine_url = settings.engine_url
    if not engine_url:
        # A version promoted through its merged weights runs as the engine's own model.
        weights = await asyncio.to_thread(engine_weights, registry, model, settings.engine_lora)
        process = EngineProcess(settings, weights, log_path=engine_log_path(settings))
        engine_url = process.url
    engine = EngineClient(
        engine_url,
        settings.served_model_name,
        timeout=settings.engine_request_timeout,
        process=process,
    )
    adapters = None
    if settings.engine_lora:
        adapters = AdapterRouter(
            engine,
            registry,
            base_model=model,
            max_rank=settings.engine_max_lora_rank,
            poll_seconds=settings.adapter_poll_seconds,
        )
    if process is not None:
        if adapters is not None:
            process.on_ready = adapters.replay  # the serving adapter is back before traffic
        # Serve right away; messages wait for the engine while /health reports it starting.
        await process.start()
    following = asyncio.create_task(adapters.follow()) if adapters is not None else None
    tokenizer = await asyncio.to_thread(AutoTokenizer.from_pretrained, model)
    texts = await asyncio.to_thread(token_texts, tokenizer)
    bias, vocabulary = banned_token_bias(texts), known_words(texts)
    app.state.engine = engine
    app.state.index = index
    app.state.chat = await asyncio.to_thread(
        ChatService, engine, index, dialogue_log, settings=settings, lead_bias=bias,
        vocabulary=vocabulary, adapters=adapters,
    )  # fmt: skip
    app.state.hub = Hub(app.state.chat)
    app.state.accounts = Accounts(dialogue_log.sessions, settings.staff_session_hours)
    app.state.insight = Insight(dialogue_log.sessions)
    await asyncio.to_thread(app.state.insight.refit)
    app.state.review = Review(dialogue_log.sessions)
    app.state.replies = Replies(dialogue_log.sessions, index.get)
    app.state.desk = Desk(app.state.hub, app.state.accounts, app.state.insight)
    refitting = asyncio.create_task(app.state.insight.follow())
    lag = asyncio.create_task(watch_event_loop(METRICS))
    # Now rather than on the first shopper's message: the catalog's snapshot, and the openai
    # package's chat module (imported on first use, 1-3 s with every socket waiting). Then
    # what start-up loaded (libraries, models, the catalog: most of the process's objects) is
    # left out of Python's cycle collection, whose full passes over it stalled every socket
    # for 0.4-0.9 s. Once a process: a second app in it (tests) would keep the first one's
    # garbage for good.
    await asyncio.to_thread(
        lambda: (app.state.chat.search.view, engine.link.openai.chat.completions)
    )
    if not gc.get_freeze_count():
        gc.freeze()
    try:
        yield
    finally:
        lag.cancel()
        refitting.cancel()
        await app.state.hub.close()
        if following is not None:
            following.cancel()  # and wait: it may be starting an engine
            await asyncio.gather(following, return_exceptions=True)
        if adapters is not None:
            await adapters.close()  # engines a blue-green switch replaced, still draining
        running = engine.process  # the one serving now (a switch may have replaced `process`)
        await engine.close()
        if running is not None:
            await running.stop()
        dialogue_log.close()


HTTP_ERRORS: dict[int, tuple[str, str | None]] = {  # code, and the sentence (None: its own)
    400: ("bad_request", None),
    404: ("not_found", "There is no such page or API route."),
    405: ("method_not_allowed", "This route does not take that method."),
}


async def handle_error(_request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, SalesbotError):
        return error_response(exc)
    if isinstance(exc, StarletteHTTPException):  # no such route or method, a body not JSON
        code, detail = HTTP_ERRORS.get(exc.status_code, ("http_error", None))
        message = detail or f"{exc.detail}."
        return error_response(SalesbotError(message, code=code, status=exc.status_code))
    cause = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
    if isinstance(cause, UnicodeEncodeError):
        return error_response(not_text("request", "invalid_text"))
    if isinstance(exc, RequestValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"] if p != "body") or "body"
        return error_response(BadRequest(f"Invalid request: {where}: {first['msg']}."))
    log.exception("Unhandled error", exc_info=exc)
    return error_response(SalesbotError("Something went wrong on our side. Please try again."))


# How uvicorn serves the app (`salesbot serve`, the benchmarks). The chat socket's frames are a
# word or a card each: compressing every one (permessage-deflate, on by default) costs more CPU
# beside the engine than the few bytes it saves.
SERVER_OPTIONS: dict[str, Any] = {"ws_max_size": 1 << 20, "ws_per_message_deflate": False}


def create_app(settings: Settings | None = None) -> FastAPI:
    app = FastAPI(title="salesbot", lifespan=lifespan)
    app.state.settings = settings or Settings()
    app.include_router(pages.router)
    app.include_router(widget.router)
    app.include_router(openai.router)
    app.include_router(shop.router)
    app.include_router(adapter_routes.router)
    app.include_router(ws_router)
    app.include_router(staff.router)
    app.include_router(review.router)
    app.include_router(analytics.router)
    app.include_router(assist.router)
    app.include_router(staff_socket)
    for kind in (SalesbotError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(kind, handle_error)
    app.add_middleware(KeyFirst)
    # Added last, so it runs first: a body too large is refused from its headers alone.
    app.add_middleware(BodyLimit, max_bytes=app.state.settings.max_body_bytes)
    return app
