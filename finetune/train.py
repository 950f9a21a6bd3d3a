"""Train a LoRA adapter on a dataset version: TRL's SFT trainer, completion-only loss, PEFT.

The prompt/completion form (SmolLM2's chat template has no `{% generation %}` markers) puts the
loss on the completion and the end-of-turn token after it, so the model learns to stop; the
trainer checks that before it starts. Validation loss is measured after every epoch, training
stops early when it stops improving, the best epoch is kept, and an interrupted run resumes
from its last checkpoint. The adapter is written to a new folder that is complete or absent.
"""

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.chat.phrase import VOICE_SLOTS
from bot.log.registry import TRAINING_FILE
from finetune.dataset import read_jsonl


class TrainingError(RuntimeError):
    """Training cannot start or could not finish; the message says why and what to do."""


@dataclass(frozen=True)
class TrainOptions:
    learning_rate: float = 2e-4
    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    epochs: int = 3
    batch_size: int = 8
    max_length: int = 256  # tokens of prompt and completion together
    patience: int = 1  # epochs without a better validation loss before stopping
    target_modules: tuple[str, ...] = ("q_proj", "v_proj")
    seed: int = 42
    threads: int | None = None  # CPU threads (None: all); fewer leave cores to the service
    nice: bool = False  # lower this process's priority so chats come first

    def check(self) -> None:
        if not 1 <= self.rank <= 256:
            raise TrainingError(f"The LoRA rank is 1 to 256, not {self.rank}.")
        if self.alpha < 1 or self.epochs < 1 or self.batch_size < 1 or self.patience < 1:
            raise TrainingError("alpha, epochs, batch size and patience are at least 1.")
        if not 0 < self.learning_rate < 1:
            raise TrainingError(f"The learning rate {self.learning_rate} is not in (0, 1).")
        if not 32 <= self.max_length <= 8192:
            raise TrainingError(f"max_length is 32 to 8192 tokens, not {self.max_length}.")

    def key(self) -> str:
        fields = {k: v for k, v in asdict(self).items() if k not in ("threads", "nice")}
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:8]


@dataclass
class Progress:
    """What the command line shows: steps done of the total, the epoch, the losses so far."""

    on_step: Callable[[int, int], None] | None = None
    on_epoch: Callable[[int, float | None], None] | None = None


def load_dataset_version(folder: Path) -> dict[str, Any]:
    """The manifest of a complete dataset version, its files checked against their hashes."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise TrainingError(f"{folder} is not a dataset version (no manifest.json).")
    try:
        manifest: dict[str, Any] = json.loads(manifest_path.read_text())
    except json.JSONDecodeError as exc:
        raise TrainingError(f"{manifest_path} is not valid JSON ({exc.msg}).") from None
    for name, expected in manifest.get("files", {}).items():
        digest = hashlib.sha256()
        path = folder / name
        if not path.is_file():
            raise TrainingError(f"The dataset {folder.name} is missing {name}.")
        with path.open("rb") as data:
            for block in iter(lambda: data.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != expected:
            raise TrainingError(
                f"{name} of dataset {folder.name} changed after it was built; build a new "
                "version with `salesbot finetune dataset`."
            )
    return manifest


def newest_dataset(root: Path) -> Path:
    versions = sorted(p for p in root.glob("ds-*") if (p / "manifest.json").is_file())
    if not versions:
        raise TrainingError(
            f"There is no dataset in {root}; build one with `salesbot finetune dataset`."
        )
    return versions[-1]


def _records(folder: Path, split: str) -> list[dict[str, Any]]:
    return [
        {"prompt": r["prompt"], "completion": r["completion"]}
        for r in read_jsonl(folder / f"{split}.jsonl")
    ]


def taught_voice(folder: Path, limit: int = 200) -> list[str]:
    texts = {
        part["content"]
        for row in read_jsonl(folder / "train.jsonl")
        if row.get("slot") in VOICE_SLOTS
        for part in row["completion"]
    }
    return sorted(texts)[:limit]


def check_end_of_turn(trainer: Any, tokenizer: Any) -> None:
    """The loss must cover the end-of-turn token after each completion, or the model never
    learns to stop: checked on the tokenized training examples before training starts."""
    end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    if end is None or end == tokenizer.unk_token_id:
        end = tokenizer.eos_token_id
    for row in trainer.train_dataset.select(range(min(8, len(trainer.train_dataset)))):
        ids = row["input_ids"]
        if "labels" in row:  # the mask folded into the labels: -100 is left out of the loss
            learned = [label for label in row["labels"] if label != -100]
        else:
            learned = [t for t, on in zip(ids, row["completion_mask"], strict=True) if on]
        if end not in learned:
            raise TrainingError(
                "The end-of-turn token is outside the loss mask, so the adapter would never "
                "learn to stop; check the model's chat template."
            )


def train(
    dataset_dir: Path,
    base_model: str,
    adapters_root: Path,
    runs_root: Path,
    options: TrainOptions | None = None,
    progress: Progress | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Train an adapter on `dataset_dir`; returns its folder and its training record."""
    options = options or TrainOptions()
    options.check()
    manifest = load_dataset_version(dataset_dir)
    train_rows = _records(dataset_dir, "train")
    validation_rows = _records(dataset_dir, "validation")
    if not train_rows:
        raise TrainingError(f"The dataset {dataset_dir.name} has no training examples.")
    if options.nice:
        os.nice(10)

    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, EarlyStoppingCallback
    from transformers.trainer_callback import TrainerCallback
    from trl import SFTConfig, SFTTrainer

    if options.threads:
        torch.set_num_threads(options.threads)
    run_dir = runs_root / f"{manifest['version']}-{options.key()}"
    run_dir.mkdir(parents=True, exist_ok=True)
    resume = any(run_dir.glob("checkpoint-*"))
    evaluate = bool(validation_rows)
    gpu = torch.cuda.is_available()
    config = SFTConfig(
        output_dir=str(run_dir),
        num_train_epochs=options.epochs,
        learning_rate=options.learning_rate,
        per_device_train_batch_size=options.batch_size,
        per_device_eval_batch_size=options.batch_size,
        max_length=options.max_length,
        completion_only_loss=True,
        eval_strategy="epoch" if evaluate else "no",
        save_strategy="epoch",
        save_total_limit=2,
        load_best_model_at_end=evaluate,
        metric_for_best_model="eval_loss" if evaluate else None,
        greater_is_better=False if evaluate else None,
        logging_strategy="epoch",
        report_to=[],
        seed=options.seed,
        use_cpu=not gpu,
        # TRL turns bf16 on by default: emulated on most CPUs, it made a step 100x slower.
        bf16=gpu and torch.cuda.is_bf16_supported(),
        gradient_checkpointing=gpu,  # saves GPU memory; on the CPU it only costs time
        dataloader_num_workers=0,
        disable_tqdm=True,
    )
    tokenizer = AutoTokenizer.from_pretrained(base_model)
    model = AutoModelForCausalLM.from_pretrained(base_model, dtype=torch.float32)
    peft_config = LoraConfig(
        r=options.rank,
        lora_alpha=options.alpha,
        lora_dropout=options.dropout,
        target_modules=list(options.target_modules),
        task_type="CAUSAL_LM",
    )
    epochs: list[dict[str, float | None]] = []

    class Report(TrainerCallback):
        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if progress and progress.on_step:
                progress.on_step(state.global_step, state.max_steps)

        def on_evaluate(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if not state.global_step:
                return  # the measurement before training
            loss = (kwargs.get("metrics") or {}).get("eval_loss")
            epochs.append({"epoch": round(state.epoch or 0, 2), "validation_loss": loss})
            if progress and progress.on_epoch:
                progress.on_epoch(int(round(state.epoch or 0)), loss)

    callbacks: list[Any] = [Report()]
    if evaluate:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=options.patience))
    trainer = SFTTrainer(
        model=model,
        args=config,
        train_dataset=Dataset.from_list(train_rows),
        eval_dataset=Dataset.from_list(validation_rows) if evaluate else None,
        processing_class=tokenizer,
        peft_config=peft_config,
        callbacks=callbacks,
    )
    check_end_of_turn(trainer, tokenizer)
    before = trainer.evaluate()["eval_loss"] if evaluate and not resume else None
    started = time.perf_counter()
    try:
        result = trainer.train(resume_from_checkpoint=True if resume else None)
    except OSError as exc:  # disk full, a checkpoint that cannot be written
        raise TrainingError(
            f"Training stopped: {exc.strerror or exc}. Nothing was promoted; free space and run "
            "the same command again to resume from the last checkpoint."
        ) from None
    seconds = time.perf_counter() - started
    tokenized: Any = trainer.train_dataset
    epochs_run = trainer.state.epoch or options.epochs  # fewer when it stopped early
    tokens = int(sum(len(row["input_ids"]) for row in tokenized) * epochs_run)
    created = datetime.now(UTC)
    version = f"ad-{created:%Y%m%d-%H%M%S}-{manifest['hash'][:4]}{options.key()[:4]}"
    record: dict[str, Any] = {
        "version": version,
        "created_at": created.isoformat(),
        "dataset": manifest["version"],
        "base_model": Path(base_model).name if Path(base_model).exists() else base_model,
        "options": asdict(options),
        "resumed": resume,
        "train_examples": len(train_rows),
        "validation_examples": len(validation_rows),
        "validation_loss_before": before,
        "epochs": epochs,
        "best_validation_loss": trainer.state.best_metric,
        "train_loss": result.training_loss,
        "seconds": round(seconds, 1),
        "tokens": tokens,
        "tokens_per_s": round(tokens / seconds, 1) if seconds and not resume else None,
        "slots": sorted(set(manifest.get("by_slot", {}))),
        # The shop's own words it was taught for greetings and thanks: the guard lets a served
        # voice reply use them (a persona's name, a house brand) and nothing else unknown.
        "voice_texts": taught_voice(dataset_dir),
    }
    partial = adapters_root / f".{version}.partial"
    partial.mkdir(parents=True, exist_ok=False)
    adapter_model: Any = trainer.model
    adapter_model.save_pretrained(str(partial))
    (partial / TRAINING_FILE).write_text(json.dumps(record, indent=2) + "\n")
    folder = adapters_root / version
    partial.rename(folder)
    shutil.rmtree(run_dir, ignore_errors=True)  # the checkpoints are not needed any more
    return folder, record
