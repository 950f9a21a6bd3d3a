"""Keep the streamed reply grounded in the catalog: grounded or silent.

The chat model invents products, prices and stock levels, so its reply passes through a
`GroundingGuard`. Harmless words go out as soon as they are complete; from its first risky
word (a number, a currency, a stock word or an unknown name) a sentence is held and checked
as a whole when it ends. A sentence that fails cuts the reply: nothing more from the model is
shown and the shopper gets a fallback built only from catalog data.
"""

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Literal

from bot.grounding_rules import (
    MARKER,
    SENTENCE_END,
    WORD,
    CatalogContext,
    Risk,
    Violation,
    check_sentence,
    first_word,
    is_name_like,
    token_risk,
)
from retrieval.catalog import Product

__all__ = ["GroundingGuard", "Violation", "grounding_fallback"]
log = logging.getLogger(__name__)

NO_PRODUCTS_FALLBACK = (
    "I couldn't find that in our catalog, so I can't give details on it. "
    "Could you tell me more about what you're looking for?"
)

# A token is only complete once whitespace follows it: "$8" may still become "$89.99".
_TOKEN = re.compile(r"(\s*)(\S+)(?=\s)")
_LAST_TOKEN = re.compile(r"(\s*)(\S+)")
# A word still being written, on the current line, of letters only: no digit or symbol yet.
_PARTIAL_WORD = re.compile(r"[ \t]*[A-Za-z']+")


def grounding_fallback(products: Sequence[Product]) -> str:
    """Say what the catalog lists for these products, and nothing else."""
    if not products:
        return NO_PRODUCTS_FALLBACK
    listed = "; ".join(f"{p.title} — {p.price_text()} ({p.stock_text})" for p in products)
    return f"Here is what our catalog lists: {listed}."


class GroundingGuard:
    """Filter one streamed reply; `feed` each piece, then call `finish` once."""

    def __init__(
        self,
        products: Sequence[Product],
        *,
        store_name: str,
        extra_vocabulary: Iterable[str] = (),
    ) -> None:
        self._context = CatalogContext(products, store_name, extra_vocabulary)
        self.stopped = False
        self.violations: list[Violation] = []
        self._pending = ""  # whitespace plus a word that may not be complete yet
        self._sentence: list[str] = []  # the current sentence's tokens, each with its leading space
        self._shown_upto = 0  # how many of those tokens the shopper has seen
        self._early = 0  # characters of the next token shown before it was complete
        self._mode: Literal["open", "suspect", "held"] = "open"
        self._has_word = False
        self._shown_any = False
        self._separator = ""
        self._finished = False

    def feed(self, piece: str) -> str:
        if self.stopped or self._finished:
            return ""
        self._pending += piece
        try:
            return self._drain(_TOKEN) + self._show_early()
        except Exception as exc:
            self._fail(exc)
            return ""

    def _fail(self, exc: Exception) -> None:
        """A text the rules cannot judge is not shown: the reply ends as if it were cut."""
        log.exception("The grounding guard failed; ending the reply with catalog facts only.")
        self._cut([Violation("error", "", f"The guard failed: {exc!r}.")])

    def _show_early(self) -> str:
        """Show a safe word before it is complete, so the shopper is not kept a token behind.

        Only letters are shown, and only when they are harmless as a whole word; whatever
        completes the word is judged with it, and held as usual if the whole word is risky.
        """
        if self._mode != "open" or self._early or self._shown_upto != len(self._sentence):
            return ""
        if not _PARTIAL_WORD.fullmatch(self._pending):
            return ""
        if self._sentence == [] and MARKER.fullmatch(self._pending.strip()):
            return ""
        word = self._pending.strip()
        if token_risk(word, initial=not self._has_word, context=self._context) != "safe":
            return ""
        self._early = len(self._pending)
        self._shown_any = True
        return self._pending

    def finish(self) -> str:
        if self._finished:
            return ""
        self._finished = True
        try:
            released = "" if self.stopped else self._drain(_LAST_TOKEN)
            if not self.stopped:
                released += self._close_sentence()
        except Exception as exc:
            self._fail(exc)
            released = ""
        if not self.stopped:
            return released + self._pending  # only trailing whitespace is left
        return released + self._separator + grounding_fallback(self._context.products)

    def _drain(self, token: re.Pattern[str]) -> str:
        released = []
        position = 0
        while not self.stopped and (match := token.match(self._pending, position)):
            position = match.end()
            released.append(self._take(match.group(1), match.group(2)))
        self._pending = "" if self.stopped else self._pending[position:]
        # A newline already ends the sentence; checking it now saves waiting for the next word.
        leading_space = self._pending[: len(self._pending) - len(self._pending.lstrip())]
        if not self.stopped and "\n" in leading_space:
            released.append(self._close_sentence())
        return "".join(released)

    def _take(self, space: str, token: str) -> str:
        released = self._close_sentence() if "\n" in space else ""
        if self.stopped:
            return released
        self._sentence.append(space + token)
        if len(self._sentence) == 1 and MARKER.fullmatch(token):
            return released  # a list marker or heading: shown with the word after it
        risk = token_risk(token, initial=not self._has_word, context=self._context)
        self._has_word = self._has_word or WORD.search(token) is not None
        released += self._judge(token, risk)
        if SENTENCE_END.search(token):
            released += self._close_sentence()
        return released

    def _judge(self, token: str, risk: Risk) -> str:
        if self._mode == "open":
            if risk == "safe":
                return self._show_rest()
            self._mode = "suspect" if risk == "suspect" else "held"
            return ""
        if self._mode == "suspect":
            # An unknown capitalized first word is only a product name if another name follows.
            word = first_word(token)
            if word is None:
                return ""
            if risk != "safe" or is_name_like(word):
                self._mode = "held"
                return ""
            self._mode = "open"
            return self._show_rest()
        return ""

    def _close_sentence(self) -> str:
        if self._mode != "open":
            found = check_sentence("".join(self._sentence), self._context)
            if found:
                self._cut(found)
                return ""
        released = self._show_rest()
        self._sentence, self._shown_upto = [], 0
        self._mode, self._has_word = "open", False
        return released

    def _show_rest(self) -> str:
        parts = self._sentence[self._shown_upto :]
        if parts and self._early:
            parts[0], self._early = parts[0][self._early :], 0
        text = "".join(parts)
        self._shown_upto = len(self._sentence)
        self._shown_any = self._shown_any or bool(text.strip())
        return text

    def _cut(self, found: list[Violation]) -> None:
        self.violations.extend(found)
        self.stopped = True
        if self._shown_any:
            # A half-shown sentence or a new line gets a line break; a whole one just a space.
            shown = "".join(self._sentence[: self._shown_upto])
            line_break = shown.strip() or self._early or "\n" in "".join(self._sentence[:1])
            self._separator = "\n" if line_break else " "
        self._sentence, self._pending = [], ""
