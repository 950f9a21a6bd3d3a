import time
from pathlib import Path

import pytest

from bot.errors import RateLimited
from bot.sessions import (
    Limits,
    RateLimiter,
    ResumeTokens,
    new_session_id,
    origin_allowed,
    service_secret,
)


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


def test_limits_survive_a_new_connection_and_count_per_address() -> None:
    limits = Limits(per_session=2, per_address=3, window=30)
    limits.check("session-a", "10.0.0.1")
    limits.check("session-a", "10.0.0.1")
    with pytest.raises(RateLimited):
        limits.check("session-a", "10.0.0.2")  # the same conversation from elsewhere
    limits.check("session-b", "10.0.0.1")
    with pytest.raises(RateLimited):
        limits.check("session-c", "10.0.0.1")  # a fresh session id does not reset the address
    limits.check("session-d", "10.0.0.9")


@pytest.mark.parametrize(
    ("origin", "host", "allowed", "ok"),
    [
        (None, "shop.example", [], True),  # not a browser
        ("http://localhost:5173", "127.0.0.1:8000", [], True),
        ("http://127.0.0.1:8000", "127.0.0.1:8000", ["https://shop.example"], True),  # itself
        ("https://shop.example", "assistant.example", ["https://shop.example/"], True),
        ("https://evil.example", "assistant.example", ["https://shop.example"], False),
        ("https://evil.example", "127.0.0.1:8000", [], False),
        ("http://localhost:3000", "assistant.example", ["https://shop.example"], False),
        ("https://any.example", "assistant.example", ["*"], True),
    ],
)
def test_origin_allowed_lets_in_the_service_the_listed_shops_and_by_default_localhost(
    origin: str | None, host: str, allowed: list[str], ok: bool
) -> None:
    assert origin_allowed(origin, host, allowed) is ok


def test_resume_tokens_belong_to_one_session_and_one_secret(tmp_path: Path) -> None:
    secret = service_secret("", tmp_path)
    assert service_secret("", tmp_path) == secret  # kept in the data dir
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
    tokens = ResumeTokens(secret)
    token = tokens.token("session-abc-123")
    assert tokens.valid("session-abc-123", token)
    assert not tokens.valid("session-abc-124", token)
    assert not tokens.valid("session-abc-123", None) and not tokens.valid("session-abc-123", "")
    assert not ResumeTokens(b"another secret").valid("session-abc-123", token)
    assert service_secret("configured", tmp_path) == b"configured"


def test_new_session_ids_never_fall_in_the_api_namespace() -> None:
    assert not any(new_session_id().startswith("api-") for _ in range(2000))
