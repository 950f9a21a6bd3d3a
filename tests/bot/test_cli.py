"""The `salesbot` console script, run as a store owner runs it."""

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SALESBOT = Path(sys.executable).parent / "salesbot"
HEADER = "Item Code,Item,Retail Price,Department,Web Page,On Hand,Blurb\n"
ROWS = {
    "JKT-100": "JKT-100,Storm Rain Jacket,$189.00,Jackets,https://shop.example/jkt-100,yes,"
    '"Waterproof, breathable rain shell with taped seams and a hood."\n',
    "CAN-200": 'CAN-200,Cedar Strip Canoe,"$1,299.99",Boats,https://shop.example/can-200,no,'
    "Hand-built two-seat touring canoe.\n",
    "BOX-000": "BOX-000,Mystery Box,free,Gifts,,yes,A surprise.\n",
    "TNT-300": "TNT-300,Alpine Dome Tent,$349.50,Tents,https://shop.example/tnt-300,yes,"
    "Four-season tent for two.\n",
    "BTL-400": "BTL-400,Steel Water Bottle,$24.95,Hydration,https://shop.example/btl-400,yes,"
    "Insulated bottle that keeps drinks cold.\n",
    "BOOT-500": "BOOT-500,Trail Hiking Boots,$159.00,Footwear,https://shop.example/boot-500,yes,"
    "Leather hiking boots with grippy soles.\n",
}
MAP = [
    *("--map", "id=Item Code", "--map", "title=Item", "--map", "price=Retail Price"),
    *("--map", "category=Department", "--map", "url=Web Page", "--map", "in_stock=On Hand"),
    *("--map", "description=Blurb"),
]


def salesbot(data_dir: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("SALESBOT_")}
    # A wide, plain terminal, so rich neither wraps nor colours what the tests read.
    env |= {"SALESBOT_DATA_DIR": str(data_dir), "COLUMNS": "200", "TERM": "dumb"}
    env |= {"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [str(SALESBOT), *args],
        cwd=data_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def write_catalog(folder: Path, ids: list[str]) -> Path:
    path = folder / "products.csv"
    path.write_text(HEADER + "".join(ROWS[i] for i in ids), encoding="utf-8")
    return path


def table_rows(output: str) -> list[list[str]]:
    """The cells of each body row of the rich tables in `output`."""
    return [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in output.splitlines()
        if line.startswith("│")
    ]


def help_commands(output: str) -> set[str]:
    """The names in the Commands panel of a `--help` page."""
    panel = output[output.index("─ Commands ─") :]
    return {row[0].split()[0] for row in table_rows(panel) if row and row[0]}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A data dir with the whole catalog ingested once, and what that ingest printed."""
    folder = tmp_path_factory.mktemp("shop")
    result = salesbot(folder, "catalog", "ingest", str(write_catalog(folder, list(ROWS))), *MAP)
    assert result.returncode == 0, result.stderr
    return folder, result


@pytest.fixture
def shop_copy(shop: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path) -> Path:
    """A private copy of the ingested data dir, for tests that ingest again."""
    folder = tmp_path / "shop"
    shutil.copytree(shop[0], folder)
    return folder


def test_cli_help_lists_every_command(tmp_path: Path) -> None:
    result = salesbot(tmp_path, "--help")
    assert result.returncode == 0
    assert help_commands(result.stdout) >= {"serve", "setup", "catalog", "bench"}


def test_cli_catalog_help_lists_its_commands(tmp_path: Path) -> None:
    result = salesbot(tmp_path, "catalog", "--help")
    assert result.returncode == 0
    assert help_commands(result.stdout) == {"ingest", "search", "stats"}


def test_cli_catalog_ingest_prints_counts(
    shop: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    lines = shop[1].stdout.splitlines()
    assert lines[0] == "6 rows: 5 added, 0 updated, 0 unchanged, 0 removed, 1 rejected."


def test_cli_catalog_ingest_lists_rejected_rows(
    shop: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    assert "Rejected rows" in shop[1].stdout
    assert table_rows(shop[1].stdout) == [
        ["3", "Mystery Box", "The price 'free' is not a number; write it like 19.99."]
    ]


def test_cli_catalog_ingest_same_file_leaves_all_unchanged(shop_copy: Path) -> None:
    result = salesbot(shop_copy, "catalog", "ingest", str(shop_copy / "products.csv"), *MAP)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "6 rows: 0 added, 0 updated, 5 unchanged, 0 removed, 1 rejected."
    )


def test_cli_catalog_ingest_full_removes_missing_product(shop_copy: Path) -> None:
    path = write_catalog(shop_copy, ["JKT-100", "CAN-200", "TNT-300", "BOOT-500"])
    result = salesbot(shop_copy, "catalog", "ingest", str(path), *MAP)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "4 rows: 0 added, 0 updated, 4 unchanged, 1 removed, 0 rejected."
    ]


def test_cli_catalog_ingest_partial_keeps_missing_product(shop_copy: Path) -> None:
    path = write_catalog(shop_copy, ["JKT-100", "CAN-200", "TNT-300", "BOOT-500"])
    result = salesbot(shop_copy, "catalog", "ingest", str(path), *MAP, "--partial")
    stats = salesbot(shop_copy, "catalog", "stats")
    assert result.stdout.splitlines() == [
        "4 rows: 0 added, 0 updated, 4 unchanged, 0 removed, 0 rejected."
    ]
    assert stats.stdout.splitlines() == [
        "5 products; categories: Boats, Footwear, Hydration, Jackets, Tents"
    ]


def test_cli_catalog_ingest_malformed_file_exits_2_with_code(tmp_path: Path) -> None:
    path = tmp_path / "products.json"
    path.write_text('{"products": [{"title": "Tent", "price": 10},]}', encoding="utf-8")
    result = salesbot(tmp_path, "catalog", "ingest", str(path))
    assert result.returncode == 2
    assert (
        "error: The file products.json is not valid JSON: Expecting value at line 1, column 46. "
        "Fix the file or export it again. [catalog_malformed]"
    ) in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_cli_catalog_ingest_map_without_equals_exits_2_with_usage(tmp_path: Path) -> None:
    path = write_catalog(tmp_path, ["JKT-100"])
    result = salesbot(tmp_path, "catalog", "ingest", str(path), "--map", "nonsense")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        'error: --map takes FIELD=COLUMN, e.g. --map title=Name; got "nonsense".'
    ]
    assert result.stdout == ""


def test_cli_catalog_search_shows_best_match_first(
    shop: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    result = salesbot(shop[0], "catalog", "search", "rain jacket")
    assert result.returncode == 0, result.stderr
    rows = table_rows(result.stdout)
    assert rows[0][1:] == ["JKT-100", "Storm Rain Jacket", "$189.00", "Jackets", "in stock"]
    assert ["CAN-200", "Cedar Strip Canoe", "$1,299.99", "Boats", "out"] in [r[1:] for r in rows]
    scores = [float(row[0]) for row in rows]
    assert scores == sorted(scores, reverse=True) and len(rows) == 5


def test_cli_catalog_stats_counts_products_and_categories(
    shop: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    result = salesbot(shop[0], "catalog", "stats")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "5 products; categories: Boats, Footwear, Hydration, Jackets, Tents"
    ]


def test_cli_catalog_ingest_dry_run_shows_format_mapping_and_products_and_changes_nothing(
    shop_copy: Path,
) -> None:
    export = Path(__file__).parents[1] / "retrieval" / "fixtures" / "exports"
    report = shop_copy / "problems.csv"
    result = salesbot(
        shop_copy, "catalog", "ingest", str(export / "shopify_products.csv"), "--dry-run",
        "--report", str(report),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.splitlines()[0] == "Format: shopify (nothing was changed: dry run)"
    assert ["id", "Handle"] in table_rows(out) and ["price", "Variant Price"] in table_rows(out)
    assert any(r[:3] == ["everyday-linen-apron", "Everyday Linen Apron", "from $34.00 (was $38.00)"]
               for r in table_rows(out))  # fmt: skip
    assert (
        "21 rows: 6 would be added, 0 would be updated, 0 unchanged, 5 would be removed, "
        "2 rejected, 2 skipped (not for sale)."
    ) in out
    stats = salesbot(shop_copy, "catalog", "stats")
    assert stats.stdout.splitlines()[0].startswith("5 products;")
    with report.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["row", "outcome", "title", "reason"]
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("13", "rejected"),
        ("18", "skipped"),
        ("19", "skipped"),
        ("21", "rejected"),
    ]
    assert rows[1][3] == "The price 'abc' is not a number; write it like 19.99."


def test_cli_dry_run_names_the_columns_of_shopifys_2024_export(shop_copy: Path) -> None:
    export = Path(__file__).parents[1] / "retrieval" / "fixtures" / "exports"
    result = salesbot(
        shop_copy, "catalog", "ingest", str(export / "shopify_products_2024.csv"), "--dry-run"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Format: shopify (nothing was changed: dry run)"
    rows = table_rows(result.stdout)
    assert ["id", "URL handle"] in rows and ["price", "Price"] in rows
    assert "6 would be added" in result.stdout


def test_cli_catalog_ingest_refuses_a_mapping_for_an_export_kind(tmp_path: Path) -> None:
    export = Path(__file__).parents[1] / "retrieval" / "fixtures" / "exports"
    result = salesbot(
        tmp_path, "catalog", "ingest", str(export / "woocommerce_products.csv"), "--map",
        "title=Name",
    )  # fmt: skip
    assert result.returncode == 2
    assert "this file is a woocommerce export, which is read without a mapping" in result.stderr


def test_cli_eval_rejects_a_currency_that_is_no_code(tmp_path: Path) -> None:
    # The shop's currency, for a catalog whose prices state none (a WooCommerce export in GBP).
    catalog = write_catalog(tmp_path, list(ROWS))
    result = salesbot(tmp_path, "eval", "--catalog", str(catalog), "--currency", "pounds")
    assert result.returncode == 2
    assert "not a three-letter code like USD" in result.stderr
    assert "Traceback" not in result.stderr
