"""Decisions only, no engine: plan every turn of a question set against a catalog (the real
index, embeddings and classifiers) and print off-topic handling, handover recall/precision,
not-in-catalog handling and intent accuracy; -v lists the misses.

    .venv/bin/python scripts/plan_decisions.py CASES.jsonl CATALOG [-v] [--currency GBP]

`salesbot eval` measures the same decisions end to end, with the engine; this is the quick
look (about a minute a set on 2 cores) used while changing the rules.
"""

import asyncio
import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.chat.pipeline import ChatService, Plan
from bot.chat.profile import ShopperProfile
from bot.config import Settings
from bot.eval.metrics import fits
from bot.eval.run import load_cases
from bot.log.store import DialogueLog
from bot.prepare import open_index
from retrieval.catalog import Product, money
from retrieval.ingest import ingest_file

Row = tuple[dict[str, Any], Plan]


async def plan_all(chat: ChatService, cases: list[dict[str, Any]]) -> list[Row]:
    rows = []
    for case in cases:
        profile = ShopperProfile()
        for turn in case["turns"]:
            plan = await chat.plan(turn["text"], profile)
            profile = plan.profile
            rows.append((turn, plan))
            if plan.decision.action == "handover":
                break  # the bot is silent after a handover
    return rows


def rate(hits: list[bool]) -> float:
    return sum(hits) / max(1, len(hits))


def cards(plan: Plan) -> list[str]:
    """The ids of the product cards the turn shows, as `salesbot eval` scores them."""
    if plan.decision.action == "clarify":
        return []
    return [p.id for p in plan.decision.products or plan.decision.over_budget]


def said_missing(plan: Plan) -> bool:
    """No cards, or the closest shown as such (as `salesbot eval` counts it)."""
    d = plan.decision
    return d.action == "not_found" or not (d.products or d.over_budget)


def fit(plan: Plan, expect: dict[str, Any]) -> bool:
    """Every card the turn shows fits the label's budget, category and stock (as `salesbot eval`
    counts fit violations; products labelled "over your budget" or "closest match" fit)."""
    d = plan.decision
    if d.action == "not_found" or not d.products:
        return True
    shown = {p.id: p for p in d.products}
    return all(fits({"id": i}, expect, shown) for i in shown)


def priced_right(plan: Plan, product: Product) -> bool:
    """The answer states the price asked for, as `salesbot eval` counts it (the lead-in
    cannot hold digits, so the rendered text decides)."""
    return money(product.price, product.currency) in plan.text


def report(rows: list[Row], verbose: bool, products: dict[str, Product]) -> None:
    expect = [(t, p, t.get("expect", {})) for t, p in rows]
    off = [(t, p) for t, p, e in expect if e.get("off_topic")]
    handled = [p.decision.action == "off_topic" and not p.decision.products for _, p in off]
    wrongly_off = [(t, p) for t, p, e in expect
                   if not e.get("off_topic") and p.decision.action == "off_topic"]  # fmt: skip
    wanted = [(t, p) for t, p, e in expect if e.get("handover")]
    handed = [(t, p) for t, p, _ in expect if p.decision.action == "handover"]
    missing = [(t, p) for t, p, e in expect if e.get("not_in_catalog")]
    labelled = [(t, p) for t, p in rows if t.get("intent")]
    gold = [(t, p, e) for t, p, e in expect if e.get("gold")]
    # Turns about products the catalog has, answered as if it had none.
    denied = [(t, p) for t, p, e in expect
              if e.get("gold") and p.decision.action in ("not_found", "off_topic")]  # fmt: skip
    bounded = [(t, p, e) for t, p, e in expect
               if {"max_price", "min_price", "category", "in_stock"} & set(e)]  # fmt: skip
    unfit = [(t, p) for t, p, e in bounded if not fit(p, e)]
    priced = [(t, p, products[e["price_of"]]) for t, p, e in expect if e.get("price_of")]
    wrong_price = [(t, p, q) for t, p, q in priced if not priced_right(p, q)]
    print(
        f"turns {len(rows)}  off-topic handled {rate(handled):.4f} ({len(off)})"
        f"  false off-topic {len(wrongly_off)}/{len(rows) - len(off)}"
        f"  handover R {rate([p.decision.action == 'handover' for _, p in wanted]):.4f}"
        f" P {rate([bool(t.get('expect', {}).get('handover')) for t, _ in handed]):.4f}"
        f"  not-in-catalog {rate([said_missing(p) for _, p in missing]):.4f} ({len(missing)})"
        f"  intent {rate([p.intent == t['intent'] for t, p in labelled]):.4f}"
        f"  carried but denied {len(denied)}/{len(gold)}"
        f"  hit@1 {rate([cards(p)[:1] in ([g] for g in e['gold']) for _, p, e in gold]):.4f}"
        f" hit@5 {rate([bool(set(cards(p)[:5]) & set(e['gold'])) for _, p, e in gold]):.4f}"
        f"  fit violations {len(unfit)}/{len(bounded)}"
        f"  price correct {1 - len(wrong_price) / max(1, len(priced)):.4f} ({len(priced)})"
    )
    if not verbose:
        return
    for (t, p), ok in zip(off, handled, strict=True):
        if not ok:
            print("  MISSED    ", p.intent, p.decision.action, "|", t["text"])
    for t, _ in wrongly_off:
        print("  FALSE     ", t.get("intent"), "|", t["text"])
    for t, p in missing:
        if not said_missing(p):
            print("  NIC-CARDS ", p.intent, p.decision.action, "|", t["text"])
    for t, p in denied:
        print("  DENIED    ", p.intent, p.decision.action, p.decision.reason, "|", t["text"])
    for t, p in handed:
        if not t.get("expect", {}).get("handover"):
            print("  HAND-FP   ", t.get("intent"), p.intent, "|", t["text"])
    for t, p in wanted:
        if p.decision.action != "handover":
            print("  HAND-FN   ", t.get("intent"), p.intent, p.decision.action, "|", t["text"])
    for t, p, e in gold:
        if cards(p)[:1] not in ([g] for g in e["gold"]):
            tag = "HIT@1" if set(cards(p)[:5]) & set(e["gold"]) else "HIT@5"
            print(f"  {tag}     ", e["gold"], "->", cards(p)[:3], p.decision.action, "|", t["text"])
    for t, p in unfit:
        print("  UNFIT     ", [q.id for q in p.decision.products][:4], "|", t["text"])
    for t, p, q in wrong_price:
        print("  PRICE     ", q.id, p.intent, p.decision.action, cards(p)[:3], "|", t["text"])
    for t, p in labelled:
        if p.intent != t["intent"]:
            print("  INTENT    ", t["intent"], "->", p.intent, "|", t["text"])


def main() -> None:
    cases_path, catalog = Path(sys.argv[1]), Path(sys.argv[2])
    cases = load_cases(cases_path)
    # Prices without a currency in the catalog are in this one, as `salesbot eval --currency`.
    currency = sys.argv[sys.argv.index("--currency") + 1] if "--currency" in sys.argv else "USD"
    with planner(catalog, currency) as chat:
        rows = asyncio.run(plan_all(chat, cases))
        products = chat.search.view.products  # as ingested: what the price must be
    report(rows, "-v" in sys.argv, products)


@contextlib.contextmanager
def planner(catalog: Path, currency: str) -> Iterator[ChatService]:
    """A service over a fresh index of the catalog and a throwaway log, with no engine: for
    planning turns only (also used by scripts/probe_topics.py)."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings().model_copy(update={"chroma_path": Path(tmp) / "index"})
        log = DialogueLog(f"sqlite:///{tmp}/log.db")
        try:
            with open_index(settings) as index:
                ingest_file(index, catalog, default_currency=currency)
                yield ChatService(None, index, log, settings=settings)  # type: ignore[arg-type]
        finally:
            log.close()


if __name__ == "__main__":
    main()
