"""The agents' desk in real Chromium beside a shopper's widget, on the real service and engine:
an agent signs in, sees the handover request, takes over, sends an edited suggested reply the
shopper's widget shows, and hands back."""

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.bot.staff.conftest import PASSWORD, add_account
from tests.service import Service
from tests.widget.conftest import AXE, SHOTS, WIDGET, Shop, new_shop

pytestmark = [pytest.mark.browser, pytest.mark.engine]
TIMEOUT_MS = 120_000


class Desk:
    def __init__(self, page: Page, service: Service):
        self.page, self.service = page, service
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def sign_in(self, username: str, landing: str = "#desk") -> None:
        self.page.goto(f"{self.service.url}/staff")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.locator(landing).wait_for()

    def entry(self, session_id: str) -> Any:
        return self.page.locator(f'#list button[data-session="{session_id}"]')

    def log(self) -> list[str]:
        return [str(t) for t in self.page.locator("#log li").all_inner_texts()]

    def axe(self) -> list[dict[str, Any]]:
        if not self.page.evaluate("typeof axe !== 'undefined'"):
            self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
        )
        return [
            {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]
        ]

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"staff-{name}.png"), full_page=True)


@pytest.fixture
def desk(browser: Browser, service: Service) -> Iterator[Desk]:
    context = browser.new_context(bypass_csp=True)  # to inject axe-core
    try:
        yield Desk(context.new_page(), service)
    finally:
        context.close()


def rows(service: Service, query: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(service.database) as db:
        return list(db.execute(query, args))


def agent_texts(shop: Shop) -> list[str]:
    return [
        str(t)
        for t in shop.page.locator(
            f"{WIDGET} .msg.agent .body, {WIDGET} .msg.agent"
        ).all_inner_texts()
    ]


def test_staff_desk_takes_over_replies_from_a_draft_and_hands_back(
    desk: Desk, browser: Browser, service: Service
) -> None:
    agent = add_account(service, "agent", "Maria")
    desk.sign_in(agent)
    assert desk.axe() == []
    desk.shot("list")

    context = browser.new_context()
    shop = new_shop(context, service)
    shop.visit()
    shop.open()
    shop.ask("Can I talk to a person, please?")
    session = shop.session_id()

    entry = desk.entry(session)
    entry.wait_for(timeout=TIMEOUT_MS)
    assert "waits for a person" in str(entry.inner_text())
    assert desk.page.locator("#list li").first.get_attribute("class") == "waiting_for_human"
    assert desk.page.title().startswith("(")  # the waiting count shows in the tab's title
    entry.click()
    desk.page.locator("#log li").first.wait_for()
    assert (
        "Shopper:Can I talk to a person, please?" in [t.replace(": ", ":") for t in desk.log()][0]
    )
    desk.page.get_by_role("button", name="Take over").click()
    shop.page.locator(f"{WIDGET} .msg.notice", has_text="Maria from our team joined").wait_for()
    desk.page.get_by_role("button", name="Suggest a reply").wait_for()

    assistants = shop.page.locator(f"{WIDGET} .msg.assistant").count()
    shop.send("Do you have a waterproof jacket?")
    desk.page.locator("#log li", has_text="Do you have a waterproof jacket?").wait_for(
        timeout=TIMEOUT_MS
    )
    desk.page.get_by_role("button", name="Suggest a reply").click()
    reply = desk.page.get_by_label("Reply to the shopper")
    desk.page.wait_for_function("document.getElementById('reply-text').value.length > 0")
    drafted = reply.input_value()
    edited = f"Hello, Maria here. {drafted}"
    reply.fill(edited)
    assert desk.axe() == []
    desk.shot("conversation")
    desk.page.get_by_role("button", name="Send").click()

    said = shop.page.locator(f"{WIDGET} .msg.agent")
    said.wait_for(timeout=TIMEOUT_MS)
    assert edited in str(said.inner_text()) and "Maria" in str(said.inner_text())
    assert shop.page.locator(f"{WIDGET} .msg.assistant").count() == assistants  # the bot is silent
    shop.shot("with-agent")
    logged = rows(
        service,
        "SELECT agent, name, kind, text, draft FROM staff_messages WHERE session_id = ?",
        session,
    )
    assert [r[2] for r in logged] == ["joined", "message"]
    assert logged[1] == (agent, "Maria", "message", edited, drafted)
    turn = rows(
        service,
        "SELECT id FROM turns WHERE session_id = ? AND user_text LIKE 'Do you have%'",
        session,
    )
    assert rows(service, "SELECT turn_id, text FROM corrections WHERE session_id = ?", session) == [
        (turn[0][0], edited)
    ]

    desk.page.get_by_label("Note for the log (optional)").fill("Answered the jacket question.")
    desk.page.get_by_role("button", name="Hand back to the assistant").click()
    shop.page.locator(f"{WIDGET} .msg.notice", has_text="handed you back").wait_for()
    assert shop.ask("Any tents?").strip()  # the assistant answers again
    actions = [
        a
        for (a,) in rows(
            service, "SELECT action FROM audit WHERE session_id = ? ORDER BY id", session
        )
    ]
    assert actions == ["claim", "suggest", "message", "hand_back"]
    assert shop.errors == [] and desk.errors == []
    context.close()
    review_the_session(browser, service, session, turn[0][0])


def review_the_session(browser: Browser, service: Service, session: str, turn_id: int) -> None:
    """A reviewer finds the conversation by its text, marks a turn and exports it."""
    context = browser.new_context(bypass_csp=True, accept_downloads=True)
    reviewer = Desk(context.new_page(), service)
    reviewer.sign_in(add_account(service, "viewer"), "#filters")  # sent on to the review
    page = reviewer.page
    assert page.url.endswith("/staff/review")
    page.get_by_label("Text").fill("waterproof jacket")
    page.get_by_role("button", name="Search").click()
    row = page.locator(f'#results tr[data-session="{session}"]')
    row.wait_for()
    assert "yes" in str(row.inner_text())  # handed over
    row.locator("button").click()
    turn = page.locator(f'#turns li[data-turn="{turn_id}"]')
    turn.wait_for()
    assert "intent" in str(turn.inner_text()) and "ms" in str(turn.inner_text())
    turn.get_by_role("button", name="Good example").click()
    page.locator("#announce", has_text="Marked as a good example").wait_for()
    assert rows(service, "SELECT mark FROM turns WHERE id = ?", turn_id) == [("good",)]
    turn.get_by_label("Intent really is").select_option("browse")  # for the intent classifier
    page.locator("#announce", has_text="Labelled as browse").wait_for()
    assert rows(service, "SELECT intent_label FROM turns WHERE id = ?", turn_id) == [("browse",)]
    assert reviewer.axe() == []
    reviewer.shot("review")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export these as JSONL").click()
    exported = [json.loads(line) for line in open(download.value.path(), encoding="utf-8")]
    # Every conversation the search found (other tests' shoppers asked for jackets too).
    assert session in [e["session_id"] for e in exported]
    for each in exported:
        said = " ".join(t["user_text"] + " " + t["reply"] for t in each["turns"]).casefold()
        assert "waterproof jacket" in said
        assert each["customer"] is None  # a viewer never gets who the shopper is
    mine = next(e for e in exported if e["session_id"] == session)
    assert [(t["mark"], t["intent_label"]) for t in mine["turns"] if t["id"] == turn_id] == [
        ("good", "browse")
    ]
    page.get_by_role("link", name="Analytics").click()
    page.locator("#key dd").first.wait_for()
    page.locator("#versions tbody tr").first.wait_for()
    assert int(str(page.locator("#key dd").first.inner_text())) >= 1
    page.wait_for_function("document.getElementById('chart-versions').complete")
    assert page.evaluate("document.getElementById('chart-versions').naturalWidth") > 0
    assert reviewer.axe() == []
    reviewer.shot("analytics")
    assert reviewer.errors == []
    context.close()


def test_staff_desk_sign_in_page_is_accessible_and_refuses_a_wrong_password(desk: Desk) -> None:
    desk.page.goto(f"{desk.service.url}/staff")
    desk.page.get_by_label("Username").wait_for()
    assert desk.axe() == []
    desk.shot("sign-in")
    desk.page.get_by_label("Username").fill("nobody")
    desk.page.get_by_label("Password").fill("not the password")
    desk.page.get_by_role("button", name="Sign in").click()
    desk.page.locator("#sign-in-error", has_text="do not match").wait_for()
    assert desk.page.locator("#desk").is_hidden()


def test_staff_desk_take_over_mid_answer_stops_the_shoppers_stream(
    desk: Desk, browser: Browser, service: Service
) -> None:
    desk.sign_in(add_account(service, "agent", "Noor"))
    # A warm engine can finish a short answer before a person clicks; busy writing for others,
    # it is usually still writing this one when the agent takes over. When it is not (the
    # answer was logged whole before the claim landed), the race is lost, not the feature:
    # a new shopper tries again.
    with service.engine_busy(streams=24):
        for _ in range(3):
            context = browser.new_context()
            shop = new_shop(context, service)
            shop.visit()
            shop.open()
            shop.send("I need a warm sleeping bag for winter camping")
            shop.answers("streaming").first.wait_for()  # accepted; the answer is being written
            entry = desk.entry(shop.session_id())
            entry.wait_for()  # a live conversation appears in the list
            entry.click()
            desk.page.get_by_role("button", name="Take over").click()
            # The shopper's stream stops: the answer keeps its words so far, marked as cut, and
            # the person who joined is named.
            cut = shop.page.locator(f"{WIDGET} .msg.assistant.cut")
            try:
                cut.wait_for(timeout=30_000)
                break
            except PlaywrightTimeout:
                statuses = rows(service, "SELECT status FROM turns WHERE session_id = ?",
                                shop.session_id())  # fmt: skip
                assert statuses == [("ok",)], statuses  # anything but a whole answer is a bug
                context.close()
        else:
            pytest.fail("Every answer ended before the take-over landed.")
    shop.page.locator(f"{WIDGET} .msg.notice", has_text="Noor from our team joined").wait_for()
    assert shop.page.locator(f"{WIDGET} button.stop").is_hidden()
    turns = rows(service, "SELECT status, error_code, reply FROM turns WHERE session_id = ?",
                 shop.session_id())  # fmt: skip
    assert [(s, c) for s, c, _ in turns] == [("cancelled", "taken_over")]
    assert str(cut.locator(".body").text_content()) == turns[0][2]  # the same words, kept
    desk.page.locator("#log li.cut").wait_for()  # the agent sees it cut too
    shop.shot("taken-over")
    assert shop.errors == [] and desk.errors == []
    context.close()
