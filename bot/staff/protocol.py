"""Wire shapes of the staff side: its HTTP bodies and its websocket's frames."""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.chat.understand import Intent
from bot.protocol import HistoryItem, PageContext, ProductCard


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignIn(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Me(BaseModel):
    username: str
    name: str
    role: str
    csrf: str  # send it back as the X-CSRF-Token header on every POST


class NewAccount(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    role: Literal["viewer", "agent", "admin"] = "agent"
    name: str | None = Field(None, max_length=64)


class AccountInfo(BaseModel):
    username: str
    name: str
    role: str
    created_at: str
    disabled: bool


class Say(Strict):
    text: str = Field(min_length=1, max_length=4000)
    draft: str | None = Field(None, max_length=8000)  # the suggestion it was edited from
    products: list[str] = Field([], max_length=8)  # product ids to show as cards


class HandBack(Strict):
    note: str | None = Field(None, max_length=1000)


class Summary(BaseModel):
    """One conversation in the agents' list."""

    session_id: str
    state: str  # bot, waiting_for_human, with_agent
    agent: str | None = None
    online: bool  # the shopper has it open
    live: bool  # it is in this replica's hub
    updated_at: float
    waiting_since: float | None = None
    last_message: str = ""
    intent: str | None = None
    sentiment: str | None = None  # of the shopper's last message
    lead_score: float | None = None  # the chance this conversation ends in a purchase
    shopper: str | None = None  # the name the shop gave (identify()), if any
    budget: str | None = None
    interests: list[str] = []
    context: PageContext | None = None


class Draft(BaseModel):
    """A suggested reply, rendered from the catalog like the assistant's answers."""

    text: str
    products: list[ProductCard] = []
    by: str
    for_message: str


class Detail(BaseModel):
    summary: Summary
    history: list[HistoryItem]
    profile: dict[str, Any]
    draft: Draft | None = None
    customer: dict[str, Any] | None = None  # identify(): personal data, for agents only


# --- the staff websocket ---------------------------------------------------------------------
class WatchFrame(Strict):
    """Show one conversation live: its history, then its frames as they happen."""

    type: Literal["watch"]
    session_id: str = Field(min_length=1, max_length=64)


class UnwatchFrame(Strict):
    type: Literal["unwatch"]


class ConversationsFrame(BaseModel):
    """Sent on connect (and on reconnect: the whole list, so nothing is missed)."""

    type: Literal["conversations"] = "conversations"
    items: list[Summary]


class ConversationFrame(BaseModel):
    type: Literal["conversation"] = "conversation"
    item: Summary


class WatchingFrame(BaseModel):
    type: Literal["watching"] = "watching"
    detail: Detail
    stream: str
    seq: int


# --- dialogue-log review ---------------------------------------------------------------------
class ReviewFilters(Strict):
    """Which conversations to list or export; every filter is optional."""

    q: str | None = Field(None, max_length=200)  # text in a message or a reply
    since: date | None = None
    until: date | None = None  # inclusive
    intent: str | None = Field(None, max_length=32)
    rating: Literal["up", "down"] | None = None
    converted: bool | None = None  # ended in a checkout or an order
    handed_over: bool | None = None
    adapter: str | None = Field(None, max_length=64)  # "base": the model without an adapter
    guard: bool | None = None  # the grounding guard caught a reply
    min_lead: float | None = Field(None, ge=0, le=1)
    tag: str | None = Field(None, max_length=40)
    review: Literal["good", "bad", "none"] | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class SessionRow(BaseModel):
    session_id: str
    created_at: str
    channel: str
    messages: int
    first_message: str
    intents: list[str]
    ratings: dict[str, int]
    converted: bool
    handed_over: bool
    adapters: list[str]
    guard_catches: int
    lead_score: float | None
    tags: list[str]
    review: str | None


class SessionPage(BaseModel):
    total: int
    items: list[SessionRow]


class Tags(Strict):
    tags: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(max_length=20)


class Verdict(Strict):
    verdict: Literal["good", "bad"] | None
    note: str | None = Field(None, max_length=1000)


class Mark(Strict):
    mark: Literal["good", "bad"] | None


class IntentLabel(Strict):
    """The intent a person says a message has; null clears it."""

    intent: Intent | None


class Correct(Strict):
    text: str = Field(min_length=1, max_length=4000)


# --- canned replies and follow-ups -----------------------------------------------------------
class NewCanned(Strict):
    title: str = Field(min_length=1, max_length=80)
    text: str = Field(min_length=1, max_length=4000)
    shared: bool = False  # for every agent (admins only); else yours alone


class Canned(BaseModel):
    id: int
    title: str
    text: str
    shared: bool


class FollowUpInfo(BaseModel):
    id: int
    session_id: str
    subject: str
    text: str
    status: str
    created_by: str
    decided_by: str | None
