"""The shopper's turn, from message to answer; no web framework in here."""

from bot.chat.events import Done, Event, Handover, Products, Token
from bot.chat.pipeline import ChatService

__all__ = ["ChatService", "Done", "Event", "Handover", "Products", "Token"]
