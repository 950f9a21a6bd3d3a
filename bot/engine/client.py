"""Talk to the vLLM engine over its OpenAI-compatible API."""

import asyncio
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

import httpx
import openai

from bot.engine.process import EngineProcess
from bot.errors import UNAVAILABLE, EngineUnavailable, SalesbotError

log = logging.getLogger(__name__)


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0


class AdapterRefused(SalesbotError):
    """The engine would not load an adapter (bad files, another base model, rank too high)."""

    code = "adapter_refused"
    status = 409


@dataclass(eq=False)  # each link is its own engine connection: compared and hashed by identity
class EngineLink:
    """One engine the client talks to, and how many answers are streaming from it now."""

    base_url: str
    process: EngineProcess | None
    openai: openai.AsyncOpenAI
    active: int = 0


class EngineClient:
    """Streams chat completions; every transport or engine failure becomes `EngineUnavailable`.

    `repoint` moves new requests to another engine (a blue-green switch) while answers already
    streaming finish on the engine they started on; `drain` waits for those."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        timeout: float,
        process: EngineProcess | None = None,
    ):
        self.model = model
        self.timeout = timeout
        self.problem: str | None = None
        self._serves_model = False  # checked once for an engine the service did not start
        self.link = self._link(base_url, process)

    def _link(self, base_url: str, process: EngineProcess | None) -> EngineLink:
        base_url = base_url.rstrip("/")
        client = openai.AsyncOpenAI(
            base_url=f"{base_url}/v1", api_key="unused", max_retries=0, timeout=self.timeout
        )
        return EngineLink(base_url, process, client)

    @property
    def base_url(self) -> str:
        return self.link.base_url

    @property
    def process(self) -> EngineProcess | None:
        return self.link.process

    def hold(self) -> EngineLink:
        """The engine a turn will use, counted as busy until `release`: a blue-green switch
        lets the turn finish there, even if it has not started streaming yet."""
        link = self.link
        link.active += 1
        return link

    @staticmethod
    def release(link: EngineLink) -> None:
        link.active -= 1

    def repoint(self, base_url: str, process: EngineProcess | None) -> EngineLink:
        """Send new requests to another engine; returns the previous one, to drain and stop."""
        previous, self.link = self.link, self._link(base_url, process)
        return previous

    @staticmethod
    async def drain(link: EngineLink, timeout: float) -> int:
        """Wait until no answer streams from `link` any more (or `timeout` seconds), close its
        client, and return how many were still streaming."""
        try:
            deadline = asyncio.get_running_loop().time() + timeout
            while link.active and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.1)
            return link.active
        finally:
            await link.openai.close()

    async def ensure_ready(self, timeout: float) -> None:
        if self.process is not None:
            await self.process.wait_ready(timeout)
        elif not await self.healthy():
            log.warning(
                "The engine at %s is not ready: %s", self.base_url, self.problem or "unreachable"
            )
            raise EngineUnavailable(UNAVAILABLE)

    async def healthy(self) -> bool:
        """The engine answers, and (an engine the service did not start) serves the model name
        the service asks for; `problem` says what is wrong otherwise, for /health and the log."""
        self.problem = None
        try:
            async with httpx.AsyncClient(timeout=3) as http:
                if (await http.get(f"{self.base_url}/health")).status_code != 200:
                    self.problem = "its /health does not answer 200"
                    return False
                if self.process is not None or self._serves_model:
                    return True
                served = {
                    m["id"] for m in (await http.get(f"{self.base_url}/v1/models")).json()["data"]
                }
        except httpx.HTTPError:
            self.problem = (
                "it is not reachable; check SALESBOT_ENGINE_URL, or leave it empty to let the "
                "service start its own engine"
            )
            return False
        except (ValueError, KeyError, TypeError):
            self.problem = "its /v1/models is not an OpenAI model list"
            return False
        self._serves_model = self.model in served
        if not self._serves_model:
            self.problem = (
                f"it serves {sorted(served)}, not {self.model!r}; start vLLM with "
                f"--served-model-name {self.model} or set SALESBOT_SERVED_MODEL_NAME"
            )
        return self._serves_model

    async def stream_chat(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        temperature: float,
        usage: Usage,
        model: str | None = None,
        extra: dict[str, Any] | None = None,
        link: EngineLink | None = None,
    ) -> AsyncGenerator[str, None]:
        """Yield the reply's text pieces; keep `usage` current from every chunk (vLLM's
        continuous usage stats), so a reply the caller stops early is still counted. The
        answer stays on the engine it started on (or `link`, the one its turn holds), even if
        the client is repointed meanwhile."""
        link = link or self.link
        link.active += 1
        try:
            stream = await link.openai.chat.completions.create(  # type: ignore[call-overload]
                model=model or self.model,
                messages=messages,
                stream=True,
                max_tokens=max_tokens,
                temperature=temperature,
                stream_options={"include_usage": True, "continuous_usage_stats": True},
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
            if link.process is not None:
                link.process.mark_unhealthy()
            raise EngineUnavailable(
                "The assistant's engine stopped answering. Please send your message again "
                "in a minute."
            ) from exc
        except openai.APIStatusError as exc:
            raise EngineUnavailable(
                f"The engine refused the request ({exc.status_code}). Please try again."
            ) from exc
        except openai.APIError as exc:  # e.g. a stream cut off mid-answer
            if link.process is not None:
                link.process.mark_unhealthy()
            raise EngineUnavailable(
                "The assistant's engine stopped while answering. Please send your message again "
                "in a minute."
            ) from exc
        finally:
            link.active -= 1

    async def load_adapter(self, name: str, path: str, *, at: str | None = None) -> None:
        """Make a LoRA adapter servable as model `name` (vLLM's runtime LoRA loading), on this
        client's engine or the one at `at` (an engine about to take over). One the engine
        serves already is left as it is: replicas sharing an engine all load what the registry
        says, and vLLM refuses a name twice."""
        if name in await self.served_models(at=at):
            return
        try:
            await self._adapter_call(
                "load_lora_adapter", {"lora_name": name, "lora_path": path}, at=at
            )
        except AdapterRefused as exc:
            # Another replica loaded it between the check and the call.
            if "already been loaded" not in exc.message:
                raise

    async def served_models(self, *, at: str | None = None) -> set[str]:
        """The names the engine answers to: the base model and every loaded adapter."""
        try:
            async with httpx.AsyncClient(timeout=5) as http:
                response = await http.get(f"{at or self.base_url}/v1/models")
                response.raise_for_status()
                return {m["id"] for m in response.json()["data"]}
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            raise EngineUnavailable(UNAVAILABLE) from exc

    async def _adapter_call(self, what: str, body: dict[str, str], at: str | None = None) -> None:
        try:
            async with httpx.AsyncClient(timeout=60) as http:
                response = await http.post(f"{at or self.base_url}/v1/{what}", json=body)
        except httpx.HTTPError as exc:
            raise EngineUnavailable(
                "The engine is not reachable, so the adapter was not loaded; what is served "
                "did not change."
            ) from exc
        if response.status_code == 404 and b"Not Found" in response.content[:200]:
            raise AdapterRefused(
                "The engine was started without LoRA support (it has no adapter endpoints). "
                "Start it with --enable-lora and VLLM_ALLOW_RUNTIME_LORA_UPDATING=True."
            )
        if response.status_code >= 400:
            try:
                detail = response.json()
                detail = detail.get("error", detail).get("message", detail)
            except (ValueError, AttributeError):
                detail = response.text[:500]
            raise AdapterRefused(f"The engine refused the adapter: {detail}")

    async def close(self) -> None:
        await self.link.openai.close()
