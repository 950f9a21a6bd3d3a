"""`salesbot finetune ...`: datasets from the log, LoRA training, the gate, promotion and
rollback on the running service, and the registry."""

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.config import Settings

if TYPE_CHECKING:
    from bot.log.registry import AdapterRegistry

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
        str,
        typer.Option(
            "--from", help="Learn from: corrected, marked_good, rated_up, converted (any of)."
        ),
    ] = "corrected,marked_good,rated_up,converted",
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
    with registry(settings) as adapters:
        adapters.register(record["version"], str(adapter), record)
    speed = record["tokens_per_s"]
    console.print(
        f"Adapter {record['version']} from dataset {record['dataset']}: "
        f"{record['train_examples']} examples, {record['seconds']} s"
        + (f", {speed} tokens/s" if speed else "")
        + f", best validation loss {record['best_validation_loss']}."
    )
    console.print(f"Written to {escape(str(adapter))}")
    console.print(f"Next: salesbot finetune evaluate {record['version']}")


@contextmanager
def registry(settings: Settings) -> Iterator["AdapterRegistry"]:
    """The adapter registry in the log's database, with every adapter folder on disk in it."""
    from bot.log.registry import AdapterRegistry, register_folders
    from bot.log.store import NotFound
    from bot.prepare import open_log

    log = open_log(settings)
    try:
        adapters = AdapterRegistry(log.sessions)
        register_folders(adapters, adapters_dir(settings))  # `list` reports unreadable ones
        yield adapters
    except NotFound as exc:
        raise fail(str(exc)) from None
    finally:
        log.close()


def _pair(values: list[float], digits: int = 4) -> tuple[str, str, str]:
    now, new = values
    change = f"{(new / now - 1) * 100:+.1f}%" if now else "-"
    return f"{now:.{digits}f}", f"{new:.{digits}f}", change


@app.command("evaluate")
def evaluate_command(
    name: Annotated[str, typer.Argument(help="The candidate adapter (see `finetune list`).")],
    dataset: Annotated[
        Path | None, typer.Option(help="Judge on this dataset version (default: its own).")
    ] = None,
    max_loss_increase: Annotated[
        float, typer.Option(min=0, help="Allowed relative rise of the test loss, e.g. 0.05.")
    ] = 0.0,
    min_end_rate: Annotated[
        float, typer.Option(min=0, max=1, help="Share of replies that must stop on their own.")
    ] = 0.99,
    run_eval: Annotated[
        bool, typer.Option("--eval/--no-eval", help="Also compare both on `salesbot eval`.")
    ] = True,
    all_cases: Annotated[
        bool, typer.Option(help="Every `salesbot eval` case, not only the CI slice.")
    ] = False,
    max_eval_drop: Annotated[
        float, typer.Option(min=0, max=1, help="Allowed drop of an eval rate, e.g. 0.02.")
    ] = 0.02,
    eval_cases: Annotated[
        Path | None, typer.Option(help="The shop's own eval cases (JSONL, as `salesbot eval`).")
    ] = None,
    eval_catalog: Annotated[
        Path | None, typer.Option(help="The catalog those cases are about.")
    ] = None,
) -> None:
    """The gate: the candidate against what serves now, on the held-out test conversations
    and (unless --no-eval) on `salesbot eval` in a temporary service."""
    from bot.prepare import model_path
    from finetune.evaluate import Gate, evaluate, judge_eval
    from finetune.train import TrainingError

    for path in (eval_cases, eval_catalog):
        if path is not None and not path.is_file():
            raise fail(f"There is no file {path}.")
    settings = Settings()
    with registry(settings) as adapters:
        row = adapters.get(name)
        serving = adapters.serving()
    if serving is not None and serving.name == name:
        raise fail(f"{name} is the version serving now; evaluate a candidate against it.")
    folder = dataset or datasets_dir(settings) / row.dataset
    gate = Gate(
        max_loss_increase=max_loss_increase, min_end_rate=min_end_rate, max_eval_drop=max_eval_drop
    )
    console.print(f"Judging {name} against {serving.name if serving else 'the base model'} ...")
    try:
        result = evaluate(
            Path(row.path), folder, model_path(settings),
            serving=Path(serving.path) if serving else None, gate=gate,
        )  # fmt: skip
    except TrainingError as exc:
        raise fail(str(exc), code=1) from None
    if run_eval:
        from bot.eval.run import DEV_SET, compare_versions
        from retrieval.ingest import DEMO_CATALOG

        now = result["against"]
        console.print("Comparing both on `salesbot eval` (starts a temporary engine) ...")
        versions = [(now, Path(serving.path) if serving else None), (name, Path(row.path))]

        try:
            scored = compare_versions(
                settings, versions, ci_only=not all_cases and eval_cases is None,
                cases_path=eval_cases or DEV_SET, catalog=eval_catalog or DEMO_CATALOG,
            )  # fmt: skip
        except ValueError as exc:  # a malformed case file, with its line number
            raise fail(str(exc)) from None
        judge_eval(result, scored[now], scored[name], gate)
    with registry(settings) as adapters:
        adapters.record_evaluation(name, result)
    metrics = result["metrics"]
    table = Table(title=f"{name} on {result['examples']} {result['split']} conversations")
    for column in ("metric", f"now ({result['against']})", "candidate", "change"):
        table.add_column(column)
    table.add_row("test loss", *_pair(metrics["test_loss"]))
    table.add_row("perplexity", *_pair(metrics["perplexity"], 3))
    table.add_row("replies that end on their own", *_pair(metrics["ended_rate"]))
    if "eval" in result:
        now_eval, new_eval = result["eval"]["now"], result["eval"]["candidate"]
        for metric in ("unsupported_facts", "contradictions", "fit_violations", "hit_at_1",
                       "price_correct", "handover_recall", "off_topic_handled",
                       "injection_success", "intent_accuracy", "ttft_p50_ms"):  # fmt: skip
            before, after = now_eval.get(metric), new_eval.get(metric)
            if isinstance(before, int | float) and isinstance(after, int | float):
                table.add_row(f"eval: {metric.replace('_', ' ')}", *_pair([before, after], 3))
    console.print(table)
    if not result["passed"]:
        console.print(f"[red]Gate failed:[/red] {escape('; '.join(result['failures']))}.")
        raise typer.Exit(1)
    console.print(f"Gate passed. Next: salesbot finetune promote {name}")


def _service(
    settings: Settings, url: str | None, path: str, body: dict[str, Any], timeout: float = 120
) -> Any:
    """Call the running service's adapter API with a one-time key this command makes (it can
    reach the log's database, so it may)."""
    import httpx

    from bot.prepare import open_log

    base = url or f"http://{settings.host}:{settings.port}"
    log = open_log(settings)
    key_name = f"finetune-{secrets.token_hex(4)}"
    key = log.create_api_key(key_name)
    try:
        response = httpx.post(
            f"{base.rstrip('/')}/api/adapters/{path}",
            json=body,
            headers={"Authorization": f"Bearer {key}"},
            timeout=timeout,
        )
    except httpx.HTTPError:
        raise fail(
            f"The service at {base} is not answering, so nothing changed. Start it with "
            "`salesbot serve` (or pass --url).",
            code=1,
        ) from None
    finally:
        log.revoke_api_key(key_name)
        log.close()
    try:
        answer = response.json()
    except ValueError:
        raise fail(f"The service answered {response.status_code} without JSON.", code=1) from None
    if response.status_code >= 400:
        raise fail(answer.get("error", {}).get("message", str(answer)), code=1)
    return answer


SWITCH_TIMEOUT = 1200.0  # a blue-green switch starts an engine before it answers


def _switched(answer: dict[str, Any]) -> None:
    engine = (
        f"a new engine took over after {answer['engine_ms'] / 1000:.1f} s (blue-green; the "
        "previous one stops once its answers end), "
        if answer.get("engine_ms") else ""
    )  # fmt: skip
    merged = " through its merged weights" if answer.get("merged") else ""
    console.print(
        f"Serving {answer['now'] or 'the base model'}{merged} (was "
        f"{answer['previous'] or 'the base model'}): {engine}loaded in {answer['load_ms']:.0f} "
        f"ms, switched in {answer['switch_ms']:.1f} ms. New turns use it; answers already "
        "streaming finish on the version they started with."
    )


@app.command("promote")
def promote_command(
    name: Annotated[str, typer.Argument(help="The adapter to serve (see `finetune list`).")],
    url: Annotated[str | None, typer.Option(help="The service (default: host and port).")] = None,
    force: Annotated[bool, typer.Option(help="Promote without a passed evaluation.")] = False,
    merged: Annotated[
        bool | None,
        typer.Option(
            "--merged/--as-adapter",
            help="Serve its merged weights on an engine of their own, switched to blue-green "
            "(full speed; merged first if needed), or as a LoRA adapter. Default: as an adapter, "
            "or as it served before.",
        ),
    ] = None,
) -> None:
    """Serve an adapter to new turns with no restart: loaded into the running engine, or
    merged into the base model on a new engine that takes over (--merged)."""
    settings = Settings()
    with registry(settings) as adapters:
        adapters.get(name)  # registered, with a clear message when it is not
        if merged:
            _merge(settings, adapters, name)
    body = {"name": name, "force": force, "by": "cli", "merged": merged}
    _switched(_service(settings, url, "promote", body, timeout=SWITCH_TIMEOUT))


@app.command("rollback")
def rollback_command(
    url: Annotated[str | None, typer.Option(help="The service (default: host and port).")] = None,
) -> None:
    """Serve again what served before the last promotion (an adapter or the base model)."""
    _switched(_service(Settings(), url, "rollback", {"by": "cli"}, timeout=SWITCH_TIMEOUT))


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
        counts = manifest.get("counts", {})
        sources = ", ".join(f"{n} {s}" for s, n in manifest.get("by_source", {}).items())
        sets.add_row(folder.name, *(str(counts.get(k, "?")) for k in
                     ("train", "validation", "test", "preferences")), sources)  # fmt: skip
    console.print(sets)
    adapters = Table(title="Adapters")
    for column in ("version", "dataset", "status", "validation loss", "gate", "created",
                   "promoted"):  # fmt: skip
        adapters.add_column(column)
    with registry(settings) as rows:
        for row in rows.all():
            loss = row.training.get("best_validation_loss")
            gate = "-" if row.evaluation is None else (
                "passed" if row.evaluation.get("passed") else "failed")  # fmt: skip
            status = row.status + (f" {row.canary_share:.0%}" if row.canary_share else "")
            if row.status == "serving" and row.serve_merged:
                status += " (merged)"
            adapters.add_row(
                row.name, row.dataset, status, "-" if loss is None else f"{loss:.4f}",
                gate, row.created_at.isoformat()[:19],
                row.promoted_at.isoformat()[:19] if row.promoted_at else "-",
            )  # fmt: skip
        for folder in sorted(adapters_dir(settings).glob("ad-*")):
            if not (folder / TRAINING_FILE).is_file():
                adapters.add_row(folder.name, "", "unreadable", "", "", "", "")
    console.print(adapters)


@app.command("canary")
def canary_command(
    name: Annotated[str | None, typer.Argument(help="The candidate to try.")] = None,
    share: Annotated[
        float, typer.Option(min=0.001, max=0.999, help="Share of new conversations, e.g. 0.1.")
    ] = 0.1,
    stop: Annotated[bool, typer.Option(help="Stop the running canary.")] = False,
    url: Annotated[str | None, typer.Option(help="The service (default: host and port).")] = None,
    force: Annotated[bool, typer.Option(help="Start it without a passed evaluation.")] = False,
) -> None:
    """Answer a share of new conversations with a candidate; `finetune live` compares them."""
    settings = Settings()
    if stop:
        answer = _service(settings, url, "canary/stop", {"by": "cli"})
        console.print(f"Stopped the canary {answer['stopped']}; it is a candidate again.")
        return
    if name is None:
        raise fail("Name the candidate to try (or pass --stop).")
    body = {"name": name, "share": share, "force": force, "by": "cli"}
    answer = _service(settings, url, "canary", body)
    console.print(
        f"{name} answers {share:.0%} of new conversations (loaded in {answer['load_ms']:.0f} ms). "
        "Compare with `salesbot finetune live`; then promote it or stop it."
    )


@app.command("live")
def live_command(
    days: Annotated[float, typer.Option(min=0.01, help="Look back this many days.")] = 7.0,
) -> None:
    """Live figures per version from the log: ratings, conversion, handover, guard, TTFT."""
    from datetime import UTC, datetime, timedelta

    from bot.log.live import version_metrics
    from bot.prepare import open_log

    settings = Settings()
    log = open_log(settings)
    try:
        rows = version_metrics(log.sessions, datetime.now(UTC) - timedelta(days=days))
    finally:
        log.close()
    columns = ("version", "turns", "conversations", "up_share", "conversion", "handover",
               "guard_catches", "errors", "ttft_p50_ms", "ttft_p95_ms")  # fmt: skip
    table = Table(title=f"The last {days:g} days")
    for column in columns:
        table.add_column(column.replace("_", " "))
    for row in rows:
        table.add_row(*("-" if row[c] is None else str(row[c]) for c in columns))
    console.print(table if rows else "No answered turns in that window.")


@app.command("merge")
def merge_command(
    name: Annotated[str, typer.Argument(help="The adapter to fold into the base model.")],
) -> None:
    """Fold an adapter into a copy of the base model, to serve at the base model's speed."""
    settings = Settings()
    with registry(settings) as adapters:
        folder = _merge(settings, adapters, name)
    console.print(f"Merged into {escape(str(folder))}")
    console.print(
        f"Serve it with no restart: salesbot finetune promote {name} --merged (a new engine "
        "on the merged weights takes over, blue-green)."
    )


def _merge(settings: Settings, adapters: "AdapterRegistry", name: str) -> Path:
    from bot.prepare import model_path
    from finetune.merge import ensure_merged
    from finetune.train import TrainingError

    try:
        with console.status(f"Merging {name} into the base model..."):
            return ensure_merged(adapters, name, model_path(settings), settings.data_dir / "models")
    except TrainingError as exc:
        raise fail(str(exc), code=1) from None


@app.command("intents")
def intents_command(
    test_share: Annotated[
        float,
        typer.Option(min=0.05, max=0.9, help="Share of conversations held out to judge by."),
    ] = 0.3,
    min_labels: Annotated[
        int, typer.Option(min=10, help="Labelled messages needed before learning.")
    ] = 30,
    reset: Annotated[
        bool, typer.Option("--reset", help="Serve the day-one classifier again; learn nothing.")
    ] = False,
) -> None:
    """Learn the intent classifier from the messages staff labelled in review, judge it
    against day-one on held-out conversations, and make it serve only if it is better."""
    from bot.chat.understand import serve, serving
    from bot.prepare import open_log

    settings = Settings()
    folder = settings.data_dir / "intents"
    if reset:
        was = serving(folder)
        serve(folder, None)
        console.print(f"Day-one intent classifier serves{f' (was {was})' if was else ''}.")
        return
    from finetune.intents import NotEnoughLabels, train
    from retrieval.embeddings import load_embeddings

    log = open_log(settings)
    try:
        with console.status("Embedding the examples and learning..."):
            report = train(
                log,
                load_embeddings().embed_documents,
                folder,
                test_share=test_share,
                min_labels=min_labels,
            )
    except NotEnoughLabels as exc:
        raise fail(str(exc), code=1) from None
    finally:
        log.close()
    before, after = report["day_one"], report["learned"]
    table = Table(
        title=f"{report['version']}: {report['held_out']} held-out messages from "
        f"{report['held_out_conversations']} conversations (learned from {report['learned_from']}"
        f" labelled + {report['shipped_examples']} shipped examples)"
    )
    for column in ("intent", "support", "day-one P / R / F1", "learned P / R / F1"):
        table.add_column(column, justify="left" if column == "intent" else "right")
    names = sorted(
        (set(before["report"]) | set(after["report"]))
        - {"accuracy", "macro avg", "weighted avg", "micro avg"}
    )
    for name in [*names, "macro avg"]:
        cells = []
        for part in (before, after):
            row = part["report"].get(name)
            cells.append(
                "–" if row is None
                else f"{row['precision']:.2f} / {row['recall']:.2f} / {row['f1-score']:.2f}"
            )  # fmt: skip
        support = (before["report"].get(name) or after["report"].get(name))["support"]
        table.add_row(name, str(int(support)), *cells)
    table.add_row("accuracy", "", f"{before['accuracy']:.3f}", f"{after['accuracy']:.3f}")
    console.print(table)
    console.print(report["verdict"])
    console.print(f"Saved in {folder / report['version']} (report.json).")
    if not report["serves"]:
        raise typer.Exit(1)


@app.command("lead")
def lead_command() -> None:
    """Judge the lead score learned from finished conversations against the day-one prior on
    the newest of them (AUC, Brier score, calibration): what the service does every hour."""
    from bot.insight.lead import LeadModel
    from bot.insight.service import Insight
    from bot.prepare import open_log

    log = open_log(Settings())
    try:
        result = LeadModel().evaluate(Insight(log.sessions).finished())
    finally:
        log.close()
    console.print(
        f"{result['conversations']} finished conversations, {result['purchases']} with a "
        f"purchase: learned from the older {result['learned_from']}, judged on the newest "
        f"{result['held_out']}."
    )
    if "learned" in result:
        prior, learned = result["prior"], result["learned"]
        table = Table(title="Lead score on the newest conversations")
        for column in ("", "day-one prior", "learned"):
            table.add_column(column, justify="left" if not column else "right")
        table.add_row("AUC (higher is better)", f"{prior['auc']:.3f}", f"{learned['auc']:.3f}")
        table.add_row("Brier score (lower is better)", f"{prior['brier']:.4f}",
                      f"{learned['brier']:.4f}")  # fmt: skip
        for name, part in (("prior", prior), ("learned", learned)):
            bins = ", ".join(
                f"{b['predicted']:.2f}→{b['observed']:.2f}" for b in part["calibration"]
            )
            table.add_row(f"calibration, {name} (score→bought)", *(
                [bins, ""] if name == "prior" else ["", bins]))  # fmt: skip
        console.print(table)
    console.print(result["verdict"])
