"""The demo shop, health and metrics endpoints of the running service."""

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.bot.conftest import ask, recv
from tests.service import Service

pytestmark = pytest.mark.engine


def test_pages_home_opens_the_demo_shop_with_the_widget(service: Service) -> None:
    response = httpx.get(service.url, follow_redirects=True)
    assert response.status_code == 200 and response.url.path == "/demo"
    assert response.headers["content-type"].startswith("text/html")
    assert '<script src="/widget.js"' in response.text
    assert response.text.count("Add to cart</button>") == 24  # the first products listed
    bad = httpx.get(f"{service.url}/demo?color=red")
    assert bad.status_code == 400 and "#rrggbb" in bad.json()["error"]["message"]


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
