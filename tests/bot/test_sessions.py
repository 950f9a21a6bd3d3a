import time

import pytest

from bot.chat.events import Turn
from bot.errors import RateLimited
from bot.log.models import Turn as LoggedTurn
from bot.protocol import HistoryItem
from bot.sessions import ChatSession, RateLimiter, new_session_id


def test_rate_limiter_allows_limit_then_refuses() -> None:
    limiter = RateLimiter(limit=3, window=30)
    for _ in range(3):
        limiter.check()
    with pytest.raises(RateLimited) as caught:
        limiter.check()
    assert caught.value.code == "rate_limited" and caught.value.status == 429
    assert caught.value.message == (
        "Too many messages: the limit is 3 every 30 s. Please wait 30 s before sending another."
    )


def test_rate_limiter_refused_message_does_not_count() -> None:
    limiter = RateLimiter(limit=1, window=0.2)
    limiter.check()
    for _ in range(3):
        with pytest.raises(RateLimited):
            limiter.check()
    time.sleep(0.25)
    limiter.check()


def test_rate_limiter_allows_again_after_window() -> None:
    limiter = RateLimiter(limit=2, window=0.2)
    limiter.check()
    limiter.check()
    with pytest.raises(RateLimited):
        limiter.check()
    time.sleep(0.25)
    limiter.check()
    limiter.check()
    with pytest.raises(RateLimited):
        limiter.check()


def test_rate_limiter_window_slides_per_message() -> None:
    limiter = RateLimiter(limit=2, window=1.0)
    limiter.check()
    time.sleep(0.6)
    limiter.check()
    time.sleep(0.5)  # the first message left the window, the second has not
    limiter.check()
    with pytest.raises(RateLimited):
        limiter.check()


def test_new_session_id_matches_wire_pattern_and_differs() -> None:
    ids = {new_session_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 22 and i.replace("-", "").replace("_", "").isalnum() for i in ids)


def logged(status: str, user: str, reply: str = "") -> LoggedTurn:
    return LoggedTurn(session_id="s" * 22, status=status, user_text=user, reply=reply)


def test_chat_session_load_keeps_only_answered_turns() -> None:
    session = ChatSession("s" * 22, limiter=RateLimiter(8, 30))
    session.load(
        [
            logged("ok", "Do you sell tents?", "Yes, the Alpine Dome Tent."),
            logged("error", "Hello?", ""),
            logged("cancelled", "And stoves?", "We have"),
            logged("ok", "How much is it?", "It is $349.50."),
            logged("pending", "Thanks", ""),
        ]
    )
    assert session.turns == [
        Turn("Do you sell tents?", "Yes, the Alpine Dome Tent."),
        Turn("How much is it?", "It is $349.50."),
    ]


def test_chat_session_history_items_alternate_user_and_assistant() -> None:
    session = ChatSession("s" * 22, limiter=RateLimiter(8, 30))
    session.load(
        [
            logged("ok", "Do you sell tents?", "Yes, the Alpine Dome Tent."),
            logged("ok", "How much is it?", "It is $349.50."),
        ]
    )
    assert session.history_items() == [
        HistoryItem(role="user", text="Do you sell tents?"),
        HistoryItem(role="assistant", text="Yes, the Alpine Dome Tent."),
        HistoryItem(role="user", text="How much is it?"),
        HistoryItem(role="assistant", text="It is $349.50."),
    ]


def test_chat_session_starts_without_history() -> None:
    session = ChatSession("s" * 22, limiter=RateLimiter(8, 30))
    assert (session.turns, session.history_items()) == ([], [])
