"""A shop's own export loaded into the running service: it keeps answering during the ingest,
then shows one card per product with variants and answers about a size."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from retrieval.ingest import DEMO_CATALOG
from tests.bot.conftest import ask, recv
from tests.service import Service

pytestmark = pytest.mark.engine

HEADER = (
    "Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,Option1 Name,"
    "Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Inventory Tracker,"
    "Variant Inventory Qty,Variant Inventory Policy,Variant Price,Variant Compare At Price,"
    "Image Src,Image Position,Status"
)
SHIRT = """\
harbor-linen-shirt,Harbor Linen Shirt,"<p>Breathable <strong>linen</strong> shirt.</p>",Harbor,\
Apparel > Shirts,Linen Shirts,summer,TRUE,Size,S,Color,Blue,HLS-S-B,shopify,3,deny,49.00,65.00,\
https://cdn.example.com/hls.jpg,1,active
harbor-linen-shirt,,,,,,,,,M,,Blue,HLS-M-B,shopify,0,deny,49.00,65.00,,,
harbor-linen-shirt,,,,,,,,,L,,White,HLS-L-W,shopify,0,continue,55.00,,,,
harbor-linen-shirt,,,,,,,,,,,,,,,,,,https://cdn.example.com/hls-2.jpg,2,
"""


def notebooks(count: int) -> str:
    """Simple products around the shirt, so that the ingest takes a while."""
    return "".join(
        f'notebook-{n},Dot Grid Notebook No. {n},"<p>A5 notebook, {80 + n} pages.</p>",Paperly,,'
        f"Notebooks,,TRUE,Title,Default Title,,,NB-{n},,,deny,{9 + n % 7}.50,,,,active\n"
        for n in range(count)
    )


async def test_a_shopify_export_loads_while_the_service_answers_and_variants_can_be_asked_about(
    service: Service, tmp_path: Path
) -> None:
    export = tmp_path / "products_export_1.csv"
    export.write_text(f"{HEADER}\n{SHIRT}{notebooks(400)}", encoding="utf-8")
    env = {**os.environ, "SALESBOT_DATA_DIR": str(service.data_dir)}
    command = [sys.executable, "-m", "bot", "catalog", "ingest"]
    ingest = subprocess.Popen(
        [*command, str(export), "--partial", "--store-url", "https://shop.example"],
        env=env, cwd=service.data_dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        during = []
        while ingest.poll() is None and len(during) < 3:
            async with connect(service.ws_url) as ws:
                await recv(ws)
                during.append(await ask(ws, "Do you have a warm sleeping bag?"))
        output = ingest.communicate(timeout=600)[0].decode()
        assert ingest.returncode == 0, output
        assert "401 added" in output.replace("\n", " ")
        assert during and all(a.of("error") == [] and a.products for a in during)

        async with connect(service.ws_url) as ws:
            await recv(ws)
            answer = await ask(ws, "Is the Harbor Linen Shirt available in size M?")
        card = next(c for c in answer.products if c["id"] == "harbor-linen-shirt")
        assert (card["price"], card["price_max"], card["price_from"]) == ("49.00", "55.00", True)
        assert card["regular_price"] == "65.00"
        assert card["options"] == {"Size": ["S", "M", "L"], "Color": ["Blue", "White"]}
        assert card["url"] == "https://shop.example/products/harbor-linen-shirt"
        assert "M / Blue: $49.00, down from $65.00, out of stock." in answer.text
        assert len([c for c in answer.products if c["id"] == "harbor-linen-shirt"]) == 1
    finally:
        if ingest.poll() is None:
            ingest.kill()
        # Back to the demo catalog alone, for the other tests sharing this service.
        subprocess.run([*command, str(DEMO_CATALOG)], env=env, cwd=service.data_dir, check=True)
