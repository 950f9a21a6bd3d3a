"""Who may call the staff side: the session cookie, its CSRF token and the caller's role."""

import asyncio
import hmac
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

from fastapi import Request, WebSocket

from bot.errors import RateLimited, SalesbotError
from bot.staff.accounts import Accounts, Staff

COOKIE = "salesbot_staff"
CSRF_HEADER = "x-csrf-token"
SAFE = {"GET", "HEAD", "OPTIONS"}
SIGN_INS_PER_ADDRESS, SIGN_INS_PER_NAME, SIGN_IN_WINDOW = 10, 5, 300.0


class SignInRequired(SalesbotError):
    code = "sign_in_required"
    status = 401


class Forbidden(SalesbotError):
    code = "forbidden"
    status = 403


def staff_of(request: Request | WebSocket) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def require(role: str) -> Callable[[Request], Awaitable[Staff]]:
    """A dependency: the signed-in staff member, who must hold at least `role`; changes also
    need the session's CSRF token in the X-CSRF-Token header."""

    async def signed_in(request: Request) -> Staff:
        token = request.cookies.get(COOKIE)
        staff = await asyncio.to_thread(staff_of(request).signed_in, token)
        if staff is None:
            raise SignInRequired("Sign in at /staff first (or again: the session ended).")
        if request.method not in SAFE:
            sent = request.headers.get(CSRF_HEADER, "")
            if not hmac.compare_digest(sent.encode(), staff.csrf.encode()):
                raise Forbidden(
                    "This change needs the X-CSRF-Token header the sign-in returned; reload "
                    "the page.",
                    code="csrf_failed",
                )
        if not staff.may(role):
            raise Forbidden(f"This needs the {role} role; your account is {staff.role}.")
        return staff

    return signed_in


class SignInLimits:
    """Guessing passwords: a few failed tries per account name and per address, then a wait.
    Only failures count, so staff signing in on one shared address are not locked out."""

    def __init__(self) -> None:
        self._failures: dict[str, deque[float]] = {}

    def _keys(self, address: str | None, username: str) -> list[tuple[str, int]]:
        keys = [(f"name:{username}", SIGN_INS_PER_NAME)]
        return keys + ([(f"ip:{address}", SIGN_INS_PER_ADDRESS)] if address else [])

    def check(self, address: str | None, username: str) -> None:
        now = time.monotonic()
        for key, limit in self._keys(address, username):
            times = self._failures.get(key, deque())
            while times and now - times[0] >= SIGN_IN_WINDOW:
                times.popleft()
            if len(times) >= limit:
                wait = math.ceil((SIGN_IN_WINDOW - (now - times[0])) / 60)
                raise RateLimited(
                    f"Too many failed sign-ins. Please wait {wait} minute(s) and try again, or "
                    "ask an admin to reset the password."
                )

    def failed(self, address: str | None, username: str) -> None:
        if len(self._failures) > 50_000:
            self._failures.clear()
        for key, _ in self._keys(address, username):
            self._failures.setdefault(key, deque()).append(time.monotonic())
