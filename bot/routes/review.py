"""Dialogue-log review over HTTP (`/staff/review` and its API), for reviewers and up."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from bot.errors import Missing
from bot.log.store import DialogueLog, NotFound
from bot.routes.staff import Viewer, page
from bot.staff.auth import staff_of
from bot.staff.protocol import (
    Correct,
    IntentLabel,
    Mark,
    ReviewFilters,
    SessionPage,
    Tags,
    Verdict,
)
from bot.staff.review import Review

router = APIRouter()
api = APIRouter(prefix="/staff/api")
Filters = Annotated[ReviewFilters, Query()]


def review_of(request: Request) -> Review:
    review: Review = request.app.state.review
    return review


def log_of(request: Request) -> DialogueLog:
    log: DialogueLog = request.app.state.chat.log
    return log


def not_found(exc: NotFound) -> Missing:
    return Missing(str(exc))


@router.get("/staff/review", response_class=HTMLResponse)
async def review_page() -> HTMLResponse:
    """Open the dialogue-log review."""
    return page("review")


@api.get("/sessions")
async def sessions(filters: Filters, _: Viewer, request: Request) -> SessionPage:
    """Find past conversations by text, date, intent, rating, outcome and more."""
    total, items = await asyncio.to_thread(review_of(request).search, filters)
    return SessionPage(total=total, items=items)


@api.get("/sessions/{session_id}")
async def session(session_id: str, staff: Viewer, request: Request) -> dict[str, object]:
    """Read one conversation: every turn with its products, scores, timings and guard."""
    try:
        found = await asyncio.to_thread(review_of(request).session, session_id)
    except NotFound as exc:
        raise not_found(exc) from None
    if not staff.may("agent"):
        found["customer"] = None  # personal data: reviewers judge answers, not shoppers
    return found


@api.post("/sessions/{session_id}/tags")
async def tag(session_id: str, body: Tags, staff: Viewer, request: Request) -> dict[str, list[str]]:
    """Set a conversation's tags."""
    try:
        tags = await asyncio.to_thread(review_of(request).tag, session_id, body.tags)
    except NotFound as exc:
        raise not_found(exc) from None
    await staff_of(request).audited(staff.username, "tag", session_id, tags=tags)
    return {"tags": tags}


@api.post("/sessions/{session_id}/review")
async def verdict(
    session_id: str, body: Verdict, staff: Viewer, request: Request
) -> dict[str, str | None]:
    """Mark a conversation good or bad (never learned from), or clear the mark."""
    try:
        await asyncio.to_thread(log_of(request).mark_review, session_id, body.verdict, body.note)
    except NotFound as exc:
        raise not_found(exc) from None
    await staff_of(request).audited(staff.username, "review", session_id, verdict=body.verdict)
    return {"review": body.verdict}


@api.post("/turns/{turn_id}/mark")
async def mark(turn_id: int, body: Mark, staff: Viewer, request: Request) -> dict[str, str | None]:
    """Mark one answer as a good or bad training example, or clear the mark."""
    try:
        session_id = await asyncio.to_thread(review_of(request).mark, turn_id, body.mark)
    except NotFound as exc:
        raise not_found(exc) from None
    await staff_of(request).audited(
        staff.username, "mark", session_id, turn=turn_id, mark=body.mark
    )
    return {"mark": body.mark}


@api.post("/turns/{turn_id}/intent")
async def label_intent(
    turn_id: int, body: IntentLabel, staff: Viewer, request: Request
) -> dict[str, str | None]:
    """Say which intent a shopper's message has, or clear it: `salesbot finetune intents`
    learns the intent classifier from these labels."""
    try:
        session_id = await asyncio.to_thread(review_of(request).label, turn_id, body.intent)
    except NotFound as exc:
        raise not_found(exc) from None
    await staff_of(request).audited(
        staff.username, "label", session_id, turn=turn_id, intent=body.intent
    )
    return {"intent": body.intent}


@api.post("/turns/{turn_id}/correct", status_code=201)
async def correct(turn_id: int, body: Correct, staff: Viewer, request: Request) -> dict[str, int]:
    """Write the reply the assistant should have given; fine-tuning learns from it."""
    try:
        session_id = await asyncio.to_thread(
            log_of(request).correct, turn_id, staff.username, body.text.strip()
        )
    except NotFound as exc:
        raise not_found(exc) from None
    await staff_of(request).audited(staff.username, "correct", session_id, turn=turn_id)
    return {"turn_id": turn_id}


@api.get("/export.jsonl")
async def export(filters: Filters, staff: Viewer, request: Request) -> StreamingResponse:
    """Download the selected conversations as JSON lines (all pages, up to 10,000)."""
    await staff_of(request).audited(
        staff.username, "export", filters=filters.model_dump(mode="json")
    )
    lines = review_of(request).export(filters, with_customer=staff.may("agent"))
    return StreamingResponse(
        lines,
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="salesbot-sessions.jsonl"'},
    )


router.include_router(api)
