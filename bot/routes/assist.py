"""Faster replies for agents: canned replies with variables, follow-up email drafts."""

import asyncio

from fastapi import APIRouter, Request

from bot.errors import SalesbotError
from bot.log.models import FollowUp
from bot.routes.staff import Admin, Agent, desk_of
from bot.staff.accounts import Staff
from bot.staff.auth import staff_of
from bot.staff.protocol import Canned, FollowUpInfo, NewCanned
from bot.staff.replies import Replies, cart_values, fill, product_values

router = APIRouter(prefix="/staff/api")


def replies_of(request: Request) -> Replies:
    replies: Replies = request.app.state.replies
    return replies


def info(f: FollowUp) -> FollowUpInfo:
    return FollowUpInfo(
        id=f.id, session_id=f.session_id, subject=f.subject, text=f.text, status=f.status,
        created_by=f.created_by, decided_by=f.decided_by,
    )  # fmt: skip


@router.get("/canned")
async def canned(staff: Agent, request: Request) -> list[Canned]:
    """List your canned replies and the shared ones."""
    found = await asyncio.to_thread(replies_of(request).canned, staff.username)
    return [Canned(id=c.id, title=c.title, text=c.text, shared=c.owner is None) for c in found]


@router.post("/canned", status_code=201)
async def add_canned(body: NewCanned, staff: Agent, request: Request) -> dict[str, int]:
    """Save a canned reply; `{{product.title}}`-style variables are filled when inserted."""
    if body.shared and not staff.may("admin"):
        raise SalesbotError("Only admins add shared canned replies.", code="forbidden", status=403)
    owner = None if body.shared else staff.username
    reply_id = await asyncio.to_thread(replies_of(request).add_canned, body.title, body.text, owner)
    return {"id": reply_id}


@router.post("/canned/{reply_id}/delete")
async def delete_canned(reply_id: int, staff: Agent, request: Request) -> dict[str, int]:
    """Delete one of your canned replies (admins: a shared one)."""
    await asyncio.to_thread(
        replies_of(request).delete_canned, reply_id, staff.username, staff.may("admin")
    )
    return {"deleted": reply_id}


@router.post("/conversations/{session_id}/canned/{reply_id}")
async def fill_canned(
    session_id: str, reply_id: int, staff: Agent, request: Request
) -> dict[str, str]:
    """A canned reply with its variables filled for this conversation, to edit and send."""
    replies = replies_of(request)
    reply = await asyncio.to_thread(replies.get_canned, reply_id, staff.username)
    index = request.app.state.index
    async with desk_of(request).opened(session_id) as talk:
        context = talk.context
        wanted = [context.product_id] if context and context.product_id else talk.profile.shown[:1]
        products = await asyncio.to_thread(index.get, wanted)
        cart = await asyncio.to_thread(index.get, context.cart if context else [])
        values = {
            **product_values(products[0] if products else None), **cart_values(cart),
            "agent.name": staff.name, "store.name": request.app.state.settings.store_name,
        }  # fmt: skip
        if talk.customer and talk.customer.get("name"):
            values["shopper.name"] = str(talk.customer["name"])
    return {"text": fill(reply.text, values)}


@router.post("/conversations/{session_id}/follow-up", status_code=201)
async def draft_follow_up(session_id: str, staff: Agent, request: Request) -> FollowUpInfo:
    """Draft a follow-up email (shoppers who agreed only) for an admin to approve."""
    async with desk_of(request).opened(session_id) as talk:
        cart = talk.context.cart if talk.context else []
        drafted = await asyncio.to_thread(
            replies_of(request).draft_follow_up, session_id, talk.customer, cart,
            request.app.state.settings.store_name, staff.username,
        )  # fmt: skip
    await staff_of(request).audited(
        staff.username, "follow_up_draft", session_id, follow_up=drafted.id
    )
    return info(drafted)


@router.get("/follow-ups")
async def follow_ups(_: Agent, request: Request, status: str | None = None) -> list[FollowUpInfo]:
    """List follow-up drafts (and decided ones)."""
    return [info(f) for f in await asyncio.to_thread(replies_of(request).follow_ups, status)]


async def decide(request: Request, staff: Staff, follow_up_id: int, status: str) -> FollowUpInfo:
    """Approve or discard a draft, and put it in the audit trail."""
    decided = await asyncio.to_thread(
        replies_of(request).decide, follow_up_id, status, staff.username
    )
    action = {"approved": "follow_up_approve", "discarded": "follow_up_discard"}[status]
    await staff_of(request).audited(
        staff.username, action, decided.session_id, follow_up=follow_up_id
    )
    return info(decided)


@router.post("/follow-ups/{follow_up_id}/approve")
async def approve(follow_up_id: int, staff: Admin, request: Request) -> FollowUpInfo:
    """Approve a follow-up for sending by the shop's own mail tool (never sent from here)."""
    return await decide(request, staff, follow_up_id, "approved")


@router.post("/follow-ups/{follow_up_id}/discard")
async def discard(follow_up_id: int, staff: Agent, request: Request) -> FollowUpInfo:
    """Discard a follow-up draft."""
    return await decide(request, staff, follow_up_id, "discarded")
