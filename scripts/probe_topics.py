"""Decisions only, no engine: how the shop-agnostic probe messages (bot/eval/probe/messages.tsv,
"label<TAB>text") are handled over a catalog: off topic redirected, support answered without a
handover, handover handed over, a request for goods shopped for (shown, or "not carried").

    .venv/bin/python scripts/probe_topics.py CATALOG [MESSAGES.tsv] [--currency GBP]
"""

import asyncio
import sys
from collections import defaultdict
from pathlib import Path

from plan_decisions import planner  # scripts/, run as a script

from bot.chat.pipeline import ChatService, Plan
from bot.chat.profile import ShopperProfile

MESSAGES = Path(__file__).parents[1] / "bot" / "eval" / "probe" / "messages.tsv"
NOT_SHOPPING = ("off_topic", "support", "complaint", "human")


def handled(label: str, plan: Plan) -> bool:
    action, intent = plan.decision.action, plan.intent
    if label == "off":
        return action == "off_topic"
    if label == "support":
        return intent == "support" and action != "handover"
    if label == "handover":
        return action == "handover"
    return intent not in NOT_SHOPPING and action not in ("off_topic", "handover", "offer")


async def probe(chat: ChatService, rows: list[tuple[str, str]]) -> None:
    results: dict[str, list[bool]] = defaultdict(list)
    for label, text in rows:
        plan = await chat.plan(text, ShopperProfile())
        results[label].append(handled(label, plan))
        if not results[label][-1]:
            print(f"  MISS {label:9} {plan.intent}/{plan.decision.action} | {text}")
    print(" ".join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(results.items())))


def main() -> None:
    args = sys.argv[1:]
    currency = "USD"
    if "--currency" in args:
        at = args.index("--currency")
        currency = args[at + 1]
        del args[at : at + 2]
    catalog = Path(args[0])
    path = Path(args[1]) if len(args) > 1 else MESSAGES
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [(label, text) for line in lines if "\t" in line and not line.startswith("#")
            for label, text in [line.split("\t", 1)]]  # fmt: skip
    with planner(catalog, currency) as chat:
        asyncio.run(probe(chat, rows))


if __name__ == "__main__":
    main()
