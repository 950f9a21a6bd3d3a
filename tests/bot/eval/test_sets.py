"""The labelled question sets under bot/eval: each loads, its catalog reads without a rejected
row, and every product a label names is in that catalog (a label that names a product the
loader no longer reads would score every answer to it as a miss)."""

from pathlib import Path

import pytest

from bot.eval.run import load_cases
from retrieval.ingest import _reader
from retrieval.loaders import iter_rows

EVAL = Path(__file__).resolve().parents[3] / "bot" / "eval"
DEMO = Path(__file__).resolve().parents[3] / "retrieval" / "demo" / "catalog.jsonl"
SETS = [(EVAL / "dev.jsonl", DEMO)] + [
    (folder / "questions.jsonl", next(folder.glob("catalog.*")))
    for folder in sorted(EVAL.iterdir())
    if (folder / "questions.jsonl").exists()
]


def labelled(cases: list[dict]) -> set[str]:  # type: ignore[type-arg]
    """The products the labels say should be shown or priced (not those they rule out, which
    may be a draft the shop does not sell)."""
    ids: set[str] = set()
    for case in cases:
        for turn in case["turns"]:
            expect = turn.get("expect", {})
            ids.update(expect.get("gold", []))
            ids.update(expect[key] for key in ("price_of", "cheaper") if key in expect)
    return ids


@pytest.mark.parametrize(("questions", "catalog"), SETS, ids=[q.parent.name for q, _ in SETS])
def test_every_product_a_label_names_is_in_its_catalog(questions: Path, catalog: Path) -> None:
    reader = _reader(catalog, None, None, "USD", None, 100_000_000)
    outcomes = list(reader.read(iter_rows(catalog, None)))
    rejected = [o.rejection for o in outcomes if o.rejection is not None and not o.skipped]
    assert not rejected, rejected[:3]
    products = {o.product.id for o in outcomes if o.product is not None}
    cases = load_cases(questions)
    assert len(cases) >= 30
    missing = labelled(cases) - products
    assert not missing, sorted(missing)[:10]
