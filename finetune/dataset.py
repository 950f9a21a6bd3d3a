"""Build a versioned training set from the dialogue log: what the model should have written.

The model writes only part of a reply (the lead-in before the catalog facts, and, once an
adapter has learned them, the greeting and the thanks); the facts are rendered by code. So an
example is one of those parts: the prompt the service gives the model for it (built by the
same function the service uses) and the words it should write, taken from

- `corrected`: an agent's reply in place of the assistant's (the most valuable),
- `marked_good`: an answer a reviewer marked good in the staff review,
- `rated_up`: an answer the shopper rated up,
- `converted`: an answer in a conversation that ended in a checkout or an order,

never from a conversation reviewed as bad, a turn a reviewer marked bad, a turn the grounding
guard caught, a reply rated
down (it becomes the rejected side of a preference pair), or text with personal data in it.
Examples are de-duplicated and split into train/validation/test by conversation (a stable hash
of its id, so a conversation never changes split between versions).
"""

import hashlib
import json
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.chat.phrase import OPENINGS, VOICE_SLOTS, slot_messages
from bot.chat.redact import redact
from bot.log.models import Correction, DialogueSession, Feedback, ShopEvent, Turn
from bot.log.store import DialogueLog

SOURCES = ("corrected", "marked_good", "rated_up", "converted")
CONVERSIONS = ("checkout", "order")
SPLITS = ("train", "validation", "test")
MAX_VOICE_WORDS = 40
MAX_PAIRS_PER_PROMPT = 5
# What the lead-in grammar allows after its fixed opening (see bot/chat/phrase.py).
LEAD_WORDS = re.compile(r"(?: [a-z]{1,14},?){1,6}[.!]")
FACT_MARKS = re.compile(r"[\d$€£¥₹]")


class NotEnoughData(ValueError):
    """Too few usable examples to train on; the message says how many and how to get more."""


@dataclass(frozen=True)
class Rules:
    """How examples are chosen; written into the manifest."""

    sources: tuple[str, ...] = SOURCES
    min_examples: int = 20  # training examples needed before a dataset is written
    validation: float = 0.1
    test: float = 0.1

    def __post_init__(self) -> None:
        unknown = [s for s in self.sources if s not in SOURCES]
        if unknown or not self.sources:
            raise ValueError(
                f"Learn from one or more of {', '.join(SOURCES)}; not {', '.join(unknown)}."
            )
        if not (
            0 <= self.validation < 1 and 0 <= self.test < 1 and self.validation + self.test < 1
        ):
            raise ValueError("The validation and test shares are fractions that sum below 1.")
        if self.min_examples < 1:
            raise ValueError("min_examples is at least 1.")


@dataclass
class Example:
    slot: str  # the action whose lead-in this is, or a voice slot ("greet", "thank")
    lead: str | None  # what the lead-in introduces (lead-in slots only)
    completion: str
    source: str
    turn_id: int
    session_id: str
    original: str | None = None  # what the model (or the fixed reply) said, if different

    def key(self) -> tuple[str, str | None, str]:
        return (self.slot, self.lead, self.completion.casefold())


@dataclass
class Dataset:
    examples: dict[str, list[Example]]
    pairs: dict[str, list[dict[str, Any]]]
    excluded: Counter[str] = field(default_factory=Counter)
    by_source: Counter[str] = field(default_factory=Counter)


def split_of(session_id: str, rules: Rules) -> str:
    """The split a conversation belongs to, the same in every dataset version."""
    digest = hashlib.sha256(f"salesbot-split\n{session_id}".encode()).digest()
    share = int.from_bytes(digest[:8], "big") / 2**64
    if share < rules.test:
        return "test"
    return "validation" if share < rules.test + rules.validation else "train"


def lead_completion(action: str, text: str) -> str | None:
    """An agent's reply as a lead-in: its first sentence, if the lead-in grammar could have
    written it (the action's fixed opening, then up to six lower-case words)."""
    opening = OPENINGS[action]
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0].lower()
    rest = first.removeprefix(opening)
    if rest == first or not LEAD_WORDS.fullmatch(rest):
        return None
    return first


def voice_completion(text: str) -> str | None:
    """A greeting or thanks as a voice slot may say it: no figures, prices or long speeches."""
    text = " ".join(text.split())
    if not text or FACT_MARKS.search(text) or len(text.split()) > MAX_VOICE_WORDS:
        return None
    return text


def collect(log: DialogueLog, rules: Rules) -> Dataset:
    """Every usable example in the log, split by conversation, with counts of what was left
    out and why."""
    data = Dataset({s: [] for s in SPLITS}, {s: [] for s in SPLITS})
    with log.session() as db:
        bad = set(db.scalars(select(DialogueSession.id).where(DialogueSession.review == "bad")))
        ratings = {t: r for t, r in db.execute(select(Feedback.turn_id, Feedback.rating))}
        corrections: dict[int, str] = {}
        for turn_id, text in db.execute(select(Correction.turn_id, Correction.text).order_by(
                Correction.id)):  # fmt: skip
            corrections[turn_id] = text  # the latest wins
        converted = set(
            db.scalars(select(ShopEvent.session_id).where(ShopEvent.kind.in_(CONVERSIONS)))
        )
        turns = db.execute(
            select(Turn.id, Turn.session_id, Turn.action, Turn.reply, Turn.lead_prompt,
                   Turn.lead_text, Turn.grounding, Turn.mark)
            .where(Turn.status == "ok").order_by(Turn.id)
        ).all()  # fmt: skip
    seen: set[tuple[str, str | None, str]] = set()
    rated: dict[tuple[str, str | None], dict[str, list[Example]]] = defaultdict(
        lambda: {"up": [], "down": []}
    )
    for turn_id, session_id, action, reply, lead, lead_text, grounding, mark in turns:
        example, reason = _example(
            turn_id, session_id, action, reply, lead, lead_text, grounding,
            bad=session_id in bad or mark == "bad", rating=ratings.get(turn_id), mark=mark,
            correction=corrections.get(turn_id), converted=session_id in converted, rules=rules,
        )  # fmt: skip
        if example is None:
            data.excluded[reason] += 1
            continue
        if reason == "rated_down":
            rated[(example.slot, example.lead)]["down"].append(example)
            data.excluded[reason] += 1
            continue
        if example.source == "rated_up":
            rated[(example.slot, example.lead)]["up"].append(example)
        split = split_of(session_id, rules)
        if example.original and example.original.casefold() != example.completion.casefold():
            data.pairs[split].append(_pair(example, example.completion, example.original))
        if example.key() in seen:
            data.excluded["duplicate"] += 1
            continue
        seen.add(example.key())
        data.examples[split].append(example)
        data.by_source[example.source] += 1
    for sides in rated.values():
        for up in sides["up"][:MAX_PAIRS_PER_PROMPT]:
            for down in sides["down"][:MAX_PAIRS_PER_PROMPT]:
                if up.completion.casefold() != down.completion.casefold():
                    split = split_of(up.session_id, rules)
                    data.pairs[split].append(_pair(up, up.completion, down.completion))
    return data


def _example(
    turn_id: int,
    session_id: str,
    action: str | None,
    reply: str,
    lead: str | None,
    lead_text: str | None,
    grounding: Any,
    *,
    bad: bool,
    rating: str | None,
    correction: str | None,
    mark: str | None = None,
    converted: bool,
    rules: Rules,
) -> tuple[Example | None, str]:
    """One turn as an example, or None and why not. A turn rated down comes back with the
    reason "rated_down": the rejected side of a pair, never an example."""
    if bad:
        return None, "marked_bad" if mark == "bad" else "reviewed_bad"
    if grounding:
        return None, "guard_caught"
    voice = action in VOICE_SLOTS
    if action is None or (not voice and action not in OPENINGS):
        return None, "fixed_reply"  # policy quotes, handover, not found...: rendered by code
    if not voice and lead is None:
        return None, "no_prompt_logged"
    # As the model writes it: the lead-in grammar is lower-case; the page shows it capitalised.
    original = (
        reply if voice else lead_text and (lead_completion(action, lead_text) or lead_text.lower())
    )
    source, text = None, None
    if correction is not None and "corrected" in rules.sources:
        source, text = "corrected", correction
    elif mark == "good" and "marked_good" in rules.sources:
        source, text = "marked_good", original
    elif rating == "down":
        pass
    elif rating == "up" and "rated_up" in rules.sources:
        source, text = "rated_up", original
    elif converted and "converted" in rules.sources:
        source, text = "converted", original
    if source is None or not text:
        if rating == "down" and original:
            slot_text = voice_completion(original) if voice else original
            if slot_text:  # the rejected side of a pair
                return Example(action, lead, slot_text, "rated_down", turn_id, session_id), (
                    "rated_down"
                )
        return None, "no_signal"
    if redact(text) != text:
        return None, "personal_data"
    completion = voice_completion(text) if voice else lead_completion(action, text)
    if completion is None:
        return None, "does_not_fit_slot"
    return Example(action, None if voice else lead, completion, source, turn_id, session_id,
                   original=original), source  # fmt: skip


def _pair(example: Example, chosen: str, rejected: str) -> dict[str, Any]:
    return {
        "slot": example.slot,
        "lead": example.lead,
        "chosen": chosen,
        "rejected": rejected,
        "turn_id": example.turn_id,
        "session_id": example.session_id,
    }


def prompt_completion(example: Example, store: str) -> dict[str, Any]:
    """One JSONL line in TRL's conversational prompt-completion form, with where it came from."""
    return {
        "prompt": slot_messages(store, example.slot, example.lead),
        "completion": [{"role": "assistant", "content": example.completion}],
        "slot": example.slot,
        "source": example.source,
        "turn_id": example.turn_id,
        "session_id": example.session_id,
    }


def preference(pair: dict[str, Any], store: str) -> dict[str, Any]:
    return {
        "prompt": slot_messages(store, pair["slot"], pair["lead"]),
        "chosen": [{"role": "assistant", "content": pair["chosen"]}],
        "rejected": [{"role": "assistant", "content": pair["rejected"]}],
        "slot": pair["slot"],
        "turn_id": pair["turn_id"],
        "session_id": pair["session_id"],
    }


def _write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> str:
    digest = hashlib.sha256()
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
            out.write(line)
            digest.update(line.encode())
    return digest.hexdigest()


def build(
    log: DialogueLog,
    out_root: Path,
    *,
    store: str,
    base_model: str,
    rules: Rules | None = None,
    now: datetime | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Write a new dataset version under `out_root`; returns its folder and manifest.
    Raises NotEnoughData, writing nothing, when there are too few training examples."""
    rules = rules or Rules()
    data = collect(log, rules)
    usable = sum(len(v) for v in data.examples.values())
    if len(data.examples["train"]) < rules.min_examples:
        raise NotEnoughData(_too_little(data, usable, rules))
    files = {
        f"{split}.jsonl": [prompt_completion(e, store) for e in data.examples[split]]
        for split in SPLITS
    }
    files["preferences.jsonl"] = [preference(p, store) for s in SPLITS for p in data.pairs[s]]
    out_root.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=".ds-", suffix=".partial", dir=out_root))
    written = {name: _write_jsonl(partial / name, records) for name, records in files.items()}
    # The version is named by what was written: the files' own hashes.
    version_hash = hashlib.sha256(json.dumps(written, sort_keys=True).encode()).hexdigest()
    created = now or datetime.now(UTC)
    version = f"ds-{created:%Y%m%d-%H%M%S}-{version_hash[:8]}"
    folder = out_root / version
    manifest = {
        "version": version,
        "created_at": created.isoformat(),
        "store": store,
        "base_model": base_model,
        "rules": asdict(rules),
        "counts": {split: len(data.examples[split]) for split in SPLITS}
        | {"preferences": len(files["preferences.jsonl"])},
        "by_source": dict(data.by_source),
        "by_slot": dict(Counter(e.slot for s in SPLITS for e in data.examples[s])),
        "excluded": dict(data.excluded),
        "source_turns": {s: [e.turn_id for e in data.examples[s]] for s in SPLITS},
        "files": written,
        "hash": version_hash,
    }
    (partial / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    partial.rename(folder)  # a dataset folder is complete or absent
    return folder, manifest


def _too_little(data: Dataset, usable: int, rules: Rules) -> str:
    train = len(data.examples["train"])
    left_out = ", ".join(f"{n} {why.replace('_', ' ')}" for why, n in data.excluded.most_common())
    return (
        f"Only {train} training examples ({usable} usable in all); at least {rules.min_examples} "
        f"are needed. Left out: {left_out or 'nothing'}. The log grows them: agents' "
        "corrections (`salesbot log correct`), answers shoppers rate up, and conversations "
        "that end in an order."
    )


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name} line {number} is not JSON ({exc.msg}).") from None
            if not isinstance(record, dict):
                raise ValueError(f"{path.name} line {number} is not a JSON object.")
            yield record
