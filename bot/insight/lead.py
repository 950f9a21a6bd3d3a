"""The lead score: the chance a conversation ends in a purchase (a checkout or an order the
shop reports), from what the conversation shows so far.

A logistic regression over a few signals. Until the log holds enough finished conversations
of both kinds to learn from, it uses prior weights (below: what each signal is taken to be
worth in log-odds); after that it is refitted from the log on start and every hour."""

import math
from dataclasses import astuple, dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.log.models import DialogueSession, Feedback, ShopEvent, Turn

BUYING = {"browse", "product_question", "compare", "price_stock"}
PURCHASE = {"checkout", "order"}
MIN_EACH_CLASS = 8  # fewer purchases (or non-purchases) than this: the prior stays


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


class LeadModel:
    def __init__(self) -> None:
        self.weights = np.array(astuple(PRIOR), dtype=float)
        self.intercept = PRIOR_INTERCEPT
        self.learned_from = 0  # conversations; 0 while the prior serves

    def score(self, found: Signals) -> float:
        z = float(np.dot(self.weights, astuple(found))) + self.intercept
        return round(1 / (1 + math.exp(-z)), 4)

    def fit(self, rows: list[tuple[Signals, bool]]) -> bool:
        """Learn from finished conversations; False (the prior stays) without enough of both
        outcomes."""
        bought = sum(label for _, label in rows)
        if min(bought, len(rows) - bought) < MIN_EACH_CLASS:
            return False
        x = np.array([astuple(s) for s, _ in rows], dtype=float)
        y = np.array([label for _, label in rows], dtype=int)
        model = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
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
        }
