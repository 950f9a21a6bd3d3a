"""Keyword matches that fill in where the small embedding model finds too little close in
meaning: over a real index and the real MiniLM embeddings."""

from pathlib import Path

from retrieval.catalog import Product
from retrieval.hybrid import Filters, HybridSearch
from tests.bot.chat.shop import indexed

SHOP = [
    Product(id="tea-tree", title="Tea Tree Clarifying Scalp Shampoo", price=16,
            category="Hair Care", attributes={"Tags": "shampoo, oily scalp, flaky scalp, dandruff"},
            description="A clarifying shampoo for oily scalps, flakes and build-up."),
    Product(id="rosemary", title="Rosemary & Peppermint Scalp Oil", price=24,
            category="Hair Care", description="A pre-wash oil for a dry scalp and thinning hair."),
    Product(id="cleanser", title="Cream Milk Cleanser", price=16, category="Cleansers",
            description="A gentle milky cleanser for dry, sensitive skin."),
    Product(id="scarf", title="Veldmann Lambswool Scarf Tartan", price=45, category="Scarves",
            description="A warm lambswool scarf in a classic tartan."),
    Product(id="beanie", title="Nordhaven Fleece Lined Wool Beanie", price=29, category="Hats",
            description="A wool beanie lined with fleece."),
    Product(id="belt", title="Lederhof Classic Leather Belt 35 mm", price=49, category="Belts",
            description="Full-grain leather with a brass buckle."),
]  # fmt: skip


def found(
    search: HybridSearch, query: str, *, lead: bool = True, floor: float | None = None
) -> list[str]:
    [vector] = search.index.embed_queries([query])
    hits = search.search(query, vector, Filters(), 4, lead=lead, floor=floor)
    return [h.product.id for h in hits]


def test_keyword_matches_fill_in_where_too_little_is_close_in_meaning(tmp_path: Path) -> None:
    with indexed(tmp_path, SHOP) as index:
        search = HybridSearch(index, min_relevance=0.35)
        # A word one product has: the shampoo tagged dandruff, which meaning alone misses.
        query = "my husband has dandruff, anything for that?"
        assert "tea-tree" in found(search, query)
        assert "tea-tree" not in found(search, query, lead=False)
        # Nothing close (a long story before "a scarf or a warm hat" in a catalog of long
        # descriptions; here a floor nothing reaches): the categories its kinds head.
        query = (
            "my dad stands on the touchline at his football club every saturday and he's "
            "always frozen. thinking a scarf or a warm hat for him"
        )
        assert found(search, query, lead=False, floor=0.9) == []
        assert set(found(search, query, floor=0.9)) == {"scarf", "beanie"}
        # A word no category is headed by fills in nothing ("summer", "wedding", "leather").
        query = (
            "my sister is getting married in june in a big garden and i need a summer dress, "
            "something floaty and light, with leather sandals"
        )
        assert found(search, query, floor=0.9) == []
        # A short request near nothing is for nothing here: no fill ("tandem bike").
        assert found(search, "a warm hat", floor=0.9) == []
