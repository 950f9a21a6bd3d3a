"""The chat page (`widget/chat.html`) in real headless Chromium against the real service."""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, sync_playwright

from retrieval.catalog import Product
from retrieval.ingest import DEMO_CATALOG
from tests.service import Service

pytestmark = [pytest.mark.browser, pytest.mark.engine]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    *("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"),
    *("--disable-component-update", "--disable-sync", "--no-first-run"),
]
QUESTION = "I need a waterproof jacket for rain"
ANSWER_TIMEOUT_MS = 120_000


@dataclass
class ChatPage:
    page: Page
    errors: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location['url']})")

    def on_page_error(self, error: Error) -> None:
        self.errors.append(str(error))

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.wait_for_session()

    def wait_for_session(self) -> None:
        # The page stores the id when the server's `session` frame arrives: the socket is open.
        self.page.wait_for_function("sessionStorage.getItem('salesbot-session') !== null")

    def session_id(self) -> str:
        return str(self.page.evaluate("sessionStorage.getItem('salesbot-session')"))

    def ask(self, text: str) -> str:
        self.page.fill("#text", text)
        self.page.click("#send")
        answer = self.page.locator(".msg.assistant[data-done='true']")
        answer.wait_for(timeout=ANSWER_TIMEOUT_MS)
        return answer.text_content() or ""

    def messages(self) -> list[tuple[str, str]]:
        return [
            (str(m.get_attribute("class")), m.text_content() or "")
            for m in self.page.locator("#log .msg").all()
        ]


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


@pytest.fixture
def chat(browser: Browser) -> Iterator[ChatPage]:
    context = browser.new_context()
    chat = ChatPage(context.new_page())
    chat.page.on("console", chat.on_console)
    chat.page.on("pageerror", chat.on_page_error)
    try:
        yield chat
    finally:
        context.close()


def demo_catalog() -> dict[str, Product]:
    lines = DEMO_CATALOG.read_text(encoding="utf-8").splitlines()
    return {p.id: p for p in (Product(**json.loads(line)) for line in lines if line.strip())}


def price_line(product: Product) -> str:
    stock = "" if product.in_stock else " · out of stock"
    return f"{product.price:.2f} {product.currency}{stock}"


def test_chat_page_answers_with_product_cards(service: Service, chat: ChatPage) -> None:
    chat.open(f"{service.url}/")
    text = chat.ask(QUESTION)
    catalog = demo_catalog()
    cards = chat.page.locator("#log a.card").all()
    assert cards, "no product cards were shown"
    for card in cards:
        product = catalog[str(card.get_attribute("data-product-id"))]
        assert card.locator(".price").text_content() == price_line(product)
        assert card.text_content() == product.title + price_line(product)
        assert card.get_attribute("href") == (product.url or "#")
    assert text.strip() != ""
    assert chat.messages() == [("msg user", QUESTION), ("msg assistant", text)]
    assert chat.errors == []


def test_chat_page_reload_resumes_conversation(service: Service, chat: ChatPage) -> None:
    chat.open(f"{service.url}/")
    session_id = chat.session_id()
    text = chat.ask(QUESTION)
    chat.page.reload()
    chat.page.locator("#log .msg.assistant").wait_for()
    assert chat.session_id() == session_id
    assert chat.messages() == [("msg user", QUESTION), ("msg assistant", text)]
    assert chat.errors == []
