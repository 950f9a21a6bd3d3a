"""Who may call each staff route and websocket frame, against the real service: a table over
the whole route list, so a new route without a rule fails here."""

import asyncio
import json
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, APIWebSocketRoute
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from bot.app import create_app
from bot.staff.socket import ROLE_OF
from tests.bot.staff.conftest import PASSWORD, Signed, add_account
from tests.service import Service

RANK = ["viewer", "agent", "admin"]
# (method, path) -> the least role that may call it; None: anyone (the page, its files, sign-in).
ROUTES: dict[tuple[str, str], str | None] = {
    ("GET", "/staff"): None,
    ("GET", "/staff/static/{name}"): None,
    ("POST", "/staff/api/login"): None,
    ("POST", "/staff/api/logout"): "viewer",
    ("GET", "/staff/api/me"): "viewer",
    ("GET", "/staff/api/conversations"): "agent",
    ("GET", "/staff/api/conversations/{session_id}"): "agent",
    ("POST", "/staff/api/conversations/{session_id}/claim"): "agent",
    ("POST", "/staff/api/conversations/{session_id}/messages"): "agent",
    ("POST", "/staff/api/conversations/{session_id}/suggest"): "agent",
    ("POST", "/staff/api/conversations/{session_id}/hand-back"): "agent",
    ("GET", "/staff/api/accounts"): "admin",
    ("POST", "/staff/api/accounts"): "admin",
    ("POST", "/staff/api/accounts/{username}/disable"): "admin",
    ("GET", "/staff/review"): None,
    ("GET", "/staff/api/sessions"): "viewer",
    ("GET", "/staff/api/sessions/{session_id}"): "viewer",
    ("POST", "/staff/api/sessions/{session_id}/tags"): "viewer",
    ("POST", "/staff/api/sessions/{session_id}/review"): "viewer",
    ("POST", "/staff/api/turns/{turn_id}/mark"): "viewer",
    ("POST", "/staff/api/turns/{turn_id}/intent"): "viewer",
    ("POST", "/staff/api/turns/{turn_id}/correct"): "viewer",
    ("GET", "/staff/api/export.jsonl"): "viewer",
    ("GET", "/staff/analytics"): None,
    ("GET", "/staff/api/analytics"): "viewer",
    ("GET", "/staff/api/analytics/{name}.svg"): "viewer",
    ("GET", "/staff/api/canned"): "agent",
    ("POST", "/staff/api/canned"): "agent",
    ("POST", "/staff/api/canned/{reply_id}/delete"): "agent",
    ("POST", "/staff/api/conversations/{session_id}/canned/{reply_id}"): "agent",
    ("POST", "/staff/api/conversations/{session_id}/follow-up"): "agent",
    ("GET", "/staff/api/follow-ups"): "agent",
    ("POST", "/staff/api/follow-ups/{follow_up_id}/approve"): "admin",
    ("POST", "/staff/api/follow-ups/{follow_up_id}/discard"): "agent",
}
GUARDED = [(m, p, r) for (m, p), r in ROUTES.items() if r is not None]


def staff_routes() -> set[tuple[str, str]]:
    found = set()
    for route in create_app().routes:
        if isinstance(route, APIRoute) and route.path.startswith("/staff"):
            found |= {(method, route.path) for method in route.methods - {"HEAD"}}
    return found


def call(client: httpx.Client, method: str, path: str, **headers: str) -> httpx.Response:
    concrete = path.format(
        session_id="no-such-session", username="no-such-user", name="demand", turn_id=0,
        reply_id=0, follow_up_id=0,
    )  # fmt: skip
    body: dict[str, Any] = {}
    return client.request(
        method, concrete, json=body if method == "POST" else None, headers=headers
    )


def test_staff_routes_every_route_has_a_rule() -> None:
    assert staff_routes() == set(ROUTES)
    sockets = {r.path for r in create_app().routes if isinstance(r, APIWebSocketRoute)}
    assert "/staff/ws" in sockets and set(ROLE_OF) == {"watch", "unwatch"}


@pytest.mark.parametrize(("method", "path", "role"), GUARDED)
def test_staff_routes_refuse_an_anonymous_caller(
    service: Service, method: str, path: str, role: str
) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as anonymous:
        response = call(anonymous, method, path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "sign_in_required"


@pytest.mark.parametrize(("method", "path", "role"), GUARDED)
def test_staff_routes_refuse_a_too_small_role_and_admit_the_right_one(
    signed: dict[str, Signed], method: str, path: str, role: str
) -> None:
    for caller in RANK:
        allowed = RANK.index(caller) >= RANK.index(role)
        if allowed and path == "/staff/api/logout":
            continue  # it would sign the shared clients out; its own test signs out
        response = call(signed[caller], method, path)
        if not allowed:
            assert response.status_code == 403, (caller, response.text)
            assert response.json()["error"]["code"] == "forbidden"
        else:
            assert response.status_code not in (401, 403), (caller, response.text)


@pytest.mark.parametrize(("method", "path", "role"), [g for g in GUARDED if g[0] == "POST"])
def test_staff_routes_changes_need_the_csrf_token(
    signed: dict[str, Signed], method: str, path: str, role: str
) -> None:
    response = call(signed["admin"], method, path, **{"X-CSRF-Token": "forged"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"


def test_staff_routes_wrong_password_and_too_many_tries(service: Service) -> None:
    username = add_account(service, "agent")
    with httpx.Client(base_url=service.url, timeout=30) as client:
        tries = [
            client.post("/staff/api/login", json={"username": username, "password": "wrong-" * 3})
            for _ in range(6)
        ]
        assert [t.status_code for t in tries] == [401] * 5 + [429]
        assert "sign_in_failed" in tries[0].text and "Too many failed sign-ins" in tries[-1].text
        locked = client.post("/staff/api/login", json={"username": username, "password": PASSWORD})
        assert locked.status_code == 429  # even the right password waits


async def first_frame(service: Service, cookie: str | None, origin: str | None = None) -> Any:
    headers = {"Cookie": f"salesbot_staff={cookie}"} if cookie else {}
    url = service.url.replace("http", "ws") + "/staff/ws"
    async with connect(url, additional_headers=headers, origin=origin) as ws:  # type: ignore[arg-type]
        frame = json.loads(await ws.recv())
        try:
            await asyncio.wait_for(ws.recv(), 2)
        except ConnectionClosed as closed:
            return frame, closed.rcvd.code if closed.rcvd else None
        except TimeoutError:
            return frame, None
        return frame, None


async def test_staff_socket_refuses_anonymous_viewer_and_other_sites(
    service: Service, signed: dict[str, Signed]
) -> None:
    frame, code = await first_frame(service, None)
    assert (frame["code"], code) == ("sign_in_required", 4401)
    frame, code = await first_frame(service, signed["viewer"].cookies["salesbot_staff"])
    assert (frame["code"], code) == ("forbidden", 4403)
    frame, code = await first_frame(service, signed["agent"].cookies["salesbot_staff"])
    assert (frame["type"], code) == ("conversations", None)
    with pytest.raises((InvalidStatus, ConnectionClosed)):
        await first_frame(
            service, signed["agent"].cookies["salesbot_staff"], "https://evil.example"
        )


async def test_staff_socket_closes_when_the_session_is_signed_out(service: Service) -> None:
    agent = Signed(service, add_account(service, "agent"))
    url = service.url.replace("http", "ws") + "/staff/ws"
    headers = {"Cookie": f"salesbot_staff={agent.cookies['salesbot_staff']}"}
    async with connect(url, additional_headers=headers) as ws:
        assert json.loads(await ws.recv())["type"] == "conversations"
        await ws.send(json.dumps({"type": "watch"}))
        assert json.loads(await ws.recv())["code"] == "bad_request"
        assert (await asyncio.to_thread(agent.post, "/staff/api/logout")).status_code == 200
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    assert agent.get("/staff/api/me").status_code == 401
    agent.close()
