"""API keys: the OpenAI-compatible API and the shop server's endpoints need one."""

import asyncio
import time

from fastapi import Request

from bot.chat import ChatService
from bot.errors import SalesbotError

KEYED = ("/v1/", "/api/")  # every route under these paths needs a key
KEY_CACHE_S = 30.0  # a revoked key stops working within this long
_known_keys: dict[str, float] = {}


async def require_api_key(request: Request) -> None:
    """Every `/v1` and `/api` call needs `Authorization: Bearer KEY` (`salesbot apikey`)."""
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    key = key.strip()
    now = time.monotonic()
    if scheme.casefold() == "bearer" and key and _known_keys.get(key, 0.0) > now:
        return
    service: ChatService = request.app.state.chat
    if scheme.casefold() == "bearer" and key and len(key) <= 200:
        if await asyncio.to_thread(service.log.api_key_valid, key):
            if len(_known_keys) > 10_000:
                _known_keys.clear()
            _known_keys[key] = now + KEY_CACHE_S
            return
    raise SalesbotError(
        "This API needs a valid key: send the header 'Authorization: Bearer KEY'. The shop's "
        "administrator creates keys with `salesbot apikey create NAME`.",
        code="invalid_api_key",
        status=401,
    )
