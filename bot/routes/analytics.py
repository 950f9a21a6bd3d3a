"""Customer insight and sales analytics for staff: `/staff/analytics`, its figures as JSON and
its charts as SVG (drawn here: no script, no third-party request)."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

import pygal
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.errors import BadRequest
from bot.insight.analytics import figures, missed_demand, sales_forecast
from bot.insight.service import Insight
from bot.log.store import DialogueLog
from bot.routes.staff import Viewer, page

router = APIRouter()
MAX_DAYS = 366
CHART = dict(js=[], width=800, height=320, explicit_size=True, show_legend=True)


def period(since: date | None, until: date | None) -> tuple[date, date]:
    until = until or datetime.now(UTC).date()
    since = since or until - timedelta(days=29)
    if since > until:
        raise BadRequest("since must be on or before until.")
    if (until - since).days >= MAX_DAYS:
        raise BadRequest(f"Ask for at most {MAX_DAYS} days at a time.")
    return since, until


def report(log: DialogueLog, insight: Insight, since: date, until: date) -> dict[str, Any]:
    with log.session() as db:
        return {
            **figures(db, since, until),
            "missed_demand": missed_demand(db, since, until),
            "forecast": sales_forecast(db, datetime.now(UTC).date()),
            "lead_model": insight.lead.describe(),
        }


def chart_data(log: DialogueLog, name: str, since: date, until: date) -> dict[str, Any]:
    """Only what one chart draws: its figures, or the missed demand (no forecast)."""
    with log.session() as db:
        if name == "demand":
            return {"missed_demand": missed_demand(db, since, until)}
        return figures(db, since, until)


async def build(request: Request, since: date | None, until: date | None) -> dict[str, Any]:
    start, end = period(since, until)
    state = request.app.state
    return await asyncio.to_thread(report, state.chat.log, state.insight, start, end)


@router.get("/staff/analytics", response_class=HTMLResponse)
async def analytics_page() -> HTMLResponse:
    """Open the analytics."""
    return page("analytics")


@router.get("/staff/api/analytics")
async def analytics(
    _: Viewer, request: Request, since: date | None = None, until: date | None = None
) -> dict[str, Any]:
    """The period's figures: conversations, purchases, revenue, handovers, ratings, speed,
    versions, segments, missed demand and the sales forecast."""
    return await build(request, since, until)


@router.get("/staff/api/analytics/{name}.svg")
async def chart(
    name: Literal["conversations", "versions", "demand"],
    _: Viewer,
    request: Request,
    since: date | None = None,
    until: date | None = None,
) -> Response:
    """One chart of the analytics page, as SVG."""
    start, end = period(since, until)
    data = await asyncio.to_thread(chart_data, request.app.state.chat.log, name, start, end)
    if name == "conversations":
        drawing = pygal.Bar(
            title="Conversations and assisted purchases per day", x_label_rotation=45,
            truncate_label=-1, show_minor_x_labels=False, x_labels_major_every=7, **CHART,
        )  # fmt: skip
        drawing.x_labels = [d["day"][5:] for d in data["per_day"]]
        drawing.add("Conversations", [d["conversations"] for d in data["per_day"]])
        drawing.add("Purchases", [d["purchases"] for d in data["per_day"]])
    elif name == "versions":
        drawing = pygal.Bar(title="Time to first token by model version (ms)", **CHART)
        drawing.x_labels = [v["name"] for v in data["versions"]]
        drawing.add("p50", [v["ttft_p50_ms"] for v in data["versions"]])
        drawing.add("p95", [v["ttft_p95_ms"] for v in data["versions"]])
    else:
        drawing = pygal.HorizontalBar(title="Asked for, not in the catalog", **CHART)
        for missed in data["missed_demand"][:10]:
            drawing.add(missed["term"], missed["count"])
    return Response(drawing.render(), media_type="image/svg+xml")
