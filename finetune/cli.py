"""`salesbot finetune ...`: build datasets from the log (train, evaluate and promote follow)."""

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
