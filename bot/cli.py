"""The `salesbot` command: set up, serve, manage the catalog, benchmark."""

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.config import Settings
from bot.staff.cli import app as staff_app
from finetune.cli import app as finetune_app
from retrieval.catalog import money
from retrieval.errors import CatalogError
from retrieval.ingest import IngestReport, ingest_file, write_report

if TYPE_CHECKING:
    from bot.log.store import DialogueLog

app = typer.Typer(help="Self-hosted sales assistant grounded in your product catalog.")
catalog_app = typer.Typer(help="Load and inspect the product catalog index.")
app.add_typer(catalog_app, name="catalog")
console = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(code)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err,
    )  # fmt: skip


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise fail(f'--map takes FIELD=COLUMN, e.g. --map title=Name; got "{pair}".')
        mapping[field.strip()] = column.strip()
    return mapping


def print_report(report: IngestReport) -> None:
    verb = "would be " if report.dry_run else ""
    console.print(
        f"{report.total_rows} rows: [green]{report.added} {verb}added[/green], "
        f"{report.updated} {verb}updated, {report.unchanged} unchanged, "
        f"{report.removed} {verb}removed, [red]{len(report.rejected)} rejected[/red]"
        + (f", {len(report.skipped)} skipped (not for sale)." if report.skipped else ".")
    )
    for title, rows in (("Rejected rows", report.rejected), ("Skipped rows", report.skipped)):
        if rows:
            table = Table("row", "title", "why", title=title)
            for rejection in rows[:50]:
                table.add_row(
                    str(rejection.row), escape(rejection.title or ""), escape(rejection.reason)
                )
            if len(rows) > 50:
                table.add_row("…", "", f"and {len(rows) - 50} more (see --report FILE)")
            console.print(table)


def print_dry_run(report: IngestReport) -> None:
    console.print(f"Format: [bold]{report.kind}[/bold] (nothing was changed: dry run)")
    mapping = Table("catalog field", "read from", title="Column mapping")
    for name, column in report.columns.items():
        mapping.add_row(name, escape(column))
    console.print(mapping)
    sample = Table("id", "title", "price", "category", "stock", "variants", title="First products")
    for p in report.sample:
        variants = ", ".join(v.name for v in p.variants[:4]) + ("…" if len(p.variants) > 4 else "")
        sale = f" (was {money(p.regular_price, p.currency)})" if p.regular_price else ""
        cells = (p.id, p.title, p.price_text() + sale, p.category,
                 p.stock_text, variants)  # fmt: skip
        sample.add_row(*map(escape, cells))
    console.print(sample)


@app.command()
def setup() -> None:
    """Prepare the model folder, the dialogue log and the catalog index (idempotent)."""
    from bot.prepare import model_path, open_index, open_log, seed_demo_catalog

    settings = Settings()
    with console.status("Preparing the model (converted once, reused after)..."):
        path = model_path(settings)
    console.print(f"Model: {path}")
    open_log(settings).close()
    console.print(f"Dialogue log: {settings.database_url}")
    index = open_index(settings)
    if index.count() == 0:
        with progress_bar() as bar:
            task = bar.add_task("Indexing the demo catalog", total=None)
            report = seed_demo_catalog(settings, index, lambda n: bar.update(task, completed=n))
        if report:
            print_report(report)
    console.print(
        f"Catalog index: {index.count()} products at {settings.chroma_url or settings.chroma_path}"
    )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (SALESBOT_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind (SALESBOT_PORT).")] = None,
) -> None:
    """Run the service: chat page at /, websocket at /ws/chat, OpenAI API at /v1."""
    import uvicorn

    from bot.app import SERVER_OPTIONS, create_app

    overrides = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = Settings(**overrides)  # type: ignore[arg-type]
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    check_index(settings)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        **SERVER_OPTIONS,
        timeout_graceful_shutdown=10,  # then close open chats; the engine must still be stopped
    )


def check_index(settings: Settings) -> None:
    """Refuse to serve from an index that cannot be opened or (no demo catalog) is empty: say
    how to rebuild it rather than answer every shopper with nothing."""
    from bot.prepare import open_index
    from retrieval.errors import CatalogError

    try:
        index = open_index(settings)
        empty = index.count() == 0
    except CatalogError as exc:
        raise fail(str(exc)) from None
    where = settings.chroma_url or settings.chroma_path
    if empty and not settings.demo_catalog:
        raise fail(
            f"The catalog index at {where} holds no products. Load your catalog with "
            "`salesbot catalog ingest FILE`, or set SALESBOT_DEMO_CATALOG=true for the demo shop."
        )


@catalog_app.command("ingest")
def catalog_ingest(
    file: Annotated[
        Path,
        typer.Argument(
            help="Catalog file: a Shopify, WooCommerce or Google Merchant export, or any "
            "CSV/TSV, JSON, JSON Lines or XML feed of products."
        ),
    ],
    map_: Annotated[
        list[str], typer.Option("--map", help="FIELD=COLUMN for headers that differ.")
    ] = [],  # noqa: B006 (typer reads the default, it is never mutated)
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="shopify, woocommerce, merchant, or csv/json/jsonl/xml for a plain file "
            "(default: detected from the extension and the column names).",
        ),
    ] = None,
    partial: Annotated[
        bool, typer.Option("--partial", help="Only add/update; keep products missing from FILE.")
    ] = False,
    currency: Annotated[
        str,
        typer.Option(help="The shop's currency: for prices without one, and what '$' means."),
    ] = "USD",
    store_url: Annotated[
        str | None,
        typer.Option(help="The shop's address, for product links a Shopify export lacks."),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Show the format, mapping and first products; change nothing."
        ),
    ] = False,
    report_file: Annotated[
        Path | None,
        typer.Option("--report", help="Write the rejected and skipped rows to this CSV file."),
    ] = None,
) -> None:
    """Upsert products from FILE by id; a full ingest removes products missing from it."""
    from bot.prepare import open_index

    mapping = parse_mapping(map_)
    index = open_index(Settings())
    try:
        with progress_bar() as bar:
            task = bar.add_task(f"Reading {file.name}", total=None)

            def started(total: int) -> None:
                bar.update(task, description=f"Indexing {file.name}", total=total)

            report = ingest_file(
                index, file, mapping=mapping, fmt=fmt, full=not partial,
                default_currency=currency, store_url=store_url, dry_run=dry_run,
                progress=lambda done: bar.update(task, completed=done), on_total=started,
            )  # fmt: skip
    except CatalogError as exc:
        raise fail(f"{exc} [{exc.code}]") from None
    finally:
        index.close()
    if dry_run:
        print_dry_run(report)
    print_report(report)
    if report_file is not None:
        write_report(report, report_file)
        console.print(f"Rejected and skipped rows written to {escape(str(report_file))}.")


@catalog_app.command("search")
def catalog_search(
    query: str,
    k: Annotated[int, typer.Option(min=1, max=50)] = 5,
    category: str | None = None,
    min_price: float | None = None,
    max_price: float | None = None,
    in_stock: Annotated[bool | None, typer.Option("--in-stock/--out-of-stock")] = None,
) -> None:
    """Show what retrieval finds for QUERY, with relevance scores."""
    from bot.prepare import open_index

    index = open_index(Settings())
    hits = index.search(
        query, k, category=category, min_price=min_price, max_price=max_price, in_stock=in_stock
    )
    table = Table("score", "id", "title", "price", "category", "stock")
    for hit in hits:
        p = hit.product
        stock = "in stock" if p.in_stock else "out"
        cells = (p.id, p.title, p.price_text(), p.category)
        table.add_row(f"{hit.score:.3f}", *(escape(c) for c in cells), stock)
    console.print(table)


@catalog_app.command("stats")
def catalog_stats() -> None:
    """Count the indexed products and list the categories."""
    from bot.prepare import open_index

    index = open_index(Settings())
    categories = escape(", ".join(index.categories()))
    console.print(f"{index.count()} products; categories: {categories}")


def parse_steps(text: str) -> list[int]:
    try:
        steps = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise typer.BadParameter(f'Write the stages like 1,4,16; got "{text}".') from None
    if not steps or min(steps) < 1 or max(steps) > 1000:
        raise typer.BadParameter("Each stage is 1 to 1000 concurrent shoppers.")
    return steps


@app.command()
def loadtest(
    url: Annotated[
        str | None,
        typer.Option(help="A running service (default: start one on this machine's settings)."),
    ] = None,
    steps: Annotated[
        str, typer.Option(help="Concurrent shoppers per stage, comma-separated.")
    ] = "1,4,8,16,32",
    duration: Annotated[float, typer.Option(min=5, max=3600, help="Seconds per stage.")] = 60,
    ramp_up: Annotated[
        float, typer.Option(min=0, help="Seconds to bring a stage's shoppers in.")
    ] = 5,
    think_time: Annotated[float, typer.Option(min=0, help="Mean pause between messages (s).")] = 1,
    max_messages: Annotated[
        int, typer.Option(min=1, help="Stop after this many messages in all.")
    ] = 5000,
    max_tokens: Annotated[
        int, typer.Option(min=1, help="Reply token limit, for the started service and baseline.")
    ] = 64,
    scenarios: Annotated[
        Path | None, typer.Option(help="Shopper scenarios, JSON Lines (default: the shipped ones).")
    ] = None,
    baseline: Annotated[
        bool, typer.Option("--baseline", help="Also load a plain transformers server, same run.")
    ] = False,
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="Allow a --url that is not this machine.")
    ] = False,
    output: Annotated[Path | None, typer.Option(help="Also write the results as JSON.")] = None,
    chart: Annotated[Path | None, typer.Option(help="Write latency charts as HTML.")] = None,
) -> None:
    """Simulated shoppers over /ws/chat in stages: TTFT and total time p50/p95/p99, tokens/s,
    messages/s, errors by code, dropped connections."""
    import shlex
    import sys

    from bot.loadtest import SCENARIOS, LoadTestError, Options, check_target
    from bot.loadtest.run import RunOptions, run

    options = Options(parse_steps(steps), duration, ramp_up, think_time, max_messages)
    command = "salesbot loadtest " + shlex.join(sys.argv[2:])
    try:
        if url:
            check_target(url, allow_remote)
        run_options = RunOptions(options, url, allow_remote, scenarios or SCENARIOS, max_tokens,
                                 baseline, command)  # fmt: skip
        run(Settings(), run_options, output, chart)
    except LoadTestError as exc:
        raise fail(exc.message) from None


bench_app = typer.Typer()
app.add_typer(bench_app, name="bench")


@bench_app.callback(invoke_without_command=True)
def bench(
    ctx: typer.Context,
    concurrency: Annotated[int, typer.Option(min=1, help="Concurrent conversations.")] = 16,
    max_tokens: Annotated[int, typer.Option(min=1)] = 64,
    rounds: Annotated[int, typer.Option(min=1, max=4, help="Messages per conversation.")] = 2,
    stagger_ms: Annotated[
        int, typer.Option(min=0, help="Delay between conversation starts (0: all at once).")
    ] = 0,
    repeat: Annotated[int, typer.Option(min=1, help="Measured passes of each path.")] = 3,
    output: Annotated[Path | None, typer.Option(help="Also write the results as JSON.")] = None,
) -> None:
    """Compare N streaming conversations straight to the engine and through /ws/chat.

    `salesbot bench catalog` benchmarks the catalog index at scale instead."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.bench import BenchOptions, run_benchmark

    options = BenchOptions(concurrency, max_tokens, rounds, stagger_ms, repeat)
    run_benchmark(Settings(), options, output)


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise typer.BadParameter(f'Write the sizes like 1000,10000; got "{text}".') from None
    if not sizes or min(sizes) < 100:
        raise typer.BadParameter("Each catalog size must be at least 100 products.")
    return sizes


@bench_app.command("catalog")
def bench_catalog(
    sizes: Annotated[
        str, typer.Option(help="Catalog sizes to generate and ingest, comma-separated.")
    ] = "1000,10000,100000",
    queries: Annotated[int, typer.Option(min=1, help="Search queries per size and pass.")] = 200,
    output: Annotated[Path | None, typer.Option(help="Also write the results as JSON.")] = None,
    workdir: Annotated[
        Path | None,
        typer.Option(help="Folder for the generated catalogs and indexes (default: a temp dir)."),
    ] = None,
    keep: Annotated[
        bool, typer.Option("--keep", help="Keep the generated catalogs and indexes.")
    ] = False,
) -> None:
    """Generated catalogs of each size: ingest, re-ingest, index size, search latency."""
    from bot.bench_catalog import CatalogBenchOptions, run_catalog_benchmark

    options = CatalogBenchOptions(parse_sizes(sizes), queries, workdir, keep)
    run_catalog_benchmark(options, output)


@bench_app.command("adapters")
def bench_adapters(
    adapter: Annotated[str, typer.Argument(help="A trained adapter (`salesbot finetune list`).")],
    concurrency: Annotated[int, typer.Option(min=1, help="Concurrent conversations.")] = 8,
    turns: Annotated[int, typer.Option(min=1, max=8, help="Messages per conversation.")] = 3,
    switches: Annotated[int, typer.Option(min=0, help="Promote/rollback under load.")] = 6,
    max_tokens: Annotated[int, typer.Option(min=1)] = 48,
    merged: Annotated[
        bool,
        typer.Option(
            help="Promote through the merged weights and roll back: blue-green engine "
            "switches under load, and the merged model's own figures (--switches is ignored)."
        ),
    ] = False,
    output: Annotated[Path | None, typer.Option(help="Also write the results as JSON.")] = None,
) -> None:
    """Base model vs an adapter (TTFT, tokens/s), and switching between them under load."""
    from bot.bench_adapters import AdapterBenchOptions, run
    from bot.log.store import NotFound

    options = AdapterBenchOptions(adapter, concurrency, turns, switches, max_tokens, merged)
    try:
        results = run(Settings(), options)
    except NotFound as exc:
        raise fail(str(exc)) from None
    table = Table("version", "turns", "errors", "tokens", "tokens/s", "TTFT p50 ms", "TTFT p95 ms")
    for row in results["paths"]:
        table.add_row(
            *(
                str(row[c])
                for c in (
                    "path",
                    "turns",
                    "errors",
                    "completion_tokens",
                    "tokens_per_s",
                    "ttft_p50_ms",
                    "ttft_p95_ms",
                )
            )
        )
        # fmt: skip
    console.print(table)
    for switch in results["switches"]:
        took = (f"new engine took over after {switch['engine_ms'] / 1000:.1f} s"
                if "engine_ms" in switch else f"load {switch['load_ms']:.0f} ms")  # fmt: skip
        console.print(f"switch to {switch['to']}: {took}, switch {switch['switch_ms']:.1f} ms")
    console.print(f"failed or garbled conversations: {len(results['failed_or_garbled'])}")
    for line in results["failed_or_garbled"][:20]:
        console.print(f"  {escape(line)}")
    if output:
        output.write_text(json.dumps(results, indent=2) + "\n")


@bench_app.command("widget")
def bench_widget(
    loads: Annotated[int, typer.Option(min=1, help="Page loads with and without the widget.")] = 10,
    questions: Annotated[
        int, typer.Option(min=0, max=8, help="Answers streamed (0: page figures only).")
    ] = 3,
    throttle: Annotated[float, typer.Option(min=1, help="CPU slowdown, as for a phone.")] = 4.0,
    output: Annotated[Path | None, typer.Option(help="Also write the results as JSON.")] = None,
) -> None:
    """The widget's cost to the shop's page and its streamed text's delay to the screen."""
    try:
        import playwright  # noqa: F401

        from bot.bench_widget import WidgetBenchOptions, run
    except ImportError:
        raise fail("This benchmark drives Chromium: run scripts/setup.sh --dev first.") from None
    results = run(Settings(), WidgetBenchOptions(loads, questions, throttle))
    console.print_json(json.dumps(results))
    if output:
        output.write_text(json.dumps(results, indent=2) + "\n")


@bench_app.command("staff")
def bench_staff(
    messages: Annotated[int, typer.Option(min=2, max=1000, help="Shopper messages sent.")] = 30,
    shoppers: Annotated[int, typer.Option(min=1, max=32, help="Conversations at once.")] = 4,
    output: Annotated[Path | None, typer.Option(help="Also write the results as JSON.")] = None,
) -> None:
    """How soon the agents' desk shows a shopper's message (list and watched conversation)."""
    from bot.bench_staff import StaffBenchOptions, run

    results = run(Settings(), StaffBenchOptions(messages, shoppers))
    console.print_json(json.dumps(results))
    if output:
        output.write_text(json.dumps(results, indent=2) + "\n")


@bench_app.command("train")
def bench_train(
    dialogues: Annotated[int, typer.Option(min=10, max=100_000, help="Generated dialogues.")] = 200,
    epochs: Annotated[int, typer.Option(min=1, max=20)] = 1,
    threads: Annotated[int | None, typer.Option(min=1, help="CPU threads (default: all).")] = None,
    nice: Annotated[bool, typer.Option(help="Train at low priority.")] = False,
    output: Annotated[Path | None, typer.Option(help="Also write the results as JSON.")] = None,
) -> None:
    """Time `salesbot finetune train` on a dataset built from generated dialogues."""
    from bot.prepare import model_path
    from finetune.bench import run_training
    from finetune.train import TrainOptions

    options = TrainOptions(epochs=epochs, threads=threads, nice=nice)
    results = run_training(dialogues, model_path(Settings()), options)
    results["command"] = (
        f"salesbot bench train --dialogues {dialogues} --epochs {epochs}"
        + (f" --threads {threads}" if threads else "")
        + (" --nice" if nice else "")
    )
    console.print_json(json.dumps(results))
    if output:
        output.write_text(json.dumps(results, indent=2) + "\n")


@bench_app.command("dataset")
def bench_dataset(
    turns: Annotated[int, typer.Option(min=100, max=10_000_000, help="Logged turns.")] = 10_000,
) -> None:
    """Time `salesbot finetune dataset` on a generated log of this many turns."""
    from finetune.bench import run

    result = run(turns)
    console.print(
        f"{result['turns']:,} turns: dataset built in {result['build_s']} s "
        f"({result['turns_per_s']:,} turns/s); counts {result['counts']}; "
        f"left out {result['excluded']}."
    )


@app.command("eval")
def evaluate(
    cases: Annotated[
        Path | None, typer.Option(help="Question file (JSONL); default: the dev set.")
    ] = None,
    catalog: Annotated[Path | None, typer.Option(help="Catalog the questions are about.")] = None,
    url: Annotated[str | None, typer.Option(help="A running service; default: start one.")] = None,
    ci: Annotated[bool, typer.Option("--ci", help="Only the cases marked for CI.")] = False,
    concurrency: Annotated[int, typer.Option(min=1, max=64)] = 4,
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    output: Annotated[Path | None, typer.Option(help="Also write the report as JSON.")] = None,
    compare_retrievers: Annotated[
        bool, typer.Option("--compare-retrievers", help="Only score cards: dense, BM25, hybrid.")
    ] = False,
    currency: Annotated[
        str, typer.Option(help="The shop's currency, for a catalog whose prices state none.")
    ] = "USD",
) -> None:
    """Hold the labelled conversations over /ws/chat and report answer quality."""
    from bot.eval.run import DEV_SET
    from bot.eval.run import evaluate as run_eval
    from retrieval.ingest import DEMO_CATALOG

    for path in (cases, catalog):
        if path is not None and not path.is_file():
            raise typer.BadParameter(f"There is no file {path}.")
    if compare_retrievers:
        from bot.eval.retrievers import compare

        results = compare(Settings(), cases or DEV_SET, catalog or DEMO_CATALOG)
        table = Table("retriever", "turns with gold", "hit@1", "hit@5")
        for mode, row in results.items():
            table.add_row(mode, str(row["turns"]), str(row["hit_at_1"]), str(row["hit_at_5"]))
        console.print(table)
        return
    try:
        report = run_eval(
            Settings(), cases_path=cases or DEV_SET, catalog=catalog or DEMO_CATALOG, url=url,
            ci_only=ci, concurrency=concurrency, currency=currency,
        )  # fmt: skip
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    except CatalogError as exc:
        raise typer.BadParameter(exc.message) from None
    if output is not None:
        output.write_text(json.dumps(report, indent=2, default=str))
    if json_out:
        print(json.dumps(report, indent=2, default=str))
        return
    table = Table("metric", "value", "target met")
    for name, value in report["metrics"].items():
        hit = report["targets"].get(name)
        table.add_row(name, escape(str(value)), "" if hit is None else ("yes" if hit else "NO"))
    console.print(table)


apikey_app = typer.Typer(help="Keys for the OpenAI-compatible API (/v1).")
app.add_typer(apikey_app, name="apikey")


@apikey_app.command("create")
def apikey_create(
    name: Annotated[str, typer.Argument(help="Who or what the key is for, e.g. crm-sync.")],
) -> None:
    """Create a key; it is shown once (only its hash is stored)."""
    from bot.prepare import open_log

    log = open_log(Settings())
    try:
        key = log.create_api_key(name)
    except ValueError as exc:
        raise fail(str(exc)) from None
    finally:
        log.close()
    print(key)
    err.print(
        f"Key {escape(name)} created. Send it as 'Authorization: Bearer KEY'; "
        "it is not shown again."
    )


@apikey_app.command("list")
def apikey_list() -> None:
    """The keys, by name, with the start of each and whether it was revoked."""
    from bot.prepare import open_log

    log = open_log(Settings())
    try:
        keys = log.api_keys()
    finally:
        log.close()
    table = Table("name", "starts with", "created", "revoked")
    for key in keys:
        revoked = key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else ""
        table.add_row(
            key.name, key.prefix + "…", key.created_at.isoformat(timespec="seconds"), revoked
        )
    console.print(table)


@apikey_app.command("revoke")
def apikey_revoke(name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Revoke a key: it stops working within 30 s."""
    from bot.prepare import open_log

    log = open_log(Settings())
    try:
        if not log.revoke_api_key(name):
            raise fail(f"There is no active key named {name}. See `salesbot apikey list`.")
    finally:
        log.close()
    console.print(f"Key {escape(name)} revoked.")


@app.command()
def handback(session_id: Annotated[str, typer.Argument(help="The session to give back.")]) -> None:
    """Give a conversation waiting for a person back to the assistant."""
    from bot.prepare import open_log

    log = open_log(Settings())
    try:
        if not log.hand_back(session_id):
            raise typer.BadParameter(f"There is no session {session_id}.")
    finally:
        log.close()
    console.print(f"Session {escape(session_id)} is back with the assistant.")


log_app = typer.Typer(help="Mark the dialogue log: agents' corrections and review verdicts.")
app.add_typer(log_app, name="log")
MAX_CORRECTION_CHARS = 4000


@contextmanager
def marked_log() -> Iterator["DialogueLog"]:
    """The dialogue log, closed afterwards; an id it does not hold fails with its message."""
    from bot.log.store import NotFound
    from bot.prepare import open_log

    log = open_log(Settings())
    try:
        yield log
    except NotFound as exc:
        raise fail(str(exc)) from None
    finally:
        log.close()


@log_app.command("correct")
def log_correct(
    turn_id: Annotated[int, typer.Argument(help="The assistant's answer (the message id).")],
    text: Annotated[str, typer.Option(help="The reply the assistant should have given.")],
    agent: Annotated[str, typer.Option(help="Who wrote it.")] = "agent",
) -> None:
    """Log an agent's reply in place of the assistant's answer; fine-tuning learns from it."""
    text = text.strip()
    if not text or len(text) > MAX_CORRECTION_CHARS:
        raise fail(f"A correction is 1 to {MAX_CORRECTION_CHARS} characters, not {len(text)}.")
    if not 1 <= len(agent) <= 64:
        raise fail("The agent's name is 1 to 64 characters.")
    with marked_log() as log:
        session_id = log.correct(turn_id, agent, text)
    console.print(f"Logged a correction of message {turn_id} (session {escape(session_id)}).")


@log_app.command("review")
def log_review(
    session_id: Annotated[str, typer.Argument(help="The conversation reviewed.")],
    verdict: Annotated[str, typer.Argument(help="good, bad (never learned from) or clear.")],
    note: Annotated[str | None, typer.Option(help="Why, for the next reviewer.")] = None,
) -> None:
    """Mark a reviewed conversation good or bad; bad ones never go into a training set."""
    from bot.log.store import REVIEWS

    if verdict not in (*REVIEWS, "clear"):
        raise fail(f"The verdict is good, bad or clear, not {verdict!r}.")
    with marked_log() as log:
        log.mark_review(session_id, None if verdict == "clear" else verdict, note)
    console.print(f"Session {escape(session_id)}: {verdict}.")


app.add_typer(finetune_app, name="finetune")
app.add_typer(staff_app, name="staff")


def main() -> None:
    app()
