"""The shop's figures over a period, from the dialogue log: conversations, assisted purchases
and revenue, conversion with and without the assistant, handovers, ratings, speed and guard
catches (per model version), shopper segments, the demand the catalog misses, and a forecast.

Definitions (also in docs/staff.md): a *conversation* is a session with at least one message;
a *visit without chat* is a widget session with shop events but no message; a *purchase* is a
checkout or an order event; *revenue* sums the orders the shop's server reported (`POST
/api/orders`), per currency."""

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.insight.demand import group
from bot.insight.forecast import backtest, forecast
from bot.insight.lead import PURCHASE
from bot.log.models import DialogueSession, Feedback, ShopEvent, StaffMessage, Turn

BANDS = [(50, "under 50"), (100, "50–100"), (250, "100–250"), (500, "250–500")]
NOT_FOUND = "not_found"
FORECAST_HISTORY_DAYS = 120


def _day(moment: datetime) -> date:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).date()


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def band(profile: dict[str, Any] | None) -> str:
    top = (profile or {}).get("max_price")
    if top is None:
        return "no budget said"
    for limit, name in BANDS:
        if Decimal(str(top)) < limit:
            return name
    return "500 and more"


def percentile(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 1) if values else None


@dataclass
class Version:
    """One model version's figures: the base model or an adapter."""

    name: str
    conversations: int = 0
    messages: int = 0
    purchases: int = 0
    rated_up: int = 0
    rated_down: int = 0
    guard_catches: int = 0
    ttft: list[float] = field(default_factory=list)

    def out(self) -> dict[str, Any]:
        rate = self.purchases / self.conversations if self.conversations else None
        return {
            "name": self.name, "conversations": self.conversations, "messages": self.messages,
            "purchases": self.purchases,
            "conversion_rate": None if rate is None else round(rate, 4),
            "rated_up": self.rated_up, "rated_down": self.rated_down,
            "guard_catches": self.guard_catches,
            "ttft_p50_ms": percentile(self.ttft, 50), "ttft_p95_ms": percentile(self.ttft, 95),
        }  # fmt: skip


def figures(db: Session, since: date, until: date) -> dict[str, Any]:
    """Everything the analytics page shows for the days `since` to `until` (inclusive)."""
    start, end = _start(since), _start(until + timedelta(days=1))
    sessions = {
        s.id: s
        for s in db.scalars(
            select(DialogueSession).where(
                DialogueSession.created_at >= start, DialogueSession.created_at < end
            )
        )
    }
    ids = list(sessions)
    turns: dict[str, list[Turn]] = defaultdict(list)
    for t in db.scalars(select(Turn).where(Turn.session_id.in_(ids)).order_by(Turn.id)):
        turns[t.session_id].append(t)
    events: dict[str, list[ShopEvent]] = defaultdict(list)
    for e in db.scalars(select(ShopEvent).where(ShopEvent.session_id.in_(ids))):
        events[e.session_id].append(e)
    ratings = db.execute(
        select(Feedback.session_id, Feedback.turn_id, Feedback.rating).where(
            Feedback.session_id.in_(ids)
        )
    ).all()
    helped = set(
        db.scalars(select(StaffMessage.session_id).where(StaffMessage.session_id.in_(ids)))
    )
    chatted = [i for i in ids if turns[i]]
    browsing = [i for i in ids if not turns[i] and events[i]]
    bought = {i for i in ids if any(e.kind in PURCHASE for e in events[i])}
    handed = {
        i
        for i in chatted
        if sessions[i].handover_reason
        or i in helped
        or any(t.action == "handover" for t in turns[i])
    }
    revenue: dict[str, Decimal] = defaultdict(Decimal)
    for i in chatted:
        for e in events[i]:
            if e.kind == "order" and e.value is not None:
                revenue[e.currency or "?"] += Decimal(e.value)
    all_turns = [t for i in chatted for t in turns[i]]
    ttft = [t.ttft_ms for t in all_turns if t.status == "ok" and t.ttft_ms is not None]

    versions: dict[str, Version] = {}
    turn_version = {t.id: t.adapter or "base" for t in all_turns}
    for i in chatted:
        name = turns[i][0].adapter or "base"  # a conversation keeps the version it started on
        v = versions.setdefault(name, Version(name))
        v.conversations += 1
        v.purchases += i in bought
    for t in all_turns:
        v = versions.setdefault(turn_version[t.id], Version(turn_version[t.id]))
        v.messages += 1
        v.guard_catches += bool(t.grounding)
        if t.status == "ok" and t.ttft_ms is not None:
            v.ttft.append(t.ttft_ms)
    for _, turn_id, rating in ratings:
        if (rated := turn_version.get(turn_id)) is not None:
            if rating == "up":
                versions[rated].rated_up += 1
            else:
                versions[rated].rated_down += 1

    per_day: dict[date, dict[str, Any]] = {}
    day = since
    while day <= until:
        per_day[day] = {"day": day.isoformat(), "conversations": 0, "purchases": 0}
        day += timedelta(days=1)
    for i in chatted:
        row = per_day[_day(sessions[i].created_at)]
        row["conversations"] += 1
        row["purchases"] += i in bought

    segments: Counter[tuple[str, str]] = Counter()
    segment_buys: Counter[tuple[str, str]] = Counter()
    for i in chatted:
        profile = sessions[i].profile or {}
        key = (band(profile), profile.get("category") or profile.get("topic") or "anything")
        segments[key] += 1
        segment_buys[key] += i in bought

    up = sum(r == "up" for _, _, r in ratings)
    down = len(ratings) - up
    rate = lambda part, whole: round(part / whole, 4) if whole else None  # noqa: E731
    return {
        "since": since.isoformat(), "until": until.isoformat(),
        "conversations": len(chatted),
        "visits_without_chat": len(browsing),
        "assisted_purchases": len(bought & set(chatted)),
        "assisted_revenue": {c: str(v) for c, v in sorted(revenue.items())},
        "conversion_assisted": rate(len(bought & set(chatted)), len(chatted)),
        "conversion_without_chat": rate(len(bought & set(browsing)), len(browsing)),
        "handovers": len(handed), "handover_rate": rate(len(handed), len(chatted)),
        "rated_up": up, "rated_down": down, "rated_up_share": rate(up, up + down),
        "messages": len(all_turns),
        "ttft_p50_ms": percentile(ttft, 50), "ttft_p95_ms": percentile(ttft, 95),
        "guard_catches": sum(bool(t.grounding) for t in all_turns),
        "per_day": list(per_day.values()),
        "versions": [v.out() for v in sorted(versions.values(), key=lambda v: v.name)],
        "segments": [
            {"budget": b, "interest": interest, "conversations": n,
             "conversion_rate": rate(segment_buys[(b, interest)], n)}
            for (b, interest), n in segments.most_common(12)
        ],
    }  # fmt: skip


def missed_demand(db: Session, since: date, until: date) -> list[dict[str, Any]]:
    """Questions answered "not in the catalog" in the period, grouped, against the period of
    the same length before it."""
    length = (until - since).days + 1
    before = since - timedelta(days=length)
    rows = db.execute(
        select(Turn.user_text, Turn.created_at).where(
            Turn.action == NOT_FOUND,
            Turn.created_at >= _start(before),
            Turn.created_at < _start(until + timedelta(days=1)),
        )
    ).all()
    now = [text for text, at in rows if _day(at) >= since]
    earlier = [text for text, at in rows if _day(at) < since]
    return [asdict(m) for m in group(now, earlier)]


def sales_forecast(db: Session, today: date) -> dict[str, Any]:
    """Assisted purchases and revenue per day over the history, and the next 7 and 30 days."""
    first = today - timedelta(days=FORECAST_HISTORY_DAYS)
    chatted = select(Turn.session_id)
    rows = db.execute(
        select(ShopEvent.kind, ShopEvent.value, ShopEvent.currency, ShopEvent.created_at).where(
            ShopEvent.kind.in_(PURCHASE),
            ShopEvent.session_id.in_(chatted),
            ShopEvent.created_at >= _start(first),
            ShopEvent.created_at < _start(today),
        )
    ).all()
    started = db.scalar(
        select(DialogueSession.created_at).order_by(DialogueSession.created_at).limit(1)
    )
    if started is None:
        return {"history_days": 0, "series": {}}
    begin = max(first, _day(started))
    days = (today - begin).days
    purchases = [0.0] * days
    revenue: dict[str, list[float]] = defaultdict(lambda: [0.0] * days)
    for kind, value, currency, at in rows:
        index = (_day(at) - begin).days
        if 0 <= index < days:
            purchases[index] += 1
            if kind == "order" and value is not None:
                revenue[currency or "?"][index] += float(value)
    series = {"purchases": purchases, **{f"revenue {c}": v for c, v in sorted(revenue.items())}}
    out: dict[str, Any] = {"history_days": days, "series": {}}
    for name, history in series.items():
        checks = [b for b in (backtest(history, 7),) if b is not None]
        out["series"][name] = {
            "forecasts": [asdict(forecast(history, h)) for h in (7, 30)],
            "backtest": [
                {**asdict(b), "error": round(b.error, 2), "percent_error": b.percent_error,
                 "held": b.held}
                for b in checks
            ],
        }  # fmt: skip
    return out
