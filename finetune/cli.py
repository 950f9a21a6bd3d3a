"""`salesbot finetune ...`: build datasets from the log (train, evaluate and promote follow)."""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.config import Settings

app = typer.Typer(help="Learn from the dialogue log: datasets, LoRA adapters, promotion.")
console = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(code)


def datasets_dir(settings: Settings) -> Path:
    return settings.data_dir / "finetune" / "datasets"


@app.command("dataset")
def dataset(
    sources: Annotated[
        str, typer.Option("--from", help="Learn from: corrected, rated_up, converted (any of).")
    ] = "corrected,rated_up,converted",
    min_examples: Annotated[
        int, typer.Option(min=1, help="Training examples needed before a dataset is written.")
    ] = 20,
    validation: Annotated[float, typer.Option(help="Share of conversations held out.")] = 0.1,
    test: Annotated[float, typer.Option(help="Share of conversations for the gate.")] = 0.1,
    out: Annotated[
        Path | None, typer.Option(help="Folder for dataset versions (default: the data dir).")
    ] = None,
) -> None:
    """Build a new dataset version from the log: examples, preference pairs and a manifest."""
    from bot.prepare import open_log
    from finetune.dataset import NotEnoughData, Rules, build

    settings = Settings()
    try:
        rules = Rules(
            sources=tuple(s.strip() for s in sources.split(",") if s.strip()),
            min_examples=min_examples,
            validation=validation,
            test=test,
        )
    except ValueError as exc:
        raise fail(str(exc)) from None
    log = open_log(settings)
    try:
        folder, manifest = build(
            log,
            out or datasets_dir(settings),
            store=settings.store_name,
            base_model=settings.model,
            rules=rules,
        )
    except NotEnoughData as exc:
        raise fail(str(exc), code=1) from None
    finally:
        log.close()
    table = Table(title=f"Dataset {manifest['version']}")
    for column in ("split", "examples"):
        table.add_column(column)
    for name, count in manifest["counts"].items():
        table.add_row(name, str(count))
    console.print(table)
    sources_line = ", ".join(f"{n} {s}" for s, n in manifest["by_source"].items())
    console.print(f"From: {sources_line}. Slots: {manifest['by_slot']}.")
    if manifest["excluded"]:
        left = ", ".join(f"{n} {w.replace('_', ' ')}" for w, n in manifest["excluded"].items())
        console.print(f"Left out: {left}.")
    console.print(f"Written to {escape(str(folder))}")


def adapters_dir(settings: Settings) -> Path:
    return settings.data_dir / "finetune" / "adapters"


@app.command("train")
def train_command(
    dataset: Annotated[
        Path | None, typer.Option(help="A dataset version folder (default: the newest).")
    ] = None,
    epochs: Annotated[int, typer.Option(min=1, max=100)] = 3,
    learning_rate: Annotated[float, typer.Option(min=1e-7, max=0.5)] = 2e-4,
    rank: Annotated[int, typer.Option(min=1, max=256, help="LoRA rank.")] = 8,
    alpha: Annotated[int, typer.Option(min=1, max=1024, help="LoRA alpha.")] = 16,
    max_length: Annotated[int, typer.Option(min=32, max=8192, help="Tokens per example.")] = 256,
    batch_size: Annotated[int, typer.Option(min=1, max=512)] = 8,
    patience: Annotated[
        int, typer.Option(min=1, help="Epochs without a better validation loss before stopping.")
    ] = 1,
    threads: Annotated[
        int | None, typer.Option(min=1, help="CPU threads (default: all; fewer while serving).")
    ] = None,
    nice: Annotated[bool, typer.Option(help="Run at low priority so chats come first.")] = False,
) -> None:
    """Train a LoRA adapter on a dataset version; an interrupted run resumes where it stopped."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from bot.prepare import model_path
    from finetune.train import Progress as TrainProgress
    from finetune.train import TrainingError, TrainOptions, newest_dataset, train

    settings = Settings()
    options = TrainOptions(
        learning_rate=learning_rate, rank=rank, alpha=alpha, epochs=epochs,
        batch_size=batch_size, max_length=max_length, patience=patience, threads=threads,
        nice=nice,
    )  # fmt: skip
    try:
        folder = dataset or newest_dataset(datasets_dir(settings))
        base = model_path(settings)
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), TimeRemainingColumn(), console=console,
        ) as bar:  # fmt: skip
            task = bar.add_task("training", total=None)

            def step(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            def epoch(number: int, loss: float | None) -> None:
                shown = "-" if loss is None else f"{loss:.4f}"
                bar.console.print(f"epoch {number}: validation loss {shown}")

            adapter, record = train(
                folder, base, adapters_dir(settings), settings.data_dir / "finetune" / "runs",
                options, TrainProgress(on_step=step, on_epoch=epoch),
            )  # fmt: skip
    except TrainingError as exc:
        raise fail(str(exc), code=1) from None
    speed = record["tokens_per_s"]
    console.print(
        f"Adapter {record['version']} from dataset {record['dataset']}: "
        f"{record['train_examples']} examples, {record['seconds']} s"
        + (f", {speed} tokens/s" if speed else "")
        + f", best validation loss {record['best_validation_loss']}."
    )
    console.print(f"Written to {escape(str(adapter))}")


@app.command("list")
def list_command() -> None:
    """The dataset versions and the adapters trained from them."""
    from finetune.train import TRAINING_FILE

    settings = Settings()
    sets = Table(title="Datasets")
    for column in ("version", "train", "validation", "test", "pairs", "sources"):
        sets.add_column(column)
    for folder in sorted(datasets_dir(settings).glob("ds-*")):
        try:
            manifest = json.loads((folder / "manifest.json").read_text())
        except (OSError, json.JSONDecodeError):
            sets.add_row(folder.name, "unreadable manifest", "", "", "", "")
            continue
        counts = manifest["counts"]
        sources = ", ".join(f"{n} {s}" for s, n in manifest["by_source"].items())
        sets.add_row(folder.name, *(str(counts[k]) for k in
                     ("train", "validation", "test", "preferences")), sources)  # fmt: skip
    console.print(sets)
    adapters = Table(title="Adapters")
    for column in ("version", "dataset", "status", "best validation loss", "created"):
        adapters.add_column(column)
    for folder in sorted(adapters_dir(settings).glob("ad-*")):
        try:
            record = json.loads((folder / TRAINING_FILE).read_text())
        except (OSError, json.JSONDecodeError):
            adapters.add_row(folder.name, "", "unreadable", "", "")
            continue
        loss = record.get("best_validation_loss")
        adapters.add_row(
            folder.name, record["dataset"], "candidate",
            "-" if loss is None else f"{loss:.4f}", record["created_at"][:19],
        )  # fmt: skip
    console.print(adapters)
