"""The committed widget is what its sources build to, within its size budgets."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

WIDGET = Path(__file__).resolve().parents[2] / "widget"
BUDGETS = {"loader.js": 3 * 1024, "widget.js": 30 * 1024, "css": 5 * 1024, "staff.js": 30 * 1024}


def test_widget_build_matches_the_sources_and_fits_the_budgets() -> None:
    if shutil.which("node") is None or not (WIDGET / "node_modules" / "esbuild").exists():
        pytest.fail("The widget's build tools are missing: run scripts/setup.sh --dev.")
    run = subprocess.run(
        ["node", "build.mjs", "--check"], cwd=WIDGET, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout + run.stderr
    sizes = dict(re.findall(r"^(\S+): (\d+) bytes gzipped", run.stdout, re.M))
    assert set(sizes) == set(BUDGETS)
    assert all(int(sizes[name]) <= budget for name, budget in BUDGETS.items()), sizes


def test_widget_source_writes_no_html_from_data() -> None:
    source = "\n".join(p.read_text() for p in (WIDGET / "src").glob("*.ts"))
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source, f"{sink} in the widget's sources"
