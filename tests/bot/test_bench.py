"""`salesbot bench`, the load-test command, run small against its own real engine."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.service import free_port, link_prepared_model

pytestmark = pytest.mark.engine


def test_bench_compares_both_paths_on_the_same_work(tmp_path: Path) -> None:
    link_prepared_model(tmp_path)
    env = {
        **os.environ,
        "SALESBOT_DATA_DIR": str(tmp_path),
        "SALESBOT_ENGINE_PORT": str(free_port()),
    }
    salesbot = Path(sys.executable).with_name("salesbot")
    command = [str(salesbot), "bench", "--concurrency", "2", "--rounds", "2", "--repeat", "2",
               "--max-tokens", "12", "--output", "bench.json"]  # fmt: skip
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "bench.json").read_text())
    engine, service = results["engine"], results["service"]
    assert engine["turns"] == service["turns"] == 8
    assert engine["errors"] == service["errors"] == 0
    # The engine path replays the service's prompts for as many tokens as it generated.
    assert service["completion_tokens"] > 0
    assert engine["completion_tokens"] == pytest.approx(service["completion_tokens"], rel=0.25)
    assert results["throughput_ratio"] == pytest.approx(
        service["tokens_per_s"] / engine["tokens_per_s"], abs=0.001
    )
    # Each pass is also compared with its pair, and each answer timed to its end.
    assert len(results["throughput_ratio_per_pass"]) == 2
    assert all(r > 0 for r in results["throughput_ratio_per_pass"])
    for path in (engine, service):
        assert len(path["pass_tokens_per_s"]) == 2
        assert path["answer_p50_ms"] >= path["ttft_p50_ms"] > 0
    assert results["command"].startswith("salesbot bench --concurrency 2")
    assert "throughput ratio" in done.stdout
