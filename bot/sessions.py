"""Per-connection session state: identity, history and the message rate limit."""

import math
import secrets
import time
from collections import deque

from bot.chat.events import Turn
from bot.chat.profile import ShopperProfile
from bot.errors import RateLimited
from bot.log.models import Turn as LoggedTurn
from bot.protocol import HistoryItem


def new_session_id() -> str:
    return secrets.token_urlsafe(16)


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


class ChatSession:
    def __init__(self, session_id: str, *, limiter: RateLimiter):
        self.id = session_id
        self.limiter = limiter
        self.turns: list[Turn] = []
        self.profile = ShopperProfile()

    def load(self, logged: list[LoggedTurn]) -> None:
        # Only completed answers become model context; failed turns are kept in the log only.
        self.turns = [Turn(t.user_text, t.reply) for t in logged if t.status == "ok"]

    def history_items(self) -> list[HistoryItem]:
        items: list[HistoryItem] = []
        for turn in self.turns:
            items.append(HistoryItem(role="user", text=turn.user))
            items.append(HistoryItem(role="assistant", text=turn.assistant))
        return items
