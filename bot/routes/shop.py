"""What the shop's own server reports, with an API key: orders placed in a chat session."""

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.chat import ChatService
from bot.errors import SalesbotError
from bot.log.store import NotFound
from bot.protocol import OrderReport

# Every route here needs an API key: bot.app.KeyFirst checks it for KEYED paths.
router = APIRouter(prefix="/api")


def _text(value: object) -> str | None:
    return None if value is None else str(value)


@router.post("/orders", status_code=201)
async def report_order(order: OrderReport, request: Request) -> JSONResponse:
    """Log an order placed in a chat session (the session id the widget holds). Reporting
    the same `order_id` again changes nothing and answers 200."""
    service: ChatService = request.app.state.chat
    items = [
        {"product_id": i.product_id, "quantity": i.quantity, "price": _text(i.price)}
        for i in order.items
    ]
    try:
        new = await asyncio.to_thread(
            service.log.record_order,
            order.session_id, order.order_id, items, _text(order.total), order.currency,
        )  # fmt: skip
    except NotFound:
        raise SalesbotError(
            f"There is no chat session {order.session_id}. Report orders with the session id "
            "the chat widget gave the shopper's browser.",
            code="session_not_found",
            status=404,
        ) from None
    body = {"order_id": order.order_id, "recorded": new}
    return JSONResponse(body, status_code=201 if new else 200)
