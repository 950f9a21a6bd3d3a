"""The chat page, health and metrics endpoints of the running service."""

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.bot.conftest import ask, recv
from tests.service import Service

pytestmark = pytest.mark.engine


def test_pages_chat_page_is_served(service: Service) -> None:
    response = httpx.get(service.url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/ws/chat" in response.text


def test_pages_health_reports_a_ready_engine_and_the_catalog(service: Service) -> None:
    health = service.health()
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok"
    assert body["engine"]["ready"] is True and body["engine"]["managed"] is True
    assert body["catalog_products"] == 330  # the demo catalog


async def test_pages_metrics_count_answered_turns(service: Service) -> None:
    def answered() -> float:
        text = httpx.get(f"{service.url}/metrics").text
        lines = [
            line
            for line in text.splitlines()
            if line.startswith('salesbot_turns_total{status="ok"}')
        ]
        return float(lines[0].split()[-1]) if lines else 0.0

    before = answered()
    async with connect(service.ws_url) as ws:
        await recv(ws)
        await ask(ws, "Do you sell headlamps?")
    assert answered() == before + 1
    assert "salesbot_time_to_first_token_seconds_bucket" in httpx.get(f"{service.url}/metrics").text
