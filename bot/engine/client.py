"""Talk to the vLLM engine over its OpenAI-compatible API."""

import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

import httpx
import openai

from bot.engine.process import EngineProcess
from bot.errors import UNAVAILABLE, EngineUnavailable

log = logging.getLogger(__name__)


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0


class EngineClient:
    """Streams chat completions; every transport or engine failure becomes `EngineUnavailable`."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        timeout: float,
        process: EngineProcess | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.process = process
        self._openai = openai.AsyncOpenAI(
            base_url=f"{self.base_url}/v1", api_key="unused", max_retries=0, timeout=timeout
        )

    async def ensure_ready(self, timeout: float) -> None:
        if self.process is not None:
            await self.process.wait_ready(timeout)
        elif not await self.healthy():
            log.warning(
                "The engine at %s is not reachable. Check SALESBOT_ENGINE_URL or leave it empty "
                "to let the service start its own engine.", self.base_url,
            )  # fmt: skip
            raise EngineUnavailable(UNAVAILABLE)

    async def healthy(self) -> bool:
        try:
            async with httpx.AsyncClient(timeout=3) as http:
                return (await http.get(f"{self.base_url}/health")).status_code == 200
        except httpx.HTTPError:
            return False

    async def stream_chat(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        temperature: float,
        usage: Usage,
        model: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> AsyncGenerator[str, None]:
        """Yield the reply's text pieces; fill `usage` from the final chunk."""
        try:
            stream = await self._openai.chat.completions.create(  # type: ignore[call-overload]
                model=model or self.model,
                messages=messages,
                stream=True,
                max_tokens=max_tokens,
                temperature=temperature,
                stream_options={"include_usage": True},
                extra_body=extra,
            )
            async with stream:
                async for chunk in stream:
                    if chunk.usage is not None:
                        usage.prompt_tokens = chunk.usage.prompt_tokens
                        usage.completion_tokens = chunk.usage.completion_tokens
                    if chunk.choices and chunk.choices[0].delta.content:
                        yield chunk.choices[0].delta.content
        except (openai.APIConnectionError, openai.APITimeoutError, httpx.HTTPError) as exc:
            if self.process is not None:
                self.process.mark_unhealthy()
            raise EngineUnavailable(
                "The assistant's engine stopped answering. Please send your message again "
                "in a minute."
            ) from exc
        except openai.APIStatusError as exc:
            raise EngineUnavailable(
                f"The engine refused the request ({exc.status_code}). Please try again."
            ) from exc
        except openai.APIError as exc:  # e.g. a stream cut off mid-answer
            if self.process is not None:
                self.process.mark_unhealthy()
            raise EngineUnavailable(
                "The assistant's engine stopped while answering. Please send your message again "
                "in a minute."
            ) from exc

    async def close(self) -> None:
        await self._openai.close()
