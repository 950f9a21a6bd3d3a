"""`salesbot bench dataset`: how long building a dataset takes for a log of a given size.

A temporary SQLite log is filled with generated conversations shaped like real ones
(a greeting, recommendations, a thanks; about a third rated, some corrected, some ordered,
a few reviewed bad), then `build` is timed on it.
"""

import random
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.log.models import Correction, DialogueSession, Feedback, ShopEvent, Turn
from bot.log.store import DialogueLog
from finetune.dataset import Rules, build

WORDS = "great sturdy light warm trail rainy cosy bright tough simple handy lovely".split()


def fill(log: DialogueLog, turns: int, seed: int = 7) -> int:
    """Write about `turns` turns in conversations of five; returns the number written."""
    rng = random.Random(seed)
    written = 0
    with log.session() as db, db.begin():
        while written < turns:
            sid = f"session-bench-{written:08d}"
            db.add(DialogueSession(id=sid, channel="ws",
                                   review="bad" if rng.random() < 0.03 else None))  # fmt: skip
            rows: list[Turn] = []
            for n, action in enumerate(("greet", "recommend", "recommend", "answer", "thank")):
                lead = None
                if action in ("recommend", "answer"):
                    opening = "here are some" if action == "recommend" else "happy to help"
                    lead = f"{opening} {' '.join(rng.sample(WORDS, 3))} picks."
                reply = (lead or "Hi there!").capitalize() + " The Trail Tent ($99.00)."
                rows.append(Turn(
                    session_id=sid, status="ok", user_text=f"question {n}", reply=reply,
                    action=action, lead_prompt="introduce the products" if lead else None,
                    lead_text=lead, products=[{"id": f"p{rng.randrange(500)}"}],
                    grounding=[{"kind": "price"}] if rng.random() < 0.02 else [],
                ))  # fmt: skip
            db.add_all(rows)
            db.flush()
            for row in rows:
                if rng.random() < 0.3:
                    db.add(Feedback(session_id=sid, turn_id=row.id,
                                    rating="up" if rng.random() < 0.7 else "down"))  # fmt: skip
                if rng.random() < 0.05:
                    text = f"{row.lead_text or 'Welcome in!'} {rng.choice(WORDS)}"
                    db.add(Correction(session_id=sid, turn_id=row.id, agent="a", text=text))
            if rng.random() < 0.1:
                db.add(ShopEvent(session_id=sid, kind="order", order_id=sid, source="server"))
            written += len(rows)
    return written


def run(turns: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        log = DialogueLog(f"sqlite:///{Path(tmp) / 'dialogues.db'}")
        try:
            log.migrate()
            started = time.perf_counter()
            written = fill(log, turns)
            filled = time.perf_counter() - started
            started = time.perf_counter()
            _, manifest = build(log, Path(tmp) / "sets", store="Bench Shop", base_model="m",
                                rules=Rules(min_examples=1))  # fmt: skip
            seconds = time.perf_counter() - started
        finally:
            log.close()
    return {
        "turns": written,
        "fill_s": round(filled, 2),
        "build_s": round(seconds, 2),
        "turns_per_s": round(written / seconds),
        "counts": manifest["counts"],
        "excluded": manifest["excluded"],
    }


def run_training(dialogues: int, base_model: str, options: Any) -> dict[str, Any]:
    """Time `train` on the dataset built from `dialogues` generated conversations."""
    from finetune.train import train

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        log = DialogueLog(f"sqlite:///{root / 'dialogues.db'}")
        try:
            log.migrate()
            fill(log, dialogues * 5)
            folder, manifest = build(
                log,
                root / "sets",
                store="Bench Shop",
                base_model=base_model,
                rules=Rules(min_examples=1),
            )
            # fmt: skip
        finally:
            log.close()
        started = time.perf_counter()
        _adapter, record = train(folder, base_model, root / "adapters", root / "runs", options)
        wall = time.perf_counter() - started
    return {
        "dialogues": dialogues,
        "examples": manifest["counts"],
        "tokens": record["tokens"],
        "epochs_run": len(record["epochs"]) or options.epochs,
        "train_s": record["seconds"],
        "wall_s": round(wall, 1),  # with loading the model and the measurement before training
        "tokens_per_s": record["tokens_per_s"],
        "validation_loss_before": record["validation_loss_before"],
        "validation_loss": [e["validation_loss"] for e in record["epochs"]],
    }
