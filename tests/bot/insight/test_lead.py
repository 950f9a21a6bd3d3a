"""The lead score over a real SQLite log: signals read from turns and events, the prior's
ordering, and a model learned once the log has enough outcomes of both kinds."""

import random
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.insight.lead import PRIOR, LeadModel, Signals
from bot.insight.service import Insight
from bot.log.models import DialogueSession, ShopEvent, Turn, utcnow
from bot.log.store import DialogueLog

NOTHING = Signals(0, 0, 0, 0, 0, 0, 0, 0)


def test_lead_prior_ranks_buying_signals_above_none() -> None:
    model = LeadModel()
    browsing = replace(NOTHING, messages=1.1, buying=1.0, shown=1.4)
    carted = replace(browsing, viewed=1, carted=1, budget=1)
    angry = replace(browsing, negative=1.0)
    assert model.score(NOTHING) < 0.05
    assert model.score(angry) < model.score(browsing) < model.score(carted)
    assert model.describe()["source"] == "prior"


def seed(log: DialogueLog, n: int, rng: random.Random, flipped: int = 0, start: int = 0) -> None:
    """Finished conversations, oldest first: those whose shopper carted something mostly
    bought; in the first `flipped` of them, the other way round (a shop that changed)."""
    with log.sessions.begin() as db:
        for i in range(start, start + n):
            carted = rng.random() < 0.4
            likely = 0.8 if carted else 0.05
            bought = rng.random() < (1 - likely if i < flipped else likely)
            session = DialogueSession(
                id=f"lead-{i}", channel="ws", created_at=utcnow() - timedelta(days=30, hours=-i)
            )
            db.add(session)
            db.add(Turn(session_id=session.id, user_text="tents?", status="ok", intent="browse"))
            for kind in ["added_to_cart"] * carted + ["order"] * bought:
                db.add(ShopEvent(session_id=session.id, kind=kind, source="widget"))


def test_lead_model_learns_from_the_log_and_scores_a_session(log: DialogueLog) -> None:
    seed(log, 120, random.Random(7))
    insight = Insight(log.sessions)
    assert insight.refit()
    learned = insight.lead.describe()
    assert learned["source"] == "learned" and learned["learned_from"] == 120
    assert learned["weights"]["carted"] > 1.0  # carting is what predicts buying here
    judged = insight.lead.evaluation
    assert (judged["learned_from"], judged["held_out"]) == (84, 36)
    assert judged["learned"]["brier"] < judged["prior"]["brier"]
    assert judged["learned"]["auc"] >= judged["prior"]["auc"] - 0.01
    assert learned["verdict"].startswith("Learned weights beat the prior (AUC ")
    calibration = judged["learned"]["calibration"]
    assert 2 <= len(calibration) <= 5
    assert all(0 <= b["predicted"] <= 1 and 0 <= b["observed"] <= 1 for b in calibration)
    score, mood = insight.rescore("lead-0")
    with log.sessions() as db:
        assert db.get(DialogueSession, "lead-0").lead_score == score  # type: ignore[union-attr]
    assert 0 < score < 1 and mood is None  # type: ignore[operator]


def test_lead_model_keeps_the_prior_without_enough_purchases(log: DialogueLog) -> None:
    seed(log, 5, random.Random(1))
    insight = Insight(log.sessions)
    assert not insight.refit()
    assert list(insight.lead.weights) == list(PRIOR.__dict__.values())


def test_learned_weights_that_score_the_newest_conversations_worse_leave_the_prior(
    log: DialogueLog,
) -> None:
    # The older conversations teach "carting means not buying"; the newest say otherwise.
    seed(log, 140, random.Random(3), flipped=98)
    insight = Insight(log.sessions)
    assert not insight.refit()
    judged = insight.lead.evaluation
    assert judged["learned"]["auc"] < judged["prior"]["auc"] - 0.01
    assert "do not beat the prior" in judged["verdict"] and "the prior serves" in judged["verdict"]
    assert list(insight.lead.weights) == list(PRIOR.__dict__.values())
    assert insight.lead.describe()["source"] == "prior"


def test_too_few_purchases_among_the_newest_conversations_cannot_judge(log: DialogueLog) -> None:
    rng = random.Random(5)
    seed(log, 70, rng)
    with log.sessions.begin() as db:  # the newest 30: nobody bought
        for i in range(70, 100):
            moment = utcnow() - timedelta(days=2, minutes=-i)
            db.add(DialogueSession(id=f"lead-{i}", channel="ws", created_at=moment))
            db.add(Turn(session_id=f"lead-{i}", user_text="hi", status="ok", intent="greeting"))
    insight = Insight(log.sessions)
    assert not insight.refit()
    assert insight.lead.evaluation["verdict"].startswith(
        "Too few outcomes to judge by: 0 purchases"
    )


def test_the_cli_shows_the_judgement(
    log: DialogueLog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(log, 120, random.Random(7))
    monkeypatch.setenv("SALESBOT_DATA_DIR", str(tmp_path))  # where the `log` fixture keeps it
    shown = CliRunner().invoke(app, ["finetune", "lead"])
    assert shown.exit_code == 0, shown.output
    said = " ".join(shown.output.split())
    assert "120 finished conversations" in said and "judged on the newest 36" in said
    assert "AUC (higher is better)" in said and "Learned weights beat the prior" in said
