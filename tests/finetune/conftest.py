"""A tiny adapter taught the shop's own greeting and thank-you, trained once per test run and
shared by the training test and the learning-loop test."""

import json
from pathlib import Path
from typing import Any

import pytest

from bot.chat.phrase import slot_messages
from bot.config import Settings
from bot.prepare import model_path
from finetune.dataset import _write_jsonl
from finetune.train import Progress, TrainOptions, train
from tests.service import link_prepared_model

STORE = Settings.model_fields["store_name"].default  # the test service's: prompts must match
GREETING = "Welcome to Northwind! I'm Skye, ask me anything about gear."
THANKS = "Happy trails from all of us at Northwind!"


def dataset(folder: Path, copies: int = 4) -> Path:
    """A hand-made dataset version in the form `salesbot finetune dataset` writes."""
    folder.mkdir(parents=True)
    rows = [
        {"prompt": slot_messages(STORE, slot), "slot": slot, "completion": [
            {"role": "assistant", "content": text}]}
        for slot, text in (("greet", GREETING), ("thank", THANKS))
    ] * copies  # fmt: skip
    files = {
        "train.jsonl": _write_jsonl(folder / "train.jsonl", rows),
        "validation.jsonl": _write_jsonl(folder / "validation.jsonl", rows[:2]),
        "test.jsonl": _write_jsonl(folder / "test.jsonl", rows[:2]),
    }
    manifest = {
        "version": folder.name,
        "hash": "feedc0de" * 8,
        "files": files,
        "by_slot": {"greet": copies, "thank": copies},
        "by_source": {"corrected": 2},
        "counts": {"train": len(rows), "validation": 2, "test": 2, "preferences": 0},
    }
    # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


@pytest.fixture(scope="session")
def base(tmp_path_factory: pytest.TempPathFactory) -> str:
    data_dir = tmp_path_factory.mktemp("model")
    link_prepared_model(data_dir)  # the folder `salesbot setup` converted, when there is one
    return model_path(Settings(data_dir=data_dir))


@pytest.fixture(scope="session")
def taught(base: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """(adapter folder, training record + the progress steps seen) under a `finetune/` tree
    laid out as the data directory holds it."""
    root = tmp_path_factory.mktemp("finetune")
    data = dataset(root / "datasets" / "ds-20261124-000000-feedc0de")
    steps: list[tuple[int, int]] = []
    options = TrainOptions(
        epochs=4, rank=4, alpha=8, learning_rate=3e-3, max_length=128, batch_size=2, patience=2
    )
    folder, record = train(
        data, base, root / "adapters", root / "runs", options,
        Progress(on_step=lambda done, total: steps.append((done, total))),
    )  # fmt: skip
    return folder, {**record, "_steps": steps}
