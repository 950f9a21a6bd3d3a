"""Wire shapes: every websocket frame and HTTP body the service reads or writes."""

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
SessionId = Annotated[str, Field(pattern=SESSION_ID.pattern)]
ClientId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]


# --- websocket: client -> server -------------------------------------------------------------
class PageContext(BaseModel):
    """Where the shopper is on the shop's site: "is this one waterproof?" means this product."""

    model_config = ConfigDict(extra="forbid")

    product_id: str | None = Field(None, min_length=1, max_length=200)
    cart: Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=100)] = []


class MessageFrame(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["message"]
    text: str
    session_id: SessionId | None = None
    resume_token: str | None = Field(None, max_length=128)  # with session_id: continue it
    # The client's own id for this message: sending it again (after a reconnect) never makes
    # a second turn.
    client_id: ClientId | None = None
    context: PageContext | None = None


class StopFrame(BaseModel):
    """The shopper stops the answer being written (the widget's stop button)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["stop"]
    message_id: int = Field(ge=1)


class FeedbackFrame(BaseModel):
    """The shopper rates an answer (thumbs up/down, an optional comment); again replaces it."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["feedback"]
    message_id: int = Field(ge=1)
    rating: Literal["up", "down"]
    comment: str | None = Field(None, max_length=1000)


class EventFrame(BaseModel):
    """The shop page reports what the shopper did with a product (the widget sends these)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["event"]
    name: Literal["product_viewed", "added_to_cart", "checkout"]
    product_id: str | None = Field(None, min_length=1, max_length=200)
    quantity: int | None = Field(None, ge=1, le=10_000)
    message_id: int | None = Field(None, ge=1)  # the answer that showed it, when known


class Customer(BaseModel):
    """Who the shop says the shopper is (sent by the widget's identify())."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, min_length=1, max_length=128)
    name: str | None = Field(None, min_length=1, max_length=100)
    email: str | None = Field(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    # Agreed to hear from the shop (follow-up emails); without it, none is ever drafted.
    marketing_consent: bool = False


class IdentifyFrame(BaseModel):
    """The shop page says who the shopper is; sent again after a reconnect, it replaces it."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["identify"]
    customer: Customer


ClientFrame = MessageFrame | StopFrame | FeedbackFrame | EventFrame | IdentifyFrame


# --- websocket: server -> client -------------------------------------------------------------
class ProductCard(BaseModel):
    id: str
    title: str
    price: str  # the lowest price when there are variants or a range
    price_from: bool = False  # show the price as "from ..."
    price_max: str | None = None  # the highest price of the range or the variants
    regular_price: str | None = None  # before the sale, only when the catalog says it is on sale
    currency: str
    url: str | None
    image_url: str | None
    in_stock: bool  # any variant can be bought
    options: dict[str, list[str]] = {}  # {"Size": ["S", "M"], "Color": ["Blue"]}
    score: float
    note: str | None = None  # e.g. "over your budget" when nothing fits and this is the nearest


class HistoryItem(BaseModel):
    role: Literal["user", "assistant", "agent"]
    text: str
    message_id: int | None = None
    client_id: str | None = None  # user items: the id the client sent the message with
    products: list[ProductCard] = []  # assistant items: the cards the answer showed
    error: str | None = None  # assistant items: the error code when no answer was written
    name: str | None = None  # agent items: the person's name
    kind: Literal["joined", "message", "left"] | None = None  # agent items


class SessionFrame(BaseModel):
    type: Literal["session"] = "session"
    session_id: str
    resume_token: str  # keep it with the id: resuming needs both
    resumed: bool = False
    history: list[HistoryItem] = []
    # The conversation's frame stream: frames of unfinished answers follow this frame again
    # (those after `last_seq` when the client sent it with this same `stream`).
    stream: str = ""
    seq: int = 0  # the last sequence number sent in this stream
    # "waiting_for_human" after a handover, "with_agent" while a person answers
    state: str = "bot"


class AcceptedFrame(BaseModel):
    """A message was logged (to every tab of the conversation; `duplicate` to the sender of a
    `client_id` already accepted, which made no new turn)."""

    type: Literal["accepted"] = "accepted"
    message_id: int
    text: str
    client_id: str | None = None
    duplicate: bool = False
    seq: int | None = None


class ProductsFrame(BaseModel):
    type: Literal["products"] = "products"
    message_id: int
    products: list[ProductCard]
    seq: int | None = None


class TokenFrame(BaseModel):
    type: Literal["token"] = "token"
    message_id: int
    text: str
    seq: int | None = None


class Timings(BaseModel):
    ttft_ms: float | None
    total_ms: float


class TokenUsage(BaseModel):
    prompt_tokens: int
    completion_tokens: int


class DoneFrame(BaseModel):
    type: Literal["done"] = "done"
    message_id: int
    text: str
    timings: Timings
    usage: TokenUsage
    intent: str | None = None
    action: str | None = None
    profile: dict[str, Any] | None = None
    seq: int | None = None


class HandoverFrame(BaseModel):
    """The conversation now waits for a person; the assistant stays silent until handed back."""

    type: Literal["handover"] = "handover"
    message_id: int
    reason: str
    message: str
    seq: int | None = None


class AgentFrame(BaseModel):
    """A person from the shop joined the conversation, wrote in it, or handed it back to the
    assistant. While one holds it, the assistant does not answer."""

    type: Literal["agent"] = "agent"
    kind: Literal["joined", "message", "left"]
    id: int  # the agent message's id, for de-duplication after a reconnect
    name: str
    text: str
    products: list[ProductCard] = []
    seq: int | None = None


class AckFrame(BaseModel):
    """A feedback or event frame was logged."""

    type: Literal["ack"] = "ack"
    of: Literal["feedback", "event", "identify"]
    message_id: int | None = None


class ErrorFrame(BaseModel):
    type: Literal["error"] = "error"
    code: str
    message: str
    message_id: int | None = None
    client_id: str | None = None  # a message that was not accepted, when it carried one
    seq: int | None = None  # set when it ends an accepted message's answer


# --- OpenAI-compatible HTTP ------------------------------------------------------------------
class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str | list[dict[str, Any]] | None = None


class ChatCompletionRequest(BaseModel):
    model: str | None = None
    messages: Annotated[list[ChatMessage], Field(min_length=1, max_length=200)]
    stream: bool = False
    max_tokens: Annotated[int, Field(ge=1)] | None = None
    max_completion_tokens: Annotated[int, Field(ge=1)] | None = None
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    user: str | None = None


class OrderItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_id: str = Field(min_length=1, max_length=200)
    quantity: int = Field(1, ge=1, le=100_000)
    price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=4)


class OrderReport(BaseModel):
    """`POST /api/orders`: the shop's server reports an order placed in a chat session."""

    model_config = ConfigDict(extra="forbid")

    session_id: SessionId
    order_id: str = Field(min_length=1, max_length=128)
    items: Annotated[list[OrderItem], Field(min_length=1, max_length=500)]
    total: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=4)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")


class ErrorInfo(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str


class ErrorResponse(BaseModel):
    error: ErrorInfo
