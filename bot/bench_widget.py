"""Benchmark: what the widget costs the shop's page, and how fast streamed text reaches the screen.

Runs the service in-process and drives the demo shop in headless Chromium (Playwright, the
`dev` extra), with the CPU throttled 4× like a mid-range phone:
- blocking time (the part of each long task over 50 ms, load to 3 s after) with and without
  the widget, over `loads` page loads each, alternating, and the launcher painted after
  DOMContentLoaded — with no engine running (the widget connects all the same), so that the
  engine's work on the same cores does not blur the page's figures;
- each streamed token from its websocket frame arriving to the next frame painted (the
  animation frame after the widget wrote it), over `questions` answers, throttled and not.
"""

import asyncio
import os
import platform
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.bench import QUESTIONS, served
from bot.config import Settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Installed before any page script: long tasks, the launcher's first painted frame, and each
# token frame's arrival and the next animation frame after it.
PROBE = """
window.__longtasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
}).observe({type: 'longtask', buffered: true});
// Long animation frames name the scripts that ran in them: the widget's own share of the page's
// long frames, apart from the page's noise.
window.__loaf = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      window.__loaf.push(e.scripts.map((s) => [s.sourceURL || s.name, s.duration]));
    }
  }).observe({type: 'long-animation-frame', buffered: true});
} catch (e) {}
(function launcher() {
  const host = document.getElementById('salesbot-widget');
  if (host && host.shadowRoot && host.shadowRoot.querySelector('.launcher')) {
    requestAnimationFrame(() => { window.__launcher = performance.now(); });
  } else requestAnimationFrame(launcher);
})();
window.__tokens = [];
const Native = window.WebSocket;
window.WebSocket = class extends Native {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (event) => {
      if (!event.data.startsWith('{"type":"token"')) return;
      const arrived = performance.now();
      requestAnimationFrame(() => window.__tokens.push(performance.now() - arrived));
    });
  }
};
"""


@dataclass
class WidgetBenchOptions:
    loads: int = 10
    questions: int = 3
    throttle: float = 4.0

    def command(self) -> str:
        return (
            f"salesbot bench widget --loads {self.loads} --questions {self.questions} "
            f"--throttle {self.throttle:g}"
        )


def _stats(found: Sequence[float | None]) -> dict[str, float | int]:
    values = [v for v in found if v is not None]
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(values),
        "p50": round(statistics.median(ordered), 1),
        "p95": round(p95, 1),
        "max": round(ordered[-1], 1),
    }


async def _page(browser: Any, throttle: float) -> Any:
    context = await browser.new_context()
    page = await context.new_page()
    await page.add_init_script(PROBE)
    cdp = await context.new_cdp_session(page)
    await cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    return page


async def _load(browser: Any, base: str, throttle: float, widget: bool) -> dict[str, float | None]:
    page = await _page(browser, throttle)
    await page.goto(f"{base}/demo{'' if widget else '?widget=0'}", wait_until="load")
    await page.wait_for_timeout(3000)
    tasks = await page.evaluate("window.__longtasks")
    frames = await page.evaluate("window.__loaf")
    loaded = await page.evaluate(
        "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
    )
    launcher = await page.evaluate("window.__launcher ?? null")
    painted = await page.evaluate(
        "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null"
    )
    await page.context.close()
    return {  # None: not seen (a time may be negative: a paint before DOMContentLoaded)
        "blocking_ms": sum(max(0.0, duration - 50) for _, duration in tasks),
        # The widget's scripts (loader and bundle) inside long frames: its main-thread work
        # where it can delay the page.
        "widget_in_long_frames_ms": sum(
            duration for frame in frames for url, duration in frame if "/widget" in url
        ),
        "launcher_ms": (launcher - loaded) if launcher is not None else None,
        # The page's own first paint: the launcher cannot be on screen before it.
        "page_paint_ms": (painted - loaded) if painted is not None else None,
        "launcher_after_paint_ms": (
            launcher - painted if launcher is not None and painted is not None else None
        ),
    }


async def _tokens(browser: Any, base: str, throttle: float, questions: int) -> list[float]:
    page = await _page(browser, throttle)
    await page.goto(f"{base}/demo")
    root = "#salesbot-widget"
    await page.locator(f"{root} .launcher").click()
    for question in QUESTIONS[:questions]:
        done = await page.locator(f"{root} .msg.assistant[data-state=done]").count()
        await page.locator(f"{root} textarea").fill(question)
        await page.locator(f"{root} textarea").press("Enter")
        await (
            page.locator(f"{root} .msg.assistant[data-state=done]")
            .nth(done)
            .wait_for(timeout=180_000)
        )
    latencies: list[float] = await page.evaluate("window.__tokens")
    await page.context.close()
    return latencies


Loads = dict[str, list[dict[str, float | None]]]  # per page kind, each load's figures


async def _page_cost(base: str, options: WidgetBenchOptions) -> Loads:
    from playwright.async_api import async_playwright

    loads: Loads = {"without widget": [], "with widget": []}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            await _load(browser, base, 1.0, True)  # warm caches, as a returning shopper has
            for _ in range(options.loads):
                for kind in loads:
                    loads[kind].append(
                        await _load(browser, base, options.throttle, kind == "with widget")
                    )
        finally:
            await browser.close()
    return loads


async def _streaming(base: str, options: WidgetBenchOptions) -> dict[str, list[float]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            return {
                f"{rate:g}x CPU": await _tokens(browser, base, rate, options.questions)
                for rate in (1.0, options.throttle)
            }
        finally:
            await browser.close()


def _report(
    options: WidgetBenchOptions,
    loads: Loads,
    tokens: dict[str, list[float]],
) -> dict[str, Any]:
    blocking = {k: [r["blocking_ms"] or 0.0 for r in v] for k, v in loads.items()}
    added = statistics.median(blocking["with widget"]) - statistics.median(
        blocking["without widget"]
    )
    return {
        "command": options.command(),
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} CPUs, "
        f"Python {platform.python_version()}, Chromium headless",
        "blocking_ms": {k: _stats(v) for k, v in blocking.items()},
        "added_blocking_ms_median": round(added, 1),
        "widget_scripts_in_long_frames_ms": _stats(
            [r["widget_in_long_frames_ms"] for r in loads["with widget"]]
        ),
        "launcher_after_dcl_ms": _stats([r["launcher_ms"] for r in loads["with widget"]]),
        "page_first_paint_after_dcl_ms": {
            k: _stats([r["page_paint_ms"] for r in v]) for k, v in loads.items()
        },
        "launcher_after_page_first_paint_ms": _stats(
            [r["launcher_after_paint_ms"] for r in loads["with widget"]]
        ),
        "token_to_screen_ms": {k: _stats(v) for k, v in tokens.items()},
    }


def _base(url: str) -> str:
    return url.replace("ws://", "http://").removesuffix("/ws/chat")


async def benchmark(settings: Settings, options: WidgetBenchOptions) -> dict[str, Any]:
    from bot.app import create_app

    settings = settings.model_copy(
        update={"rate_limit_messages": 10**6, "rate_limit_ip_messages": 10**6}
    )
    # No engine: an address nothing listens on, so no engine process is started.
    quiet = settings.model_copy(update={"engine_url": "http://127.0.0.1:9"})
    async with served(create_app(quiet), engine=False) as url:
        loads = await _page_cost(_base(url), options)
    tokens: dict[str, list[float]] = {}
    if options.questions:  # 0: the page figures only, with no engine at all
        async with served(create_app(settings)) as url:
            tokens = await _streaming(_base(url), options)
    return _report(options, loads, tokens)


def run(settings: Settings, options: WidgetBenchOptions) -> dict[str, Any]:
    return asyncio.run(benchmark(settings, options))
