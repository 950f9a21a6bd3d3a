"""The lead score over a real SQLite log: signals read from turns and events, the prior's
ordering, and a model learned once the log has enough outcomes of both kinds."""

import random
from dataclasses import replace
from datetime import timedelta

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


def seed(log: DialogueLog, n: int, rng: random.Random) -> None:
    """Old conversations: those whose shopper carted something mostly bought."""
    with log.sessions.begin() as db:
        for i in range(n):
            carted = rng.random() < 0.4
            bought = rng.random() < (0.8 if carted else 0.05)
            session = DialogueSession(
                id=f"lead-{i}", channel="ws", created_at=utcnow() - timedelta(days=3)
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
    score, mood = insight.rescore("lead-0")
    with log.sessions() as db:
        assert db.get(DialogueSession, "lead-0").lead_score == score  # type: ignore[union-attr]
    assert 0 < score < 1 and mood is None  # type: ignore[operator]


def test_lead_model_keeps_the_prior_without_enough_purchases(log: DialogueLog) -> None:
    seed(log, 5, random.Random(1))
    insight = Insight(log.sessions)
    assert not insight.refit()
    assert list(insight.lead.weights) == list(PRIOR.__dict__.values())
