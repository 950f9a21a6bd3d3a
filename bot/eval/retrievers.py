"""`salesbot eval --compare-retrievers`: the cards each retriever gives the dev set's turns.

No engine: each case's turns go through the planning stages (intent, profile, retrieval,
policy) in order, once per retriever, and the cards are scored against the gold products.
"""

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from bot.chat.pipeline import ChatService
from bot.chat.profile import ShopperProfile
from bot.config import Settings
from bot.eval.run import load_cases
from bot.log.store import DialogueLog
from retrieval.hybrid import Mode

MODES: tuple[Mode, ...] = ("dense", "keyword", "hybrid")


async def cards_per_turn(
    chat: ChatService, cases: list[dict[str, Any]]
) -> list[tuple[list[str], list[str]]]:
    scored = []
    for case in cases:
        profile = ShopperProfile()
        for turn in case["turns"]:
            plan = await chat.plan(turn["text"], profile)
            profile = plan.profile
            if plan.decision.action == "handover":
                break
            gold = turn.get("expect", {}).get("gold")
            if gold:
                shown = plan.decision.products or plan.decision.over_budget
                scored.append(([p.id for p in shown], gold))
    return scored


def compare(settings: Settings, cases_path: Path, catalog: Path) -> dict[str, dict[str, float]]:
    from bot.prepare import open_index
    from retrieval.ingest import ingest_file

    cases = load_cases(cases_path)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="salesbot-retrievers-") as tmp:
        settings = settings.model_copy(update={"chroma_path": Path(tmp) / "index"})
        log = DialogueLog(f"sqlite:///{tmp}/log.db")
        with open_index(settings) as index:
            ingest_file(index, catalog)
            chat = ChatService(None, index, log, settings=settings)  # type: ignore[arg-type]
            for mode in MODES:
                chat.search.mode = mode
                scored = asyncio.run(cards_per_turn(chat, cases))
                hit1 = sum(bool(c) and c[0] in g for c, g in scored) / len(scored)
                hit5 = sum(any(i in g for i in c[:5]) for c, g in scored) / len(scored)
                results[mode] = {"turns": len(scored), "hit_at_1": round(hit1, 4),
                                 "hit_at_5": round(hit5, 4)}  # fmt: skip
        log.close()
    return results
