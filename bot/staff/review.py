"""Dialogue-log review: find conversations, read every turn with what the service decided,
tag them, mark turns as good or bad examples, correct replies, export a selection."""

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import String, and_, cast, exists, func, or_, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Select

from bot.insight.lead import PURCHASE
from bot.log.models import (
    AuditEntry,
    Correction,
    DialogueSession,
    Feedback,
    ShopEvent,
    StaffMessage,
    Turn,
)
from bot.log.store import NotFound
from bot.staff.protocol import ReviewFilters, SessionRow

EXPORT_LIMIT = 10_000


def _caught() -> Any:
    text = cast(Turn.grounding, String)
    return and_(Turn.grounding.is_not(None), text.not_in(["[]", "null"]))


def _has_turn(*conditions: Any) -> Any:
    return exists(select(Turn.id).where(Turn.session_id == DialogueSession.id, *conditions))


def _purchased() -> Any:
    return exists(
        select(ShopEvent.id).where(
            ShopEvent.session_id == DialogueSession.id, ShopEvent.kind.in_(PURCHASE)
        )
    )


def _handed_over() -> Any:
    said = exists(select(StaffMessage.id).where(StaffMessage.session_id == DialogueSession.id))
    return or_(
        DialogueSession.handover_reason.is_not(None), _has_turn(Turn.action == "handover"), said
    )


def query(f: ReviewFilters) -> Select[DialogueSession]:
    q = select(DialogueSession).where(_has_turn())
    if f.q:
        needle = f"%{f.q.casefold()}%"
        q = q.where(
            _has_turn(
                or_(func.lower(Turn.user_text).like(needle), func.lower(Turn.reply).like(needle))
            )
        )
    if f.since:
        q = q.where(DialogueSession.created_at >= datetime.combine(f.since, time(), UTC))
    if f.until:
        end = datetime.combine(f.until + timedelta(days=1), time(), UTC)
        q = q.where(DialogueSession.created_at < end)
    if f.intent:
        q = q.where(_has_turn(Turn.intent == f.intent))
    if f.rating:
        q = q.where(
            exists(
                select(Feedback.id).where(
                    Feedback.session_id == DialogueSession.id, Feedback.rating == f.rating
                )
            )
        )
    if f.converted is not None:
        q = q.where(_purchased() if f.converted else ~_purchased())
    if f.handed_over is not None:
        q = q.where(_handed_over() if f.handed_over else ~_handed_over())
    if f.adapter:
        q = q.where(
            _has_turn(Turn.adapter.is_(None) if f.adapter == "base" else Turn.adapter == f.adapter)
        )
    if f.guard is not None:
        q = q.where(_has_turn(_caught()) if f.guard else ~_has_turn(_caught()))
    if f.min_lead is not None:
        q = q.where(DialogueSession.lead_score >= f.min_lead)
    if f.tag:
        q = q.where(cast(DialogueSession.tags, String).contains(json.dumps(f.tag)))
    if f.review == "none":
        q = q.where(DialogueSession.review.is_(None))
    elif f.review:
        q = q.where(DialogueSession.review == f.review)
    return q


class Review:
    def __init__(self, sessions: sessionmaker[Session]):
        self._sessions = sessions

    def search(self, f: ReviewFilters) -> tuple[int, list[SessionRow]]:
        q = query(f)
        with self._sessions() as db:
            total = db.scalar(select(func.count()).select_from(q.subquery())) or 0
            page = q.order_by(DialogueSession.created_at.desc(), DialogueSession.id)
            found = list(db.scalars(page.limit(f.limit).offset(f.offset)))
            return total, self._rows(db, found)

    def _rows(self, db: Session, found: list[DialogueSession]) -> list[SessionRow]:
        ids = [s.id for s in found]
        turns: dict[str, list[Turn]] = defaultdict(list)
        for turn in db.scalars(select(Turn).where(Turn.session_id.in_(ids)).order_by(Turn.id)):
            turns[turn.session_id].append(turn)
        ratings: dict[str, dict[str, int]] = defaultdict(lambda: {"up": 0, "down": 0})
        for session_id, rating in db.execute(
            select(Feedback.session_id, Feedback.rating).where(Feedback.session_id.in_(ids))
        ):
            ratings[session_id][rating] += 1
        bought = set(
            db.scalars(
                select(ShopEvent.session_id).where(
                    ShopEvent.session_id.in_(ids), ShopEvent.kind.in_(PURCHASE)
                )
            )
        )
        helped = set(
            db.scalars(select(StaffMessage.session_id).where(StaffMessage.session_id.in_(ids)))
        )
        rows = []
        for s in found:
            mine = turns[s.id]
            rows.append(
                SessionRow(
                    session_id=s.id, created_at=_iso(s.created_at), channel=s.channel,
                    messages=len(mine), first_message=mine[0].user_text[:200] if mine else "",
                    intents=sorted({t.intent for t in mine if t.intent}),
                    ratings=dict(ratings[s.id]), converted=s.id in bought,
                    handed_over=bool(s.handover_reason) or s.id in helped
                    or any(t.action == "handover" for t in mine),
                    adapters=sorted({t.adapter or "base" for t in mine}),
                    guard_catches=sum(bool(t.grounding) for t in mine),
                    lead_score=s.lead_score, tags=s.tags or [], review=s.review,
                )
            )  # fmt: skip
        return rows

    def session(self, session_id: str) -> dict[str, Any]:
        """Everything the log holds about one conversation, turn by turn."""
        with self._sessions() as db:
            s = db.get(DialogueSession, session_id)
            if s is None:
                raise NotFound(f"There is no conversation {session_id[:64]}.")
            where = {"session_id": session_id}
            ratings = {f.turn_id: f for f in db.scalars(select(Feedback).filter_by(**where))}
            corrections: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for c in db.scalars(select(Correction).filter_by(**where).order_by(Correction.id)):
                corrections[c.turn_id].append(
                    {"agent": c.agent, "text": c.text, "at": _iso(c.created_at)}
                )
            turns = list(db.scalars(select(Turn).filter_by(**where).order_by(Turn.id)))
            events = list(db.scalars(select(ShopEvent).filter_by(**where).order_by(ShopEvent.id)))
            said = list(
                db.scalars(select(StaffMessage).filter_by(**where).order_by(StaffMessage.id))
            )
            audit = list(db.scalars(select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)))
            return {
                "session_id": s.id, "created_at": _iso(s.created_at), "channel": s.channel,
                "state": s.state, "profile": s.profile or {}, "lead_score": s.lead_score,
                "customer": s.customer,
                "tags": s.tags or [], "review": s.review, "review_note": s.review_note,
                "turns": [_turn(t, ratings.get(t.id), corrections.get(t.id, [])) for t in turns],
                "events": [
                    {"kind": e.kind, "product_id": e.product_id, "quantity": e.quantity,
                     "value": e.value, "currency": e.currency, "turn_id": e.turn_id,
                     "at": _iso(e.created_at)}
                    for e in events
                ],
                "staff_messages": [
                    {"id": m.id, "agent": m.agent, "name": m.name, "kind": m.kind, "text": m.text,
                     "draft": m.draft, "turn_id": m.turn_id, "at": _iso(m.created_at)}
                    for m in said
                ],
                "audit": [
                    {"actor": a.actor, "action": a.action, "details": a.details, "at": _iso(a.at)}
                    for a in audit
                ],
            }  # fmt: skip

    def tag(self, session_id: str, tags: list[str]) -> list[str]:
        clean = sorted({t.strip().casefold() for t in tags if t.strip()})
        with self._sessions.begin() as db:
            s = db.get(DialogueSession, session_id)
            if s is None:
                raise NotFound(f"There is no conversation {session_id[:64]}.")
            s.tags = clean or None
            return clean

    def mark(self, turn_id: int, mark: str | None) -> str:
        """Mark a turn as a good or bad training example; returns its conversation."""
        return self._set_turn(turn_id, mark=mark)

    def label(self, turn_id: int, intent: str | None) -> str:
        """Say which intent a shopper's message has (None clears it); returns its
        conversation. The intent classifier learns from these labels."""
        return self._set_turn(turn_id, intent_label=intent)

    def _set_turn(self, turn_id: int, **values: str | None) -> str:
        """Set a reviewer's fields on one turn; returns its conversation."""
        with self._sessions.begin() as db:
            turn = db.get(Turn, turn_id)
            if turn is None:
                raise NotFound(f"There is no message {turn_id} in the log.")
            for name, value in values.items():
                setattr(turn, name, value)
            return turn.session_id

    def export(self, f: ReviewFilters, with_customer: bool = False) -> Iterator[str]:
        """The selected conversations as JSON lines, one conversation per line (who the
        shopper is only `with_customer`)."""
        q = query(f).order_by(DialogueSession.created_at, DialogueSession.id).limit(EXPORT_LIMIT)
        with self._sessions() as db:
            ids = list(db.scalars(q.with_only_columns(DialogueSession.id)))
        for session_id in ids:
            found = self.session(session_id)
            if not with_customer:
                found["customer"] = None
            yield json.dumps(found, ensure_ascii=False) + "\n"


def _iso(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.isoformat(timespec="milliseconds")  # turns and staff messages sort by it


def _turn(t: Turn, rating: Feedback | None, corrections: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": t.id, "at": _iso(t.created_at), "status": t.status, "user_text": t.user_text,
        "reply": t.reply, "products": t.products or [], "intent": t.intent, "action": t.action,
        "sentiment": t.sentiment, "sentiment_score": t.sentiment_score, "model": t.model,
        "adapter": t.adapter, "ttft_ms": t.ttft_ms, "total_ms": t.total_ms,
        "prompt_tokens": t.prompt_tokens, "completion_tokens": t.completion_tokens,
        "grounding": t.grounding or [], "error_code": t.error_code,
        "error_message": t.error_message, "lead_prompt": t.lead_prompt,
        "lead_text": t.lead_text, "mark": t.mark, "intent_label": t.intent_label,
        "rating": rating.rating if rating else None,
        "rating_comment": rating.comment if rating else None, "corrections": corrections,
    }  # fmt: skip
