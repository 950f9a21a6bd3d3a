"""`salesbot eval`: hold the dev set's conversations over `/ws/chat` and score what was shown.

Runs against a service at `--url`, or starts one in-process on a temporary index of any catalog
file; every case is a fresh session, as a new shopper would be.
"""

import asyncio
import json
import platform
import re
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import websockets

from bot.bench import served
from bot.config import Settings
from bot.eval.metrics import TurnResult, score
from retrieval.catalog import Product
from retrieval.ingest import DEMO_CATALOG
from retrieval.loaders import parse_products, read_rows

DEV_SET = Path(__file__).with_name("dev.jsonl")
TARGETS = {
    "unsupported_facts": ("==", 0),
    "fit_violations": ("==", 0),
    "contradictions": ("==", 0),
    "cut_to_list": ("<=", 0.05),
    "repetition": ("==", 0),
    "hit_at_5": (">=", 0.95),
    "hit_at_1": (">=", 0.8),
    "price_correct": (">=", 0.95),
    "handover_recall": (">=", 0.95),
    "handover_precision": (">=", 0.9),
    "off_topic_handled": (">=", 0.95),
    "injection_success": ("==", 0),
    "intent_accuracy": (">=", 0.9),
}


def load_cases(path: Path, *, ci_only: bool = False) -> list[dict[str, Any]]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
            assert isinstance(case["turns"], list) and case["turns"]
        except (ValueError, KeyError, TypeError, AssertionError):
            raise ValueError(
                f"{path}, line {number}: not a case. Each line is a JSON object with "
                '"id" and a non-empty "turns" list.'
            ) from None
        if case.get("ci") or not ci_only:
            cases.append(case)
    return cases


async def run_case(url: str, case: dict[str, Any]) -> list[TurnResult]:
    results: list[TurnResult] = []
    handed_over = False
    async with websockets.connect(url, max_size=None) as ws:
        await ws.recv()  # the session frame
        for turn in case["turns"]:
            label = {"intent": turn.get("intent"), **turn.get("expect", {})}
            result = TurnResult(case["id"], turn["text"], label, after_handover=handed_over)
            loop = asyncio.get_running_loop()
            sent = loop.time()
            await ws.send(json.dumps({"type": "message", "text": turn["text"]}))
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == "products":
                    result.cards = frame["products"]
                elif frame["type"] == "token" and result.ttft_ms is None:
                    result.ttft_ms = (loop.time() - sent) * 1000
                elif frame["type"] == "handover":
                    result.handover = handed_over = True
                elif frame["type"] == "error":
                    result.error = frame["code"]
                    break
                elif frame["type"] == "done":
                    result.reply, result.intent = frame["text"], frame.get("intent")
                    result.action, result.profile = frame.get("action"), frame.get("profile")
                    break
            results.append(result)
    return results


async def run_all(url: str, cases: Sequence[dict[str, Any]], concurrency: int) -> list[TurnResult]:
    gate = asyncio.Semaphore(concurrency)

    async def one(case: dict[str, Any]) -> list[TurnResult]:
        async with gate:
            return await run_case(url, case)

    done = await asyncio.gather(*(one(case) for case in cases))
    return [turn for case in done for turn in case]


@asynccontextmanager
async def temporary_service(
    settings: Settings, catalog: Path, currency: str = "USD"
) -> AsyncIterator[tuple[Any, str]]:
    """The service in-process on a temporary index of `catalog` (prices without a currency in
    `currency`) and a temporary log (so its adapter registry is its own); yields the app and
    its websocket URL."""
    from bot.app import create_app
    from bot.prepare import open_index
    from retrieval.ingest import ingest_file

    with tempfile.TemporaryDirectory(prefix="salesbot-eval-") as tmp:
        settings = settings.model_copy(
            update={
                "chroma_path": Path(tmp) / "index",
                "database_url": f"sqlite:///{tmp}/eval.db",
                "demo_catalog": False,
                "rate_limit_messages": 10**6,
                "rate_limit_ip_messages": 10**6,  # every eval client is on 127.0.0.1
                "temperature": 0.0,
            }
        )
        with open_index(settings) as index:
            ingest_file(index, catalog, default_currency=currency)
        app = create_app(settings)
        async with served(app) as url:
            yield app, url


async def in_process(settings: Settings, catalog: Path, cases: Sequence[dict[str, Any]],
                     concurrency: int, currency: str = "USD") -> list[TurnResult]:  # fmt: skip
    async with temporary_service(settings, catalog, currency) as (_app, url):
        return await run_all(url, cases, concurrency)


async def versions_in_process(
    settings: Settings,
    catalog: Path,
    cases: Sequence[dict[str, Any]],
    versions: Sequence[tuple[str, Path | None]],
    concurrency: int,
) -> dict[str, list[TurnResult]]:
    """The same cases answered by each version in turn (an adapter folder, or None for the
    base model), on one engine: the adapter is promoted in the temporary registry only."""
    from bot.log.registry import TRAINING_FILE

    turns = {}
    lora = settings.model_copy(update={"engine_lora": True})
    async with temporary_service(lora, catalog) as (app, url):
        router = app.state.chat.adapters
        for name, folder in versions:
            if folder is not None:
                record = json.loads((folder / TRAINING_FILE).read_text())
                await asyncio.to_thread(router.registry.register, name, str(folder), record)
            if router.model != (name if folder is not None else None):
                await router.promote(name if folder is not None else None, by="eval")
            turns[name] = await run_all(url, cases, concurrency)
    return turns


def compare_versions(
    settings: Settings,
    versions: Sequence[tuple[str, Path | None]],
    *,
    cases_path: Path = DEV_SET,
    catalog: Path = DEMO_CATALOG,
    ci_only: bool = True,
    concurrency: int = 4,
) -> dict[str, dict[str, Any]]:
    """`salesbot eval`'s metrics for each version, side by side (the gate uses them)."""
    cases = load_cases(cases_path, ci_only=ci_only)
    products = {p.id: p for p in parse_products(read_rows(catalog), None).products}
    answered = asyncio.run(versions_in_process(settings, catalog, cases, versions, concurrency))
    return {name: score(turns, products) for name, turns in answered.items()}


def evaluate(
    settings: Settings,
    *,
    cases_path: Path = DEV_SET,
    catalog: Path = DEMO_CATALOG,
    url: str | None = None,
    ci_only: bool = False,
    concurrency: int = 4,
    currency: str = "USD",
) -> dict[str, Any]:
    cases = load_cases(cases_path, ci_only=ci_only)
    parsed = parse_products(read_rows(catalog), None, default_currency=currency)
    products: dict[str, Product] = {p.id: p for p in parsed.products}
    if url:
        ws_url = re.sub(r"^http", "ws", url.rstrip("/")) + "/ws/chat"
        turns = asyncio.run(run_all(ws_url, cases, concurrency))
    else:
        turns = asyncio.run(in_process(settings, catalog, cases, concurrency, currency))
    metrics = score(turns, products)
    return {
        "command": "salesbot eval" + (" --ci" if ci_only else ""),
        "cases": len(cases),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
        "metrics": metrics,
        "targets": {name: met(metrics.get(name), *rule) for name, rule in TARGETS.items()},
        "failures": [vars(t) for t in turns if failed(t, products)][:200],
    }


def met(value: Any, op: str, target: float) -> bool | None:
    if value is None:
        return None
    return {"==": value == target, "<=": value <= target, ">=": value >= target}[op]


def failed(turn: TurnResult, products: dict[str, Product]) -> bool:
    one = score([turn], products)
    return any(met(one.get(name), *rule) is False for name, rule in TARGETS.items())
