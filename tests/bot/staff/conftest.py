import secrets
from collections.abc import Iterator

import httpx
import pytest

from bot.log.store import DialogueLog
from bot.staff.accounts import Accounts
from tests.service import Service

PASSWORD = "correct horse battery"


def add_account(service: Service, role: str, name: str | None = None) -> str:
    """A new staff account in the running service's log; returns its username."""
    username = f"{role}-{secrets.token_hex(3)}"
    log = DialogueLog(f"sqlite:///{service.database}")
    try:
        Accounts(log.sessions).create(username, PASSWORD, role, name)
    finally:
        log.close()
    return username


class Signed(httpx.Client):
    """A browser-like HTTP client signed in as one staff member."""

    def __init__(self, service: Service, username: str):
        super().__init__(base_url=service.url, timeout=30)
        response = self.post("/staff/api/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        self.username = username
        self.csrf = response.json()["csrf"]
        self.headers["X-CSRF-Token"] = self.csrf


@pytest.fixture(scope="module")
def signed(service: Service) -> Iterator[dict[str, Signed]]:
    clients = {
        role: Signed(service, add_account(service, role)) for role in ("viewer", "agent", "admin")
    }
    yield clients
    for client in clients.values():
        client.close()
