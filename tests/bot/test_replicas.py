"""Past one machine: two service replicas sharing one engine, one Chroma server and one
PostgreSQL log, as docker-compose.yml lays them out. Nothing a conversation needs may live only
in the replica that started it."""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from peft import LoraConfig, get_peft_model
from sqlalchemy import create_engine, text
from transformers import AutoModelForCausalLM
from websockets.asyncio.client import connect

from bot.engine.client import AdapterRefused, EngineClient
from tests.bot.conftest import ask, recv
from tests.conftest import TEST_ENV
from tests.service import PREPARED_MODEL, Service, start_service

POSTGRES = os.environ.get("SALESBOT_TEST_POSTGRES_URL", "")


@pytest.fixture(scope="module")
def replicas(
    service: Service, chroma_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Service, Service]]:
    if not POSTGRES:
        pytest.skip("Set SALESBOT_TEST_POSTGRES_URL to a PostgreSQL database (.ci/run does).")
    shared = {
        **TEST_ENV,
        "SALESBOT_ENGINE_URL": service.engine_url,  # the session's engine, started once
        "SALESBOT_CHROMA_URL": chroma_url,
        "SALESBOT_COLLECTION": "replicas",
        "SALESBOT_DATABASE_URL": POSTGRES,
        "SALESBOT_SECRET_KEY": "a secret both replicas share, as in the compose file",
    }
    started: list[Service] = []
    try:
        # One after the other: the first fills the empty shared index with the demo catalog.
        for name in ("replica-a", "replica-b"):
            replica = start_service(tmp_path_factory.mktemp(name), **shared)
            started.append(replica)
            replica.wait(engine=True, timeout=300)
        yield started[0], started[1]
    finally:
        for replica in started:
            replica.stop()


@pytest.mark.engine
async def test_a_conversation_goes_on_on_the_other_replica(
    replicas: tuple[Service, Service],
) -> None:
    a, b = replicas
    for replica in (a, b):  # neither started an engine: both use the shared one
        engine = replica.health().json()["engine"]
        assert engine["managed"] is False and engine["ready"] is True
    async with connect(a.ws_url) as ws:
        session = await recv(ws)
        first = await ask(ws, "Do you have a tent for two people?")
    assert first.done and first.products
    resume = {"session_id": session["session_id"], "resume_token": session["resume_token"]}
    async with connect(b.ws_url) as ws:
        await recv(ws)  # a new conversation's session frame, until the first message resumes
        await ws.send(json.dumps({"type": "message", "text": "How much is it?", **resume}))
        resumed = await recv(ws)
        assert resumed["type"] == "session" and resumed["resumed"] is True, resumed
        assert [item["role"] for item in resumed["history"]] == ["user", "assistant"]
        assert resumed["history"][1]["text"] == first.done["text"]
        frames = [await recv(ws)]
        while frames[-1]["type"] not in ("done", "error"):
            frames.append(await recv(ws))
    assert frames[-1]["type"] == "done", frames
    with create_engine(POSTGRES).connect() as db:
        rows = db.execute(
            text("SELECT user_text, status FROM turns WHERE session_id = :s ORDER BY id"),
            {"s": session["session_id"]},
        ).all()
    assert [tuple(r) for r in rows] == [
        ("Do you have a tent for two people?", "ok"),
        ("How much is it?", "ok"),
    ]


@pytest.mark.engine
async def test_a_wrong_token_is_refused_on_every_replica(
    replicas: tuple[Service, Service],
) -> None:
    a, b = replicas
    async with connect(a.ws_url) as ws:
        session = await recv(ws)
        await ask(ws, "hello")
    for replica in (a, b):
        async with connect(replica.ws_url) as ws:
            await recv(ws)
            frame = {"type": "message", "text": "What did I say?",
                     "session_id": session["session_id"], "resume_token": "x" * 43}  # fmt: skip
            await ws.send(json.dumps(frame))
            assert (await recv(ws))["code"] == "session_not_found"


def test_an_external_engine_that_serves_another_name_is_reported(
    service: Service, tmp_path: Path
) -> None:
    """An engine the service did not start must serve SALESBOT_SERVED_MODEL_NAME; /health says
    so, and how to fix it, instead of every answer failing with a bare 404."""
    other = start_service(
        tmp_path, **TEST_ENV, SALESBOT_ENGINE_URL=service.engine_url,
        SALESBOT_SERVED_MODEL_NAME="shop-model",
    )  # fmt: skip
    try:
        other.wait(engine=False, timeout=300)
        response = httpx.get(f"{other.url}/health", timeout=10)
    finally:
        other.stop()
    assert response.status_code == 503
    problem = response.json()["engine"]["problem"]
    assert "'shop-model'" in problem and "--served-model-name shop-model" in problem
    assert "salesbot" in problem  # what the engine does serve


@pytest.mark.engine
async def test_replicas_sharing_an_engine_each_load_the_promoted_adapter(
    service: Service, tmp_path: Path
) -> None:
    """Every replica loads what the registry serves into the engine; with one shared engine the
    second finds it loaded (vLLM refuses a name twice) and must count that as done."""
    model = PREPARED_MODEL
    base = AutoModelForCausalLM.from_pretrained(model)
    peft = get_peft_model(base, LoraConfig(r=4, target_modules=["q_proj"]))
    peft.save_pretrained(tmp_path / "shared-ad")
    first = EngineClient(service.engine_url, "salesbot", timeout=60)
    second = EngineClient(service.engine_url, "salesbot", timeout=60)
    try:
        await first.load_adapter("shared-ad", str(tmp_path / "shared-ad"))
        await second.load_adapter("shared-ad", str(tmp_path / "shared-ad"))  # no error
        assert "shared-ad" in await second.served_models()
        # Two replicas racing past the check: vLLM's refusal is recognised as "loaded".
        with pytest.raises(AdapterRefused, match="already been loaded"):
            await second._adapter_call(
                "load_lora_adapter", {"lora_name": "shared-ad", "lora_path": str(tmp_path)}
            )
    finally:
        httpx.post(f"{service.engine_url}/v1/unload_lora_adapter",
                   json={"lora_name": "shared-ad"}, timeout=30)  # fmt: skip
        await first.close()
        await second.close()
