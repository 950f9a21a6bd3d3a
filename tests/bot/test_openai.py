"""`/v1` driven by the official `openai` client against the real service."""

import os
import sqlite3
import subprocess
import sys

import httpx
import openai
import pytest

from tests.bot.conftest import logged_turns
from tests.service import Service

pytestmark = pytest.mark.engine


def apikey(service: Service, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SALESBOT_DATA_DIR": str(service.data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "apikey", *args], env=env, cwd=service.data_dir,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture(scope="module")
def api_key(service: Service) -> str:
    """A key made the way a shop's administrator makes one."""
    created = apikey(service, "create", "openai-tests")
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()


@pytest.fixture
def client(service: Service, api_key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{service.url}/v1", api_key=api_key, max_retries=0)


def test_openai_refuses_calls_without_a_valid_key(service: Service) -> None:
    anonymous = httpx.get(f"{service.url}/v1/models")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "invalid_api_key"
    wrong = openai.OpenAI(base_url=f"{service.url}/v1", api_key="sb-not-a-key", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as raised:
        wrong.models.list()
    assert raised.value.body["code"] == "invalid_api_key"  # type: ignore[index]


def test_openai_key_is_stored_hashed_and_a_revoked_key_stops_working(service: Service) -> None:
    key = apikey(service, "create", "to-revoke").stdout.strip()
    with sqlite3.connect(service.database) as db:
        stored = [row[0] for row in db.execute("SELECT key_hash FROM api_keys")]
    assert key not in stored and all(len(h) == 64 for h in stored)
    listed = apikey(service, "list").stdout
    assert "to-revoke" in listed and key not in listed
    assert apikey(service, "revoke", "to-revoke").returncode == 0
    client = openai.OpenAI(base_url=f"{service.url}/v1", api_key=key, max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        client.models.list()


def test_openai_models_lists_the_served_model(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["salesbot"]


def test_openai_completion_is_grounded_and_logged(client: openai.OpenAI, service: Service) -> None:
    completion = client.chat.completions.create(
        model="salesbot",
        messages=[{"role": "user", "content": "I need a headlamp for running at night."}],
        user="openai-test-session-1",
    )
    reply = completion.choices[0].message.content
    assert reply and completion.choices[0].finish_reason == "stop"
    assert completion.usage and completion.usage.completion_tokens > 0
    products = completion.model_extra["products"]  # type: ignore[index]
    assert products and {"id", "title", "price", "in_stock"} <= set(products[0])
    [turn] = logged_turns(service.database, "api-openai-test-session-1")
    assert turn["reply"] == reply and turn["status"] == "ok"
    assert [p["id"] for p in turn["products"]] == [p["id"] for p in products]


def test_openai_stream_yields_chunks_that_add_up(client: openai.OpenAI, service: Service) -> None:
    stream = client.chat.completions.create(
        model="salesbot",
        messages=[
            {"role": "user", "content": "Do you sell tents?"},
            {"role": "assistant", "content": "Yes, we have several tents."},
            {"role": "user", "content": "Which one fits four people?"},
        ],
        stream=True,
        user="openai-test-session-2",
    )
    pieces = [
        c.choices[0].delta.content for c in stream if c.choices and c.choices[0].delta.content
    ]
    assert len(pieces) >= 2
    [turn] = logged_turns(service.database, "api-openai-test-session-2")
    assert turn["reply"] == "".join(pieces)
    assert turn["user_text"] == "Which one fits four people?"


def test_openai_unknown_model_is_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as raised:
        client.chat.completions.create(model="gpt-9", messages=[{"role": "user", "content": "hi"}])
    assert raised.value.body["code"] == "model_not_found"  # type: ignore[index]


@pytest.mark.parametrize(
    ("messages", "code"),
    [
        ([], "bad_request"),
        ([{"role": "assistant", "content": "hello"}], "invalid_messages"),
        ([{"role": "user", "content": "   "}], "empty_message"),
        ([{"role": "user", "content": "x" * 600}], "message_too_long"),
        ([{"role": "wizard", "content": "hi"}], "bad_request"),
    ],
)
def test_openai_bad_request_gets_error_shape(
    client: openai.OpenAI, messages: list[dict[str, str]], code: str
) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model="salesbot", messages=messages)  # type: ignore[arg-type]
    body = raised.value.body
    assert body["code"] == code and body["message"].endswith(".")  # type: ignore[index]


def test_openai_oversized_body_is_413(service: Service) -> None:
    response = httpx.post(
        f"{service.url}/v1/chat/completions",
        content=b'{"messages": [' + b" " * 2_000_000 + b"]}",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_openai_malformed_json_is_400(service: Service, api_key: str) -> None:
    response = httpx.post(
        f"{service.url}/v1/chat/completions",
        content=b"{nope",
        headers={"content-type": "application/json", "authorization": f"Bearer {api_key}"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("Invalid request")
