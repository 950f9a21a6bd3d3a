"""The dialogue log's tables: one row per shopper session, one per turn, and what was learned
about them afterwards (ratings, shop events, agents' corrections)."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class DialogueSession(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # "ws" or "openai"
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # "bot"; "waiting_for_human" from a handover until an agent claims it ("with_agent") or
    # someone hands it back.
    state: Mapped[str] = mapped_column(String(32), default="bot", server_default="bot")
    handover_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    profile: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # Set by a person reviewing the log: "good", or "bad" (never learned from), with a note.
    review: Mapped[str | None] = mapped_column(String(16), nullable=True)
    review_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # While state is "with_agent": the staff member who claimed the conversation.
    agent: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The chance this shopper buys, from the conversation so far (bot.insight.lead).
    lead_score: Mapped[float | None] = mapped_column(nullable=True)
    tags: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)  # set in review
    # Who the shop says the shopper is (the widget's identify()): id, name, email, and whether
    # they agreed to hear from the shop. Personal data: staff below "agent" never see it.
    customer: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    turns: Mapped[list["Turn"]] = relationship(back_populates="session", order_by="Turn.id")


class Turn(Base):
    __tablename__ = "turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # "pending" from the moment a message is accepted, then "ok", "error" or "cancelled".
    status: Mapped[str] = mapped_column(String(16), default="pending")
    user_text: Mapped[str] = mapped_column(Text)
    reply: Mapped[str] = mapped_column(Text, default="")
    products: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    model: Mapped[str] = mapped_column(String(200), default="")
    adapter: Mapped[str | None] = mapped_column(String(200), nullable=True)
    prompt_tokens: Mapped[int | None] = mapped_column(Integer, nullable=True)
    completion_tokens: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ttft_ms: Mapped[float | None] = mapped_column(nullable=True)
    total_ms: Mapped[float | None] = mapped_column(nullable=True)
    grounding: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    error_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    intent: Mapped[str | None] = mapped_column(String(32), nullable=True)
    action: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The model's part of the reply: what it was asked to introduce, and the words it wrote
    # (the rest is rendered from the catalog). Fine-tuning learns this part.
    lead_prompt: Mapped[str | None] = mapped_column(Text, nullable=True)
    lead_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    client_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The shopper's mood in this message: "negative", "neutral" or "positive", with VADER's
    # compound score (-1 to 1).
    sentiment: Mapped[str | None] = mapped_column(String(8), nullable=True)
    sentiment_score: Mapped[float | None] = mapped_column(nullable=True)
    # A reviewer's mark: "good" (learn from it) or "bad" (never learn from it).
    mark: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # The intent a person says the shopper's message has (review): what the intent classifier
    # learns from (`salesbot finetune intents`).
    intent_label: Mapped[str | None] = mapped_column(String(32), nullable=True)

    session: Mapped[DialogueSession] = relationship(back_populates="turns")
    __table_args__ = (Index("ix_turns_session_client", "session_id", "client_id", unique=True),)


class ApiKey(Base):
    """A key for `/v1`: only its SHA-256 is kept; the key itself is shown once, at creation."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # the key's start, to tell keys apart
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Feedback(Base):
    """The shopper's rating of one answer; rating it again replaces the earlier rating."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("turn_id", name="uq_feedback_turn"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id"))
    rating: Mapped[str] = mapped_column(String(8))  # "up" or "down"
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ShopEvent(Base):
    """Something the shopper did in the shop: viewed or added a product, checked out, ordered.
    `turn_id` is the answer that showed the product, when one did."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    turn_id: Mapped[int | None] = mapped_column(ForeignKey("turns.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(32))
    product_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    quantity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    value: Mapped[str | None] = mapped_column(String(32), nullable=True)  # a decimal, as text
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    order_id: Mapped[str | None] = mapped_column(String(128), nullable=True, index=True)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    source: Mapped[str] = mapped_column(String(16))  # "widget" or "server"
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Correction(Base):
    """A support agent's reply in place of the assistant's: the most valuable training data."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id"), index=True)
    agent: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Adapter(Base):
    """A trained LoRA adapter in the registry: a candidate until promoted (or tried on a share
    of conversations as the canary), then serving, then retired when another version (or the
    base model) replaces it."""

    __tablename__ = "adapters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)  # e.g. ad-20261129-...
    path: Mapped[str] = mapped_column(Text)  # an immutable folder: a new version, a new name
    base_model: Mapped[str] = mapped_column(String(200))
    dataset: Mapped[str] = mapped_column(String(128))
    rank: Mapped[int] = mapped_column(Integer)
    slots: Mapped[list[str]] = mapped_column(JSON, default=list)  # what it was taught to write
    training: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # training.json
    status: Mapped[str] = mapped_column(String(16), default="candidate")
    # While status is "canary": the share of new conversations it answers.
    canary_share: Mapped[float | None] = mapped_column(nullable=True)
    evaluation: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Where `salesbot finetune merge` folded it into the base model, and whether it serves (or
    # served) that way: an engine of its own runs the merged folder (a blue-green switch).
    merged_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    serve_merged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AdapterSwitch(Base):
    """One change of what serves (promote or rollback); `None` is the base model. Rollback
    follows this history back."""

    __tablename__ = "adapter_switches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # "promote", "rollback", "canary" (to: the canary) or "canary_stop" (from: it)
    action: Mapped[str] = mapped_column(String(16))
    from_adapter: Mapped[str | None] = mapped_column(String(64), nullable=True)
    to_adapter: Mapped[str | None] = mapped_column(String(64), nullable=True)
    by: Mapped[str] = mapped_column(String(64))


class StaffAccount(Base):
    """A member of the shop's staff: "admin" (everything, accounts too), "agent" (live
    conversations) or "viewer" (reads the log, reviews it). Only an Argon2 hash of the password
    is kept."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))  # what shoppers see
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class StaffSession(Base):
    """A signed-in browser: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token
    account_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))  # sent back in X-CSRF-Token on every change
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class StaffMessage(Base):
    """What staff said in a conversation: "joined", "message" (with the suggested draft it was
    edited from, if any) or "left" (with the hand-back note)."""

    __tablename__ = "staff_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    turn_id: Mapped[int | None] = mapped_column(ForeignKey("turns.id"), nullable=True)
    agent: Mapped[str] = mapped_column(String(64))  # the username
    name: Mapped[str] = mapped_column(String(64))  # the display name the shopper saw
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    draft: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Who did what on the staff side: sign-ins, claims, messages, hand-backs, accounts."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    session_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class CannedResponse(Base):
    """A reply an agent inserts in one click; `{{product.title}}`-style variables are filled
    from the catalog and the conversation. No owner: shared by every agent."""

    __tablename__ = "canned_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FollowUp(Base):
    """A follow-up email drafted for a shopper who agreed to hear from the shop: a draft until
    an admin approves (or someone discards) it. Never sent by the service."""

    __tablename__ = "followups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    created_by: Mapped[str] = mapped_column(String(64))
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
