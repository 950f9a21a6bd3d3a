"""The lead score: the chance a conversation ends in a purchase (a checkout or an order the
shop reports), from what the conversation shows so far.

A logistic regression over a few signals. Day-one it uses prior weights (below: what each
signal is taken to be worth in log-odds). On start and every hour it learns weights from the
older finished conversations and judges them against the prior on the newest ones (held out):
the learned weights (refitted on all) replace the prior only when they score those better — a
lower Brier score with an AUC no more than 0.01 lower — and the figures are kept to show."""

import math
from dataclasses import astuple, dataclass
from typing import Any

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.log.models import DialogueSession, Feedback, ShopEvent, Turn

BUYING = {"browse", "product_question", "compare", "price_stock"}
PURCHASE = {"checkout", "order"}
MIN_EACH_CLASS = 8  # fewer purchases (or non-purchases) than this: the prior stays
HELD_OUT = 0.3  # the newest share of finished conversations, to judge learned weights by
MIN_HELD_OUT_EACH = 3  # purchases and non-purchases needed among them to judge at all
AUC_SLACK = 0.01


@dataclass
class Signals:
    messages: float  # log(1 + the shopper's messages)
    buying: float  # the share of messages about products, prices, comparisons
    budget: float  # 1 when the shopper named a budget
    shown: float  # log(1 + products shown)
    viewed: float  # 1 when a shown product was opened
    carted: float  # 1 when something went into the cart
    negative: float  # the share of messages in a negative mood
    rated_up: float  # 1 when an answer was rated helpful


# Prior log-odds per signal, and the intercept (about 3% of chats buy with no signal at all).
PRIOR = Signals(0.3, 1.0, 0.6, 0.2, 0.8, 2.2, -1.2, 0.5)
PRIOR_INTERCEPT = -3.5


def signals(db: Session, session_id: str) -> Signals:
    turns = db.execute(
        select(Turn.intent, Turn.sentiment, Turn.products).where(Turn.session_id == session_id)
    ).all()
    kinds = set(db.scalars(select(ShopEvent.kind).where(ShopEvent.session_id == session_id)))
    up = db.scalar(
        select(func.count()).where(Feedback.session_id == session_id, Feedback.rating == "up")
    )
    profile = (db.get(DialogueSession, session_id) or DialogueSession()).profile or {}
    count = len(turns) or 1
    shown = {p.get("id") for _, _, products in turns for p in products or [] if isinstance(p, dict)}
    return Signals(
        messages=math.log1p(len(turns)),
        buying=sum(i in BUYING for i, _, _ in turns) / count,
        budget=float(profile.get("max_price") is not None or profile.get("min_price") is not None),
        shown=math.log1p(len(shown)),
        viewed=float("product_viewed" in kinds),
        carted=float("added_to_cart" in kinds),
        negative=sum(s == "negative" for _, s, _ in turns) / count,
        rated_up=float(bool(up)),
    )


def purchased(db: Session, session_id: str) -> bool:
    query = select(ShopEvent.id).where(
        ShopEvent.session_id == session_id, ShopEvent.kind.in_(PURCHASE)
    )
    return db.scalar(query.limit(1)) is not None


def judge(scores: list[float], outcomes: list[bool], bins: int = 5) -> dict[str, Any]:
    """How well scores foretold outcomes: AUC (ranking), Brier score (lower is better; ranking
    and calibration together), and a calibration table (mean score vs share that bought, per
    bin of equal size)."""
    y = np.array(outcomes, dtype=int)
    p = np.array(scores, dtype=float)
    observed, predicted = calibration_curve(y, p, n_bins=bins, strategy="quantile")
    return {
        "auc": round(float(roc_auc_score(y, p)), 4),
        "brier": round(float(brier_score_loss(y, p)), 4),
        "calibration": [
            {"predicted": round(float(a), 4), "observed": round(float(b), 4)}
            for a, b in zip(predicted, observed, strict=True)
        ],
    }


def _fitted(rows: list[tuple[Signals, bool]]) -> LogisticRegression:
    x = np.array([astuple(s) for s, _ in rows], dtype=float)
    y = np.array([label for _, label in rows], dtype=int)
    return LogisticRegression(C=1.0, max_iter=1000).fit(x, y)


class LeadModel:
    def __init__(self) -> None:
        self.weights = np.array(astuple(PRIOR), dtype=float)
        self.intercept = PRIOR_INTERCEPT
        self.learned_from = 0  # conversations; 0 while the prior serves
        self.evaluation: dict[str, Any] = {"verdict": "Not judged yet: the prior serves."}

    def score(self, found: Signals) -> float:
        return self._score(found, self.weights, self.intercept)

    @staticmethod
    def _score(found: Signals, weights: np.ndarray, intercept: float) -> float:
        z = float(np.dot(weights, astuple(found))) + intercept
        return round(1 / (1 + math.exp(-z)), 4)

    def evaluate(self, rows: list[tuple[Signals, bool]]) -> dict[str, Any]:
        """Learn from the older finished conversations (`rows` oldest first), then score the
        newest with the learned weights and with the prior. `adopt` says whether the learned
        weights beat the prior there."""
        cut = round(len(rows) * (1 - HELD_OUT))
        older, newer = rows[:cut], rows[cut:]
        bought_old = sum(label for _, label in older)
        bought_new = sum(label for _, label in newer)
        result: dict[str, Any] = {
            "conversations": len(rows), "learned_from": len(older), "held_out": len(newer),
            "purchases": bought_old + bought_new, "adopt": False,
        }  # fmt: skip
        if min(bought_old, len(older) - bought_old) < MIN_EACH_CLASS:
            result["verdict"] = (
                f"Too few outcomes to learn from: {bought_old} purchases and "
                f"{len(older) - bought_old} other conversations among the older {len(older)}; "
                f"{MIN_EACH_CLASS} of each are needed. The prior serves."
            )
            return result
        if min(bought_new, len(newer) - bought_new) < MIN_HELD_OUT_EACH:
            result["verdict"] = (
                f"Too few outcomes to judge by: {bought_new} purchases and "
                f"{len(newer) - bought_new} other conversations among the newest {len(newer)}; "
                f"{MIN_HELD_OUT_EACH} of each are needed. The prior serves."
            )
            return result
        model = _fitted(older)
        weights, intercept = model.coef_[0], float(model.intercept_[0])
        outcomes = [label for _, label in newer]
        prior = judge([self._score(s, np.array(astuple(PRIOR)), PRIOR_INTERCEPT)
                       for s, _ in newer], outcomes)  # fmt: skip
        learned = judge([self._score(s, weights, intercept) for s, _ in newer], outcomes)
        adopt = learned["brier"] < prior["brier"] and learned["auc"] >= prior["auc"] - AUC_SLACK
        change = (
            f"AUC {prior['auc']:.3f} -> {learned['auc']:.3f}, Brier score {prior['brier']:.4f} "
            f"-> {learned['brier']:.4f} on the newest {len(newer)} conversations"
        )
        result |= {
            "prior": prior, "learned": learned, "adopt": adopt,
            "verdict": f"Learned weights {'beat' if adopt else 'do not beat'} the prior "
            f"({change}): {'they serve' if adopt else 'the prior serves'}.",
        }  # fmt: skip
        return result

    def fit(self, rows: list[tuple[Signals, bool]]) -> bool:
        """Learn from finished conversations (oldest first) if that beats the prior on the
        newest of them; then refit on all. False (the prior serves) otherwise."""
        self.evaluation = self.evaluate(rows)
        if not self.evaluation["adopt"]:
            self.weights = np.array(astuple(PRIOR), dtype=float)
            self.intercept, self.learned_from = PRIOR_INTERCEPT, 0
            return False
        model = _fitted(rows)
        self.weights, self.intercept = model.coef_[0], float(model.intercept_[0])
        self.learned_from = len(rows)
        return True

    def describe(self) -> dict[str, Any]:
        names = list(Signals.__dataclass_fields__)
        return {
            "source": "learned" if self.learned_from else "prior",
            "learned_from": self.learned_from,
            "weights": dict(zip(names, (round(float(w), 3) for w in self.weights), strict=True)),
            "intercept": round(self.intercept, 3),
            "verdict": self.evaluation["verdict"],
        }
