"""OpenAI-compatible chat: `/v1/chat/completions` and `/v1/models` over the grounded pipeline."""

import json
import time
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from bot.chat import ChatService, Done, Event, Products, Token
from bot.chat.events import Turn
from bot.chat.profile import ShopperProfile
from bot.errors import BadRequest, SalesbotError
from bot.protocol import SESSION_ID, ChatCompletionRequest, ChatMessage
from bot.sessions import API_PREFIX, new_session_id

# Every route here needs an API key: bot.app.KeyFirst checks it for KEYED paths.
router = APIRouter(prefix="/v1")


def text_of(message: ChatMessage) -> str:
    if isinstance(message.content, list):
        return "".join(str(part.get("text", "")) for part in message.content)
    return message.content or ""


def split_conversation(messages: list[ChatMessage]) -> tuple[list[Turn], str]:
    """Pair earlier user/assistant messages into history; the last message is the question.

    System messages are ignored: the store's own system prompt is what keeps answers grounded.
    """
    if messages[-1].role != "user":
        raise BadRequest("The last message must come from the user.", code="invalid_messages")
    history: list[Turn] = []
    pending: str | None = None
    for message in messages[:-1]:
        if message.role == "user":
            pending = text_of(message)
        elif message.role == "assistant" and pending is not None:
            history.append(Turn(pending, text_of(message)))
            pending = None
    return history, text_of(messages[-1])


async def replay_profile(
    service: ChatService, session_id: str, history: list[Turn]
) -> ShopperProfile:
    """The stored profile of a known `user` session; else one rebuilt from the history sent."""
    stored = await service.log.profile(session_id)
    if stored is not None:
        return ShopperProfile.model_validate(stored)
    profile = ShopperProfile()
    for turn in history:
        profile = (await service.plan(turn.user, profile)).profile
    return profile


def chunk(completion_id: str, model: str, delta: dict[str, Any], **extra: Any) -> str:
    body = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": extra.pop("finish", None)}],
        **extra,
    }
    return f"data: {json.dumps(body)}\n\n"


@router.get("/models")
async def list_models(request: Request) -> dict[str, Any]:
    """List the model this service answers as."""
    name = request.app.state.settings.served_model_name
    return {
        "object": "list",
        "data": [{"id": name, "object": "model", "created": 0, "owned_by": "salesbot"}],
    }


@router.post("/chat/completions", response_model=None)
async def chat_completions(
    body: ChatCompletionRequest, request: Request
) -> JSONResponse | StreamingResponse:
    """Answer a chat from the store's catalog, in the OpenAI chat-completions format."""
    settings = request.app.state.settings
    service: ChatService = request.app.state.chat
    model = settings.served_model_name
    if body.model not in (None, model):
        raise SalesbotError(
            f'The model "{body.model}" does not exist here. Use "{model}" (see /v1/models).',
            code="model_not_found",
            status=404,
        )
    history, text = split_conversation(body.messages)
    # A `user` names an API conversation, never a shopper's widget conversation.
    user = body.user or ""
    known = SESSION_ID.match(user) and len(user) <= 60
    session_id = API_PREFIX + (user if known else new_session_id())
    turn_id = await service.accept(session_id, "openai", text)
    limit = settings.max_reply_tokens
    max_tokens = min(body.max_completion_tokens or body.max_tokens or limit, limit)
    profile = await replay_profile(service, session_id, history)
    events = service.answer(
        turn_id, text, profile=profile, session_id=session_id,
        max_tokens=max_tokens, temperature=body.temperature,
    )  # fmt: skip
    completion_id = f"chatcmpl-{turn_id}"
    if body.stream:
        return StreamingResponse(
            stream(events, completion_id, model), media_type="text/event-stream"
        )
    products: list[dict[str, Any]] = []
    done: Done | None = None
    async with aclosing(events):
        async for event in events:
            if isinstance(event, Products):
                products = cards_of(event)
            elif isinstance(event, Done):
                done = event
    assert done is not None  # answer() ends with Done or raises
    return JSONResponse(
        {
            "id": completion_id,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": done.text},
                    "finish_reason": "stop",
                }
            ],
            "usage": usage_of(done),
            "products": products,
        }
    )


def cards_of(event: Products) -> list[dict[str, Any]]:
    return [
        h.product.card() | {"score": h.score, "note": event.notes.get(h.product.id)}
        for h in event.hits
    ]


def usage_of(done: Done) -> dict[str, int]:
    prompt, completion = done.usage.prompt_tokens, done.usage.completion_tokens
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


async def stream(
    events: AsyncGenerator[Event, None], completion_id: str, model: str
) -> AsyncIterator[str]:
    async with aclosing(events):
        try:
            async for event in events:
                if isinstance(event, Products):
                    cards = cards_of(event)
                    yield chunk(completion_id, model, {"role": "assistant"}, products=cards)
                elif isinstance(event, Token):
                    yield chunk(completion_id, model, {"content": event.text})
                elif isinstance(event, Done):
                    yield chunk(completion_id, model, {}, finish="stop", usage=usage_of(event))
        except SalesbotError as exc:
            error = {"message": exc.message, "type": "server_error", "code": exc.code}
            yield f"data: {json.dumps({'error': error})}\n\n"
    yield "data: [DONE]\n\n"
