import json
from pathlib import Path

from bot.config import Settings
from bot.eval.retrievers import compare

CATALOG = [
    {"id": "k1", "title": "Veltro Aria Glass Kettle", "price": 39.9, "category": "Kitchen",
     "description": "A 1.7 litre glass kettle."},
    {"id": "k2", "title": "Kafeo Steel Kettle", "price": 24.9, "category": "Kitchen",
     "description": "A stainless steel kettle."},
    {"id": "l1", "title": "Lumeno Nook Desk Lamp", "price": 59.0, "category": "Lamps",
     "description": "An LED desk lamp with a dimmer."},
]  # fmt: skip
CASES = [
    {"id": "c1", "turns": [{"text": "how much is the Veltro Aria?", "expect": {"gold": ["k1"]}}]},
    {"id": "c2", "turns": [{"text": "a lamp for my desk", "expect": {"gold": ["l1"]}}]},
]


def test_compare_retrievers_scores_each_mode_on_the_gold_turns(tmp_path: Path) -> None:
    catalog, cases = tmp_path / "catalog.jsonl", tmp_path / "cases.jsonl"
    catalog.write_text("\n".join(json.dumps(p) for p in CATALOG))
    cases.write_text("\n".join(json.dumps(c) for c in CASES))
    results = compare(Settings(data_dir=tmp_path), cases, catalog)
    assert list(results) == ["dense", "keyword", "hybrid"]
    assert all(row["turns"] == 2 for row in results.values())
    assert results["hybrid"] == {"turns": 2, "hit_at_1": 1.0, "hit_at_5": 1.0}
