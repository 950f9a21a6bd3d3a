import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.log.store import DialogueLog, TurnOutcome


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "log" / "dialogues.db"


@pytest.fixture
def dialogue_log(database: Path) -> Iterator[DialogueLog]:
    dialogue_log = DialogueLog(f"sqlite:///{database}")
    dialogue_log.migrate()
    try:
        yield dialogue_log
    finally:
        dialogue_log.close()


def tables(database: Path) -> list[str]:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        return [name for (name,) in rows]


TABLES = sorted(
    ["alembic_version", "api_keys", "corrections", "events", "feedback", "sessions", "turns",
     "adapters", "adapter_switches", "audit", "staff_accounts", "staff_messages",
     "staff_sessions", "canned_responses", "followups"]
)  # fmt: skip


def test_dialogue_log_migrate_creates_the_tables(dialogue_log: DialogueLog, database: Path) -> None:
    assert tables(database) == TABLES


def test_dialogue_log_migrate_twice_is_harmless(dialogue_log: DialogueLog, database: Path) -> None:
    dialogue_log.migrate()
    assert tables(database) == TABLES
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0009",)]


async def test_dialogue_log_keeps_turns_across_reopen(database: Path) -> None:
    first = DialogueLog(f"sqlite:///{database}")
    first.migrate()
    await first.open_turn("session-aaaa", "ws", "Do you sell tents?")
    first.close()
    second = DialogueLog(f"sqlite:///{database}")
    second.migrate()
    try:
        assert [t.user_text for t in second.turns("session-aaaa") or []] == ["Do you sell tents?"]
    finally:
        second.close()


def test_dialogue_log_database_is_in_wal_mode(dialogue_log: DialogueLog, database: Path) -> None:
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


@pytest.mark.parametrize(("synchronous", "level"), [("normal", 1), ("full", 2)])
def test_dialogue_log_syncs_sqlite_as_configured(
    database: Path, synchronous: str, level: int
) -> None:
    log = DialogueLog(f"sqlite:///{database}", synchronous=synchronous)
    try:
        with log.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == level
    finally:
        log.close()
    with pytest.raises(ValueError, match="synchronous must be one of"):
        DialogueLog(f"sqlite:///{database}", synchronous="off")


def test_a_message_accepted_survives_the_service_being_killed(database: Path) -> None:
    # With the default ("normal"), a commit is in the write-ahead log before it returns: a
    # process killed right after it (no clean shutdown) loses nothing accepted.
    DialogueLog(f"sqlite:///{database}").migrate()
    child = f"""
import asyncio, os, signal
from bot.log.store import DialogueLog
log = DialogueLog("sqlite:///{database}")
asyncio.run(log.open_turn("session-kill", "ws", "Do you sell tents?"))
os.kill(os.getpid(), signal.SIGKILL)
"""
    done = subprocess.run([sys.executable, "-c", child], cwd=Path(__file__).parents[2])
    assert done.returncode == -signal.SIGKILL
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT session_id, user_text FROM turns").fetchall()
    assert rows == [("session-kill", "Do you sell tents?")]


async def test_dialogue_log_open_turn_commits_before_close(
    dialogue_log: DialogueLog, database: Path
) -> None:
    turn_id = await dialogue_log.open_turn("session-aaaa", "ws", "Do you sell tents?")
    with sqlite3.connect(database) as db:
        turn = db.execute(
            "SELECT id, session_id, status, user_text, reply FROM turns WHERE id = ?", (turn_id,)
        ).fetchone()
        session = db.execute("SELECT id, channel FROM sessions").fetchall()
    assert turn == (turn_id, "session-aaaa", "pending", "Do you sell tents?", "")
    assert session == [("session-aaaa", "ws")]


async def test_dialogue_log_close_turn_stores_every_outcome_field(
    dialogue_log: DialogueLog,
) -> None:
    turn_id = await dialogue_log.open_turn("session-aaaa", "openai", "How much is the tent?")
    outcome = TurnOutcome(
        status="error",
        reply="The Alpine Dome Tent is",
        products=[{"id": "TNT-300", "score": 0.81}, {"id": "TNT-301", "score": 0.52}],
        model="salesbot",
        adapter="store-tone-v2",
        prompt_tokens=412,
        completion_tokens=7,
        ttft_ms=180.5,
        total_ms=950.25,
        grounding=[{"kind": "price", "text": "$99.00"}],
        error_code="engine_unavailable",
        error_message="The assistant is not available right now. Please try again.",
    )
    await dialogue_log.close_turn(turn_id, outcome)
    [turn] = dialogue_log.turns("session-aaaa") or []
    # The profile and the handover reason belong to the session, not the turn.
    fields = {k: v for k, v in vars(outcome).items() if k not in ("profile", "handover_reason")}
    assert {name: getattr(turn, name) for name in fields} == fields
    assert (turn.id, turn.user_text) == (turn_id, "How much is the tent?")


async def test_dialogue_log_turns_of_unknown_session_is_none(dialogue_log: DialogueLog) -> None:
    await dialogue_log.open_turn("session-aaaa", "ws", "Hello")
    assert dialogue_log.turns("session-zzzz") is None
    assert await dialogue_log.history("session-zzzz") is None


async def test_dialogue_log_turns_are_oldest_first_per_session(
    dialogue_log: DialogueLog,
) -> None:
    for text in ("first", "second"):
        await dialogue_log.open_turn("session-aaaa", "ws", text)
        await dialogue_log.open_turn("session-bbbb", "ws", f"other {text}")
    await dialogue_log.open_turn("session-aaaa", "ws", "third")
    turns = await dialogue_log.history("session-aaaa") or []
    assert [t.user_text for t in turns] == ["first", "second", "third"]
    assert [t.id for t in turns] == sorted(t.id for t in turns)
    assert {t.session_id for t in turns} == {"session-aaaa"}


async def test_dialogue_log_handover_marks_the_session_until_handed_back(
    dialogue_log: DialogueLog,
) -> None:
    turn_id = await dialogue_log.open_turn("session-hand", "ws", "a person please")
    outcome = TurnOutcome(
        status="ok", action="handover", handover_reason="human", profile={"max_price": "50"}
    )
    await dialogue_log.close_turn(turn_id, outcome)
    assert await dialogue_log.session_state("session-hand") == "waiting_for_human"
    assert await dialogue_log.profile("session-hand") == {"max_price": "50"}
    assert [s.id for s in dialogue_log.waiting()] == ["session-hand"]
    assert dialogue_log.hand_back("session-hand")
    assert await dialogue_log.session_state("session-hand") == "bot"
    assert not dialogue_log.hand_back("no-such-session")
