"""The staff side over HTTP: sign-in, the agents' desk, accounts; the pages that use them."""

import asyncio
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from bot.errors import Missing, SalesbotError
from bot.staff.accounts import AccountError, Staff
from bot.staff.auth import COOKIE, SignInLimits, require, staff_of
from bot.staff.desk import Desk
from bot.staff.protocol import (
    AccountInfo,
    Detail,
    Draft,
    HandBack,
    Me,
    NewAccount,
    Say,
    SignIn,
    Summary,
)

router = APIRouter()
api = APIRouter(prefix="/staff/api")
DIST = Path(__file__).resolve().parents[2] / "widget" / "dist"
PAGES = Path(__file__).resolve().parents[2] / "widget" / "staff"
STAFF_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; "
    "connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
Viewer = Annotated[Staff, Depends(require("viewer"))]
Agent = Annotated[Staff, Depends(require("agent"))]
Admin = Annotated[Staff, Depends(require("admin"))]
ASSETS = {"staff.js": "text/javascript; charset=utf-8", "staff.css": "text/css; charset=utf-8"}
_sign_ins = SignInLimits()


def desk_of(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def page(name: str) -> HTMLResponse:
    """A staff page: it holds no data (its script asks for it once signed in)."""
    return HTMLResponse(
        (PAGES / f"{name}.html").read_text(encoding="utf-8"),
        headers={"Content-Security-Policy": STAFF_POLICY, "Cache-Control": "no-store"},
    )


@router.get("/staff", response_class=HTMLResponse)
async def staff_page() -> HTMLResponse:
    """Open the staff desk (it asks to sign in first)."""
    return page("index")


@router.get("/staff/static/{name}")
async def staff_asset(name: str) -> Response:
    """Serve the staff desk's script and style sheet."""
    if name not in ASSETS:
        raise Missing(f"There is no staff file {name[:80]}.")
    return Response((DIST / name).read_text(encoding="utf-8"), media_type=ASSETS[name])


@api.post("/login")
async def login(body: SignIn, request: Request) -> JSONResponse:
    """Sign in; sets the session cookie and returns the CSRF token for later changes."""
    address = request.client.host if request.client else None
    _sign_ins.check(address, body.username.casefold())
    signed = await asyncio.to_thread(staff_of(request).sign_in, body.username, body.password)
    if signed is None:
        _sign_ins.failed(address, body.username.casefold())
        raise SalesbotError(
            "That username and password do not match an active account.",
            code="sign_in_failed", status=401,
        )  # fmt: skip
    token, staff = signed
    await staff_of(request).audited(staff.username, "sign_in", address=address)
    me = Me(username=staff.username, name=staff.name, role=staff.role, csrf=staff.csrf)
    response = JSONResponse(me.model_dump())
    hours = staff_of(request).session_hours
    response.set_cookie(
        COOKIE, token, max_age=int(hours * 3600), path="/staff", httponly=True,
        samesite="strict", secure=request.url.scheme == "https",
    )  # fmt: skip
    return response


@api.post("/logout")
async def logout(staff: Viewer, request: Request) -> JSONResponse:
    """Sign out: the session ends and its open pages are disconnected."""
    await asyncio.to_thread(staff_of(request).sign_out, staff.session)
    desk_of(request).end_sessions([staff.session])
    response = JSONResponse({"signed_out": True})
    response.delete_cookie(COOKIE, path="/staff")
    return response


@api.get("/me")
async def me(staff: Viewer) -> Me:
    """Who is signed in, with the CSRF token for changes."""
    return Me(username=staff.username, name=staff.name, role=staff.role, csrf=staff.csrf)


@api.get("/conversations")
async def conversations(_: Agent, request: Request) -> list[Summary]:
    """List live conversations and those waiting for or held by a person."""
    return await desk_of(request).summaries()


@api.get("/conversations/{session_id}")
async def conversation(session_id: str, _: Agent, request: Request) -> Detail:
    """Read one conversation: its turns, the products shown, the shopper's profile."""
    desk = desk_of(request)
    async with desk.opened(session_id) as live:
        return desk.detail(live)


@api.post("/conversations/{session_id}/claim")
async def claim(session_id: str, staff: Agent, request: Request) -> Summary:
    """Take a conversation over from the assistant (one agent wins)."""
    return await desk_of(request).claim(staff, session_id)


@api.post("/conversations/{session_id}/messages", status_code=201)
async def say(session_id: str, body: Say, staff: Agent, request: Request) -> dict[str, int]:
    """Write to the shopper in a conversation you hold."""
    said = await desk_of(request).say(staff, session_id, body.text, body.draft, body.products)
    return {"id": said}


@api.post("/conversations/{session_id}/suggest")
async def suggest(session_id: str, staff: Agent, request: Request) -> Draft:
    """Draft a reply from the catalog to the shopper's last message."""
    return await desk_of(request).suggest(staff, session_id)


@api.post("/conversations/{session_id}/hand-back")
async def hand_back(session_id: str, body: HandBack, staff: Agent, request: Request) -> Summary:
    """Give a conversation you hold back to the assistant."""
    return await desk_of(request).hand_back(staff, session_id, body.note)


@api.get("/accounts")
async def accounts(_: Admin, request: Request) -> list[AccountInfo]:
    """List staff accounts."""
    rows = await asyncio.to_thread(staff_of(request).all)
    return [
        AccountInfo(
            username=r.username, name=r.display_name, role=r.role,
            created_at=r.created_at.isoformat(timespec="seconds"), disabled=bool(r.disabled_at),
        )
        for r in rows
    ]  # fmt: skip


@api.post("/accounts", status_code=201)
async def create_account(body: NewAccount, staff: Admin, request: Request) -> dict[str, str]:
    """Add a staff account."""
    store = staff_of(request)
    try:
        await asyncio.to_thread(store.create, body.username, body.password, body.role, body.name)
    except AccountError as exc:
        raise SalesbotError(str(exc), code="invalid_account", status=400) from None
    await store.audited(staff.username, "account_create", user=body.username)
    return {"username": body.username}


@api.post("/accounts/{username}/disable")
async def disable_account(username: str, staff: Admin, request: Request) -> dict[str, int]:
    """Disable an account: its sessions end and its open pages are disconnected."""
    store = staff_of(request)
    try:
        ended = await asyncio.to_thread(store.disable, username)
    except AccountError as exc:
        raise Missing(str(exc)) from None
    desk_of(request).end_sessions(ended)
    await store.audited(staff.username, "account_disable", user=username)
    return {"sessions_ended": len(ended)}


router.include_router(api)
