"""Ratings, shop events and orders reach the log through the real service: the websocket as
the chat page sends them, `POST /api/orders` as a shop's server calls it."""

import json
import sqlite3
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.bot.conftest import ask, recv
from tests.bot.test_openai import apikey
from tests.service import Service

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def shop_key(service: Service) -> str:
    """The key a shop's administrator makes for the shop's own server."""
    created = apikey(service, "create", "shop-server")
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()


def query(service: Service, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(service.database) as db:
        return list(db.execute(sql, args))


async def test_a_shopper_rates_an_answer_and_the_page_reports_what_they_did(
    service: Service,
) -> None:
    async with connect(service.ws_url) as ws:
        session_id = (await recv(ws))["session_id"]
        answer = await ask(ws, "I need a waterproof rain jacket.")
        turn_id, shown = answer.done["message_id"], answer.products[0]["id"]
        await ws.send(json.dumps({"type": "feedback", "message_id": turn_id, "rating": "down",
                                  "comment": "mail me at ana@example.com"}))  # fmt: skip
        assert await recv(ws) == {"type": "ack", "of": "feedback", "message_id": turn_id}
        await ws.send(json.dumps({"type": "event", "name": "added_to_cart", "product_id": shown}))
        assert await recv(ws) == {"type": "ack", "of": "event", "message_id": turn_id}
        # A mistake gets an error frame; the conversation goes on.
        await ws.send(json.dumps({"type": "feedback", "message_id": turn_id + 999, "rating": "up"}))
        error = await recv(ws)
        assert error["code"] == "unknown_message" and str(turn_id + 999) in error["message"]
        again = await ask(ws, "Thanks!")
        assert again.of("done")
    assert query(service, "SELECT rating, comment FROM feedback WHERE turn_id = ?", turn_id) == [
        ("down", "mail me at [email]")
    ]
    assert query(
        service, "SELECT kind, product_id, turn_id FROM events WHERE session_id = ?", session_id
    ) == [("added_to_cart", shown, turn_id)]


async def test_the_shop_server_reports_an_order_once_with_its_api_key(
    service: Service, shop_key: str
) -> None:
    async with connect(service.ws_url) as ws:
        session_id = (await recv(ws))["session_id"]
        answer = await ask(ws, "Do you have a tent for two?")
    order = {
        "session_id": session_id,
        "order_id": f"T-{session_id[:8]}",
        "items": [{"product_id": answer.products[0]["id"], "quantity": 1, "price": "199.00"}],
        "total": "199.00",
        "currency": "USD",
    }
    url, auth = f"{service.url}/api/orders", {"authorization": f"Bearer {shop_key}"}
    first = httpx.post(url, json=order, headers=auth, timeout=30)
    repeated = httpx.post(url, json=order, headers=auth, timeout=30)
    assert (first.status_code, first.json()["recorded"]) == (201, True)
    assert (repeated.status_code, repeated.json()["recorded"]) == (200, False)
    assert len(query(service, "SELECT id FROM events WHERE order_id = ?", order["order_id"])) == 1

    anonymous = httpx.post(url, json=order, timeout=30)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "invalid_api_key"
    unknown = httpx.post(url, json={**order, "session_id": "session-never-was"}, headers=auth)
    assert unknown.status_code == 404 and "session-never-was" in unknown.text
    broken = httpx.post(url, json={**order, "items": []}, headers=auth, timeout=30)
    assert broken.status_code == 400 and "items" in broken.json()["error"]["message"]
