"""Live figures per model version (an adapter, or the base model), from the dialogue log: how
shoppers rated its answers, how many of its conversations converted or went to a person, how
often the guard caught it, and how fast it answered. What compares a canary with the serving
version, and any version with the one before it."""

import statistics
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.log.models import Feedback, ShopEvent, Turn

BASE = "base model"
CONVERTING = ("added_to_cart", "checkout", "order")


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def version_metrics(sessions: sessionmaker[Session], since: datetime) -> list[dict[str, Any]]:
    """One row per version that answered since `since`. A conversation counts for the version
    that answered its first turn in the window (a canary keeps its conversations)."""
    with sessions() as db:
        turns = db.execute(
            select(Turn.id, Turn.session_id, Turn.adapter, Turn.status, Turn.action,
                   Turn.grounding, Turn.ttft_ms)
            .where(Turn.created_at >= since)
            .order_by(Turn.id)
        ).all()  # fmt: skip
        window = select(Turn.id).where(Turn.created_at >= since)
        ratings = dict(
            db.execute(
                select(Feedback.turn_id, Feedback.rating).where(Feedback.turn_id.in_(window))
            )
            .tuples()
            .all()
        )
        talked = select(Turn.session_id).where(Turn.created_at >= since)
        converted = set(
            db.scalars(
                select(ShopEvent.session_id).where(
                    ShopEvent.session_id.in_(talked), ShopEvent.kind.in_(CONVERTING)
                )
            )
        )
    owner: dict[str, str] = {}
    rows: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "turns": 0,
            "up": 0,
            "down": 0,
            "guard": 0,
            "errors": 0,
            "ttft": [],
            "sessions": set(),
            "handover": set(),
        }  # fmt: skip
    )
    for t in turns:
        version = t.adapter or BASE
        owner.setdefault(t.session_id, version)
        row = rows[version]
        row["turns"] += 1
        row["sessions"].add(t.session_id)
        rating = ratings.get(t.id)
        row["up"] += rating == "up"
        row["down"] += rating == "down"
        row["guard"] += bool(t.grounding)
        row["errors"] += t.status == "error"
        if t.action == "handover":
            row["handover"].add(t.session_id)
        if t.status == "ok" and t.ttft_ms is not None:
            row["ttft"].append(t.ttft_ms)
    result = []
    for version, row in sorted(rows.items()):
        own = {s for s in row["sessions"] if owner[s] == version}
        rated = row["up"] + row["down"]
        result.append(
            {
                "version": version,
                "turns": row["turns"],
                "conversations": len(own),
                "rated_up": row["up"],
                "rated_down": row["down"],
                "up_share": round(row["up"] / rated, 3) if rated else None,
                "conversion": round(len(own & converted) / len(own), 3) if own else None,
                "handover": round(len(own & row["handover"]) / len(own), 3) if own else None,
                "guard_catches": row["guard"],
                "errors": row["errors"],
                "ttft_p50_ms": round(statistics.median(row["ttft"]), 1) if row["ttft"] else None,
                "ttft_p95_ms": _percentile(row["ttft"], 0.95),
            }
        )
    return result
