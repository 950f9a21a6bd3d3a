"""The widget on the demo shop, as a shopper uses it: real Chromium, the real service and engine."""

import json
import sqlite3
from typing import Any

import pytest
from playwright.sync_api import Browser, WebSocketRoute

from retrieval.catalog import Product
from retrieval.ingest import DEMO_CATALOG
from tests.bot.conftest import logged_turns
from tests.service import Service
from tests.widget.conftest import WIDGET, Shop, new_shop

pytestmark = [pytest.mark.browser, pytest.mark.engine]
QUESTION = "I need a waterproof jacket for rain"


def demo_catalog() -> dict[str, Product]:
    lines = DEMO_CATALOG.read_text(encoding="utf-8").splitlines()
    return {p.id: p for p in (Product(**json.loads(line)) for line in lines if line.strip())}


def events(service: Service, session_id: str) -> list[tuple[str, str | None]]:
    with sqlite3.connect(service.database) as db:
        rows = db.execute(
            "SELECT kind, product_id FROM events WHERE session_id = ? ORDER BY id", (session_id,)
        )
        return [(kind, product) for kind, product in rows]


def test_widget_streams_an_answer_with_cards_true_to_the_catalog(shop: Shop) -> None:
    shop.visit()
    shop.open()
    assert shop.focused() == "TEXTAREA."
    text = shop.ask(QUESTION)
    assert text.strip()
    catalog = demo_catalog()
    cards = shop.page.locator(f"{WIDGET} .card").all()
    assert cards, "no product cards were shown"
    for card in cards:
        title = str(card.locator("h3").text_content())
        product = next(p for p in catalog.values() if p.title == title)
        price = shop.page.evaluate(
            "([v, c]) => new Intl.NumberFormat('en', {style: 'currency', currency: c}).format(v)",
            [float(product.price), product.currency],
        )
        shown = str(card.locator(".price").text_content())
        assert shown.replace("from ", "").startswith(price), (shown, price)
        stock = card.locator(".stock").text_content() or ""
        assert stock.startswith("In stock" if product.in_stock else "Out of stock")
        if product.url:
            link = card.locator("h3 a")
            assert link.get_attribute("href") == product.url
            assert link.get_attribute("rel") == "noopener noreferrer"
    assert shop.transcript() == shop.logged() == [("user", QUESTION), ("assistant", text)]
    shop.shot("answer-with-cards")
    assert shop.errors == []


def test_widget_add_to_cart_fires_once_on_a_double_click(shop: Shop, service: Service) -> None:
    shop.visit()
    shop.open()
    shop.ask(QUESTION)
    add = shop.page.locator(f"{WIDGET} .card .add:not([aria-disabled])").first
    title = str(add.locator("xpath=..").locator("h3").text_content())
    add.dblclick()
    shop.page.locator(f"{WIDGET} .card .add[aria-disabled]").first.wait_for()
    assert shop.page.locator("#cart-items li").all_text_contents() == [title]
    assert shop.page.locator("#cart-count").text_content() == "1"
    shop.page.wait_for_timeout(500)  # a second event would have been logged by now
    assert [kind for kind, _ in events(service, shop.session_id())] == ["added_to_cart"]
    assert shop.errors == []


def test_widget_reload_mid_answer_shows_every_message_once(shop: Shop, service: Service) -> None:
    shop.visit()
    shop.open()
    with service.engine_paused():  # the answer stays mid-way while the page reloads
        shop.send(QUESTION)
        shop.answers("streaming").first.wait_for()  # the answer has started
        shop.page.reload()
    shop.page.locator(f"{WIDGET} .launcher").click()
    shop.wait_all_done()
    shop.page.wait_for_timeout(300)
    assert shop.transcript() == shop.logged()
    assert [role for role, _ in shop.transcript()] == ["user", "assistant"]
    assert shop.errors == []


def test_widget_stop_ends_the_answer_and_the_log_says_so(shop: Shop, service: Service) -> None:
    shop.visit()
    shop.open()
    stop = shop.page.locator(f"{WIDGET} button.stop")
    assert stop.is_hidden()  # nothing is being written
    shop.stop_at_first_words()
    # The answer waits on a frozen engine after its first words, so it is still being written
    # when Stop arrives, however long a loaded machine takes to show those words.
    with service.engine_paused():
        shop.send(QUESTION)
        shop.answers("error").first.wait_for()
    said = shop.answers("error").first.locator(".body").text_content()
    assert said == "Stopped.", service.tails()  # what the service and its engine logged
    assert stop.is_hidden()
    turns = logged_turns(service.database, shop.session_id())
    assert [(t["status"], t["error_code"]) for t in turns] == [("cancelled", "stopped")]
    assert shop.ask("Any tents?").strip()  # the conversation goes on
    assert shop.errors == []


def test_widget_second_tab_shows_the_same_conversation_once(
    browser: Browser, service: Service
) -> None:
    context = browser.new_context()  # one browser profile: the tabs share localStorage
    first, second = new_shop(context, service), new_shop(context, service)
    first.visit()
    first.open()
    second.visit()
    second.open()
    assert second.session_id() == first.session_id()
    text = first.ask("Do you sell camping stoves?")
    second.wait_all_done()
    expected = [("user", "Do you sell camping stoves?"), ("assistant", text)]
    assert first.transcript() == second.transcript() == first.logged() == expected
    second.ask("Which one is the lightest?")
    first.wait_all_done(answers=2)
    assert first.transcript() == second.transcript() == first.logged()
    assert len(first.logged()) == 4
    assert first.errors == second.errors == []
    context.close()


def test_widget_network_drop_mid_answer_resumes_with_no_gap(shop: Shop) -> None:
    """The socket dies after the first token: the widget reconnects after the last frame it
    saw, and the answer reads exactly as logged."""
    dropped: list[bool] = []

    def proxy(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def to_page(message: str | bytes) -> None:
            ws.send(message)
            frame = json.loads(message)
            if frame["type"] == "token" and not dropped:
                dropped.append(True)
                ws.close(code=4000, reason="network drop")
                server.close()

        server.on_message(to_page)

    shop.page.route_web_socket("**/ws/chat*", proxy)
    shop.visit()
    shop.open()
    text = shop.ask("Do you have hiking boots?")
    shop.wait_all_done()
    assert dropped == [True]
    assert shop.transcript() == shop.logged() == [
        ("user", "Do you have hiking boots?"), ("assistant", text)
    ]  # fmt: skip
    assert shop.errors == []


def test_widget_message_typed_offline_is_delivered_once(shop: Shop) -> None:
    shop.visit()
    shop.open()
    shop.page.context.set_offline(True)
    shop.page.locator(f"{WIDGET} .banner:not([hidden])").wait_for()
    shop.send("Any tents for two people?")
    assert shop.page.locator(f"{WIDGET} .msg.user .who").count() == 1  # waiting to send
    shop.shot("offline")
    shop.page.context.set_offline(False)
    shop.wait_all_done()
    assert shop.page.locator(f"{WIDGET} .msg.user .who").count() == 0
    assert shop.transcript() == shop.logged()
    assert [r for r, _ in shop.logged()] == ["user", "assistant"]
    assert shop.stored()["outbox"] == []
    assert shop.errors == []


def test_widget_renders_hostile_catalog_and_reply_text_as_text(shop: Shop) -> None:
    hostile = "<img src=x onerror=\"document.title='pwned'\">"
    dialogs: list[str] = []

    def inject(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def to_page(message: str | bytes) -> None:
            frame = json.loads(message)
            if frame["type"] == "products":
                card = {
                    "id": "x1", "title": hostile, "price": "10.00", "currency": "USD",
                    "url": "javascript:document.title='pwned'", "image_url": "javascript:alert(1)",
                    "in_stock": True, "score": 1.0,
                }  # fmt: skip
                frame["products"] = [card]
            elif frame["type"] == "token":
                frame["text"] = "<script>document.title='pwned'</script> "
            elif frame["type"] == "done":
                frame["text"] = "<b>bold</b><script>document.title='pwned'</script>"
            ws.send(json.dumps(frame))

        server.on_message(to_page)

    shop.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    shop.page.route_web_socket("**/ws/chat*", inject)
    shop.visit()
    shop.open()
    shop.ask("<script>document.title='pwned'</script>")
    root = f"{WIDGET} .card"
    assert shop.page.locator(f"{root} h3").text_content() == hostile
    assert shop.page.locator(f"{root} h3 a").count() == 0  # a javascript: link is not a link
    assert shop.page.locator(f"{root} img").count() == 0
    assert shop.page.locator(f"{WIDGET} .msg.assistant .body").last.text_content() == (
        "<b>bold</b><script>document.title='pwned'</script>"
    )
    assert shop.page.locator(f"{WIDGET} script, {WIDGET} b").count() == 0
    assert shop.page.title() != "pwned" and dialogs == []
    assert shop.errors == []


def test_widget_keyboard_only_from_launcher_to_add_to_cart(shop: Shop) -> None:
    shop.visit()
    for _ in range(80):
        shop.page.keyboard.press("Tab")
        if shop.page.evaluate(f"document.activeElement?.id === '{WIDGET[1:]}'"):
            break
    else:
        raise AssertionError("Tab never reached the chat launcher")
    shop.page.keyboard.press("Enter")
    shop.wait_connected()
    shop.page.keyboard.type(QUESTION)
    shop.page.keyboard.press("Enter")
    shop.wait_all_done()
    focused = f"document.querySelector('{WIDGET}').shadowRoot.activeElement"
    for _ in range(40):
        shop.page.keyboard.press("Shift+Tab")
        if shop.focused() == "BUTTON.add" and shop.page.evaluate(
            f"!{focused}.hasAttribute('aria-disabled')"
        ):
            break
    else:
        raise AssertionError("Shift+Tab never reached an add-to-cart button")
    shop.page.keyboard.press("Enter")
    shop.page.locator("#cart-count", has_text="1").wait_for()
    shop.page.keyboard.press("Escape")
    assert shop.page.evaluate(f"{focused}.classList.contains('launcher')")
    assert shop.errors == []


def test_widget_is_accessible_in_every_state(browser: Browser, service: Service) -> None:
    found: dict[str, Any] = {}

    def check(shop: Shop, state: str) -> None:
        found[state] = shop.axe()
        shop.shot(state)

    context = browser.new_context(bypass_csp=True)  # to inject axe-core
    shop = new_shop(context, service)
    shop.visit()
    check(shop, "closed")
    shop.open()
    check(shop, "open")
    with service.engine_paused():  # the answer stays mid-way while it is checked
        shop.send(QUESTION)
        shop.answers("streaming").first.wait_for()
        check(shop, "streaming")
    shop.wait_all_done()
    check(shop, "cards")
    shop.ask("Can I talk to a person please?")
    check(shop, "handover")
    context.set_offline(True)
    shop.page.locator(f"{WIDGET} .banner:not([hidden])").wait_for()
    check(shop, "offline")
    context.set_offline(False)
    shop.page.locator(f"{WIDGET} .banner").wait_for(state="hidden")
    context.close()

    variants: dict[str, dict[str, Any]] = {
        "dark": {"color_scheme": "dark"},
        "forced-colors": {"forced_colors": "active"},
        "narrow-320": {"viewport": {"width": 320, "height": 640}},
        "zoom-200": {"viewport": {"width": 640, "height": 360}},
    }
    for state, options in variants.items():
        context = browser.new_context(bypass_csp=True, **options)
        shop = new_shop(context, service)
        shop.visit()
        shop.open()
        shop.ask("Do you have a warm sleeping bag?")
        check(shop, state)
        context.close()

    context = browser.new_context(bypass_csp=True)
    shop = new_shop(context, service)
    shop.visit("/demo?lang=ar")
    shop.open()
    assert shop.page.locator(f"{WIDGET} .root").get_attribute("dir") == "rtl"
    shop.ask("Any tents?")
    check(shop, "rtl")
    shop.send("")  # an empty message is not sent
    context.close()
    assert {state: v for state, v in found.items() if v} == {}


def test_widget_loader_is_cached_briefly_and_the_bundle_for_a_year(service: Service) -> None:
    import httpx

    loader = httpx.get(f"{service.url}/widget.js")
    assert loader.status_code == 200 and loader.headers["cache-control"] == "public, max-age=300"
    bundle_path = loader.text.split('"/widget/')[1].split('"')[0]
    bundle = httpx.get(f"{service.url}/widget/{bundle_path}")  # httpx asks for gzip
    assert bundle.status_code == 200 and bundle.headers["content-encoding"] == "gzip"
    assert len(bundle.content) > 2 * int(bundle.headers["content-length"])  # ungzipped
    assert bundle.headers["cache-control"] == "public, max-age=31536000, immutable"
    stale = httpx.get(f"{service.url}/widget/widget.000000000000.js")
    assert stale.status_code == 404 and "/widget.js" in stale.json()["error"]["message"]
    demo = httpx.get(f"{service.url}/demo")
    assert "script-src 'self'" in demo.headers["content-security-policy"]


def contrast(a: list[int], b: list[int]) -> float:
    def luminance(rgb: list[int]) -> float:
        c = [v / 255 for v in rgb]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_widget_tag_loaded_async_works_as_deferred(shop: Shop) -> None:
    """Shops paste the tag with `async` or `defer`; the demo uses `defer` (its launcher is
    painted sooner, docs/benchmarks.md). The same widget must work either way."""
    shop.visit("/demo?load=async")
    assert shop.page.locator('script[src$="/widget.js"]').evaluate("s => s.async") is True
    shop.open()
    assert "jacket" in shop.ask("Do you have rain jackets?").casefold()
    assert shop.errors == []


@pytest.mark.parametrize("color", ["#ffee00", "#00aaff", "#777777", "#0b57d0"])
def test_widget_shop_colour_keeps_its_text_readable(shop: Shop, color: str) -> None:
    shop.visit(f"/demo?color=%23{color[1:]}&position=left")
    launcher = shop.page.locator(f"{WIDGET} .launcher")
    colors = launcher.evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]"
    )
    background, text = ([int(v) for v in c[4:-1].split(",")[:3]] for c in colors)
    assert contrast(background, text) >= 4.5, (color, colors)
    box = launcher.bounding_box()
    assert box is not None and box["x"] < 100  # bottom left


def test_a_card_sold_ahead_of_stock_says_pre_order_not_in_stock(shop: Shop) -> None:
    def inject(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def to_page(message: str | bytes) -> None:
            frame = json.loads(message)
            if frame["type"] == "products":
                frame["products"] = [
                    {"id": "m2", "title": "Sakura Courier Vol. 2", "price": "189.00",
                     "currency": "MXN", "url": None, "image_url": None, "in_stock": True,
                     "availability": "preorder", "options": {}, "score": 1.0},
                    {"id": "m1", "title": "Sakura Courier Vol. 1", "price": "189.00",
                     "currency": "MXN", "url": None, "image_url": None, "in_stock": True,
                     "availability": None, "options": {}, "score": 0.9},
                ]  # fmt: skip
            ws.send(json.dumps(frame))

        server.on_message(to_page)

    shop.page.route_web_socket("**/ws/chat*", inject)
    shop.visit()
    shop.open()
    shop.ask("is sakura courier 2 out yet")
    stocks = [s.text_content() for s in shop.page.locator(f"{WIDGET} .card .stock").all()]
    assert stocks == ["Pre-order", "In stock"], stocks
    assert shop.errors == []
