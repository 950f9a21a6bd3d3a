"""Session state: identity and history per connection; rate limits and origins per service."""

import base64
import hashlib
import hmac
import math
import os
import secrets
import time
from collections import OrderedDict, deque
from pathlib import Path
from urllib.parse import urlsplit

from bot.errors import RateLimited

API_PREFIX = "api-"  # sessions of the OpenAI-compatible API live apart from the widget's


def new_session_id() -> str:
    while (session_id := secrets.token_urlsafe(16)).startswith(API_PREFIX):
        pass
    return session_id


class ResumeTokens:
    """A conversation is resumed with its id and a token only its shopper's browser was given:
    an HMAC of the id under the service's secret. Knowing an id alone reads nothing."""

    def __init__(self, secret: bytes):
        self.secret = secret

    def token(self, session_id: str) -> str:
        digest = hmac.new(self.secret, session_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode()

    def valid(self, session_id: str, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.token(session_id), token or "")


def service_secret(configured: str, data_dir: Path) -> bytes:
    """`SALESBOT_SECRET_KEY`, or a random key kept in the data dir (created on first use, only
    readable by its owner). Replicas must share one: set it, or share the data dir."""
    if configured:
        return configured.encode()
    path = data_dir / "secret.key"
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(32).encode()
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes().strip()  # another process made it first
        with os.fdopen(descriptor, "wb") as file:
            file.write(key)
        return key


class RateLimiter:
    """At most `limit` messages in any `window` seconds."""

    def __init__(self, limit: int, window: float):
        self.limit = limit
        self.window = window
        self._times: deque[float] = deque()

    def check(self) -> None:
        now = time.monotonic()
        while self._times and now - self._times[0] >= self.window:
            self._times.popleft()
        if len(self._times) >= self.limit:
            wait = self.window - (now - self._times[0])
            raise RateLimited(
                f"Too many messages: the limit is {self.limit} every {self.window:g} s. "
                f"Please wait {math.ceil(wait)} s before sending another."
            )
        self._times.append(now)


SIGNALS_PER_MESSAGE = 10


class Limits:
    """Rate limits that outlive a connection: one per conversation and one per client address,
    so reconnecting does not reset them. The oldest idle ones are forgotten past `size`."""

    def __init__(self, per_session: int, per_address: int, window: float, size: int = 100_000):
        self.per_session, self.per_address, self.window = per_session, per_address, window
        self.size = size
        self._limiters: OrderedDict[str, RateLimiter] = OrderedDict()

    def check(self, session_id: str, address: str | None) -> None:
        if address:
            self._limiter(f"ip:{address}", self.per_address).check()
        self._limiter(f"session:{session_id}", self.per_session).check()

    def check_signal(self, session_id: str) -> None:
        """Ratings and shop events: a page sends several per answer, so ten times the
        messages' limit, counted apart so that browsing never uses up the shopper's messages."""
        self._limiter(f"signals:{session_id}", SIGNALS_PER_MESSAGE * self.per_session).check()

    def _limiter(self, key: str, limit: int) -> RateLimiter:
        limiter = self._limiters.get(key)
        if limiter is None:
            limiter = self._limiters[key] = RateLimiter(limit, self.window)
            while len(self._limiters) > self.size:
                self._limiters.popitem(last=False)
        self._limiters.move_to_end(key)
        return limiter


LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def origin_allowed(origin: str | None, host: str | None, allowed: list[str]) -> bool:
    """Whether a browser page at `origin` may open the chat socket: the service's own pages,
    the listed origins, and (when none are listed) pages on localhost."""
    if not origin:
        return True  # not a browser: origins protect shoppers' browsers, not the API
    listed = {item.strip().rstrip("/").casefold() for item in allowed}
    if "*" in listed or origin.rstrip("/").casefold() in listed:
        return True
    parts = urlsplit(origin)
    if host and parts.netloc.casefold() == host.casefold():
        return True
    return not listed and (parts.hostname or "").casefold() in LOCAL_HOSTS
