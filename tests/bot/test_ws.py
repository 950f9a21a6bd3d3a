"""`/ws/chat` driven by a real websocket client against the real service and engine."""

import asyncio
import json
import re
from decimal import Decimal

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from tests.bot.conftest import ask, collect, logged_turns, recv
from tests.service import Service

pytestmark = pytest.mark.engine
MONEY = re.compile(r"[$€£]\s?(\d[\d,]*(?:\.\d+)?)|(\d[\d,]*\.\d{2})\b")


async def test_ws_streams_answer_as_tokens_then_done(service: Service) -> None:
    async with connect(service.ws_url) as ws:
        session = await recv(ws)
        answer = await ask(ws, "I need a waterproof jacket for rain.")
    assert session["type"] == "session" and session["history"] == []
    kinds = [f["type"] for f in answer.frames]
    assert kinds[0] == "products"
    assert kinds[-1] == "done"
    assert kinds.count("token") >= 2
    assert set(kinds[1:-1]) == {"token"}
    assert answer.done["text"] == answer.text != ""
    assert answer.done["usage"]["completion_tokens"] > 0


@pytest.mark.parametrize(
    ("question", "category"),
    [
        ("Do you have a waterproof rain jacket?", "Jackets"),
        ("I am looking for a tent for four people.", "Tents"),
        ("Which headlamp is bright enough for night hiking?", "Headlamps & Lighting"),
    ],
)
async def test_ws_products_match_question_category(
    service: Service, question: str, category: str
) -> None:
    async with connect(service.ws_url) as ws:
        await recv(ws)
        answer = await ask(ws, question)
    cards = answer.products
    assert cards, "retrieval found nothing"
    assert all(
        set(c) >= {"id", "title", "price", "currency", "url", "image_url", "in_stock"}
        for c in cards
    )
    top = await _categories(service, [c["id"] for c in cards])
    assert top[0] == category
    assert top.count(category) >= len(top) // 2 + 1


async def _categories(service: Service, ids: list[str]) -> list[str]:
    from retrieval.catalog import Product

    catalog = _demo_catalog()
    return [catalog[i].category for i in ids if isinstance(catalog[i], Product)]


def _demo_catalog() -> dict:  # type: ignore[type-arg]
    from retrieval.catalog import Product
    from retrieval.ingest import DEMO_CATALOG

    lines = DEMO_CATALOG.read_text().splitlines()
    return {p.id: p for p in (Product(**json.loads(line)) for line in lines)}


async def test_ws_resume_by_session_id_and_token_returns_history(service: Service) -> None:
    async with connect(service.ws_url) as ws:
        session = await recv(ws)
        session_id, token = session["session_id"], session["resume_token"]
        first = await ask(ws, "Do you sell sleeping bags?")
    async with connect(f"{service.ws_url}?session_id={session_id}") as ws:
        refused = await recv(ws)  # the id alone reads nothing
        fresh = await recv(ws)
    assert refused["code"] == "session_not_found"
    assert fresh["session_id"] != session_id and fresh["history"] == []
    async with connect(f"{service.ws_url}?session_id={session_id}&token={token}") as ws:
        resumed = await recv(ws)
    assert resumed["session_id"] == session_id
    assert resumed["resumed"] is True
    message_id = first.done["message_id"]
    assert [(h["role"], h["text"], h["message_id"]) for h in resumed["history"]] == [
        ("user", "Do you sell sleeping bags?", message_id),
        ("assistant", first.done["text"], message_id),
    ]
    # The cards the answer showed come back with it, so a reloaded page shows them again.
    shown = [c["id"] for c in first.products]
    assert shown and [c["id"] for c in resumed["history"][1]["products"]] == shown


async def test_ws_resume_in_first_frame_continues_session(service: Service) -> None:
    async with connect(service.ws_url) as ws:
        session = await recv(ws)
        session_id, token = session["session_id"], session["resume_token"]
        await ask(ws, "Do you have yoga mats?")
    async with connect(service.ws_url) as ws:
        fresh = await recv(ws)
        frame = {"type": "message", "text": "Thanks!", "session_id": session_id,
                 "resume_token": token}  # fmt: skip
        await ws.send(json.dumps(frame))
        resumed = await recv(ws)
        await collect(ws)
    assert fresh["session_id"] != session_id
    assert resumed["type"] == "session" and resumed["session_id"] == session_id
    assert [t["user_text"] for t in logged_turns(service.database, session_id)] == [
        "Do you have yoga mats?",
        "Thanks!",
    ]


async def test_ws_resume_unknown_session_starts_new_one(service: Service) -> None:
    async with connect(f"{service.ws_url}?session_id=doesnotexist123") as ws:
        error = await recv(ws)
        session = await recv(ws)
    assert error["code"] == "session_not_found"
    assert session["session_id"] != "doesnotexist123" and session["history"] == []


async def test_ws_turn_logged_with_every_field_before_done(service: Service) -> None:
    async with connect(service.ws_url) as ws:
        session_id = (await recv(ws))["session_id"]
        answer = await ask(ws, "What backpack do you have for a weekend hike?")
        # Read the log the moment `done` arrives: the turn must already be committed.
        [turn] = logged_turns(service.database, session_id)
    done = answer.done
    assert turn["id"] == done["message_id"]
    assert turn["status"] == "ok"
    assert turn["user_text"] == "What backpack do you have for a weekend hike?"
    assert turn["reply"] == done["text"] == answer.text
    assert turn["products"] == [{"id": c["id"], "score": c["score"]} for c in answer.products]
    assert turn["model"] == "embedded:smollm2-135m-instruct" and turn["adapter"] is None
    assert turn["prompt_tokens"] == done["usage"]["prompt_tokens"] > 20
    assert turn["completion_tokens"] == done["usage"]["completion_tokens"] > 0
    assert 0 < turn["ttft_ms"] <= turn["total_ms"]
    assert turn["ttft_ms"] == pytest.approx(done["timings"]["ttft_ms"])
    assert turn["error_code"] is None and turn["error_message"] is None


async def test_ws_answers_only_state_catalog_prices(service: Service) -> None:
    catalog = _demo_catalog()
    prices = {p.price for p in catalog.values()}
    questions = [
        "How much is your cheapest tent?",
        "What does a good running shoe cost?",
        "Do you sell the Nike Air Max 90 and what does it cost?",
        "Tell me the price of a stove.",
    ]
    async with connect(service.ws_url) as ws:
        await recv(ws)
        answers = [await ask(ws, q) for q in questions]
    async with connect(service.ws_url) as ws:  # a new connection: 4 messages is the test limit
        await recv(ws)
        answers.append(await ask(ws, "Do you sell iPhones?"))
    for answer in answers:
        shown = {Decimal(c["price"]) for c in answer.products}
        # Besides shown prices, only the shopper's own budget may be repeated back.
        profile = answer.done["profile"] or {}
        stated = {Decimal(v) for k, v in profile.items() if k.endswith("_price") and v}
        allowed = shown | stated
        for match in MONEY.finditer(answer.done["text"]):
            amount = Decimal((match.group(1) or match.group(2)).replace(",", ""))
            assert amount in allowed, f"{amount} in {answer.done['text']!r} is not a shown price"
        assert shown <= prices
    assert "Nike" not in answers[2].done["text"]
    # Nothing in the catalog is like a phone: no cards, and no product or price in the text.
    assert answers[4].products == [] and answers[4].done["text"]
    assert "iPhone" not in answers[4].done["text"].replace("iPhones?", "")


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "invalid_json"),
        ('["message"]', "invalid_frame"),
        ('{"type": "subscribe"}', "unknown_type"),
        ('{"type": "message"}', "invalid_frame"),
        ('{"type": "message", "text": "   "}', "empty_message"),
        ('{"type": "message", "text": "' + "x" * 600 + '"}', "message_too_long"),
        ('{"type": "message", "text": "' + "x" * 5000 + '"}', "frame_too_large"),
        ('{"type": "message", "text": "hi", "session_id": "../../etc"}', "invalid_frame"),
        ("", "invalid_json"),
    ],
)
async def test_ws_bad_frame_gets_error_and_socket_stays_open(
    service: Service, frame: str, code: str
) -> None:
    async with connect(service.ws_url) as ws:
        session_id = (await recv(ws))["session_id"]
        await ws.send(frame)
        error = await recv(ws)
        assert error["type"] == "error" and error["code"] == code
        assert error["message"].endswith(".")
        follow_up = await ask(ws, "Do you sell water bottles?")
    assert follow_up.of("done")
    assert [t["user_text"] for t in logged_turns(service.database, session_id)] == [
        "Do you sell water bottles?"
    ]


async def test_ws_binary_frame_is_refused(service: Service) -> None:
    async with connect(service.ws_url) as ws:
        await recv(ws)
        await ws.send(b"\x00\x01")
        error = await recv(ws)
    assert error["code"] == "bad_frame"


async def test_ws_flood_is_rate_limited_and_accepted_messages_all_answered(
    service: Service,
) -> None:
    async with connect(service.ws_url) as ws:
        session_id = (await recv(ws))["session_id"]
        for n in range(7):
            await ws.send(
                json.dumps({"type": "message", "text": f"Flood question {n} about tents"})
            )
        frames = []
        while len([f for f in frames if f["type"] in ("done", "error")]) < 7:
            frames.append(await recv(ws))
    errors = [f for f in frames if f["type"] == "error"]
    done = [f for f in frames if f["type"] == "done"]
    # The limit is 4 messages per window (TEST_ENV); the queue holds 4.
    assert {e["code"] for e in errors} == {"rate_limited"} and len(errors) == 3
    assert len(done) == 4
    turns = logged_turns(service.database, session_id)
    assert [t["user_text"] for t in turns] == [f"Flood question {n} about tents" for n in range(4)]
    assert {t["status"] for t in turns} == {"ok"}


async def test_ws_bad_input_does_not_disturb_other_sessions(service: Service) -> None:
    async with connect(service.ws_url) as good, connect(service.ws_url) as bad:
        await recv(good)
        await recv(bad)
        await good.send(json.dumps({"type": "message", "text": "Do you have a camping stove?"}))
        for _ in range(5):
            await bad.send("{broken")
        answer = await collect(good)
        errors = [await recv(bad) for _ in range(5)]
    assert answer.of("done")
    assert {e["code"] for e in errors} == {"invalid_json"}


async def test_ws_concurrent_sessions_stream_together(service: Service) -> None:
    async def one(question: str) -> str:
        async with connect(service.ws_url) as ws:
            await recv(ws)
            return (await ask(ws, question)).done["text"]

    replies = await asyncio.gather(
        one("A tent for two?"), one("A warm sleeping bag?"), one("Running shoes for trails?")
    )
    assert all(replies)


async def test_ws_disconnect_mid_answer_keeps_the_turn(service: Service) -> None:
    async with connect(service.ws_url) as ws:
        session_id = (await recv(ws))["session_id"]
        await ws.send(json.dumps({"type": "message", "text": "Tell me about your tents."}))
        await recv(ws)  # products: the answer has started
    for _ in range(50):
        turns = logged_turns(service.database, session_id)
        if turns and turns[0]["status"] != "pending":
            break
        await asyncio.sleep(0.2)
    assert [t["user_text"] for t in turns] == ["Tell me about your tents."]
    assert turns[0]["status"] in ("cancelled", "ok")


async def test_ws_rate_limit_is_not_reset_by_reconnecting(service: Service) -> None:
    async with connect(service.ws_url) as ws:
        session = await recv(ws)
        for n in range(4):  # the limit in TEST_ENV
            assert (await ask(ws, f"Limit question {n}: camping stoves?")).of("done")
    resume = f"session_id={session['session_id']}&token={session['resume_token']}"
    async with connect(f"{service.ws_url}?{resume}") as ws:
        await recv(ws)
        answer = await ask(ws, "And one more about stoves?")
    assert answer.error["code"] == "rate_limited"


async def test_ws_refuses_pages_of_other_sites_and_serves_its_own(service: Service) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(service.ws_url, origin=Origin("https://evil.example")):
            pass
    assert refused.value.response.status_code == 403
    async with connect(service.ws_url, origin=Origin(service.url)) as ws:
        assert (await recv(ws))["type"] == "session"
