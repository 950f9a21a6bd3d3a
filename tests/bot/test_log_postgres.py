"""The dialogue log on PostgreSQL, the production database (`.ci/run` provides one)."""

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import inspect, text

from bot.log.store import DialogueLog, TurnOutcome
from bot.staff.protocol import ReviewFilters
from finetune.dataset import Rules, collect
from tests.bot.staff.test_review import seed as seed_review

URL = os.environ.get("SALESBOT_TEST_POSTGRES_URL", "")
pytestmark = pytest.mark.skipif(
    not URL, reason="Set SALESBOT_TEST_POSTGRES_URL to a PostgreSQL database (.ci/run does)."
)


TABLES = (
    "followups",
    "canned_responses",
    "audit",
    "staff_messages",
    "staff_sessions",
    "staff_accounts",
    "adapter_switches",
    "adapters",
    "feedback",
    "events",
    "corrections",
    "turns",
    "sessions",
    "api_keys",
    "alembic_version",
)


@pytest.fixture
def dialogue_log() -> Iterator[DialogueLog]:
    dialogue_log = DialogueLog(URL)
    with dialogue_log.engine.begin() as db:
        db.execute(text(f"DROP TABLE IF EXISTS {', '.join(TABLES)} CASCADE"))
    dialogue_log.migrate()
    try:
        yield dialogue_log
    finally:
        dialogue_log.close()


def test_postgres_log_migrate_twice_is_harmless(dialogue_log: DialogueLog) -> None:
    dialogue_log.migrate()
    tables = sorted(inspect(dialogue_log.engine).get_table_names())
    assert tables == sorted(TABLES)


async def test_postgres_log_keeps_every_field_of_a_turn(dialogue_log: DialogueLog) -> None:
    outcome = TurnOutcome(
        status="ok",
        reply="The Trail Runner is $89.99.",
        products=[{"id": "trail", "score": 0.71}],
        model="embedded:smollm2-135m-instruct",
        adapter="lora-7",
        prompt_tokens=412,
        completion_tokens=23,
        ttft_ms=120.5,
        total_ms=1830.25,
        grounding=[{"kind": "price", "text": "$5", "reason": "not a catalog price"}],
        error_code=None,
        error_message=None,
    )
    turn_id = await dialogue_log.open_turn("pg-session-0001", "ws", "How much are they?")
    pending = await dialogue_log.history("pg-session-0001")
    assert pending is not None and [t.status for t in pending] == ["pending"]
    await dialogue_log.close_turn(turn_id, outcome)
    [turn] = await dialogue_log.history("pg-session-0001") or []
    assert turn.user_text == "How much are they?"
    # The profile and the handover reason belong to the session, not the turn.
    fields = {k: v for k, v in vars(outcome).items() if k not in ("profile", "handover_reason")}
    assert {name: getattr(turn, name) for name in fields} == fields


async def test_postgres_log_returns_turns_in_order_and_none_for_unknown(
    dialogue_log: DialogueLog,
) -> None:
    for question in ("first", "second", "third"):
        await dialogue_log.open_turn("pg-session-0002", "openai", question)
    turns = await dialogue_log.history("pg-session-0002") or []
    assert [t.user_text for t in turns] == ["first", "second", "third"]
    assert await dialogue_log.history("pg-session-none") is None


async def test_postgres_log_keeps_ratings_events_orders_and_corrections(
    dialogue_log: DialogueLog,
) -> None:
    turn_id = await dialogue_log.open_turn("session-pg-signals", "ws", "hi")
    outcome = TurnOutcome(status="ok", reply="Hi!", action="greet", products=[{"id": "t1"}])
    await dialogue_log.close_turn(turn_id, outcome)
    await dialogue_log.rate("session-pg-signals", turn_id, "down", None)
    await dialogue_log.rate("session-pg-signals", turn_id, "up", "nice")
    shown = await dialogue_log.record_event("session-pg-signals", "added_to_cart", product_id="t1")
    assert shown == turn_id
    items = [{"product_id": "t1", "quantity": 1, "price": "9.50"}]
    assert dialogue_log.record_order("session-pg-signals", "PG-1", items, "9.50", "EUR")
    assert not dialogue_log.record_order("session-pg-signals", "PG-1", items, "9.50", "EUR")
    dialogue_log.correct(turn_id, "ana", "Welcome to the shop!")
    data = collect(dialogue_log, Rules())
    [example] = [e for split in data.examples.values() for e in split]
    assert (example.slot, example.completion, example.source) == (
        "greet", "Welcome to the shop!", "corrected"
    )  # fmt: skip


def test_postgres_review_filters_work_on_json_columns(dialogue_log: DialogueLog) -> None:
    review = seed_review(dialogue_log)
    for filters, found in [({"tag": "vip"}, ["s-tents"]), ({"guard": True}, ["s-angry"]),
                           ({"q": "KAYAK"}, ["s-kayak"]), ({"converted": True}, ["s-tents"]),
                           ({"handed_over": False}, ["s-tents"])]:  # fmt: skip
        _, rows = review.search(ReviewFilters.model_validate(filters))
        assert [r.session_id for r in rows] == found, filters
