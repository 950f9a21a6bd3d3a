"""Who may call each route of the service, against the real service: a table over the whole
route list (with tests/bot/staff/test_access.py for `/staff`), so a new route without a rule
fails here."""

import asyncio
import json
import secrets
import time
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette.routing import Route
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from bot.app import create_app
from bot.log.store import DialogueLog
from bot.routes.auth import KEY_CACHE_S
from bot.routes.widget import bundle
from bot.sessions import ResumeTokens, service_secret
from tests.bot.conftest import collect, logged_turns, recv
from tests.bot.staff.test_access import ROUTES as STAFF_ROUTES
from tests.service import Service

pytestmark = pytest.mark.engine

ANYONE, KEY = "anyone", "api key"
# (method, path) -> who may call it. "WS" is the websocket handshake.
ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/health"): ANYONE,
    ("GET", "/metrics"): ANYONE,
    ("GET", "/widget.js"): ANYONE,
    ("GET", "/widget/{name}"): ANYONE,
    ("GET", "/"): ANYONE,
    ("GET", "/demo"): ANYONE,
    ("GET", "/demo/{name}"): ANYONE,
    ("GET", "/openapi.json"): ANYONE,
    ("GET", "/docs"): ANYONE,
    ("GET", "/docs/oauth2-redirect"): ANYONE,
    ("GET", "/redoc"): ANYONE,
    ("WS", "/ws/chat"): ANYONE,  # browsers only from allowed origins: tests below
    ("GET", "/v1/models"): KEY,
    ("POST", "/v1/chat/completions"): KEY,
    ("POST", "/api/orders"): KEY,
    ("GET", "/api/adapters"): KEY,
    ("POST", "/api/adapters/promote"): KEY,
    ("POST", "/api/adapters/rollback"): KEY,
    ("POST", "/api/adapters/canary"): KEY,
    ("POST", "/api/adapters/canary/stop"): KEY,
}
# Covered by tests/bot/staff/test_access.py (its table, and its socket tests).
STAFF_SOCKET = ("WS", "/staff/ws")
HTTP = [(m, p, who) for (m, p), who in ROUTES.items() if m != "WS"]
GUARDED = [(m, p) for m, p, who in HTTP if who == KEY]
# A body no route accepts: a caller past the key check gets 400, and nothing changes (not even
# a rollback, whose empty body would be valid).
REFUSED_BODY = {"__access_test__": True}


def all_routes() -> set[tuple[str, str]]:
    found = set()
    for route in create_app().routes:
        if isinstance(route, APIWebSocketRoute):
            found.add(("WS", route.path))
        elif isinstance(route, (APIRoute, Route)):
            found |= {(method, route.path) for method in (route.methods or set()) - {"HEAD"}}
        else:  # a mount or another kind of route: give it a rule here
            found.add(("?", getattr(route, "path", repr(route))))
    return found


def call(service: Service, method: str, path: str, key: str | None = None, **headers: str) -> Any:
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    concrete = path.format(name=bundle()[0] if path.startswith("/widget/") else "demo.css")
    body = REFUSED_BODY if method == "POST" else None
    return httpx.request(method, f"{service.url}{concrete}", json=body, headers=headers, timeout=60)


def new_key(service: Service, *, revoked: bool = False) -> str:
    log = DialogueLog(f"sqlite:///{service.database}")
    try:
        name = f"access-{secrets.token_hex(4)}"
        key = log.create_api_key(name)
        if revoked:
            assert log.revoke_api_key(name)
        return key
    finally:
        log.close()


@pytest.fixture(scope="module")
def api_key(service: Service) -> str:
    return new_key(service)


def test_access_every_route_has_a_rule() -> None:
    staff = set(STAFF_ROUTES) | {STAFF_SOCKET}
    assert not set(ROUTES) & staff
    assert all_routes() == set(ROUTES) | staff
    assert all(p.startswith("/staff") for _, p in staff)
    assert {p for _, p in GUARDED} == {p for _, p in ROUTES if p.startswith(("/v1", "/api"))}


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, who in HTTP if who == ANYONE])
def test_access_public_routes_need_nothing(service: Service, method: str, path: str) -> None:
    response = call(service, method, path)
    assert response.status_code in (200, 307), (path, response.text[:300])


@pytest.mark.parametrize(("method", "path"), GUARDED)
def test_access_api_routes_refuse_a_missing_or_malformed_key(
    service: Service, api_key: str, method: str, path: str
) -> None:
    refusals = [
        call(service, method, path),
        call(service, method, path, Authorization=""),
        call(service, method, path, Authorization="Bearer"),
        call(service, method, path, Authorization="Bearer \t x"),
        call(service, method, path, Authorization=f"Basic {api_key}"),
        call(service, method, path, Authorization=api_key),
        call(service, method, f"{path}?api_key={api_key}"),
        call(service, method, path, **{"X-API-Key": api_key}),
    ]
    for response in refusals:
        assert response.status_code == 401, (path, response.request.headers, response.text)
        assert response.json()["error"]["code"] == "invalid_api_key"
        assert api_key not in response.text


@pytest.mark.parametrize(("method", "path"), GUARDED)
def test_access_api_routes_refuse_a_wrong_or_revoked_key(
    service: Service, api_key: str, method: str, path: str
) -> None:
    wrong = [
        "sb-" + secrets.token_urlsafe(32),
        api_key[:-1] + ("A" if api_key[-1] != "A" else "B"),  # one character off
        api_key + "x",
        api_key.upper() if api_key.upper() != api_key else api_key.lower(),
        "' OR '1'='1",
        "x" * 5000,
        new_key(service, revoked=True),  # revoked before the service ever saw it
    ]
    for key in wrong:
        response = call(service, method, path, key)
        assert response.status_code == 401, (path, key[:20], response.text)
        assert response.json()["error"]["code"] == "invalid_api_key"


@pytest.mark.parametrize(("method", "path"), GUARDED)
def test_access_api_routes_admit_a_valid_key(
    service: Service, api_key: str, method: str, path: str
) -> None:
    for key in (api_key, new_key(service)):
        response = call(service, method, path, key)
        assert response.status_code not in (401, 403), (path, response.text)
        if method == "POST":  # past the key, the body is checked: nothing was changed
            assert response.status_code == 400, (path, response.text)
        else:
            assert response.status_code == 200, (path, response.text)


def test_access_a_revoked_key_stops_working_within_the_cache_time(service: Service) -> None:
    name = f"access-revoke-{secrets.token_hex(4)}"
    log = DialogueLog(f"sqlite:///{service.database}")
    try:
        key = log.create_api_key(name)
        assert call(service, "GET", "/v1/models", key).status_code == 200  # now cached
        assert log.revoke_api_key(name)
    finally:
        log.close()
    revoked_at = time.monotonic()
    while (status := call(service, "GET", "/v1/models", key).status_code) == 200:
        assert time.monotonic() - revoked_at < KEY_CACHE_S + 5, "still admitted"
        time.sleep(1)
    assert status == 401
    assert call(service, "GET", "/api/adapters", key).status_code == 401


# --- /ws/chat: who may open it ----------------------------------------------------------------
async def opens(service: Service, origin: str | None) -> bool:
    """Whether a page at `origin` gets a chat socket (a `session` frame)."""
    try:
        async with connect(service.ws_url, origin=origin) as ws:  # type: ignore[arg-type]
            return (await asyncio.wait_for(recv(ws), 30))["type"] == "session"
    except InvalidStatus as refused:
        assert refused.response.status_code == 403  # refused at the handshake (docs: HTTP 403)
        return False


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (None, True),  # not a browser
        ("SELF", True),  # the service's own pages
        ("http://localhost:3000", True),  # no SALESBOT_ALLOWED_ORIGINS: localhost pages
        ("http://[::1]:8080", True),
        ("https://evil.example", False),
        ("http://127.0.0.1.evil.example", False),
        ("http://localhost.evil.example:3000", False),
        ("null", False),  # a sandboxed frame or a file:// page
        ("https://shop.example", False),  # not listed
    ],
)
async def test_access_chat_socket_checks_the_page_origin(
    service: Service, origin: str | None, allowed: bool
) -> None:
    origin = service.url if origin == "SELF" else origin
    assert await opens(service, origin) is allowed


async def test_access_chat_socket_never_resumes_an_api_conversation(service: Service) -> None:
    """Even with the right resume token, `api-*` conversations stay out of the widget."""
    user = f"access-{secrets.token_hex(4)}"
    api_key = new_key(service)
    response = httpx.post(
        f"{service.url}/v1/chat/completions", timeout=120,
        json={"messages": [{"role": "user", "content": "Do you sell tents?"}], "user": user},
        headers={"Authorization": f"Bearer {api_key}"},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    session_id = f"api-{user}"
    assert len(logged_turns(service.database, session_id)) == 1
    token = ResumeTokens(service_secret("", service.data_dir)).token(session_id)
    async with connect(f"{service.ws_url}?session_id={session_id}&token={token}") as ws:
        frames = [await recv(ws), await recv(ws)]
    assert [f["type"] for f in frames] == ["error", "session"]
    assert frames[0]["code"] == "session_not_found"
    assert frames[1]["session_id"] != session_id and frames[1]["history"] == []


async def test_access_v1_cannot_append_to_a_widget_conversation(service: Service) -> None:
    async with connect(service.ws_url) as ws:
        session = await recv(ws)
        await ws.send(json.dumps({"type": "message", "text": "Do you sell tents?"}))
        assert (await asyncio.wait_for(collect(ws), 120)).frames[-1]["type"] == "done"
    session_id = session["session_id"]
    before = logged_turns(service.database, session_id)
    assert [t["user_text"] for t in before] == ["Do you sell tents?"]
    api_key = new_key(service)
    for user in (session_id, f"api-{session_id}"[:60]):
        response = httpx.post(
            f"{service.url}/v1/chat/completions", timeout=120,
            json={"messages": [{"role": "user", "content": "Which one is cheapest?"}],
                  "user": user},
            headers={"Authorization": f"Bearer {api_key}"},
        )  # fmt: skip
        assert response.status_code == 200, response.text
    assert logged_turns(service.database, session_id) == before
    # The call went to its own API conversation instead.
    assert [t["user_text"] for t in logged_turns(service.database, f"api-{session_id}")] == [
        "Which one is cheapest?"
    ]
