"""What agents write faster: canned replies with variables filled from the catalog and the
conversation, and follow-up emails drafted for shoppers who agreed to hear from the shop.
Every fact in them (titles, prices, stock, links) comes from the catalog, never from a model."""

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import Missing, SalesbotError
from bot.log.models import CannedResponse, FollowUp, Turn, utcnow
from retrieval.catalog import Product, money

VARIABLE = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*\}\}")
VARIABLES = (
    "product.title", "product.price", "product.stock", "product.url", "cart.total", "cart.count",
    "shopper.name", "agent.name", "store.name",
)  # fmt: skip
MAX_CANNED = 500


class Unfillable(SalesbotError):
    code = "cannot_fill"
    status = 409


def product_values(product: Product | None) -> dict[str, str]:
    if product is None:
        return {}
    return {
        "product.title": product.title,
        "product.price": ("from " if product.has_range or product.price_from else "")
        + money(product.price, product.currency),
        "product.stock": product.stock_text,  # "available to pre-order" where it is
        **({"product.url": product.url} if product.url else {}),
    }


def cart_values(cart: list[Product]) -> dict[str, str]:
    if not cart:
        return {}
    values = {"cart.count": str(len(cart))}
    currencies = {p.currency for p in cart}
    if len(currencies) == 1:
        values["cart.total"] = money(sum((p.price for p in cart), Decimal(0)), currencies.pop())
    return values


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each `{{name}}`; a variable with no value here refuses, saying which."""
    missing = sorted({m for m in VARIABLE.findall(text) if m not in values})
    if missing:
        unknown = [m for m in missing if m not in VARIABLES]
        if unknown:
            raise SalesbotError(
                f"Unknown variable {', '.join(unknown)}; the variables are {', '.join(VARIABLES)}.",
                code="unknown_variable", status=400,
            )  # fmt: skip
        raise Unfillable(
            f"This conversation has no value for {', '.join(missing)} (no product page, cart or "
            "name known yet); write the reply yourself."
        )
    return VARIABLE.sub(lambda m: values[m.group(1)], text)


def check_template(text: str) -> None:
    unknown = sorted({m for m in VARIABLE.findall(text) if m not in VARIABLES})
    if unknown:
        raise SalesbotError(
            f"Unknown variable {', '.join(unknown)}; the variables are {', '.join(VARIABLES)}.",
            code="unknown_variable", status=400,
        )  # fmt: skip


class Replies:
    def __init__(
        self, sessions: sessionmaker[Session], products: Callable[[list[str]], list[Product]]
    ):
        self._sessions = sessions
        self.products = products

    # --- canned replies -----------------------------------------------------------------------
    def canned(self, username: str) -> list[CannedResponse]:
        with self._sessions() as db:
            query = select(CannedResponse).where(
                or_(CannedResponse.owner.is_(None), CannedResponse.owner == username)
            )
            return list(db.scalars(query.order_by(CannedResponse.title)))

    def add_canned(self, title: str, text: str, owner: str | None) -> int:
        check_template(text)
        with self._sessions.begin() as db:
            if len(db.scalars(select(CannedResponse.id)).all()) >= MAX_CANNED:
                raise SalesbotError(
                    f"There are already {MAX_CANNED} canned replies; delete some first.",
                    code="too_many", status=409,
                )  # fmt: skip
            reply = CannedResponse(title=title.strip(), text=text.strip(), owner=owner)
            db.add(reply)
            db.flush()
            return reply.id

    def get_canned(self, reply_id: int, username: str) -> CannedResponse:
        with self._sessions() as db:
            reply = db.get(CannedResponse, reply_id)
        if reply is None or reply.owner not in (None, username):
            raise Missing(f"There is no canned reply {reply_id}.")
        return reply

    def delete_canned(self, reply_id: int, username: str, admin: bool) -> None:
        with self._sessions.begin() as db:
            reply = db.get(CannedResponse, reply_id)
            if reply is None or (reply.owner != username and not (admin and reply.owner is None)):
                raise Missing(f"There is no canned reply {reply_id} you may delete.")
            db.delete(reply)

    # --- follow-up emails ---------------------------------------------------------------------
    def draft_follow_up(
        self, session_id: str, customer: dict[str, Any] | None, cart: list[str], store: str, by: str
    ) -> FollowUp:
        if not customer or not customer.get("marketing_consent"):
            raise SalesbotError(
                "This shopper has not agreed to hear from the shop, so no follow-up is drafted.",
                code="no_consent", status=409,
            )  # fmt: skip
        with self._sessions() as db:
            shown = db.scalars(
                select(Turn.products).where(Turn.session_id == session_id).order_by(Turn.id.desc())
            ).all()
        ids = [p["id"] for products in shown for p in products or [] if isinstance(p, dict)]
        looked = [p for p in self.products(ids) if p.id not in cart][:3]
        in_cart = self.products(cart)
        if not looked and not in_cart:
            raise Unfillable(
                "The shopper saw no products and has none in the cart: nothing to follow up on."
            )
        lines = [
            f"Hi {customer.get('name') or 'there'},",
            "",
            f"thanks for chatting with us at {store}.",
        ]
        if in_cart:
            lines += ["", "Still in your cart:", *(_line(p) for p in in_cart)]
            if total := cart_values(in_cart).get("cart.total"):
                lines.append(f"Total: {total}")
        if looked:
            lines += ["", "What you looked at:", *(_line(p) for p in looked)]
        lines += ["", "Reply to this email if you have any question.", "", store]
        subject = f"Your picks from {store}"
        with self._sessions.begin() as db:
            follow_up = FollowUp(
                session_id=session_id, subject=subject, text="\n".join(lines), created_by=by
            )
            db.add(follow_up)
            db.flush()
            return follow_up

    def follow_ups(self, status: str | None = None) -> list[FollowUp]:
        with self._sessions() as db:
            query = select(FollowUp).order_by(FollowUp.id.desc()).limit(200)
            if status:
                query = query.where(FollowUp.status == status)
            return list(db.scalars(query))

    def decide(self, follow_up_id: int, status: str, by: str) -> FollowUp:
        with self._sessions.begin() as db:
            follow_up = db.get(FollowUp, follow_up_id)
            if follow_up is None:
                raise Missing(f"There is no follow-up {follow_up_id}.")
            if follow_up.status != "draft":
                raise SalesbotError(
                    f"Follow-up {follow_up_id} was already {follow_up.status}.",
                    code="already_decided", status=409,
                )  # fmt: skip
            follow_up.status, follow_up.decided_by, follow_up.decided_at = status, by, utcnow()
            return follow_up


def _line(product: Product) -> str:
    values = product_values(product)
    link = f" {product.url}" if product.url else ""
    return (
        f"- {values['product.title']}: {values['product.price']}, {values['product.stock']}{link}"
    )
