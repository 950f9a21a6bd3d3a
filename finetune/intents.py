"""The intent classifier learned from the shop's own conversations.

Staff say which intent a shopper's message has in review (`turns.intent_label`).
`salesbot finetune intents` fits the day-one classifier's head again (the logistic regression
over the shipped MiniLM's sentence embeddings) on the shipped examples plus the labelled
messages of most conversations, and measures both classifiers, rules included, on the labelled
messages of the conversations held out (split by conversation with a stable hash, so no
conversation is on both sides). The learned classifier is saved as a version folder (its
examples, redacted, and their embeddings) and serves only when it beats day-one on the held-out
messages: a higher macro F1 and no lower accuracy. The service picks it up within seconds."""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import numpy as np
from sklearn.metrics import accuracy_score, classification_report, f1_score
from sqlalchemy import select

from bot.chat.redact import redact
from bot.chat.understand import (
    INTENTS,
    Embed,
    Intent,
    IntentClassifier,
    load_examples,
    serve,
)
from bot.log.models import Turn
from bot.log.store import DialogueLog

MIN_LABELS = 30


class NotEnoughLabels(Exception):
    """Too few labelled messages to learn from or to judge by."""


@dataclass(frozen=True)
class Labelled:
    session_id: str
    turn_id: int
    text: str
    intent: Intent


def labelled(log: DialogueLog) -> list[Labelled]:
    """Every shopper message a person gave an intent, oldest first."""
    query = select(Turn.session_id, Turn.id, Turn.user_text, Turn.intent_label).where(
        Turn.intent_label.in_(INTENTS)
    )
    with log.sessions() as db:
        rows = db.execute(query.order_by(Turn.id)).all()
    return [Labelled(s, i, text, cast(Intent, label)) for s, i, text, label in rows if text.strip()]


def held_out(session_id: str, share: float) -> bool:
    """Whether a conversation is in the held-out part (stable across runs and machines)."""
    digest = hashlib.sha256(f"salesbot-intents\n{session_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def measure(classifier: IntentClassifier, items: Sequence[Labelled]) -> dict[str, Any]:
    """Accuracy, macro F1 and scikit-learn's per-class report on labelled messages."""
    truth = [item.intent for item in items]
    predicted = [classifier.classify(item.text).intent for item in items]
    labels = sorted(set(truth) | set(predicted))
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, labels=labels, average="macro")), 4),
        "report": classification_report(
            truth, predicted, labels=labels, output_dict=True, zero_division=0
        ),
        "text_report": classification_report(truth, predicted, labels=labels, zero_division=0),
    }


def train(
    log: DialogueLog,
    embed: Embed,
    folder: Path,
    *,
    test_share: float = 0.3,
    min_labels: int = MIN_LABELS,
) -> dict[str, Any]:
    """Learn a classifier from the labelled messages, judge it against day-one on the held-out
    conversations, save it as a new version, and make it serve if it wins. Returns the report."""
    found = labelled(log)
    train_part = [item for item in found if not held_out(item.session_id, test_share)]
    test_part = [item for item in found if held_out(item.session_id, test_share)]
    if len(found) < min_labels or len(train_part) < min_labels // 2 or len(test_part) < 5:
        raise NotEnoughLabels(
            f"There are {len(found)} labelled messages ({len(train_part)} to learn from, "
            f"{len(test_part)} held out); at least {min_labels} are needed, with 5 or more in "
            "held-out conversations. Label more shoppers' messages in review (/staff/review)."
        )
    shipped = load_examples()
    examples = shipped + [(item.intent, redact(item.text)) for item in train_part]
    vectors = np.asarray(embed([text for _, text in examples]), dtype=np.float32)
    day_one = IntentClassifier(embed, shipped, vectors=vectors[: len(shipped)])
    learned = IntentClassifier(embed, examples, vectors=vectors)
    before, after = measure(day_one, test_part), measure(learned, test_part)
    wins = beats(before, after)
    digest = hashlib.sha256(json.dumps(examples).encode()).hexdigest()
    created = datetime.now(UTC)
    version = f"intents-{created:%Y%m%d-%H%M%S}-{digest[:8]}"
    report = {
        "version": version,
        "created": created.isoformat(timespec="seconds"),
        "labelled": len(found),
        "learned_from": len(train_part),
        "held_out": len(test_part),
        "held_out_conversations": len({item.session_id for item in test_part}),
        "shipped_examples": len(shipped),
        "day_one": before,
        "learned": after,
        "serves": wins,
        "verdict": verdict(before, after),
    }
    target = folder / version
    target.mkdir(parents=True)
    with (target / "examples.jsonl").open("w", encoding="utf-8") as file:
        for intent, text in examples:
            file.write(json.dumps({"intent": intent, "text": text}, ensure_ascii=False) + "\n")
    np.save(target / "vectors.npy", vectors)
    (target / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    if wins:
        serve(folder, version)
    return report


def beats(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """The rule a learned classifier must pass to serve: higher macro F1, accuracy no lower."""
    return bool(after["macro_f1"] > before["macro_f1"] and after["accuracy"] >= before["accuracy"])


def verdict(before: dict[str, Any], after: dict[str, Any]) -> str:
    change = (
        f"macro F1 {before['macro_f1']:.3f} -> {after['macro_f1']:.3f}, "
        f"accuracy {before['accuracy']:.3f} -> {after['accuracy']:.3f} on the held-out messages"
    )
    if beats(before, after):
        return f"The learned classifier beats day-one ({change}): it serves now."
    return f"The learned classifier does not beat day-one ({change}): day-one keeps serving."
