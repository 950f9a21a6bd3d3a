"""Who may call the staff side: the session cookie, its CSRF token and the caller's role."""

import asyncio
import hmac
from collections.abc import Awaitable, Callable

from fastapi import Request, WebSocket

from bot.errors import RateLimited, SalesbotError
from bot.sessions import RateLimiter
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
    """Guessing passwords: a few tries per address and per account name, then a wait."""

    def __init__(self) -> None:
        self._limiters: dict[str, RateLimiter] = {}

    def check(self, address: str | None, username: str) -> None:
        if len(self._limiters) > 50_000:
            self._limiters.clear()
        keys = [(f"name:{username}", SIGN_INS_PER_NAME)]
        if address:
            keys.append((f"ip:{address}", SIGN_INS_PER_ADDRESS))
        for key, limit in keys:
            limiter = self._limiters.setdefault(key, RateLimiter(limit, SIGN_IN_WINDOW))
            try:
                limiter.check()
            except RateLimited:
                raise RateLimited(
                    f"Too many sign-in attempts. Please wait {SIGN_IN_WINDOW / 60:g} minutes "
                    "and try again, or ask an admin to reset the password."
                ) from None
