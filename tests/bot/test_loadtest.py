"""`salesbot loadtest` as an on-call engineer runs it: against the running service, bounded, with
refusals that say why. The figures themselves belong in docs/benchmarks.md, not here."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.loadtest import LoadTestError, check_target, lag_summary, percentiles
from tests.service import Service


def loadtest(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "loadtest", *args],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.engine
def test_loadtest_reports_each_stage_from_the_messages_it_sent(
    service: Service, tmp_path: Path
) -> None:
    output, chart = tmp_path / "load.json", tmp_path / "load.html"
    run = loadtest("--url", service.url, "--steps", "1,3", "--duration", "5", "--ramp-up", "0",
                   "--think-time", "0", "--max-messages", "12", "--output", str(output),
                   "--chart", str(chart))  # fmt: skip
    assert run.returncode == 0, run.stderr
    results = json.loads(output.read_text())
    [target] = results["targets"]
    stages = target["stages"]
    # The cap holds across stages: 12 messages in all, whatever the stages' durations allow.
    assert sum(s["messages"] for s in stages) == len(target["samples"]) <= 12
    for stage in stages:
        assert stage["error_count"] == 0 and stage["dropped_connections"] == 0, stage
        mine = [s for s in target["samples"] if s["stage"] == stage["users"]]
        assert stage["answered"] == len(mine) > 0
        ttfts = sorted(s["ttft_ms"] for s in mine)
        # The report gives percentiles to a tenth of a millisecond.
        low, high = round(ttfts[0], 1), round(ttfts[-1], 1)
        assert low <= stage["ttft_p50_ms"] <= stage["ttft_p95_ms"] <= high
        assert all(s["ttft_ms"] <= s["total_ms"] for s in mine)
        assert stage["completion_tokens"] == sum(s["tokens"] for s in mine)
        # The service's own event-loop lag over the stage, read from its /metrics; a stage the
        # message cap ends within one of its 0.25 s ticks has no reading.
        if "loop_lag_p99_ms" in stage:
            assert 0 < stage["loop_lag_p99_ms"] <= 2500 and 0 <= stage["loop_lag_over_100ms"] <= 1
    assert any("loop_lag_p99_ms" in stage for stage in stages)
    assert "salesbot loadtest --url" in results["command"] and results["machine"]
    page = chart.read_text()
    assert page.count("<svg") == 3 and "TTFT" in page


def test_loadtest_refuses_another_machine_unless_allowed() -> None:
    run = loadtest("--url", "https://shop.example.com", "--steps", "1")
    assert run.returncode == 2 and "--allow-remote" in run.stderr
    with pytest.raises(LoadTestError, match="not a service URL"):
        check_target("ftp://127.0.0.1", allow_remote=True)
    assert check_target("http://127.0.0.1:8000", False) == "ws://127.0.0.1:8000/ws/chat"
    assert check_target("https://shop.example/", True) == "wss://shop.example/ws/chat"


def test_loadtest_names_the_bad_line_of_a_scenarios_file(tmp_path: Path) -> None:
    scenarios = tmp_path / "scenarios.jsonl"
    scenarios.write_text('{"name": "ok", "messages": ["hi"]}\n{"name": "empty", "messages": []}\n')
    run = loadtest("--url", "http://127.0.0.1:9", "--scenarios", str(scenarios))
    assert run.returncode == 2
    assert "line 2" in run.stderr and "messages" in run.stderr


def test_loadtest_says_when_nothing_answers(tmp_path: Path) -> None:
    run = loadtest("--url", "http://127.0.0.1:9", "--steps", "1", "--duration", "5")
    assert run.returncode == 2 and "salesbot serve" in run.stderr


def test_percentiles_are_inclusive_of_the_extremes() -> None:
    cuts = percentiles("ttft", [float(v) for v in range(1000, -1, -10)])  # any order
    assert cuts == {"ttft_p50_ms": 500.0, "ttft_p95_ms": 950.0, "ttft_p99_ms": 990.0}
    assert percentiles("x", [7.0]) == {"x_p50_ms": 7.0, "x_p95_ms": 7.0, "x_p99_ms": 7.0}


def test_loop_lag_of_a_stage_is_the_difference_of_two_scrapes() -> None:
    before = {0.005: 10.0, 0.1: 10.0, 0.25: 10.0, float("inf"): 10.0}
    after = {0.005: 90.0, 0.1: 108.0, 0.25: 109.0, float("inf"): 110.0}  # 100 ticks in the stage
    assert lag_summary(before, after) == {"loop_lag_p99_ms": 250.0, "loop_lag_over_100ms": 0.02}
    assert lag_summary(None, after) == {}  # a target without the metric (the baseline)
