"""Dialogue-log review over a real SQLite log: every filter finds exactly the conversations it
should, marks and tags are kept, the export holds the whole conversation."""

import json
from datetime import date, timedelta

import pytest

from bot.log.models import DialogueSession, Feedback, ShopEvent, StaffMessage, Turn, utcnow
from bot.log.store import DialogueLog
from bot.staff.protocol import ReviewFilters
from bot.staff.review import Review


@pytest.fixture
def review(log: DialogueLog) -> Review:
    return seed(log)


def seed(log: DialogueLog) -> Review:
    """Three conversations with messages (and a visit without one), each found by some filter."""
    now = utcnow()
    with log.sessions.begin() as db:
        db.add_all([
            DialogueSession(
                id="s-tents", channel="ws", created_at=now, lead_score=0.8, tags=["vip"]
            ),
            DialogueSession(id="s-angry", channel="ws", created_at=now - timedelta(days=3)),
            DialogueSession(id="s-kayak", channel="ws", created_at=now - timedelta(days=10),
                            handover_reason="asked"),
            DialogueSession(id="s-browse", channel="ws", created_at=now),  # no messages
        ])  # fmt: skip
        db.flush()
        db.add_all([
            Turn(session_id="s-tents", user_text="Any tents under 200?", reply="The Ridge Tent",
                 status="ok", intent="browse", action="recommend", adapter="ad-1"),
            Turn(session_id="s-angry", user_text="My order never came", reply="Sorry",
                 status="ok", intent="complaint", action="handover",
                 grounding=[{"kind": "price", "claim": "$5"}]),
            Turn(session_id="s-kayak", user_text="Do you sell kayaks?", reply="Not in our catalog",
                 status="ok", intent="browse", action="not_found"),
        ])  # fmt: skip
        db.flush()
        db.add(Feedback(session_id="s-tents", turn_id=1, rating="up"))
        db.add(Feedback(session_id="s-angry", turn_id=2, rating="down"))
        db.add(ShopEvent(session_id="s-tents", kind="order", value="199.00", currency="USD",
                         source="server"))  # fmt: skip
        db.add(ShopEvent(session_id="s-browse", kind="product_viewed", source="widget"))
        db.add(
            StaffMessage(session_id="s-kayak", agent="ana", name="Ana", kind="joined", text="hi")
        )
    return Review(log.sessions)


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        ({}, ["s-tents", "s-angry", "s-kayak"]),  # newest first; no conversation without text
        ({"q": "KAYAK"}, ["s-kayak"]),
        ({"q": "ridge"}, ["s-tents"]),  # replies too
        ({"intent": "complaint"}, ["s-angry"]),
        ({"rating": "up"}, ["s-tents"]),
        ({"rating": "down"}, ["s-angry"]),
        ({"converted": True}, ["s-tents"]),
        ({"converted": False}, ["s-angry", "s-kayak"]),
        ({"handed_over": True}, ["s-angry", "s-kayak"]),
        ({"handed_over": False}, ["s-tents"]),
        ({"adapter": "ad-1"}, ["s-tents"]),
        ({"adapter": "base"}, ["s-angry", "s-kayak"]),
        ({"guard": True}, ["s-angry"]),
        ({"min_lead": 0.5}, ["s-tents"]),
        ({"tag": "vip"}, ["s-tents"]),
        ({"since": date.today() - timedelta(days=5)}, ["s-tents", "s-angry"]),
        ({"until": date.today() - timedelta(days=5)}, ["s-kayak"]),
        ({"q": "tents", "rating": "down"}, []),
    ],
)
def test_review_filters_find_exactly_the_matching_conversations(
    review: Review, filters: dict[str, object], found: list[str]
) -> None:
    total, rows = review.search(ReviewFilters.model_validate(filters))
    assert [r.session_id for r in rows] == found and total == len(found)


def test_review_rows_summarise_each_conversation(review: Review) -> None:
    _, rows = review.search(ReviewFilters(q="tents"))
    row = rows[0]
    assert (row.messages, row.intents, row.ratings, row.converted) == (
        1,
        ["browse"],
        {"up": 1, "down": 0},
        True,
    )
    assert (row.adapters, row.guard_catches, row.lead_score, row.tags) == (
        ["ad-1"],
        0,
        0.8,
        ["vip"],
    )


def test_review_marks_tags_and_exports(review: Review, log: DialogueLog) -> None:
    assert review.mark(2, "bad") == "s-angry"
    assert review.label(2, "complaint") == "s-angry"
    assert review.tag("s-angry", [" Refund ", "refund", "late"]) == ["late", "refund"]
    assert [r.session_id for r in review.search(ReviewFilters(tag="refund"))[1]] == ["s-angry"]
    lines = list(review.export(ReviewFilters(intent="complaint")))
    exported = [json.loads(line) for line in lines]
    assert [e["session_id"] for e in exported] == ["s-angry"]
    turn = exported[0]["turns"][0]
    assert (turn["mark"], turn["intent_label"], turn["rating"], turn["grounding"]) == (
        "bad",
        "complaint",
        "down",
        [{"kind": "price", "claim": "$5"}],
    )
    assert exported[0]["tags"] == ["late", "refund"]
