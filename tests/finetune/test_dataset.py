"""`salesbot finetune dataset` on a real SQLite log seeded the way the service writes it."""

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.chat.phrase import slot_messages
from bot.cli import app
from bot.log.store import DialogueLog, TurnOutcome
from finetune.dataset import NotEnoughData, Rules, build, collect, lead_completion, split_of

STORE = "Northwind Outfitters"
LEAD = "introduce the products you found for the shopper"


async def turn(
    log: DialogueLog, session_id: str, text: str, action: str, reply: str, **fields: Any
) -> int:
    turn_id = await log.open_turn(session_id, "ws", text)
    lead = fields.pop("lead_text", None)
    if action in ("recommend", "answer", "compare"):
        fields.setdefault("lead_prompt", LEAD)
        fields["lead_text"] = lead or reply.split(".")[0] + "."
    outcome = TurnOutcome(status="ok", reply=reply, action=action, **fields)
    await log.close_turn(turn_id, outcome)
    return turn_id


GREETING = "Welcome to Northwind! I'm Skye, ask me anything about gear."


async def seed(log: DialogueLog, sessions: int = 40) -> dict[str, list[int]]:
    """Per conversation: a greeting an agent corrected, a recommendation rated up or down,
    and (every third) an order. Some are reviewed bad, some caught by the guard."""
    ids: dict[str, list[int]] = {"greet": [], "up": [], "down": [], "bad": [], "caught": []}
    for n in range(sessions):
        sid = f"session-seed-{n:03d}"
        greet = await turn(log, sid, "hi", "greet", "Hi! I'm the shop assistant.")
        log.correct(greet, "ana", GREETING)
        ids["greet"].append(greet)
        words = ["here are some sturdy picks for you.", "here are some great trail options."]
        rec = await turn(log, sid, f"tent {n}", "recommend",
                         f"{words[n % 2].capitalize()} The Ridgeline Dome Tent ($249.00).",
                         lead_text=words[n % 2])  # fmt: skip
        rating = "up" if n % 4 else "down"
        await log.rate(sid, rec, rating, None)
        ids[rating].append(rec)
        if n % 3 == 0:
            log.record_order(sid, f"A-{n}", [{"product_id": "t1", "quantity": 1}], "249", "USD")
        if n % 10 == 9:
            log.mark_review(sid, "bad", "rude")
            ids["bad"].append(greet)
        if n == 5:
            caught = await turn(log, sid, "cheapest?", "answer", "Happy to help.",
                                grounding=[{"kind": "price", "text": "$5"}])  # fmt: skip
            await log.rate(sid, caught, "up", None)
            ids["caught"].append(caught)
    return ids


async def test_a_dataset_learns_corrections_and_up_ratings_never_bad_or_caught_turns(
    log: DialogueLog, tmp_path: Path
) -> None:
    ids = await seed(log)
    rules = Rules(min_examples=2)  # the seeded conversations repeat a few replies
    folder, manifest = build(log, tmp_path / "sets", store=STORE, base_model="m", rules=rules)
    lines = {s: [json.loads(x) for x in (folder / f"{s}.jsonl").read_text().splitlines()]
             for s in ("train", "validation", "test")}  # fmt: skip
    every = [x for split in lines.values() for x in split]
    taught = {x["turn_id"] for x in every}
    assert taught.isdisjoint(ids["bad"]) and taught.isdisjoint(ids["caught"])
    assert taught.isdisjoint(ids["down"])
    # One greeting example survives de-duplication; the two up-rated lead-ins both do.
    greetings = [x for x in every if x["slot"] == "greet"]
    assert [g["completion"][0]["content"] for g in greetings] == [GREETING]
    assert greetings[0]["source"] == "corrected"
    assert greetings[0]["prompt"] == slot_messages(STORE, "greet")
    leads = sorted({x["completion"][0]["content"] for x in every if x["slot"] == "recommend"})
    assert leads == ["here are some great trail options.", "here are some sturdy picks for you."]
    assert all(x["prompt"] == slot_messages(STORE, "recommend", LEAD) for x in every
               if x["slot"] == "recommend")  # fmt: skip
    assert manifest["excluded"]["reviewed_bad"] == 8  # 4 sessions x greeting + recommendation
    assert manifest["excluded"]["guard_caught"] == 1
    assert manifest["excluded"]["duplicate"] > 0
    # Every conversation is in one split only, the one its id hashes to.
    for split, records in lines.items():
        assert all(split_of(x["session_id"], Rules()) == split for x in records)
    pairs = [json.loads(x) for x in (folder / "preferences.jsonl").read_text().splitlines()]
    chosen = {(p["slot"], p["chosen"][0]["content"], p["rejected"][0]["content"]) for p in pairs}
    assert ("greet", GREETING, "Hi! I'm the shop assistant.") in chosen
    assert any(slot == "recommend" for slot, _, _ in chosen)
    assert manifest["files"].keys() == {"train.jsonl", "validation.jsonl", "test.jsonl",
                                        "preferences.jsonl"}  # fmt: skip
    assert folder.name == manifest["version"] and not list(folder.parent.glob(".*partial"))


async def test_rules_choose_the_sources_and_too_little_data_is_refused_with_a_reason(
    log: DialogueLog, tmp_path: Path
) -> None:
    await seed(log, sessions=6)
    only_corrected = collect(log, Rules(sources=("corrected",)))
    kept = [e for split in only_corrected.examples.values() for e in split]
    assert {e.source for e in kept} == {"corrected"}
    with pytest.raises(NotEnoughData) as refused:
        build(log, tmp_path / "sets", store=STORE, base_model="m", rules=Rules(min_examples=50))
    message = str(refused.value)
    assert "at least 50 are needed" in message and "salesbot log correct" in message
    assert not (tmp_path / "sets").exists() or not list((tmp_path / "sets").iterdir())
    with pytest.raises(ValueError, match="one or more of corrected"):
        Rules(sources=("liked",))


async def test_personal_data_and_replies_the_slot_cannot_hold_are_left_out(
    log: DialogueLog,
) -> None:
    a = await turn(log, "session-pii-001", "hi", "greet", "Hi!")
    log.correct(a, "ana", "Hi! Write to me at ana@example.com.")
    b = await turn(log, "session-pii-001", "thanks", "thank", "You're welcome!")
    log.correct(b, "ana", "Thanks! Use code SAVE20 for 20% off.")
    c = await turn(log, "session-pii-001", "jackets", "recommend", "Here are some jackets.")
    log.correct(c, "ana", "The Halvard Rain Jacket is our best seller.")
    data = collect(log, Rules())
    assert data.excluded["personal_data"] == 1 and data.excluded["does_not_fit_slot"] == 2
    assert lead_completion("recommend", "Here are some great picks for rain! The X...") == (
        "here are some great picks for rain!"
    )
    assert lead_completion("recommend", "Happy to help with that.") is None


async def test_the_command_writes_a_version_or_says_why_not(
    log: DialogueLog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESBOT_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    empty = runner.invoke(app, ["finetune", "dataset"])
    assert empty.exit_code == 1 and "Only 0 training examples" in empty.output
    await seed(log)
    made = runner.invoke(app, ["finetune", "dataset", "--min-examples", "2"])
    assert made.exit_code == 0, made.output
    [folder] = (tmp_path / "finetune" / "datasets").iterdir()
    assert json.loads((folder / "manifest.json").read_text())["counts"]["train"] >= 2
    wrong = runner.invoke(app, ["finetune", "dataset", "--from", "likes"])
    assert wrong.exit_code == 2 and "one or more of" in wrong.output
