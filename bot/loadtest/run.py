"""Start what the load test needs (the service, the baseline), drive it, report it."""

import asyncio
import html
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pygal
from rich.console import Console
from rich.table import Table

from bot.bench import free_port
from bot.config import Settings
from bot.loadtest import (
    LoadTestError,
    Options,
    check_target,
    load_scenarios,
    machine,
    probe,
    run_stages,
)
from bot.loadtest import result as summarise
from bot.prepare import model_path

TTFT_TARGET_MS = 2000.0


@dataclass
class RunOptions:
    options: Options
    url: str | None
    allow_remote: bool
    scenarios: Path
    max_tokens: int
    baseline: bool
    command: str


@contextmanager
def started(command: list[str], env: dict[str, str], port: int, log: Path, timeout: float,
            what: str) -> Iterator[str]:  # fmt: skip
    """Run a server process until the block ends; yield its base URL once /health is 200."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(command, env={**os.environ, **env}, stdout=out,
                                   stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise LoadTestError(f"{what} exited while starting; its log: {log}")
            try:
                if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise LoadTestError(f"{what} was not ready within {timeout:.0f} s; log: {log}")
            time.sleep(1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()


def service_command(settings: Settings, max_tokens: int) -> tuple[list[str], dict[str, str], int]:
    port = free_port()
    env = {
        "SALESBOT_PORT": str(port),
        "SALESBOT_HOST": "127.0.0.1",
        "SALESBOT_ENGINE_PORT": str(free_port()),
        "SALESBOT_MAX_REPLY_TOKENS": str(max_tokens),
        # Every simulated shopper is on 127.0.0.1 and sends faster than a person: lift the
        # per-address and per-conversation limits, keep every other one as configured.
        "SALESBOT_RATE_LIMIT_MESSAGES": "1000000",
        "SALESBOT_RATE_LIMIT_IP_MESSAGES": "1000000",
    }
    return [sys.executable, "-m", "bot", "serve"], env, port


def run(settings: Settings, run_options: RunOptions, output: Path | None,
        chart: Path | None) -> dict[str, Any]:  # fmt: skip
    options = run_options.options
    scenarios = load_scenarios(run_options.scenarios)
    targets: list[dict[str, Any]] = []
    logs = settings.data_dir / "logs"

    def drive(name: str, base_url: str) -> None:
        url = check_target(base_url, run_options.allow_remote)
        asyncio.run(probe(url))
        metrics = base_url.rstrip("/") + "/metrics" if name == "service" else None
        stages = asyncio.run(run_stages(url, scenarios, options, metrics))
        targets.append(summarise(name, stages, TTFT_TARGET_MS))
        show(targets[-1])

    model = model_path(settings) if run_options.baseline else ""

    def baseline(*extra: str) -> tuple[list[str], int]:
        port = free_port()
        return [sys.executable, "-m", "bot.loadtest.baseline", model, "--port", str(port),
                "--max-tokens", str(run_options.max_tokens), *extra], port  # fmt: skip

    if run_options.url:
        drive("service", run_options.url)
    else:
        command, env, port = service_command(settings, run_options.max_tokens)
        timeout = settings.engine_start_timeout + 120
        with started(command, env, port, logs / "loadtest-serve.log", timeout, "The service"):
            drive("service", f"http://127.0.0.1:{port}")
            if run_options.baseline:
                # The baseline's own server in front of the service's vLLM engine: the same
                # prompts and limit as the baseline, so this pair differs in the engine alone.
                engine = f"http://127.0.0.1:{env['SALESBOT_ENGINE_PORT']}"
                command, port = baseline("--engine-url", engine,
                                         "--engine-model", settings.served_model_name)  # fmt: skip
                with started(command, {}, port, logs / "loadtest-engine.log", 120, "vLLM relay"):
                    drive("vLLM, baseline prompts", f"http://127.0.0.1:{port}")
    if run_options.baseline:
        command, port = baseline()
        with started(command, {}, port, logs / "loadtest-baseline.log", 600, "The baseline"):
            drive("transformers baseline", f"http://127.0.0.1:{port}")
    results = {
        "command": run_options.command,
        "machine": machine(),
        "model": settings.model,
        "max_tokens": run_options.max_tokens,
        "options": {k: v for k, v in vars(options).items()},
        "ttft_p95_target_ms": TTFT_TARGET_MS,
        "targets": targets,
        "comparison": compare(targets),
    }
    if output:
        output.write_text(json.dumps(results, indent=2) + "\n")
    if chart:
        chart.write_text(html_report(results), encoding="utf-8")
    return results


def compare(targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target against the transformers baseline, at each concurrency both ran."""
    named = {t["target"]: {s["users"]: s for s in t["stages"]} for t in targets}
    base = named.get("transformers baseline")
    if base is None:
        return []
    rows = []
    for name, stages in named.items():
        for users, ours in stages.items():
            theirs = base.get(users)
            if name == "transformers baseline" or theirs is None:
                continue

            def ratio(key: str, a: dict[str, Any] = ours, b: dict[str, Any] = theirs) -> Any:
                return round(a[key] / b[key], 2) if b[key] else None

            rows.append({
                "target": name, "users": users,
                "messages_per_s_ratio": ratio("messages_per_s"),
                "tokens_per_s_ratio": ratio("tokens_per_s"),
                "ttft_p95_ms": ours["ttft_p95_ms"], "baseline_ttft_p95_ms": theirs["ttft_p95_ms"],
            })  # fmt: skip
    return rows


COLUMNS = [
    ("users", "users"), ("messages", "msgs"), ("error_count", "errors"),
    ("dropped_connections", "dropped"), ("messages_per_s", "msg/s"), ("tokens_per_s", "tok/s"),
    ("ttft_p50_ms", "TTFT p50"), ("ttft_p95_ms", "p95"), ("ttft_p99_ms", "p99"),
    ("total_p50_ms", "total p50"), ("total_p95_ms", "p95"), ("total_p99_ms", "p99"),
    ("loop_lag_p99_ms", "loop lag p99"),
]  # fmt: skip


def show(target: dict[str, Any]) -> None:
    table = Table(*(label for _, label in COLUMNS), title=target["target"])
    for stage in target["stages"]:
        table.add_row(*(str(stage.get(key, "-")) for key, _ in COLUMNS))
    console = Console(width=None if Console().is_terminal else 160)
    console.print(table)
    for stage in target["stages"]:
        if stage["errors"]:
            console.print(f"{stage['users']} users: errors by code {stage['errors']}")
    best = target["best_users_under_target"]
    console.print(
        f"Highest concurrency with p95 TTFT under {TTFT_TARGET_MS / 1000:.0f} s and no errors: "
        f"{best if best is not None else 'none of the stages'}"
    )


def html_report(results: dict[str, Any]) -> str:
    """Latency over time per stage and the concurrency curve, as SVG in one HTML file."""
    charts = []
    for target in results["targets"]:
        chart = pygal.XY(stroke=False, x_title="seconds into the stage",
                         y_title="TTFT ms", title=f"{target['target']}: TTFT of each message",
                         width=900, height=380, show_legend=True)  # fmt: skip
        for users in [s["users"] for s in target["stages"]]:
            points = [(s["at_s"], s["ttft_ms"]) for s in target["samples"]
                      if s["stage"] == users and s["ttft_ms"] is not None]  # fmt: skip
            chart.add(f"{users} users", points)
        charts.append(chart.render(is_unicode=True))
    curve = pygal.Line(title="p95 TTFT (ms) by concurrent shoppers",
                       width=900, height=380, x_title="concurrent shoppers")  # fmt: skip
    throughput = pygal.Line(title="answers per second by concurrent shoppers",
                            width=900, height=380, x_title="concurrent shoppers")  # fmt: skip
    users = sorted({s["users"] for t in results["targets"] for s in t["stages"]})
    curve.x_labels = throughput.x_labels = [str(u) for u in users]
    for target in results["targets"]:
        by_users = {s["users"]: s for s in target["stages"]}
        curve.add(target["target"], [by_users.get(u, {}).get("ttft_p95_ms") for u in users])
        throughput.add(target["target"], [by_users.get(u, {}).get("messages_per_s") for u in users])
    charts += [curve.render(is_unicode=True), throughput.render(is_unicode=True)]
    rows = "".join(
        f"<tr><td>{html.escape(t['target'])}</td>"
        + "".join(f"<td>{html.escape(str(s.get(key, '-')))}</td>" for key, _ in COLUMNS)
        + "</tr>"
        for t in results["targets"]
        for s in t["stages"]
    )
    head = "".join(f"<th>{html.escape(label)}</th>" for _, label in COLUMNS)
    return (
        "<!doctype html><html lang='en'><meta charset='utf-8'><title>salesbot loadtest</title>"
        f"<h1>salesbot loadtest</h1><p><code>{html.escape(results['command'])}</code> on "
        f"{html.escape(results['machine'])}</p><table border='1'><tr><th>target</th>{head}</tr>"
        f"{rows}</table>" + "".join(f"<figure>{c}</figure>" for c in charts) + "</html>\n"
    )
