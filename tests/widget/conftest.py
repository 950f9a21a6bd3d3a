"""Drive the widget on the demo shop in real headless Chromium against the real service."""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    sync_playwright,
)

from tests.bot.conftest import logged_turns
from tests.service import Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    *("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"),
    *("--disable-component-update", "--disable-sync", "--no-first-run"),
]
ANSWER_TIMEOUT_MS = 120_000
AXE = Path(__file__).resolve().parents[2] / "widget" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(__file__).resolve().parents[2] / ".data" / "test-artifacts" / "widget"
WIDGET = "#salesbot-widget"


@dataclass
class Shop:
    page: Page
    service: Service
    errors: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        # Product images of the demo catalog point at hosts this offline machine cannot reach.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"{message.text} ({message.location['url']})")

    def on_page_error(self, error: Error) -> None:
        self.errors.append(str(error))

    def visit(self, path: str = "/demo") -> None:
        self.page.goto(f"{self.service.url}{path}")
        self.page.locator(f"{WIDGET} .launcher").wait_for()

    def open(self) -> None:
        self.page.locator(f"{WIDGET} .launcher").click()
        self.wait_connected()

    def until(self, script: str, timeout_ms: float = 30_000) -> None:
        """Poll a page expression until it is true (the page's CSP forbids wait_for_function's
        eval; evaluate runs through the debugger protocol)."""
        deadline = time.monotonic() + timeout_ms / 1000
        while not self.page.evaluate(f"() => Boolean({script})"):
            if time.monotonic() > deadline:
                raise AssertionError(f"never true: {script}; page errors: {self.errors}")
            self.page.wait_for_timeout(100)

    def wait_connected(self) -> None:
        self.until("window.Salesbot?.widget?.link.stream > ''")

    def focused(self) -> str:
        """The tag and class of what has the keyboard focus inside the widget."""
        return str(
            self.page.evaluate(
                f"(e => e ? e.tagName + '.' + e.className : '')"
                f"(document.querySelector('{WIDGET}').shadowRoot.activeElement)"
            )
        )

    def send(self, text: str) -> None:
        self.page.locator(f"{WIDGET} textarea").fill(text)
        self.page.locator(f"{WIDGET} textarea").press("Enter")

    def stop_at_first_words(self) -> None:
        """Press Stop the moment the next answer shows its first words, inside the page: a
        round trip from the test to press it could come after a short answer has ended."""
        self.page.evaluate(
            f"""(() => {{ const root = document.querySelector('{WIDGET}').shadowRoot;
                const watch = new MutationObserver(() => {{
                  const stop = root.querySelector('button.stop');
                  if (root.querySelector('.msg.assistant[data-state=streaming]')
                      && stop && !stop.hidden) {{ watch.disconnect(); stop.click(); }}
                }});
                watch.observe(root, {{subtree: true, childList: true, attributes: true}}); }})()"""
        )

    def answers(self, state: str = "done") -> Any:
        return self.page.locator(f"{WIDGET} .msg.assistant[data-state='{state}']")

    def ask(self, text: str) -> str:
        before = self.answers().count() + self.answers("error").count()
        self.send(text)
        self.until(
            f"document.querySelector('{WIDGET}').shadowRoot"
            ".querySelectorAll('.msg.assistant[data-state=done], .msg.assistant[data-state=error]')"
            f".length > {before}",
            ANSWER_TIMEOUT_MS,
        )
        return str(self.answers().last.locator(".body").text_content())

    def wait_all_done(self, answers: int = 1) -> None:
        """Wait until at least `answers` answers are shown and none is still streaming."""
        self.until(
            f"(() => {{ const r = document.querySelector('{WIDGET}').shadowRoot;"
            " const all = r.querySelectorAll('.msg.assistant');"
            f" return all.length >= {answers}"
            " && [...all].every(m => m.dataset.state !== 'streaming'); })()",
            ANSWER_TIMEOUT_MS,
        )

    def transcript(self) -> list[tuple[str, str]]:
        """What the shopper sees: (role, text) of every message, in order."""
        rows = self.page.evaluate(
            f"""[...document.querySelector('{WIDGET}').shadowRoot
                .querySelectorAll('.msg.user, .msg.assistant')].map(m => [
                  m.classList.contains('user') ? 'user' : 'assistant',
                  m.classList.contains('user')
                    ? [...m.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('')
                    : m.querySelector('.body').textContent])"""
        )
        return [(str(role), str(text)) for role, text in rows]

    def stored(self) -> dict[str, Any]:
        raw = self.page.evaluate(
            "Object.entries(localStorage).find(([k]) => k.startsWith('salesbot:'))[1]"
        )
        return dict(json.loads(raw))

    def session_id(self) -> str:
        return str(self.stored()["session_id"])

    def logged(self) -> list[tuple[str, str]]:
        """The conversation as the dialogue log holds it: for an answer that failed (the
        engine stopped answering), the error the shopper was shown instead of the words so far,
        which the log keeps beside it."""
        rows: list[tuple[str, str]] = []
        for turn in logged_turns(self.service.database, self.session_id()):
            failed = turn["status"] == "error" and turn["error_message"]
            reply = turn["error_message"] if failed else turn["reply"]
            rows += [("user", turn["user_text"]), ("assistant", reply)]
        return rows

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's WCAG 2.2 A/AA violations on the whole page, shadow root included."""
        if not self.page.evaluate("typeof axe !== 'undefined'"):
            self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            """axe.run(document, {runOnly: {type: 'tag', values:
                ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
        )
        return [
            {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]
        ]

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}; run scripts/setup.sh --dev.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def new_shop(context: BrowserContext, service: Service) -> Shop:
    shop = Shop(context.new_page(), service)
    shop.page.on("console", shop.on_console)
    shop.page.on("pageerror", shop.on_page_error)
    return shop


@pytest.fixture
def shop(browser: Browser, service: Service) -> Iterator[Shop]:
    context = browser.new_context()
    try:
        yield new_shop(context, service)
    finally:
        context.close()
