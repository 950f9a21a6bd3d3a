"""The comparison point for `salesbot loadtest --baseline`: the chat server a developer might write
first for the same model. FastAPI, one `transformers` `generate` per message in a worker thread,
streamed with `TextIteratorStreamer`; no batching, no catalog. It speaks the same websocket
frames as /ws/chat (`session`, `token`, `done`, `error`), so one load client drives both.

Run as its own process: `python -m bot.loadtest.baseline MODEL_DIR --port N --max-tokens M`.
"""

import argparse
import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import openai
import torch
import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from transformers import AutoModelForCausalLM, AutoTokenizer, TextIteratorStreamer

SYSTEM = "You are a friendly sales assistant in an online shop. Answer briefly."


# Yields the reply's text pieces for the chat messages; sets usage["completion_tokens"].
Reply = Callable[[list[dict[str, str]], dict[str, int]], AsyncIterator[str]]


def serve(title: str, name: str, reply: Reply) -> FastAPI:
    """The websocket server both comparison points share: one message, its pieces as `token`
    frames, then `done` with the generated token count."""
    app = FastAPI(title=title)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.websocket("/ws/chat")
    async def chat(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_json({"type": "session", "session_id": name})
        message_id = 0
        try:
            while True:
                frame = json.loads(await websocket.receive_text())
                message_id += 1
                started = time.perf_counter()
                messages = [{"role": "system", "content": SYSTEM},
                            {"role": "user", "content": frame["text"]}]  # fmt: skip
                usage = {"completion_tokens": 0}
                pieces = []
                async for piece in reply(messages, usage):
                    pieces.append(piece)
                    await websocket.send_json(
                        {"type": "token", "message_id": message_id, "text": piece}
                    )
                done: dict[str, Any] = {
                    "type": "done", "message_id": message_id, "text": "".join(pieces),
                    "usage": {"prompt_tokens": 0, **usage},
                    "timings": {"total_ms": round((time.perf_counter() - started) * 1000, 1)},
                }  # fmt: skip
                await websocket.send_json(done)
        except WebSocketDisconnect:
            return

    return app


def create_baseline_app(model_dir: str, max_tokens: int) -> FastAPI:
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()

    def generate(
        messages: list[dict[str, str]], streamer: TextIteratorStreamer, usage: dict[str, int]
    ) -> None:
        inputs: Any = tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        with torch.inference_mode():
            output = model.generate(
                **inputs, max_new_tokens=max_tokens, do_sample=False, streamer=streamer
            )
        usage["completion_tokens"] = int(output.shape[1] - inputs["input_ids"].shape[1])

    async def reply(messages: list[dict[str, str]], usage: dict[str, int]) -> AsyncIterator[str]:
        streamer = TextIteratorStreamer(
            tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=300
        )
        worker = threading.Thread(target=generate, args=(messages, streamer, usage))
        worker.start()
        while (piece := await asyncio.to_thread(next, streamer, None)) is not None:
            if piece:
                yield piece
        await asyncio.to_thread(worker.join)

    return serve("transformers baseline", "baseline", reply)


def create_engine_app(engine_url: str, model: str, max_tokens: int) -> FastAPI:
    """The same server with vLLM in place of `generate`: the same prompts and token limit, so
    the difference to the baseline is the engine alone (continuous batching)."""
    client = openai.AsyncOpenAI(base_url=f"{engine_url}/v1", api_key="unused", max_retries=0)

    async def reply(messages: list[dict[str, str]], usage: dict[str, int]) -> AsyncIterator[str]:
        stream = await client.chat.completions.create(  # type: ignore[call-overload]
            model=model, messages=messages, max_tokens=max_tokens, temperature=0,
            stream=True, stream_options={"include_usage": True},
        )  # fmt: skip
        async for chunk in stream:
            if chunk.usage is not None:
                usage["completion_tokens"] = chunk.usage.completion_tokens
            if chunk.choices and (piece := chunk.choices[0].delta.content):
                yield piece

    return serve("vLLM behind the baseline's server", "engine", reply)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model_dir")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--engine-url", help="stream from this vLLM server instead of generate")
    parser.add_argument("--engine-model", default="salesbot")
    args = parser.parse_args()
    if args.engine_url:
        app = create_engine_app(args.engine_url, args.engine_model, args.max_tokens)
    else:
        app = create_baseline_app(args.model_dir, args.max_tokens)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
