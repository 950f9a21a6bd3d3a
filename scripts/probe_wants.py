"""Decisions only, no engine: requests that rule something out, demand a feature in words, or
point at one of the products shown by a property (bot/eval/probe/wants/*.jsonl, written by a
helper that had not seen the code), planned over their catalog. Per set: hit@1, hit@5, turns
that show a product the request ruled out or that lacks what it demanded (`excluded`), the
price asked of the right product, and "nothing fits" answered with nothing that breaks it.

    .venv/bin/python scripts/probe_wants.py CASES.jsonl CATALOG [-v] [--currency GBP]
"""

import asyncio
import sys
from pathlib import Path

from plan_decisions import cards, plan_all, planner, rate  # scripts/, run as a script

from bot.eval.run import load_cases


def main() -> None:
    args = sys.argv[1:]
    verbose = "-v" in args
    args = [a for a in args if a != "-v"]
    currency = "USD"
    if "--currency" in args:
        at = args.index("--currency")
        currency = args[at + 1]
        del args[at : at + 2]
    cases = load_cases(Path(args[0]))
    with planner(Path(args[1]), currency) as chat:
        rows = asyncio.run(plan_all(chat, cases))
    first, five, clean, priced, empty = [], [], [], [], []
    for turn, plan in rows:
        expect, shown = turn.get("expect", {}), cards(plan)
        gold, excluded = expect.get("gold") or [], set(expect.get("excluded") or [])
        misses = []
        if gold:
            first.append(bool(shown) and shown[0] in gold)
            five.append(bool(set(shown[:5]) & set(gold)))
            misses += [] if first[-1] else ["HIT@1"]
        if excluded or expect.get("nothing_fits"):
            clean.append(not excluded & set(shown))
            misses += [] if clean[-1] else ["EXCLUDED"]
        if expect.get("nothing_fits"):
            empty.append(not (set(shown) & excluded) and plan.decision.action != "recommend")
            misses += [] if empty[-1] else ["FITS?"]
        if price_of := expect.get("price_of"):
            priced.append(plan.decision.action == "answer" and shown[:1] == [price_of])
            misses += [] if priced[-1] else ["PRICE"]
        if verbose and misses:
            print(f"  {' '.join(misses):16} {gold[:3]} -> {shown[:4]} "
                  f"{plan.decision.action} | {turn['text']}")  # fmt: skip
    print(
        f"turns {len(rows)}  hit@1 {rate(first):.3f} hit@5 {rate(five):.3f} ({len(first)})"
        f"  nothing ruled out shown {rate(clean):.3f} ({len(clean)})"
        f"  price of the one meant {rate(priced):.3f} ({len(priced)})"
        f"  nothing fits said {rate(empty):.3f} ({len(empty)})"
    )


if __name__ == "__main__":
    main()
