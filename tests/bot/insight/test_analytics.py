"""Analytics over a seeded SQLite log equal a recomputation from the seed itself; the forecast
and the missed-demand grouping on series and questions with known answers."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest

from bot.insight.analytics import figures, missed_demand, sales_forecast
from bot.insight.forecast import backtest, forecast
from bot.log.models import DialogueSession, Feedback, ShopEvent, Turn
from bot.log.store import DialogueLog

TODAY = date(2026, 11, 30)


def seed(log: DialogueLog, rng: random.Random) -> list[dict[str, object]]:
    """Sixty days of conversations (and visits without chat), as plain records."""
    made: list[dict[str, object]] = []
    with log.sessions.begin() as db:
        for n in range(400):
            day = TODAY - timedelta(days=rng.randrange(60))
            at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
                hours=rng.randrange(24)
            )
            chats = rng.random() < 0.8
            ttft = [rng.uniform(50, 900) for _ in range(rng.randint(1, 3))] if chats else []
            record = {
                "id": f"a-{n}", "day": day, "chats": chats, "bought": rng.random() < 0.25,
                "value": Decimal(rng.randrange(10, 300)), "handover": chats and rng.random() < 0.1,
                "adapter": rng.choice([None, "ad-2"]), "ttft": ttft,
                "rating": rng.choice([None, "up", "down"]) if chats else None,
                "caught": chats and rng.random() < 0.05,
                "max_price": rng.choice([None, 40, 120, 800]),
            }  # fmt: skip
            made.append(record)
            profile = {"max_price": record["max_price"]} if record["max_price"] else None
            reason = "asked" if record["handover"] else None
            db.add(
                DialogueSession(
                    id=record["id"], channel="ws", created_at=at, profile=profile,
                    handover_reason=reason,
                )
            )  # fmt: skip
            db.flush()
            turns = []
            for ms in record["ttft"]:  # type: ignore[attr-defined]
                turn = Turn(
                    session_id=record["id"], user_text="tents?", status="ok", ttft_ms=ms,
                    adapter=record["adapter"], created_at=at,
                    grounding=[{"kind": "price"}] if record["caught"] and not turns else [],
                )  # fmt: skip
                db.add(turn)
                db.flush()
                turns.append(turn)
            if record["rating"]:
                db.add(
                    Feedback(session_id=record["id"], turn_id=turns[0].id, rating=record["rating"])
                )
            if not chats:
                db.add(
                    ShopEvent(
                        session_id=record["id"],
                        kind="product_viewed",
                        source="widget",
                        created_at=at,
                    )
                )
            if record["bought"]:
                db.add(ShopEvent(session_id=record["id"], kind="order", value=str(record["value"]),
                                 currency="USD", source="server", created_at=at))  # fmt: skip
    return made


def test_analytics_figures_equal_a_recomputation_from_the_seed(log: DialogueLog) -> None:
    made = seed(log, random.Random(11))
    since, until = TODAY - timedelta(days=29), TODAY
    inside = [r for r in made if since <= r["day"] <= until]  # type: ignore[operator]
    chats = [r for r in inside if r["chats"]]
    visits = [r for r in inside if not r["chats"]]
    bought = [r for r in chats if r["bought"]]
    ttft = [t for r in chats for t in r["ttft"]]  # type: ignore[attr-defined]
    with log.session() as db:
        found = figures(db, since, until)
    assert found["conversations"] == len(chats)
    assert found["visits_without_chat"] == len(visits)
    assert found["assisted_purchases"] == len(bought)
    assert found["assisted_revenue"] == {"USD": str(sum(r["value"] for r in bought))}  # type: ignore[misc]
    assert found["conversion_assisted"] == round(len(bought) / len(chats), 4)
    assert found["conversion_without_chat"] == round(
        sum(bool(r["bought"]) for r in visits) / len(visits), 4
    )
    assert found["handovers"] == sum(bool(r["handover"]) for r in chats)
    assert found["rated_up"] == sum(r["rating"] == "up" for r in chats)
    assert found["rated_down"] == sum(r["rating"] == "down" for r in chats)
    assert found["messages"] == len(ttft)
    assert found["ttft_p50_ms"] == round(float(np.percentile(ttft, 50)), 1)
    assert found["ttft_p95_ms"] == round(float(np.percentile(ttft, 95)), 1)
    assert found["guard_catches"] == sum(bool(r["caught"]) for r in chats)
    per_day = Counter(r["day"].isoformat() for r in chats)  # type: ignore[attr-defined]
    assert {d["day"]: d["conversations"] for d in found["per_day"] if d["conversations"]} == per_day
    assert len(found["per_day"]) == 30
    versions = {v["name"]: v for v in found["versions"]}
    for name, adapter in (("base", None), ("ad-2", "ad-2")):
        mine = [r for r in chats if r["adapter"] == adapter]
        assert versions[name]["conversations"] == len(mine)
        assert versions[name]["purchases"] == sum(bool(r["bought"]) for r in mine)
        assert versions[name]["rated_up"] == sum(r["rating"] == "up" for r in mine)
    bands = Counter(
        {None: "no budget said", 40: "under 50", 120: "100–250", 800: "500 and more"}[
            r["max_price"]
        ]  # type: ignore[index]
        for r in chats
    )
    assert {s["budget"]: s["conversations"] for s in found["segments"]} == bands


def test_analytics_missed_demand_groups_questions_and_compares_periods(log: DialogueLog) -> None:
    asked = [("Do you have kayaks?", 1), ("a kayak for two", 2), ("kayak paddle", 40),
             ("any surfboards", 3), ("I need a drone", 4)]  # fmt: skip
    with log.sessions.begin() as db:
        db.add(DialogueSession(id="d", channel="ws"))
        db.flush()
        for text, days_ago in asked:
            at = datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), UTC)
            db.add(
                Turn(session_id="d", user_text=text, status="ok", action="not_found", created_at=at)
            )
        db.add(Turn(session_id="d", user_text="kayak cover", status="ok", action="recommend"))
    with log.session() as db:
        found = missed_demand(db, TODAY - timedelta(days=29), TODAY)
    assert [(m["term"], m["count"], m["previous"]) for m in found] == [
        ("kayak", 2, 1), ("drone", 1, 0), ("surfboard", 1, 0)
    ]  # fmt: skip


def test_forecast_interval_holds_the_truth_of_a_known_process() -> None:
    rng = np.random.default_rng(3)
    weekday = 3 + 2 * (np.arange(140) % 7 >= 5)  # weekends busier
    series = rng.poisson(weekday).astype(float)
    past, future = list(series[:-30]), series[-30:]
    for days in (7, 30):
        f = forecast(past, days)
        assert f.method.startswith("exponential smoothing")
        assert f.low <= float(future[:days].sum()) <= f.high
        assert abs(f.expected - weekday[-30:][:days].sum()) / weekday[-30:][:days].sum() < 0.2
    check = backtest(list(series), 7)
    assert check is not None and check.actual == float(series[-7:].sum())


def test_forecast_with_little_history_uses_the_mean_day() -> None:
    f = forecast([2, 4, 3], 7)
    assert (f.method, f.expected) == ("mean day", 21.0)
    assert f.low < 21 < f.high
    assert backtest([2, 4, 3], 7) is None


@pytest.mark.parametrize("days", [7, 30])
def test_sales_forecast_reads_assisted_purchases_from_the_log(log: DialogueLog, days: int) -> None:
    seed(log, random.Random(5))
    with log.session() as db:
        out = sales_forecast(db, TODAY + timedelta(days=1))
    assert out["history_days"] == 60
    purchases = out["series"]["purchases"]
    expected = [f for f in purchases["forecasts"] if f["days"] == days][0]
    assert 0 <= expected["low"] <= expected["expected"] <= expected["high"]
    assert "revenue USD" in out["series"] and purchases["backtest"][0]["days"] == 7
