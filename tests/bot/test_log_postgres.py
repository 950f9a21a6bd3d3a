"""The dialogue log on PostgreSQL, the production database (`.ci/run` provides one)."""

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import inspect, text

from bot.log.store import DialogueLog, TurnOutcome

URL = os.environ.get("SALESBOT_TEST_POSTGRES_URL", "")
pytestmark = pytest.mark.skipif(
    not URL, reason="Set SALESBOT_TEST_POSTGRES_URL to a PostgreSQL database (.ci/run does)."
)


@pytest.fixture
def dialogue_log() -> Iterator[DialogueLog]:
    dialogue_log = DialogueLog(URL)
    with dialogue_log.engine.begin() as db:
        db.execute(text("DROP TABLE IF EXISTS turns, sessions, api_keys, alembic_version"))
    dialogue_log.migrate()
    try:
        yield dialogue_log
    finally:
        dialogue_log.close()


def test_postgres_log_migrate_twice_is_harmless(dialogue_log: DialogueLog) -> None:
    dialogue_log.migrate()
    tables = sorted(inspect(dialogue_log.engine).get_table_names())
    assert tables == ["alembic_version", "api_keys", "sessions", "turns"]


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
