"""What the log learns from, written and read on a real SQLite log: ratings, shop events,
orders, agents' corrections and review marks; and the client frames that carry them."""

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.errors import BadRequest
from bot.log.store import DialogueLog, NotFound, TurnOutcome
from bot.protocol import EventFrame, FeedbackFrame
from bot.ws import parse_frame


def rows(log: DialogueLog, query: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(str(log.engine.url.database)) as db:
        return list(db.execute(query, args))


async def answered(log: DialogueLog, session_id: str, text: str, shown: list[str]) -> int:
    turn_id = await log.open_turn(session_id, "ws", text)
    products = [{"id": p, "score": 1.0} for p in shown]
    await log.close_turn(turn_id, TurnOutcome(status="ok", reply="Here.", products=products))
    return turn_id


async def test_a_rating_is_kept_per_answer_and_rating_again_replaces_it(log: DialogueLog) -> None:
    turn_id = await answered(log, "session-rate-1", "tents?", ["t1"])
    await log.rate("session-rate-1", turn_id, "down", "too pricey")
    await log.rate("session-rate-1", turn_id, "up", None)
    assert rows(log, "SELECT turn_id, rating, comment FROM feedback") == [(turn_id, "up", None)]


async def test_only_answered_messages_of_the_same_conversation_can_be_rated(
    log: DialogueLog,
) -> None:
    mine = await answered(log, "session-rate-2", "tents?", [])
    pending = await log.open_turn("session-rate-2", "ws", "and jackets?")
    with pytest.raises(NotFound, match=f"no answered message {mine}"):
        await log.rate("session-other-2", mine, "up", None)
    with pytest.raises(NotFound):
        await log.rate("session-rate-2", pending, "up", None)
    with pytest.raises(NotFound):
        await log.rate("session-rate-2", 9999, "up", None)
    assert rows(log, "SELECT COUNT(*) FROM feedback") == [(0,)]


async def test_an_event_is_tied_to_the_latest_answer_that_showed_the_product(
    log: DialogueLog,
) -> None:
    first = await answered(log, "session-event-1", "tents?", ["t1", "t2"])
    second = await answered(log, "session-event-1", "cheaper ones?", ["t2"])
    assert await log.record_event("session-event-1", "product_viewed", product_id="t1") == first
    assert await log.record_event("session-event-1", "added_to_cart", product_id="t2") == second
    assert await log.record_event("session-event-1", "checkout") is None
    assert await log.record_event("session-event-1", "product_viewed", product_id="zz") is None
    assert rows(log, "SELECT kind, product_id, turn_id, source FROM events ORDER BY id") == [
        ("product_viewed", "t1", first, "widget"),
        ("added_to_cart", "t2", second, "widget"),
        ("checkout", None, None, "widget"),
        ("product_viewed", "zz", None, "widget"),
    ]


async def test_an_event_before_any_message_starts_the_conversation(log: DialogueLog) -> None:
    await log.record_event("session-event-2", "product_viewed", product_id="t1")
    assert rows(log, "SELECT id, channel FROM sessions") == [("session-event-2", "ws")]
    with pytest.raises(NotFound):
        await log.record_event("session-event-2", "product_viewed", product_id="t1", turn_id=42)


async def test_an_order_is_logged_once_and_tied_to_the_answers_that_showed_its_products(
    log: DialogueLog,
) -> None:
    shown = await answered(log, "session-order-1", "a tent", ["t1"])
    items = [{"product_id": "t1", "quantity": 1, "price": "249.00"},
             {"product_id": "x9", "quantity": 2, "price": None}]  # fmt: skip
    assert log.record_order("session-order-1", "A-1001", items, "249.00", "USD") is True
    assert log.record_order("session-order-1", "A-1001", items, "249.00", "USD") is False
    [(kind, order_id, value, currency, details)] = rows(
        log, "SELECT kind, order_id, value, currency, details FROM events"
    )
    assert (kind, order_id, value, currency) == ("order", "A-1001", "249.00", "USD")
    assert json.loads(details)["shown_in"] == {"t1": shown}
    with pytest.raises(NotFound, match="no conversation session-nobody"):
        log.record_order("session-nobody", "A-1002", items, None, None)


async def test_corrections_and_review_marks_from_the_command_line(
    log: DialogueLog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    turn_id = await answered(log, "session-fix-1", "return policy?", [])
    monkeypatch.setenv("SALESBOT_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    text = "Returns are free within 30 days at Northwind."
    fixed = runner.invoke(app, ["log", "correct", str(turn_id), "--text", text, "--agent", "ana"])
    assert fixed.exit_code == 0, fixed.output
    assert rows(log, "SELECT turn_id, agent, text FROM corrections") == [(turn_id, "ana", text)]
    missing = runner.invoke(app, ["log", "correct", "999", "--text", "Hello."])
    assert missing.exit_code == 2 and "no message 999" in missing.output
    empty = runner.invoke(app, ["log", "correct", str(turn_id), "--text", "  "])
    assert empty.exit_code == 2 and "1 to 4000 characters" in empty.output
    bad = runner.invoke(app, ["log", "review", "session-fix-1", "bad", "--note", "rude"])
    assert bad.exit_code == 0, bad.output
    assert rows(log, "SELECT review, review_note FROM sessions") == [("bad", "rude")]
    cleared = runner.invoke(app, ["log", "review", "session-fix-1", "clear"])
    assert cleared.exit_code == 0 and rows(log, "SELECT review FROM sessions") == [(None,)]
    wrong = runner.invoke(app, ["log", "review", "session-fix-1", "meh"])
    assert wrong.exit_code == 2 and "good, bad or clear" in wrong.output


def test_feedback_and_event_frames_parse_and_bad_ones_say_what_is_wrong() -> None:
    rated = parse_frame('{"type": "feedback", "message_id": 3, "rating": "up"}', 4096)
    assert isinstance(rated, FeedbackFrame) and rated.rating == "up"
    seen = parse_frame('{"type": "event", "name": "added_to_cart", "product_id": "t1"}', 4096)
    assert isinstance(seen, EventFrame) and seen.product_id == "t1"
    for raw, words in [
        ('{"type": "feedback", "message_id": 3, "rating": "meh"}', "feedback frame: rating"),
        ('{"type": "feedback", "rating": "up"}', "message_id: Field required"),
        ('{"type": "event", "name": "purchase"}', "event frame: name"),
        ('{"type": "event", "name": "checkout", "quantity": 0}', "quantity"),
        ('{"type": "ping"}', 'Client frames are "message", "stop", "feedback", "event"'),
    ]:
        with pytest.raises(BadRequest) as raised:
            parse_frame(raw, 4096)
        assert words in raised.value.message, raised.value.message
