"""What one turn streams to the routes: product cards, text, a handover, and the end."""

from dataclasses import dataclass, field

from bot.chat.profile import ShopperProfile
from bot.engine.client import Usage
from retrieval.index import SearchHit


@dataclass
class Turn:
    """One answered exchange of a conversation's history."""

    user: str
    assistant: str


@dataclass
class Products:
    hits: list[SearchHit]
    notes: dict[str, str] = field(default_factory=dict)  # product id -> "over your budget"


@dataclass
class Token:
    text: str


@dataclass
class Handover:
    reason: str
    message: str


@dataclass
class Done:
    text: str
    ttft_ms: float | None
    total_ms: float
    usage: Usage
    intent: str | None = None
    action: str | None = None
    profile: ShopperProfile | None = None


Event = Products | Token | Handover | Done
