"""The shopper's widget (a short-lived loader and the versioned bundle) and the demo shop."""

import gzip
import html
import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.errors import BadRequest, Missing
from retrieval.catalog import Product

router = APIRouter()
WIDGET = Path(__file__).resolve().parents[2] / "widget"
DIST, DEMO = WIDGET / "dist", WIDGET / "demo"
DEMO_PRODUCTS = 24
LOADER_CACHE = "public, max-age=300"  # a new widget reaches every shop page within minutes
BUNDLE_CACHE = "public, max-age=31536000, immutable"
# The demo shop runs under the strict policy a careful shop would set: the widget must work.
DEMO_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; "
    "connect-src 'self' ws: wss:; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
JS = "text/javascript; charset=utf-8"
LANG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?$")
RTL = {"ar", "he", "fa", "ur"}
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@cache
def bundle() -> tuple[str, str, bytes]:
    """The built widget's versioned file name, its text and the text gzipped."""
    manifest = json.loads((DIST / "manifest.json").read_text(encoding="utf-8"))
    text = (DIST / "widget.js").read_text(encoding="utf-8")
    return manifest["widget"], text, gzip.compress(text.encode(), mtime=0)


@router.get("/widget.js")
async def widget_loader() -> Response:
    """Serve the loader a shop's page includes with one script tag."""
    name, _, _ = bundle()
    loader = (DIST / "loader.js").read_text(encoding="utf-8")
    loader = loader.replace("__BUNDLE__", f"/widget/{name}")
    return Response(loader, media_type=JS, headers={"Cache-Control": LOADER_CACHE})


@router.get("/widget/{name}")
async def widget_bundle(name: str, request: Request) -> Response:
    """Serve the widget itself, cached for a year under its content hash."""
    current, text, packed = bundle()
    if name != current:
        raise Missing(
            f"There is no widget file {name[:80]}; load /widget.js, which names the current one."
        )
    headers = {"Cache-Control": BUNDLE_CACHE, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(packed, media_type=JS, headers=headers)
    return Response(text, media_type=JS, headers=headers)


@router.get("/")
async def home() -> RedirectResponse:
    """Open the demo shop."""
    return RedirectResponse("/demo", status_code=307)


def _money(product: Product) -> str:
    price = Decimal(str(product.price)).quantize(Decimal("0.01"))
    return f"{'from ' if product.has_range or product.price_from else ''}{price} {product.currency}"


def _item(product: Product) -> str:
    e = html.escape
    image = f'<img src="{e(product.image_url)}" alt="">' if product.image_url else ""
    stock = "In stock" if product.in_stock else "Out of stock"
    pid, title = e(product.id), e(product.title)
    return (
        f'<li>{image}<h3>{title}</h3><p class="price">{e(_money(product))}</p><p>{stock}</p>'
        f'<button type="button" data-action="ask" data-product-id="{pid}" data-title="{title}" '
        f'aria-label="Ask about this: {title}">Ask about this</button>'
        f'<button type="button" class="add" data-product-id="{pid}" data-title="{title}" '
        f'aria-label="Add to cart: {title}"{"" if product.in_stock else " disabled"}>'
        "Add to cart</button></li>"
    )


@router.get("/demo", response_class=HTMLResponse)
async def demo_shop(
    request: Request,
    lang: str = "en",
    color: str = "#0b57d0",
    position: Literal["left", "right"] = "right",
    widget: bool = True,
    load: Literal["defer", "async"] = "defer",
) -> HTMLResponse:
    """Serve a demo shop page over the catalog with the widget on it: try the shop's
    `?lang=` (en, de, ar), `?color=` (#rrggbb) and `?position=` (left, right); `?widget=0`
    leaves the widget out and `?load=async` loads its tag async, for comparisons."""
    if not LANG.match(lang):
        raise BadRequest("lang is a language tag such as en, de or ar.")
    if not COLOR.match(color):
        raise BadRequest("color is a colour written #rrggbb, such as #0b57d0.")
    products = request.app.state.index.first(DEMO_PRODUCTS)
    page = (DEMO / "index.html").read_text(encoding="utf-8")
    direction = "rtl" if lang.split("-")[0] in RTL else "ltr"
    page = page.replace("{lang}", lang).replace("{dir}", direction)
    page = page.replace("{color}", color).replace("{position}", position)
    page = page.replace("{store}", html.escape(request.app.state.settings.store_name))
    page = page.replace("{products}", "\n".join(_item(p) for p in products))
    if not widget:
        page = "\n".join(line for line in page.splitlines() if "/widget.js" not in line)
    elif load == "async":
        page = page.replace('data-position="' + position + '" defer>', 'data-position="'
                            + position + '" async>')  # fmt: skip
    return HTMLResponse(page, headers={"Content-Security-Policy": DEMO_POLICY})


@router.get("/demo/{name}")
async def demo_asset(name: str) -> Response:
    """Serve the demo shop's own script and style sheet."""
    kinds = {"demo.js": JS, "demo.css": "text/css; charset=utf-8"}
    if name not in kinds:
        raise Missing(f"There is no demo file {name[:80]}.")
    return Response((DEMO / name).read_text(encoding="utf-8"), media_type=kinds[name])
